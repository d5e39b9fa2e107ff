"""tumen.geo.route_files: rail and sea routes to GeoJSON and back, every number exact."""

import dataclasses
import json
import math

import numpy as np
import pytest

from tumen.errors import DataError
from tumen.geo import route_files
from tumen.geo.rail import RailRoute
from tumen.geo.railways import HealedGap, Snap
from tumen.geo.sea import SeaRoute

# awkward floats: many digits, a tiny one, a negative zero
LAT = np.array([42.123456789012345, 43.1, 44.99999999999999, -0.0])
LON = np.array([130.1 + 1e-13, 131.2, 1 / 3, 179.99999999999997])


def snap(label, node=7):
    return Snap(
        label, 42.1 / 3, 130.0 + 2**-40, np.int64(node), 42.2, 130.30000000000001, 0.1 + 0.2
    )


def rail_route(allowed=("RUS",)):
    gap = HealedGap(np.int64(3), 4, 43.0, 131.0, 43.01, 131.02, 1.668450906814282)
    return RailRoute(
        length_km=9612.956450906835,
        snaps=(snap("dunai_port"), snap("tikhoretsk_depot", 9)),
        healed_on_path=(gap,),
        healed_total=12,
        nodes=(1, 3, 4, 9),
        lat=LAT.copy(),
        lon=LON.copy(),
        countries=("RUS",),
        allowed_countries=allowed,
        heal_gap_km=5.0,
    )


def sea_route(cell_km=0.25):
    return SeaRoute(
        length_km=195.18021943245014,
        length_nm=105.38888738253247,
        snaps=(snap("rajin_port"), snap("dunai_port")),
        lat=LAT[:2].copy(),
        lon=LON[:2].copy(),
        cell_km=cell_km,
        clearance_km=0.5,
        crs="+proj=tmerc +lat_0=42.7 +lon_0=131.2 +units=m",
    )


def same(a, b):
    assert type(a) is type(b)
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
            assert np.array_equal(np.signbit(x), np.signbit(y)), f.name
        elif isinstance(x, float) and math.isnan(x):
            assert math.isnan(y), f.name
        else:
            assert x == y, f.name


@pytest.mark.parametrize(
    "route",
    [rail_route(), rail_route(allowed=None), sea_route(), sea_route(math.inf), sea_route(math.nan)],
)
def test_a_route_round_trips_exactly(route, tmp_path):
    path = route_files.write_routes({"r": route}, tmp_path / "r.geojson")
    back = route_files.read_routes(path)
    same(route, back.routes["r"])
    assert back.missing == {}
    # what the overview derives from it is the same too
    assert back.routes["r"].total_km == route.total_km


def test_the_file_is_geojson_and_says_what_is_missing(tmp_path):
    path = route_files.write_routes(
        {"route": rail_route(), "crossing": None, "sea": sea_route(math.inf)},
        tmp_path / "routes.geojson",
        missing={"crossing": "no railway within Kazakhstan", "sea": ""},
    )
    data = json.loads(path.read_text())  # strict JSON: no NaN or Infinity
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["route", "sea"]
    assert data["features"][0]["geometry"]["type"] == "LineString"
    assert data["features"][0]["geometry"]["coordinates"][0] == [LON[0], LAT[0]]
    assert data["features"][1]["properties"]["cell_km"] == "inf"
    assert data["missing"] == {"crossing": "no railway within Kazakhstan"}
    back = route_files.read_routes(path)
    assert list(back.routes) == ["route", "sea"]
    assert back.missing == {"crossing": "no railway within Kazakhstan"}


def test_a_feature_knows_its_kind():
    assert route_files.to_feature("x", rail_route())["properties"]["kind"] == "rail"
    same(route_files.from_feature(route_files.to_feature("x", sea_route())), sea_route())
    with pytest.raises(TypeError, match="not a rail or sea route"):
        route_files.to_feature("x", object())


def test_an_unreadable_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="not a route file"):
        route_files.read_routes(tmp_path / "none.geojson")
    (tmp_path / "bad.geojson").write_text('{"type": "FeatureCollection"}')
    with pytest.raises(DataError, match="not a route file"):
        route_files.read_routes(tmp_path / "bad.geojson")
