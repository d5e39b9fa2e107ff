"""Scenario matrix of the shuttle notebook: other ships, ports, AIS formats; answers by hand.

Each scenario (``tests/fixtures/shuttle_scenarios.py``) is written into one clean copy of
the project and built as its own variant through the real runner (``make notebooks
PARAMS=<scenario>/params.yaml``, only ``02_vessel_shuttle``). The expected values below are
worked out on paper from the scenario's hourly fixes and sightings, with the rules of
:mod:`tumen.analyses.shuttle.calls`: an AIS call is a stay of >= 2 h at speed < 1 kn inside a 2 km
geofence; a gap is a silence > 6 h between fixes inside the window (also from the window
start to the first fix and from the last fix to the window end); a call is dark when it lies
inside a gap; a round trip is three consecutive visits home, away, home; a trip's containers
are the most counted at its loading visit and the next one.
"""

import json
import re

import pandas as pd
import pytest
from fixtures import shuttle_scenarios

from tumen.engine import rebuild

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """One clean copy of the project shared by the scenarios (each builds its own variant)."""
    return rebuild.copy_tree(tmp_path_factory.mktemp("scenarios") / "tree")


def build(tree, name):
    """Build one scenario; return its results (name -> value) and the notebook's prose."""
    params = shuttle_scenarios.write(shuttle_scenarios.SCENARIOS[name], tree, f"scenarios/{name}")
    proc = rebuild.make_in(tree, "notebooks", params)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    variant = f"scenarios-{name}"
    records = json.loads((tree / f"build/{variant}/results/02_vessel_shuttle.json").read_text())
    nb = json.loads((tree / f"build/{variant}/notebooks/02_vessel_shuttle.ipynb").read_text())
    prose = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = "".join(out.get("data", {}).get("text/markdown", ""))
            prose.append(re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", text)))
    return {k: v["value"] for k, v in records.items()}, " ".join(prose)


def check(res, expected):
    for name, value in expected.items():
        got = res[f"shuttle.{name}"]
        if isinstance(value, float):
            assert got == pytest.approx(value, abs=1e-6), name
        elif isinstance(value, str):  # a time, UTC (a midnight is recorded as a date)
            assert got is not None and pd.Timestamp(got).tz_localize(None) == pd.Timestamp(value), (
                name,
                got,
            )
        else:
            assert got == value, (name, got)


def test_one_ship_and_no_other_traffic(tree):
    """Kittiwake: 25 hourly fixes at Wren 03-01 00:00 .. 03-02 00:00 (one AIS call, 24 h),
    silent from then to the window end 03-21 00:00 (456 h = 19 days); images: Ibis 03-04
    (120), Wren 03-07, Ibis 03-10 (80), Wren 03-13, Ibis 03-16. Calls W I W I W I: 6, the
    5 from images made while dark; trips W-I-W twice (120 and 80 containers); the last call
    is a delivery at Ibis with no return. No other ship is heard at all. By delivery: W-I
    three times (120, 80, none; the last without a return): low 200; the uncounted one is
    taken at mean 100 + sd 28.28 = 128.28, rounded to 128: high 200 + 128 = 328."""
    res, prose = build(tree, "one_ship")
    check(
        res,
        {
            "kittiwake.port_calls": 6,
            "kittiwake.dark_port_calls": 5,
            "kittiwake.round_trips": 2,
            "kittiwake.ais_dark_hours": 456.0,
            "kittiwake.ais_dark_days": 19.0,
            "kittiwake.longest_gap_h": 456.0,
            "kittiwake.first_silence": "2022-03-02T00:00",
            "kittiwake.containers_observed": 200,
            "port_calls_total": 6,
            "dark_port_calls": 5,
            "calls_from_imagery_only": 5,
            "round_trips_total": 2,
            "home_calls": 3,
            "home_calls_with_ais": 1,
            "first_call": "2022-03-01T00:00",
            "last_call": "2022-03-16T10:00",
            "first_dark_call": "2022-03-04T10:00",
            "last_dark_call": "2022-03-16T10:00",
            "containers_low": 200,
            "containers_high": 328,
            "deliveries_with_counts": 2,
            "deliveries_total": 3,
            "deliveries_open": 1,
            "containers_per_uncounted_delivery": 128,
            "home_traffic_reports": 0,
            "home_traffic_vessels": 0,
            "home_fleet_reports": 25,
            "ais_positions": 25,
            "ais_vessels": 1,
            "legs": 5,
            "infeasible_legs": 0,
        },
    )
    assert res["shuttle.home_traffic_longest_silence_h"] is None
    assert res["shuttle.containers_check_max"] is None  # the image of 03-07 has no count
    assert res["shuttle.window_start"].startswith("2022-03-01")
    # the sea route between the two invented ports is longer than the great circle (77.9 nmi)
    assert 78.0 < res["shuttle.sea_route_nm"] < 160.0
    assert "reception argument cannot be made" in prose
    assert "The high end, 200 + 1 × 128 = 328 containers, assumes that" in prose
    assert "a delivery without a return" in prose
    assert "Kittiwake was last heard on 2022-03-02 before its first silence" in prose
    assert not [k for k in res if re.match(r"shuttle\.(angara|maria)\.", k)]


#: Answers of the three-ship scenario (worked in the docstring of the test below).
THREE_SHIPS = {
    "petrel_star.port_calls": 5,
    "petrel_star.dark_port_calls": 3,
    "petrel_star.round_trips": 2,
    "petrel_star.ais_dark_hours": 342.0,
    "petrel_star.longest_gap_h": 282.0,
    "petrel_star.first_silence": "2022-05-01T12:00",
    "petrel_star.containers_observed": 150,
    "gannet.port_calls": 1,
    "gannet.dark_port_calls": 0,
    "gannet.round_trips": 0,
    "gannet.ais_dark_hours": 355.0,
    "gannet.first_silence": "2022-05-02T05:00",
    "mmsi_273555013.port_calls": 3,
    "mmsi_273555013.dark_port_calls": 2,
    "mmsi_273555013.round_trips": 1,
    "mmsi_273555013.ais_dark_hours": 357.0,
    "mmsi_273555013.first_silence": "2022-05-01T03:00",
    "mmsi_273555013.containers_observed": 90,
    "port_calls_total": 9,
    "dark_port_calls": 5,
    "calls_from_imagery_only": 5,
    "round_trips_total": 3,
    "home_calls": 5,
    "home_calls_with_ais": 2,
    "containers_low": 240,
    "containers_high": 402,
    "deliveries_with_counts": 2,
    "deliveries_total": 3,
    "deliveries_open": 0,
    "petrel_star.deliveries": 2,
    "gannet.deliveries": 0,
    "mmsi_273555013.deliveries": 1,
    "home_traffic_reports": 49,
    "home_traffic_vessels": 1,
    "home_traffic_longest_silence_h": 1.0,
    "home_fleet_reports": 17,
    "longest_gap_h": 357.0,
    "containers_check_max": 150,
    "ais_positions": 13 + 7 + 6 + 4 + 49,
    "ais_vessels": 4,
}


def test_three_ships_one_by_mmsi_one_without_sightings(tree):
    """Petrel Star: fixes at Wren 05-01 00-12 h and Ibis 05-04 00-06 h; gaps 60 h between
    and 282 h to the window end 05-16 (342 h); images Wren 05-07 (150), Ibis 05-09 (140),
    Wren 05-12: calls W I W I W, trips W-I-W twice (no count; 150). gannet: fixes at Ibis
    05-02 00-05 h only, no image: one call, gaps 24 h from the window start and 331 h to
    the end (355 h). mmsi:273555013 (no static report): fixes at Wren 05-01 00-03 h, gap
    357 h; images Ibis 05-05 (90), Wren 05-08: calls W I W, one trip (90). Tern Trader, not
    of interest, reports hourly at Wren 05-01 00:00 .. 05-03 00:00: 49 reports 1 h apart.
    Containers: 150 + 90 = 240 low; the uncounted delivery adds mean 120 + sd 42.43 =
    162.43, rounded to 162 before it is added: 402 high (every delivery returned)."""
    res, prose = build(tree, "three_ships")
    check(res, THREE_SHIPS)
    assert "MMSI 273555013" in prose and "gannet" in prose
    assert (
        "3 round trips" in prose
        and "2 by Petrel Star, 0 by gannet and 1 by MMSI 273555013" in prose
    )


def test_ship_never_heard_and_ports_outside_the_detailed_regions(tree):
    """Two ports in a sea outside the detailed 10m regions: the sea route comes from the
    world-wide land, at least the straight 128 km (69.2 nmi) between the ports and within
    30 % of it; Fulmar's legs of 48 h need under 2 kn, so none is infeasible.
    Fulmar is never heard: one silence over the whole 240 h window,
    images at Heron 06-02, Plover 06-04 (60), Heron 06-06: three dark calls, one trip (60).
    Skua: fixes at Heron 06-01 00-04 h (one call), then silent 236 h; never imaged. Auk,
    not of interest, reports only at Plover: no other traffic at the loading port."""
    res, prose = build(tree, "never_heard_elsewhere")
    check(
        res,
        {
            "fulmar.port_calls": 3,
            "fulmar.dark_port_calls": 3,
            "fulmar.round_trips": 1,
            "fulmar.ais_dark_hours": 240.0,
            "fulmar.ais_dark_days": 10.0,
            "fulmar.containers_observed": 60,
            "skua.port_calls": 1,
            "skua.dark_port_calls": 0,
            "skua.round_trips": 0,
            "skua.ais_dark_hours": 236.0,
            "skua.first_silence": "2021-06-01T04:00",
            "port_calls_total": 4,
            "dark_port_calls": 3,
            "calls_from_imagery_only": 3,
            "round_trips_total": 1,
            "home_calls": 3,
            "home_calls_with_ais": 1,
            "containers_low": 60,
            "containers_high": 60,
            "longest_gap_h": 240.0,
            "first_dark_call": "2021-06-02T09:00",
            "last_dark_call": "2021-06-06T09:00",
            "home_traffic_reports": 0,
            "home_fleet_reports": 5,
        },
    )
    assert res["shuttle.fulmar.first_silence"] is None
    assert 69.2 <= res["shuttle.sea_route_nm"] < 1.3 * 69.2
    assert res["shuttle.infeasible_legs"] == 0
    assert "Fulmar was never heard on AIS" in prose
    assert "could not be computed" not in prose
    assert "The vessel shuttle between Heron Quay and Plover" in prose


def test_csv_export_with_day_first_times_and_mmsi_only(tree):
    """A provider's CSV (``dd/mm/yyyy HH:MM``, no names): 7 + 4 + 4 fixes of 273555021 at
    Ibis 11-01 00-06 h, Wren 11-03 00-03 h, Ibis 11-05 00-03 h and 25 of another ship at
    Ibis: 40 positions. Loading port Ibis: calls I W I (AIS) + Wren 11-07 (image, 33
    containers, dark), one trip I-W-I without a count, then a delivery without a return.
    By delivery: I-W (no count, returned) and I-W (33, no return): low 33; the uncounted one
    is taken as the one counted delivery (33, no spread): high 33 + 33 = 66. Gaps 42 + 45 +
    141 = 228 h."""
    res, prose = build(tree, "csv_export")
    check(
        res,
        {
            "ais_positions": 40,
            "ais_vessels": 2,
            "ais_rejected": 0,
            "mmsi_273555021.port_calls": 4,
            "mmsi_273555021.dark_port_calls": 1,
            "mmsi_273555021.round_trips": 1,
            "mmsi_273555021.ais_dark_hours": 228.0,
            "mmsi_273555021.ais_dark_days": 9.5,
            "mmsi_273555021.longest_gap_h": 141.0,
            "mmsi_273555021.first_silence": "2020-11-01T06:00",
            "port_calls_total": 4,
            "round_trips_total": 1,
            "deliveries_total": 2,
            "deliveries_open": 1,
            "deliveries_with_counts": 1,
            "containers_low": 33,
            "containers_high": 66,
            "containers_per_uncounted_delivery": 33,
            "home_calls": 2,
            "home_calls_with_ais": 2,
            "home_traffic_reports": 25,
            "home_traffic_longest_silence_h": 1.0,
            "home_fleet_reports": 11,
        },
    )
    assert "as much as the one counted delivery" in prose
    assert "a delivery without a return" in prose


def test_ship_by_imo_with_no_round_trip_and_no_sightings(tree):
    """Guillemot (given as its IMO number, broadcast in its static report): fixes at Gull,
    the unloading port, 07-01 00-03 h, then silent 117 h to the window end 07-06; no image at
    all. One call, not at the loading port; no round trip, no dark call, no passage. The
    ports lie on two seas about 2,500 km apart: no coastal sea route, said so."""
    res, prose = build(tree, "no_trips")
    check(
        res,
        {
            "imo_9800000.port_calls": 1,
            "imo_9800000.dark_port_calls": 0,
            "imo_9800000.round_trips": 0,
            "imo_9800000.ais_dark_hours": 117.0,
            "imo_9800000.first_silence": "2019-07-01T03:00",
            "port_calls_total": 1,
            "round_trips_total": 0,
            "deliveries_total": 0,
            "deliveries_with_counts": 0,
            "containers_low": 0,
            "home_calls": 0,
            "home_calls_with_ais": 0,
            "home_fleet_reports": 0,
            "home_traffic_reports": 0,
        },
    )
    for name in ("containers_high", "first_dark_call", "last_dark_call", "containers_check_max"):
        assert res[f"shuttle.{name}"] is None, name
    assert "gives no round trip" in prose and "no delivery, so no containers" in prose
    assert "None of them was at Heron" in prose
    assert "no call was made with AIS silent" in prose
    for name in ("sea_route_nm", "infeasible_legs", "shortest_leg_h"):
        assert f"shuttle.{name}" not in res, name
    assert "could not be computed" in prose


def test_last_delivery_without_a_return_counts_in_the_range(tree):
    """Shearwater: fixes at Wren 08-01 00-12 h (one AIS call), then dark to the window end;
    images Ibis 08-03 (100), Wren 08-05, Ibis 08-07 (no count), Wren 08-09, Ibis 08-11
    (140). Calls W I W I W I; round trips W-I-W twice (100; none). Deliveries W-I three
    times: 100 (returned), none (returned), 140 (no return: the last). The low end counts
    every delivery: 100 + 140 = 240 (by round trips it was 100). The one delivery without a
    count is taken at the counted deliveries' mean 120 plus their sd sqrt((20² + 20²) / 1) =
    28.28: 148.28, rounded to 148 before it is added, so the high end is 240 + 1 × 148 =
    388 (rounding the total up instead would give 389). The first delivery reaches Ibis on
    08-03 10:00."""
    res, prose = build(tree, "open_delivery")
    check(
        res,
        {
            "shearwater.port_calls": 6,
            "shearwater.round_trips": 2,
            "shearwater.deliveries": 3,
            "shearwater.deliveries_open": 1,
            "shearwater.deliveries_with_counts": 2,
            "shearwater.containers_observed": 240,
            "round_trips_total": 2,
            "deliveries_total": 3,
            "deliveries_open": 1,
            "deliveries_with_counts": 2,
            "deliveries_without_counts": 1,
            "containers_low": 240,
            "containers_per_uncounted_delivery": 148,
            "containers_high": 388,
            "containers_high_is_bound": False,
            "first_delivery_arrival": "2022-08-03T10:00",
            "first_delivery_departure": "2022-08-01T12:00",
        },
    )
    assert res["shuttle.first_delivery_vessel"] == "Shearwater"
    assert res["shuttle.containers_high"] == (
        res["shuttle.containers_low"]
        + res["shuttle.deliveries_without_counts"]
        * res["shuttle.containers_per_uncounted_delivery"]
    )
    assert "the evidence shows 3 deliveries, 1 of them with no return to Wren" in prose
    assert (
        "The low end, 240 containers, is the largest count on any image of each delivery" in prose
    )
    assert "The high end, 240 + 1 × 148 = 388 containers, assumes that" in prose
    assert "an assumption, not a bound" in prose


@pytest.mark.parametrize(
    "example, expected",
    [
        # another ship of the example data, one that keeps its transponder on: never silent
        # for more than 6 h, no call at either port, so no round trip
        (
            "one_ship",
            {
                "vostok_trader.longest_gap_h": 0.0,
                "vostok_trader.port_calls": 0,
                "port_calls_total": 0,
                "round_trips_total": 0,
            },
        ),
        # the example data with Angara given by its MMSI: the default's figures, renamed
        (
            "by_mmsi",
            {
                "mmsi_273219860.round_trips": 4,
                "mmsi_273219860.port_calls": 13,
                "maria.round_trips": 3,
                "round_trips_total": 7,
                "port_calls_total": 24,
                "containers_low": 959,
            },
        ),
        # the example AIS as a CSV export (minutes, no names, ships by IMO): the same calls and
        # trips as from the NMEA; 23,314 positions, one per ship and minute
        (
            "csv_export",
            {
                "ais_positions": 23314,
                "ais_rejected": 0,
                "imo_9154517.round_trips": 4,
                "imo_9136527.round_trips": 3,
                "port_calls_total": 24,
                "round_trips_total": 7,
                "containers_low": 959,
            },
        ),
    ],
)
def test_readme_examples_build(tree, example, expected):
    """The worked examples of the README build with `make report PARAMS=examples/…`."""
    proc = rebuild.make_in(tree, "report", f"examples/{example}.yaml")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    variant = example.replace("_", "-")
    assert (tree / f"report/{variant}/index.html").exists()
    records = json.loads((tree / f"build/{variant}/results/02_vessel_shuttle.json").read_text())
    check({k: v["value"] for k, v in records.items()}, expected)


def test_overview_says_when_the_sea_route_cannot_be_computed(tree):
    """The overview linked to a shuttle section whose loading port lies in a sea outside the
    offline coast regions: that section has no sea route and says why in the file it leaves
    for the overview (written here as the shuttle notebook writes it); the overview records
    no overview.sea_* result and gives the reason in one sentence."""
    import yaml

    from tumen.analyses.shuttle import ports as shuttle_ports
    from tumen.engine import links
    from tumen.engine.results import Results
    from tumen.geo import gazetteer, route_files

    d = tree / "scenarios" / "overview_far_port"
    d.mkdir(parents=True, exist_ok=True)
    sites = (tree / "data/sites.csv").read_text()
    (d / "sites.csv").write_text(
        sites + "kittiwake_port,Kittiwake port,GRC,port,37.94,23.63,"
        "2.0,1.0,invented for a test scenario\n"
    )
    route, why = shuttle_ports.get_sea_route(
        "kittiwake_port", "dunai_port", gazetteer.load_sites(d / "sites.csv")
    )
    assert route is None and why
    Results(d / "shuttle.json").record("shuttle.calls", 0, "calls", "no calls")
    route_files.write_routes(
        {"sea": route},
        links.files_dir(d / "shuttle.json") / "sea_route.geojson",
        missing={"sea": why},
    )
    base = yaml.safe_load((tree / "params.yaml").read_text())
    params = {
        "report": {**base["report"], "variant": "overview-far-port", "notebooks": ["00_overview"]},
        "overview": {
            **base["overview"],
            "sites_csv": "scenarios/overview_far_port/sites.csv",
            "loading_port": "kittiwake_port",
            "shuttle_results": "scenarios/overview_far_port/shuttle.json",
        },
    }
    (d / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True))
    proc = rebuild.make_in(tree, "notebooks", "scenarios/overview_far_port/params.yaml")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = tree / "build/overview-far-port"
    records = json.loads((out / "results/00_overview.json").read_text())
    assert "overview.sea_km" not in records and "overview.rail_km" not in records
    nb = (out / "notebooks/00_overview.ipynb").read_text()
    assert "The shortest water route from Kittiwake port to" in nb and "could not be computed" in nb
    assert why.split(",")[0] in nb


def test_three_ships_from_a_dma_csv_give_the_same_answers(tree):
    """The three-ship scenario written as a Danish Maritime Authority CSV (``ais_format:
    dma``): the same positions, so the same answers."""
    res, _ = build(tree, "three_ships_dma")
    check(res, THREE_SHIPS)
