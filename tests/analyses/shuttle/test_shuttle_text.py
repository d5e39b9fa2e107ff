"""Tests for tumen.analyses.shuttle.text: the sentences loop over any ships and say every empty case.

Results are hand-made records (no analysis runs); the rendered Markdown is compared with
the words it must and must not contain.
"""

import re

import pandas as pd
import pytest

from tumen.analyses.shuttle import text
from tumen.engine.results import Results


def rendered(md) -> str:
    """Markdown object -> plain text (spans and Markdown escapes removed)."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", md.data))


@pytest.fixture
def res(tmp_path):
    r = Results(tmp_path / "results.json")
    values = {
        "longest_gap_h": 480.0,
        "longest_gap_days": 20.0,
        "window_start": "2024-01-01",
        "window_end": "2024-01-21",
        "min_gap_h": 6.0,
        "max_call_h": 48.0,
        "home_traffic_reports": 0,
        "home_traffic_longest_silence_h": None,
        "home_fleet_reports": 0,
        "kestrel.first_silence": "2024-01-02T03:00:00Z",
        "kestrel.ais_dark_days": 19.0,
        "mmsi_273000009.first_silence": None,
        "mmsi_273000009.ais_dark_days": 20.0,
        "port_calls_total": 0,
        "round_trips_total": 0,
        "deliveries_total": 0,
        "deliveries_with_counts": 0,
        "containers_low": 0,
        "containers_high": None,
        "ais_vessels": 1,
    }
    for name, value in values.items():
        r.record(f"shuttle.{name}", value, "1", "test value")
    return r


def test_silences_of_a_ship_never_heard_and_no_other_traffic(res):
    out = rendered(
        text.describe_silences(
            res,
            ["Kestrel", "mmsi:273000009"],
            heard={"Kestrel"},
            home="Wren",
            map_name="wren_ibis_sea_route_map",
        )
    )
    assert "Kestrel was last heard on 2024-01-02 before its first silence" in out
    assert "MMSI 273000009 was never heard on AIS: its silence is the whole window" in out
    assert "Kestrel was silent for 19 days and MMSI 273000009 for 20 days" in out
    assert "no other ship was heard inside the Wren geofence" in out
    assert "reception argument cannot be made" in out
    assert "None" not in out and "n/a" not in out
    # no report from the ships at the loading port: said in words, never "sent 0 reports"
    assert "not one report from the ships of interest came from there" in out
    assert "sent 0" not in out


def test_no_calls_no_trips_no_containers(res):
    assert "gives no port call" in rendered(text.describe_port_calls(res, home="W", away="I"))
    calls = pd.DataFrame({"vessel": [], "site": [], "first_evidence": []})
    trips = rendered(
        text.describe_round_trips(
            res, ["Kestrel"], calls, home="W", away="I", home_id="w", away_id="i"
        )
    )
    assert trips.startswith("Ordering Kestrel's calls gives no round trip W → I → W")
    out = rendered(text.describe_containers(res, ["Kestrel"], {}, home="W", away="I"))
    assert out.startswith("No passage from W to I was found in the window: no delivery")


def test_one_way_delivery_is_said():
    calls = pd.DataFrame(
        {
            "vessel": ["K", "K", "K", "L", "L", "L"],
            "site": ["w", "i", "w", "w", "i", "i"],
            "first_evidence": pd.to_datetime([1, 2, 3, 1, 2, 3], unit="D", utc=True),
        }
    )
    assert not text.ends_one_way(calls, "K", "w", "i")
    assert text.ends_one_way(calls, "L", "w", "i")  # w, then i twice: one visit, no return


def test_passages_without_a_route(res):
    out = rendered(
        text.describe_passages(
            res,
            home="Heron Quay",
            away="Plover",
            map_name="m",
            route_error="sea grid of 9000x8000 cells is too large for a coastal leg",
        )
    )
    assert "could not be computed (sea grid of 9000x8000 cells is too large" in out
    assert "not checked" in out


def test_passages_with_a_route_but_no_leg_between_evidence(res):
    for name, value, unit in (
        ("sea_route_nm", 77.6, "nmi"),
        ("max_speed_kn", 20.0, "kn"),
        ("min_transit_hours", 3.88, "hours"),
        ("legs", 0, ""),
    ):
        res.record(f"shuttle.{name}", value, unit, name)
    out = rendered(text.describe_passages(res, home="Heron Quay", away="Plover", map_name="m"))
    assert "is 78 nautical miles" in out and "at least 3.8 hours" in out  # bounds round outwards
    assert "No passage between the two ports lies between two pieces of evidence" in out


def test_passage_bounds_point_the_right_way(tmp_path):
    """At most 24.1 hours on the quickest passage means at least (not at most) its speed;
    each rounded bound still holds: at most 25 hours, at least 4.3 knots, takes at least 7.5
    hours (7.59 at 14 kn)."""
    r = Results(tmp_path / "results.json")
    for name, value in {
        "sea_route_nm": 106.3,
        "max_speed_kn": 14.0,
        "min_transit_hours": 7.59,
        "legs": 16,
        "shortest_leg_h": 24.1,
        "fastest_leg_kn": 4.37,
        "infeasible_legs": 0,
    }.items():
        r.record(f"shuttle.{name}", value, "1", "test value")
    out = rendered(text.describe_passages(r, home="Wren", away="Ibis", map_name="m"))
    assert "the passage takes at least 7.5 hours" in out
    assert "The quickest of the 16 passages took at most 25 hours" in out
    assert "averaged at least 4.3 knots" in out
    assert "no more than" not in out


def test_reception_bound_rounds_up(res):
    for name, value in {
        "home_traffic_reports": 984,
        "home_traffic_longest_silence_h": 7.95,
        "home_traffic_vessels": 9,
        "home_fleet_reports": 0,
    }.items():
        res.record(f"shuttle.{name}", value, "1", "test value")
    heard = rendered(
        text.describe_silences(res, ["Kestrel"], heard={"Kestrel"}, home="Wren", map_name="m")
    )
    assert "heard 984 times at Wren, never more than 8.0 hours apart" in heard


def test_container_range_says_what_each_end_assumes(tmp_path):
    import pandas as pd

    from tumen.analyses.shuttle import containers as shuttle

    r = Results(tmp_path / "r.json")
    # two ships; Kestrel's last delivery has no return; counts 100 and 140, one delivery
    # without: mean 120 + sd 28.28 = 148.28 -> 148 per uncounted delivery
    rng = shuttle.get_container_range(
        pd.DataFrame({"containers_max": pd.array([100, 140, pd.NA], "Int64")})
    )
    for name, value in {
        "deliveries_total": 3,
        "deliveries_open": 1,
        "kestrel.deliveries": 2,
        "kestrel.deliveries_open": 1,
        "skua.deliveries": 1,
        "skua.deliveries_open": 0,
        "deliveries_with_counts": rng["counted"],
        "deliveries_without_counts": rng["uncounted"],
        "containers_low": rng["low"],
        "containers_high": rng["high"],
        "containers_per_uncounted_delivery": rng["estimate"],
    }.items():
        r.record(f"shuttle.{name}", value, "1", "test value")
    out = rendered(text.describe_containers(r, ["Kestrel", "Skua"], rng, home="W", away="I"))
    assert (
        "the evidence shows 3 deliveries (2 by Kestrel and 1 by Skua), 1 of them with no "
        "return to W in the window (Kestrel)."
    ) in out
    assert "The low end, 240 containers, is the largest count" in out
    assert "The high end, 240 + 1 × 148 = 388 containers, assumes that each delivery" in out
    assert "an assumption, not a bound" in out and "bound on" not in out
    # with a capacity the high end is a bound, and says on what
    cap = shuttle.get_container_range(
        pd.DataFrame({"containers_max": pd.array([100, 140, pd.NA], "Int64")}), capacity=200
    )
    assert (cap["low"], cap["high"]) == (240, 600) and cap["high_is_bound"]
    r.record("shuttle.containers_high", cap["high"], "1", "test value")
    out = rendered(text.describe_containers(r, ["Kestrel", "Skua"], cap, home="W", away="I"))
    assert "The high end, 600 containers, assumes that every delivery carried its capacity" in out
    assert "a bound on what the deliveries found could carry if the capacity is right" in out


@pytest.mark.parametrize(
    "ships, reports, weak", [(2, 31, True), (1, 4, True), (5, 120, False), (9, 984, False)]
)
def test_reception_argument_names_its_ships_and_is_weak_when_they_are_few(
    res, ships, reports, weak
):
    for name, value in {
        "home_traffic_reports": reports,
        "home_traffic_vessels": ships,
        "home_traffic_longest_silence_h": 7.95,
        "home_fleet_reports": 0,
    }.items():
        res.record(f"shuttle.{name}", value, "1", "test value")
    out = rendered(
        text.describe_silences(
            res, ["Kestrel"], heard={"Kestrel"}, home="Wren", map_name="m", min_reception_ships=5
        )
    )
    ship_words = "other ship" if ships == 1 else "other ships"
    assert f"rests on {ships} {ship_words} heard {reports} times at Wren" in out
    assert res["shuttle.min_reception_ships"] == 5
    assert ("the argument is weak" in out) is weak
    if weak:
        assert "fewer than 5 other ships" in out
    assert "shows in the other ships" not in out  # the old overclaim
