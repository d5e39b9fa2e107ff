"""Tests for tumen.analyses.route.route: places along a route, where routes join, the
healing sensitivity and the routes of the study, on hand-made inputs and the toy network."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tumen.analyses.route import record, route, tables
from tumen.engine.results import Results
from tumen.errors import DataError, NoRouteError, ParameterError
from tumen.geo import earth, gazetteer, railways
from tumen.geo import rail as geo_rail

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"
KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


@pytest.fixture(scope="module")
def sites():
    return gazetteer.load_sites(FIXTURES / "sites.csv")


def _straight_route(length_km=None):
    """A route along the equator from lon 0 to lon 1 (five vertices)."""
    lon = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    geodesic = earth.line_length_km(np.zeros(5), lon)
    return geo_rail.RailRoute(
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
    line = _straight_route(length_km=2 * KM_PER_DEG)
    places = route.places_along(line, sites, within_km=10.0)
    assert places["id"].tolist() == ["near_city", "end_town"]  # port and far city left out
    assert places["name"].tolist() == ["Near City", "End Town"]
    assert places["km_along"].tolist() == pytest.approx([KM_PER_DEG, 2 * KM_PER_DEG], rel=1e-6)
    assert places["off_route_km"].tolist() == pytest.approx(
        [earth.distance_km(0.05, 0.5, 0, 0.5), earth.distance_km(-0.01, 1.0, 0, 1.0)], abs=1e-3
    )
    assert route.places_along(line, sites, within_km=1.0).empty
    with pytest.raises(ParameterError):
        route.places_along(line, sites, within_km=-1)
    shown = tables.places_to_display(places)
    assert list(shown.columns)[0] == "Place"


def test_join_point_and_nearest_place(sites):
    a = geo_rail.RailRoute(
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
    b = geo_rail.RailRoute(
        2.0, (), (), 0, (1, 9), np.array([1.0, 0.0]), np.array([1.0, 0.2]), ("AAA",), None, 0.0
    )
    assert route.join_point(a, b) == (0.0, 0.2)
    with pytest.raises(DataError):
        route.join_point(
            a,
            geo_rail.RailRoute(1.0, (), (), 0, (1,), np.zeros(1), np.zeros(1), ("AAA",), None, 0.0),
        )
    place, km = route.nearest_place(0.0, 0.2, sites)
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
    table = route.heal_sensitivity(
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
    shown = tables.heal_sensitivity_to_display(table)
    assert "Note" not in shown.columns and "Gaps bridged up to (km)" in shown.columns


def test_study_route_and_record_on_the_toy_network(tmp_path, sites):
    _write_toy_network(tmp_path)
    study = route.study_route(
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
    table = tables.route_table({"main": study.route, "any": study.unconstrained})
    assert table["Countries crossed"].tolist() == ["AAA", "AAA"]  # not in the country layer
    res = Results(tmp_path / "results.json")
    recorded = record.record_route(res, study)
    assert recorded["rail_km"] == pytest.approx(study.route.length_km)
    assert recorded["healed_gaps"] == 1
    assert recorded["heal_min_rail_km"] == pytest.approx(22.0)
    assert recorded["unconstrained_saving_km"] == pytest.approx(0.0)
    assert res["route.rail_km"] == recorded["rail_km"]


def test_check_route_ends_names_why_there_is_no_route():
    sites = gazetteer.load_sites(FIXTURES / "sites.csv")
    near = railways.Snap("near_city", 0.05, 0.5, 0, 0.05, 0.5, 0.0)
    far = railways.Snap("far_city", 1.0, 0.5, 1, 1.0, 0.6, 11.1)
    ends = SimpleNamespace(snaps=(near, far))
    route.check_route_ends(ends, sites, countries=["AAA"], max_connector_km=20)  # fine
    route.check_route_ends(ends, sites, countries=None)  # any country
    with pytest.raises(
        NoRouteError,
        match=r"Near City lies in AAA, outside the countries "
        r"allowed \(BBB\)",
    ):
        route.check_route_ends(ends, sites, countries=["BBB"])
    with pytest.raises(NoRouteError, match="is 11 km from Far City, more than 10 km"):
        route.check_route_ends(ends, sites, countries=["AAA"], max_connector_km=10)
