"""Linked sections: the route notebook reads the shuttle notebook's results.

The route section's timeline test starts at the first delivery the shuttle section finds at
the port of unloading (``shuttle.first_delivery_arrival``, read through the linked
parameter ``shuttle_results``). Two variants of the example are built in a clean copy of
the project, both notebooks each, through the runner: the example data as shipped, and the
same data with every AIS message and satellite sighting before 2023-09-19 removed, so that
the first delivery reaches Dunai later. Worked by hand from the example's port calls
(``build/<variant>/results/port_calls.csv``): as shipped, Angara leaves Rajin on 08-16 and
is first seen at Dunai on 08-20 02:31; without the evidence before 09-19, Maria's next call
is at Dunai (no delivery: no call at Rajin before it) and Angara's call at Rajin on 09-19
is followed by Dunai on 09-22 03:17:44, the first delivery. Trains are seen at the depot
on 09-28, so 5.9 days remain, less 1 day of handling: the 9,600-odd km would need about
80 km/h, faster than any speed of the range, and the verdict flips.
"""

import re

import pandas as pd
import pytest
import yaml

from tumen.engine import rebuild, runner

pytestmark = pytest.mark.slow

CUTOFF = pd.Timestamp("2023-09-19", tz="UTC")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    copy = rebuild.copy_tree(tmp_path_factory.mktemp("linked") / "tree")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUMEN_ROOT", str(copy))
        mp.setenv("PYTHONPATH", str(copy / "src"))
        yield copy


def later_data(root):
    """The example AIS and sightings without anything before CUTOFF, under scenarios/."""
    d = root / "scenarios" / "later"
    d.mkdir(parents=True, exist_ok=True)
    epoch = int(CUTOFF.timestamp())
    for f in sorted((root / "data/ais").glob("*.nmea")):
        lines = f.read_text().splitlines(keepends=True)
        times = [re.search(r"c:(\d+)", line) for line in lines]  # junk lines have none: kept
        kept = [line for line, m in zip(lines, times) if m is None or int(m.group(1)) >= epoch]
        (d / f.name).write_text("".join(kept))
    s = pd.read_csv(root / "data/observations/vessel_sightings.csv", dtype=str)
    s[pd.to_datetime(s["observed"], utc=True) >= CUTOFF].to_csv(d / "sightings.csv", index=False)
    return {"ais_glob": "scenarios/later/*.nmea", "sightings_csv": "scenarios/later/sightings.csv"}


def build_pair(root, name, shuttle=None):
    """Build the shuttle and the route notebook as variant ``scn-<name>``; return the
    route's results and prose."""
    variant = f"scn-{name}"
    base = yaml.safe_load((root / "params.yaml").read_text())
    cfg = {
        "report": {"variant": variant, "notebooks": ["02_vessel_shuttle", "03_route_to_depot"]},
        "vessel_shuttle": {**base["vessel_shuttle"], **(shuttle or {})},
        "route_to_depot": base["route_to_depot"],
    }
    rel = f"scenarios/{variant}.yaml"
    (root / "scenarios").mkdir(exist_ok=True)
    (root / rel).write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    runner.run(rel, "vessel_shuttle", quiet=True)
    runner.run(rel, "route_to_depot", quiet=True)
    import json

    out = root / "build" / variant
    res = {
        k: v["value"]
        for k, v in json.loads((out / "results/03_route_to_depot.json").read_text()).items()
    }
    from fixtures import scenarios

    return res, scenarios.prose(root, name, "03_route_to_depot")


def test_the_timeline_verdict_flips_when_the_first_delivery_arrives_later(root):
    shipped, text = build_pair(root, "linked-shipped")
    assert pd.Timestamp(shipped["route.delivery_start"]) == pd.Timestamp("2023-08-20T02:31Z")
    assert shipped["route.delivery_consistent"] is True
    # one ship speed: the sea leg is timed at the shuttle's max_speed_kn
    base = yaml.safe_load((root / "params.yaml").read_text())
    assert shipped["route.ship_speed_kn"] == base["vessel_shuttle"]["max_speed_kn"]
    assert "the timeline is physically consistent with the rail distance" in text
    assert "its first delivery, by Angara, is first seen at Dunai on 2023-08-20T02:31 UTC" in text
    latest = pd.Timestamp(shipped["route.delivery_latest_start"])
    assert f"later than {latest.strftime('%Y-%m-%dT%H:%M')} UTC would have needed more" in text

    later, text = build_pair(root, "linked-later", later_data(root))
    start = pd.Timestamp(later["route.delivery_start"])
    assert start == pd.Timestamp("2023-09-22T03:17:44Z")
    # the report said so: this arrival is later than the latest that passes
    assert start > latest
    assert later["route.delivery_consistent"] is False
    rail_days = (pd.Timestamp("2023-09-28", tz="UTC") - start) / pd.Timedelta(days=1) - 1.0
    assert later["route.delivery_rail_days"] == pytest.approx(rail_days)
    assert later["route.delivery_implied_speed_kmh"] == pytest.approx(
        later["route.total_km"] / (rail_days * 24)
    )
    assert later["route.delivery_implied_speed_kmh"] > later["route.speed_max_kmh"]
    assert "the timeline does not fit the rail distance" in text
