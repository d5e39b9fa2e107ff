"""Tests for tumen.analyses.route.analysis: transit arithmetic, the timeline check, places along a route,
the distance verdicts, on hand-made inputs with known answers (and once on the real data)."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from tumen.analyses.route import analysis as depot
from tumen.engine.results import Results
from tumen.errors import DataError, ParameterError
from tumen.geo import borders, earth, gazetteer, lines, rail, railways
from tumen.report import claims

FIXTURES = Path(__file__).parent / "fixtures" / "depot"
KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


@pytest.fixture(scope="module")
def published():
    return claims.read_claims(FIXTURES / "claims.csv")


@pytest.fixture(scope="module")
def sites():
    return gazetteer.load_sites(FIXTURES / "sites.csv")


# ---------------------------------------------------------------------------- transit time


def test_transit_days_and_implied_speed_known_answers():
    assert depot.transit_days(480, 20) == pytest.approx(1.0)
    assert depot.transit_days(9600, 40) == pytest.approx(10.0)
    assert depot.transit_days(240, np.array([10.0, 20.0])).tolist() == pytest.approx([1.0, 0.5])
    assert depot.implied_speed_kmh(480, 1.0) == pytest.approx(20.0)
    assert depot.implied_speed_kmh(9600, 20) == pytest.approx(20.0)
    assert depot.implied_speed_kmh(480, 0.0) is None
    assert depot.implied_speed_kmh(480, -2.0) is None
    # one knot for a day is 24 nautical miles
    assert depot.sea_passage_days(24 * 1.852, 1.0) == pytest.approx(1.0)
    assert depot.sea_passage_days(195.0, 10.0) == pytest.approx(195.0 / 18.52 / 24)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf")])
def test_bad_speeds_are_parameter_errors(bad):
    with pytest.raises(ParameterError):
        depot.transit_days(100, bad)
    with pytest.raises(ParameterError):
        depot.check_speeds([10, bad])
    with pytest.raises(ParameterError):
        depot.sea_passage_days(100, bad if bad <= 0 else -1)


def test_check_speeds_sorts_and_rejects_non_numbers():
    assert depot.check_speeds([30, 10, 20]) == [10.0, 20.0, 30.0]
    with pytest.raises(ParameterError):
        depot.check_speeds([])
    with pytest.raises(ParameterError):
        depot.check_speeds(["fast"])


def test_transit_table_one_row_per_speed():
    table = depot.transit_table({"from A": 960.0, "from B": 480.0}, [40, 20])
    assert list(table.columns) == [
        "Average speed (km/h)",
        "km per day",
        "Days, from A",
        "Days, from B",
    ]
    assert table["Average speed (km/h)"].tolist() == [20.0, 40.0]
    assert table["km per day"].tolist() == [480.0, 960.0]
    assert table["Days, from A"].tolist() == pytest.approx([2.0, 1.0])
    assert table["Days, from B"].tolist() == pytest.approx([1.0, 0.5])


# ---------------------------------------------------------------------------- timeline


def test_check_timeline_hand_computed():
    # 1 -> 12 September: 11 days; 1 day handling leaves 10 days for 4,800 km = 20 km/h;
    # at 40 km/h the rail leg takes 5 days, so the earliest arrival is 1 + 1 + 5 = 7 Sep
    c = depot.check_timeline(
        4800,
        dt.date(2023, 9, 1),
        dt.date(2023, 9, 12),
        speeds_kmh=[10, 40],
        handling_days=1.0,
        start_claim="a",
        end_claim="b",
    )
    assert c.elapsed_days == 11 and c.rail_days == 10
    assert c.implied_speed_kmh == pytest.approx(20.0)
    assert c.implied_km_per_day == pytest.approx(480.0)
    assert c.earliest_arrival == dt.date(2023, 9, 7)
    assert c.margin_days == pytest.approx(5.0)
    assert (c.fastest_kmh, c.slowest_kmh) == (40.0, 10.0)
    assert c.consistent


def test_check_timeline_too_little_time():
    # 4,800 km in 2 days needs 100 km/h: faster than any speed assumed
    c = depot.check_timeline(4800, dt.date(2023, 9, 1), dt.date(2023, 9, 3), speeds_kmh=[10, 40])
    assert c.implied_speed_kmh == pytest.approx(100.0)
    assert not c.consistent and c.margin_days < 0
    # sea leg and handling eat the whole window: no finite speed makes it
    none_left = depot.check_timeline(
        4800,
        dt.date(2023, 9, 1),
        dt.date(2023, 9, 3),
        speeds_kmh=[10, 40],
        sea_days=1.5,
        handling_days=1.0,
    )
    assert none_left.rail_days == pytest.approx(-0.5)
    assert none_left.implied_speed_kmh is None and none_left.implied_km_per_day is None
    assert not none_left.consistent
    with pytest.raises(ParameterError):
        depot.check_timeline(
            1, dt.date(2023, 9, 1), dt.date(2023, 9, 3), speeds_kmh=[10], handling_days=-1
        )


def test_claim_dates_and_timelines_from_claims(published):
    assert depot.claim_date(published, "shipped") == dt.date(2023, 9, 1)
    assert depot.claim_date(published, "window") == dt.date(2023, 8, 25)
    assert depot.claim_date(published, "window", "low") == dt.date(2023, 8, 20)
    with pytest.raises(ParameterError, match="not a date"):
        depot.claim_date(published, "km_claim")
    with pytest.raises(ParameterError, match="unknown claim"):
        depot.claim_date(published, "nope")
    checks = depot.check_timelines(
        published, ["shipped", "window"], "seen", 4800, speeds_kmh=[10, 40], handling_days=1.0
    )
    assert [c.start for c in checks] == [dt.date(2023, 9, 1), dt.date(2023, 8, 25)]
    assert checks[0].implied_speed_kmh == pytest.approx(20.0)
    # 25 Aug -> 12 Sep: 18 days, 17 for the rail leg
    assert checks[1].implied_speed_kmh == pytest.approx(4800 / (17 * 24))
    table = depot.timeline_table(checks, published)
    assert table["Shipments from (source)"].tolist() == [
        "2023-09-01 (Source S)",
        "2023-08-25 (Source K)",
    ]
    assert table["Consistent"].tolist() == ["yes", "yes"]
    assert table["Fails if the start is later than"].tolist() == [
        "2023-09-06 00:00",
        "2023-09-06 00:00",
    ]


def test_timeline_from_a_delivery_time_and_the_starts_that_fail(published):
    # first seen at the port 2023-09-01 12:00; trains at the depot 09-12: 10.5 days, less 1
    # day handling: 9.5 days for 4,560 km = 20 km/h. At 40 km/h the rail leg takes 4.75 days,
    # so a start later than 09-12 less 5.75 days = 09-06 06:00 fails (it needs more than
    # 40 km/h), and one just after it does
    start = dt.datetime(2023, 9, 1, 12)
    c = depot.check_timeline(
        4560, start, dt.date(2023, 9, 12), speeds_kmh=[10, 40], handling_days=1.0, end_claim="seen"
    )
    assert (c.elapsed_days, c.rail_days) == (10.5, 9.5)
    assert c.implied_speed_kmh == pytest.approx(20.0) and c.consistent
    assert c.latest_start == dt.datetime(2023, 9, 6, 6)
    at = depot.check_timeline(
        4560, c.latest_start, dt.date(2023, 9, 12), speeds_kmh=[10, 40], handling_days=1.0
    )
    assert at.implied_speed_kmh == pytest.approx(40.0) and at.consistent
    late = depot.check_timeline(
        4560,
        c.latest_start + dt.timedelta(hours=1),
        dt.date(2023, 9, 12),
        speeds_kmh=[10, 40],
        handling_days=1.0,
    )
    assert not late.consistent
    # a timezone-aware time is read as UTC
    import pandas as pd

    aware = depot.check_timeline(
        4560,
        pd.Timestamp("2023-09-01T14:00+02:00"),
        dt.date(2023, 9, 12),
        speeds_kmh=[10, 40],
        handling_days=1.0,
    )
    assert aware.start == start and aware.rail_days == 9.5
    table = depot.timeline_table([c], published, start_label="first delivery")
    assert table["Shipments from (source)"].tolist() == ["2023-09-01 12:00 (first delivery)"]


def test_shuttle_link_reads_the_first_delivery_and_the_ship_speed(tmp_path):
    assert depot.read_shuttle_link("") == depot.ShuttleLink("", False, None, "", None)
    missing = depot.read_shuttle_link(str(tmp_path / "none.json"))
    assert not missing.found and missing.arrival is None
    res = Results(tmp_path / "02.json")
    res.record("shuttle.first_delivery_arrival", dt.datetime(2023, 8, 20, 2, 31), "date", "d")
    res.record("shuttle.first_delivery_vessel", "Kestrel", "vessel", "v")
    res.record("shuttle.max_speed_kn", 12.0, "kn", "s")
    link = depot.read_shuttle_link(str(tmp_path / "02.json"))
    assert link == depot.ShuttleLink(
        str(tmp_path / "02.json"), True, dt.datetime(2023, 8, 20, 2, 31), "Kestrel", 12.0
    )
    res.record("shuttle.first_delivery_arrival", None, "date", "no delivery")
    empty = depot.read_shuttle_link(str(tmp_path / "02.json"))
    assert empty.found and empty.arrival is None and empty.ship_speed_kn == 12.0
    (tmp_path / "bad.json").write_text("[1, 2]")
    from tumen.errors import ResultError

    with pytest.raises(ResultError, match="not a results file"):
        depot.read_shuttle_link(str(tmp_path / "bad.json"))


# ---------------------------------------------------------------------------- the route


def _straight_route(length_km=None):
    """A route along the equator from lon 0 to lon 1 (five vertices)."""
    lon = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    geodesic = earth.line_length_km(np.zeros(5), lon)
    return rail.RailRoute(
        length_km=length_km or geodesic,
        snaps=(),
        healed_on_path=(),
        healed_total=0,
        nodes=tuple(range(5)),
        lat=np.zeros(5),
        lon=lon,
        countries=("AAA",),
        allowed_countries=("AAA",),
        heal_gap_km=0.0,
    )


def test_places_along_known_answer(sites):
    # the track is twice the straight line: positions along it scale by two
    route = _straight_route(length_km=2 * KM_PER_DEG)
    places = depot.places_along(route, sites, within_km=10.0)
    assert places["id"].tolist() == ["near_city", "end_town"]  # port and far city left out
    assert places["name"].tolist() == ["Near City", "End Town"]
    assert places["km_along"].tolist() == pytest.approx([KM_PER_DEG, 2 * KM_PER_DEG], rel=1e-6)
    assert places["off_route_km"].tolist() == pytest.approx(
        [earth.distance_km(0.05, 0.5, 0, 0.5), earth.distance_km(-0.01, 1.0, 0, 1.0)], abs=1e-3
    )
    assert depot.places_along(route, sites, within_km=1.0).empty
    with pytest.raises(ParameterError):
        depot.places_along(route, sites, within_km=-1)
    shown = depot.places_to_display(places)
    assert list(shown.columns)[0] == "Place"


def test_join_point_and_nearest_place(sites):
    a = rail.RailRoute(
        3.0,
        (),
        (),
        0,
        (7, 8, 9),
        np.array([0.0, 0.0, 0.0]),
        np.array([0.0, 0.1, 0.2]),
        ("AAA",),
        None,
        0.0,
    )
    b = rail.RailRoute(
        2.0, (), (), 0, (1, 9), np.array([1.0, 0.0]), np.array([1.0, 0.2]), ("AAA",), None, 0.0
    )
    assert depot.join_point(a, b) == (0.0, 0.2)
    with pytest.raises(DataError):
        depot.join_point(
            a,
            rail.RailRoute(1.0, (), (), 0, (1,), np.zeros(1), np.zeros(1), ("AAA",), None, 0.0),
        )
    place, km = depot.nearest_place(0.0, 0.2, sites)
    assert place == "junction_j"
    assert km == pytest.approx(0.01 * KM_PER_DEG, rel=1e-6)


def _write_toy_network(directory: Path) -> None:
    """The toy network of tests/fixtures/geo/README.md (equator, three components)."""
    lon = [0.00, 0.10, 0.20, 0.23, 0.33, 0.60, 0.70]
    pq.write_table(
        pa.table({"lat": [0.0] * 7, "lon": lon, "country": ["AAA"] * 5 + ["BBB"] * 2}),
        directory / "nodes.parquet",
    )
    pq.write_table(
        pa.table(
            {"u": [0, 1, 0, 3, 5], "v": [1, 2, 2, 4, 6], "km": [11.0, 11.0, 25.0, 11.0, 11.0]}
        ),
        directory / "edges.parquet",
    )


def test_heal_sensitivity_on_the_toy_network(tmp_path, sites):
    _write_toy_network(tmp_path)
    table = depot.heal_sensitivity(
        (0.01, 0.0),
        (0.0, 0.34),
        [5.0, 0.0, 5.0],
        countries=("AAA",),
        sites=sites,
        network_dir=tmp_path,
    )
    assert table["heal_gap_km"].tolist() == [0.0, 5.0]  # sorted, duplicates dropped
    no_heal, healed = table.iloc[0], table.iloc[1]
    # without healing the far end snaps back to n2 (0.14 degrees short of it)
    assert no_heal["rail_km"] == pytest.approx(22.0)
    assert no_heal["destination_snap_km"] == pytest.approx(0.14 * KM_PER_DEG, rel=1e-6)
    assert no_heal["healed_on_route"] == 0
    assert healed["rail_km"] == pytest.approx(33 + 0.03 * KM_PER_DEG, rel=1e-6)
    assert healed["healed_on_route"] == 1 and healed["healed_in_network"] == 1
    assert healed["healed_on_route_km"] == pytest.approx(0.03 * KM_PER_DEG, rel=1e-6)
    assert healed["total_km"] == pytest.approx(
        healed["rail_km"] + healed["origin_snap_km"] + healed["destination_snap_km"]
    )
    shown = depot.heal_sensitivity_to_display(table)
    assert "Note" not in shown.columns and "Gaps bridged up to (km)" in shown.columns


def test_study_route_and_record_on_the_toy_network(tmp_path, sites):
    _write_toy_network(tmp_path)
    study = depot.study_route(
        (0.01, 0.0),
        (0.0, 0.34),
        crossing=(0.0, 0.1),
        countries=("AAA",),
        heal_gap_km=5.0,
        heal_gaps_km=[0, 5],
        mainline_via=[(0.0, 0.0)],
        places_within_km=10.0,
        sites=sites,
        network_dir=tmp_path,
    )
    assert study.route.nodes == (0, 1, 2, 3, 4)
    assert study.crossing.nodes == (1, 2, 3, 4)
    assert study.crossing_join == (0.0, 0.1)
    assert study.places.empty  # no town or city of the fixture lies near this short line
    table = depot.route_table({"main": study.route, "any": study.unconstrained})
    assert table["Countries crossed"].tolist() == ["AAA", "AAA"]  # not in the country layer
    res = Results(tmp_path / "results.json")
    recorded = depot.record_route(res, study)
    assert recorded["route.rail_km"] == pytest.approx(study.route.length_km)
    assert recorded["route.healed_gaps"] == 1
    assert recorded["route.heal_min_rail_km"] == pytest.approx(22.0)
    assert recorded["route.unconstrained_saving_km"] == pytest.approx(0.0)


# ---------------------------------------------------------------------------- distances


def test_rounding_step_tolerance_and_units():
    assert [depot.rounding_step(v) for v in (200, 250, 290, 125, 120, 73, 2.6, 0)] == [
        100,
        50,
        10,
        5,
        10,
        1,
        0.1,
        1,
    ]
    assert depot.tolerance(290) == 5 and depot.tolerance(290, 0.05) == pytest.approx(14.5)
    assert depot.tolerance(200, 0.05) == 50
    assert depot.to_km(125, "mi") == pytest.approx(201.168)
    assert depot.to_km(1500, "m") == pytest.approx(1.5)
    with pytest.raises(ParameterError):
        depot.to_km(1, "furlong")
    with pytest.raises(ParameterError):
        depot.tolerance(10, -0.1)


def test_distance_interval_is_shifted_by_the_uncertainty():
    assert depot.distance_interval(194.6, 1.0) == pytest.approx((193.6, 195.6))
    assert depot.distance_interval(0.5, 2.0) == (0.0, 2.5)
    with pytest.raises(ParameterError):
        depot.distance_interval(10, -1)


def test_converted_from_needs_an_earlier_km_figure_that_rounds_to_it(published):
    ids = ["km_claim", "far_claim", "mi_five", "mi_ten", "mi_early"]
    assert depot.converted_from(published, "mi_five", ids) == "km_claim"  # 124.3 -> 125
    assert depot.converted_from(published, "mi_ten", ids) == "km_claim"  # 124.3 -> 120
    assert depot.converted_from(published, "mi_early", ids) == ""  # published first
    assert depot.converted_from(published, "km_claim", ids) == ""  # not miles


def _measures():
    return [
        depot.Measure(
            "depot_to_border",
            "Depot → border",
            195.0,
            47.1,
            38.2,
            "the straight line to the recognised land border",
        ),
        depot.Measure(
            "town_to_border",
            "Town → border",
            201.2,
            47.1,
            38.2,
            "the distance from the town centre",
        ),
        depot.Measure(
            "depot_to_border_rail",
            "Depot → border by rail",
            296.0,
            47.7,
            38.7,
            "the distance along the railway",
        ),
    ]


def test_distance_verdicts_known_answers(published):
    ids = ["km_claim", "far_claim", "mi_five", "mi_ten", "lost_claim"]
    v = depot.distance_verdicts(published, ids, _measures(), rtol=0.05).set_index("claim")
    # 200 km: within half its rounding step (50) of 195
    assert v.loc["km_claim", "agrees"] and v.loc["km_claim", "tolerance_km"] == 50
    assert v.loc["km_claim", "difference_km"] == pytest.approx(5.0)
    assert v.loc["km_claim", "reason"] == "Agrees within its rounding"
    # 290 km: 95 km too far for a straight line; within 5 % of the rail distance
    far = v.loc["far_claim"]
    assert not far["agrees"] and far["tolerance_km"] == pytest.approx(14.5)
    assert far["closest"] == "Depot → border by rail" and far["fits"] == "depot_to_border_rail"
    assert far["reason"].startswith("Too far from the straight line")
    assert "it fits the distance along the railway" in far["reason"]
    # 125 mi = 201.168 km: agrees (tolerance 6.25 mi), matches the town best, is 200 km
    five = v.loc["mi_five"]
    assert five["published_km"] == pytest.approx(201.168)
    assert five["agrees"] and five["closest"] == "Town → border"
    assert "matches the distance from the town centre best" in five["reason"]
    assert five["converted_from"] == "km_claim"
    assert "Source K's 200 km converted to miles and rounded to the nearest 5" in five["reason"]
    # 120 mi = 193.1 km: close to the headline, no alternative worth naming
    ten = v.loc["mi_ten"]
    assert ten["agrees"] and ten["reason"].startswith("Agrees within its rounding;")
    # 500 km: nothing fits
    lost = v.loc["lost_claim"]
    assert not lost["agrees"] and lost["fits"] == ""
    assert lost["reason"].startswith("Fits no measure here: longer than")
    shown = depot.verdicts_to_display(v.reset_index())
    assert shown["Verdict (± rounding, km)"].tolist()[:2] == [
        "consistent (± 50)",
        "inconsistent (± 14.5)",
    ]
    with pytest.raises(ParameterError):
        depot.distance_verdicts(published, ["shipped"], _measures())
    with pytest.raises(ParameterError):
        depot.distance_verdicts(published, ["km_claim"], [])


def test_a_distance_that_two_readings_explain_names_both(published, tmp_path):
    # a hand-made line of contact: the meridian 0° from 1° S to 1° N; a depot on the equator
    # at 2.6° E is 2.6° of the equator from it: 2.6 x 6378.137 x pi / 180 = 289.43 km
    front = tmp_path / "front.geojson"
    front.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"date": "2023-10-13", "source": "hand-made"}, "geometry": '
        '{"type": "LineString", "coordinates": [[0, -1], [0, 1]]}}]}'
    )
    line = lines.read_line(front)
    site = gazetteer.Site("d", "D", "XXX", "depot", 0.0, 2.6, 0.0, 0.0, "")
    m = depot.line_measure(site, line)
    assert m.km == pytest.approx(2.6 * KM_PER_DEG, abs=0.01)
    assert (m.lat, m.lon) == pytest.approx((0.0, 0.0), abs=1e-4)  # the projection: ~0.4 m
    assert m.reason == "the straight line to the line of contact of 2023-10-13"
    # 290 km (tolerance 14.5 km) fits the rail distance (296) and the line (289.4), not the
    # border (195): both readings are named, the closer first, and neither is "the" answer
    v = depot.distance_verdicts(
        published, ["far_claim", "km_claim"], _measures() + [m], rtol=0.05
    ).set_index("claim")
    assert v.loc["far_claim", "readings"] == (m.reason, "the distance along the railway")
    assert v.loc["far_claim", "reason"] == (
        "Too far from the straight line to the recognised land border; it fits more than one "
        "reading: the straight line to the line of contact of 2023-10-13, or the distance "
        "along the railway"
    )
    # without the line, the reading is named as not measured, for disagreeing figures only
    v = depot.distance_verdicts(
        published,
        ["far_claim", "km_claim", "lost_claim"],
        _measures(),
        rtol=0.05,
        unmeasured=[depot.LINE_OF_CONTACT_READING],
    ).set_index("claim")
    assert v.loc["far_claim", "readings"] == ("the distance along the railway",)
    assert v.loc["far_claim", "reason"].endswith(
        "it fits the distance along the railway; the straight line to the line of contact "
        "could fit as well, but is not measured here"
    )
    assert v.loc["km_claim", "unmeasured"] == ()
    assert v.loc["lost_claim", "reason"] == (
        "Longer than the straight line to the recognised land border; it fits none of the "
        "distances measured here; the straight line to the line of contact could fit, but is "
        "not measured here"
    )
    res = Results(tmp_path / "r.json")
    distances = depot.DistanceStudy(
        depot=site,
        town=site,
        territory=borders.NearestPoint(1.0, 0, 0, "X", "10m"),
        border=borders.NearestPoint(1.0, 0, 0, "X", "10m"),
        town_territory=borders.NearestPoint(1.0, 0, 0, "X", "10m"),
        town_border=borders.NearestPoint(1.0, 0, 0, "X", "10m"),
        part=None,
        part_name="",
        rail=SimpleNamespace(total_km=296.0, lat=0.0, lon=0.0),
        country="UKR",
        neighbour="RUS",
    )
    depot.record_distances(res, distances, v.reset_index(), line=line, line_km=m)
    assert res["route.depot_to_line_of_contact_km"] == pytest.approx(289.43, abs=0.01)
    assert res["route.line_of_contact_date"] == "2023-10-13"
    assert res["route.line_of_contact_measured"] is True
    assert res["route.claim_readings_far_claim"] == 1


@pytest.mark.parametrize(
    "text, field, line",
    [
        (
            '{"type": "Feature", "properties": {"date": "2023-10-13", "source": "s"},\n'
            ' "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}',
            "geometry.type",
            2,
        ),
        (
            '{"type": "Feature", "properties": {"source": "s"},\n'
            ' "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}',
            "properties.date",
            1,
        ),
        (
            '{"type": "Feature", "properties": {"date": "2023-10-13", "source": "s"},\n'
            ' "geometry": {"type": "LineString",\n "coordinates": [[40, 200], [41, 201]]}}',
            "geometry.coordinates",
            3,
        ),
        (
            '{"type": "Feature", "properties": {"date": "October", "source": "s"},\n'
            ' "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}',
            "properties.date",
            1,
        ),
    ],
)
def test_a_bad_line_file_names_file_line_and_field(tmp_path, text, field, line):
    p = tmp_path / "front.geojson"
    p.write_text(text)
    with pytest.raises(DataError) as exc:
        lines.read_line(p)
    assert exc.value.field == field and exc.value.line == line
    (tmp_path / "broken.geojson").write_text('{"type": \n')
    with pytest.raises(DataError, match="not JSON") as exc:
        lines.read_line(tmp_path / "broken.geojson")
    assert exc.value.line == 2


def test_claim_tests_feed_claims_compare(published, tmp_path):
    tests = depot.claim_tests(
        published,
        ["km_claim", "far_claim", "mi_five"],
        distance_result="route.depot_to_border_km",
        rtol=0.05,
        arrival_claim="seen",
        arrival_result="route.earliest_arrival",
    )
    assert tests["km_claim"] == {
        "result": "route.depot_to_border_km",
        "kind": "within",
        "tol": 50,
        "label": "straight line, depot → recognised border",
    }
    assert tests["mi_five"]["tol"] == pytest.approx(6.25)
    res = Results(tmp_path / "r.json")
    res.record("route.depot_to_border_km", 195.0, "km", "test")
    res.record("route.earliest_arrival", dt.date(2023, 9, 7), "date", "test")
    table = claims.compare(published, res, tests).set_index("claim")
    assert table["agrees"].tolist() == [True, False, True, True]
    verdicts = claims.assess(published, res, tests)
    assert verdicts["verdict"].tolist() == [
        "consistent",
        "inconsistent",
        "consistent",
        "consistent",
    ]
    assert table.loc["mi_five", "reproduced"] == "121 mi (195 km)"


# ---------------------------------------------------------------------------- real data


def test_depot_distances_on_the_offline_data():
    study = depot.study_distances(
        "tikhoretsk_depot", "tikhoretsk", part_name="Crimea", part_box=[32.0, 44.0, 37.0, 46.15]
    )
    # nearest territory is the Azov coast next to the land border, not Crimea
    assert study.territory.distance_km <= study.border.distance_km
    assert 150 < study.border.distance_km < 250
    assert not study.nearest_in_part and study.part.distance_km > study.border.distance_km
    assert study.border_at_end  # where the land border meets the Sea of Azov
    assert study.interval("border") == pytest.approx(
        (study.border.distance_km - 1.0, study.border.distance_km + 1.0)
    )
    # the town is south-east of the depot, farther from the border
    assert study.town_border.distance_km > study.border.distance_km
    # by rail is longer than in a straight line, and ends on the land border
    assert study.rail.total_km > study.border.distance_km
    border = borders.get_border("RUS", "UKR")
    assert border.distance(shapely.Point(study.rail.lon, study.rail.lat)) < 1e-6
    keys = [m.key for m in study.measures()]
    assert keys[0] == "depot_to_border" and "depot_to_border_rail" in keys
    assert all(m.mi == pytest.approx(m.km / 1.609344) for m in study.measures())
    with pytest.raises(ParameterError):
        depot.study_distances("tikhoretsk_depot", "tikhoretsk", part_box=[0, 0, 1, 1])


def test_check_route_ends_names_why_there_is_no_route():
    from types import SimpleNamespace

    from tumen.errors import NoRouteError

    sites = gazetteer.load_sites(Path(__file__).parent / "fixtures/depot/sites.csv")
    near = railways.Snap("near_city", 0.05, 0.5, 0, 0.05, 0.5, 0.0)
    far = railways.Snap("far_city", 1.0, 0.5, 1, 1.0, 0.6, 11.1)
    route = SimpleNamespace(snaps=(near, far))
    depot.check_route_ends(route, sites, countries=["AAA"], max_connector_km=20)  # fine
    depot.check_route_ends(route, sites, countries=None)  # any country
    with pytest.raises(
        NoRouteError,
        match=r"Near City lies in AAA, outside the countries "
        r"allowed \(BBB\)",
    ):
        depot.check_route_ends(route, sites, countries=["BBB"])
    with pytest.raises(NoRouteError, match="is 11 km from Far City, more than 10 km"):
        depot.check_route_ends(route, sites, countries=["AAA"], max_connector_km=10)
