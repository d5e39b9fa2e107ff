"""Tests for tumen.geo.sea: water-only routes round hand-made and real coasts."""

import numpy as np
import pytest
import shapely

from tumen.errors import DataError, ParameterError
from tumen.geo import earth, sea
from tumen.geo import world as geo_world

KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


def test_sea_route_goes_round_a_hand_made_wall():
    # a north-south wall at lon 0.09-0.11 from 0.5 S to 0.05 N: the way round is north
    wall = shapely.box(0.09, -0.5, 0.11, 0.05)
    route = sea.sea_route((0.0, 0.0), (0.0, 0.2), land=wall, margin_km=12.0, cell_km=0.25)
    assert not route.geometry.intersects(wall)
    assert route.lat.max() > 0.05
    # at least the taut path round the wall's corners; at most a little longer
    taut = 2 * earth.distance_km(0.0, 0.0, 0.05, 0.09) + 0.02 * KM_PER_DEG
    assert taut < route.length_km < taut * 1.08
    assert route.length_nm == pytest.approx(route.length_km / 1.852)
    assert all(s.km < 0.5 for s in route.snaps)


def test_sea_route_open_water_is_straight():
    route = sea.sea_route((0.0, 0.0), (0.1, 0.1), land=shapely.box(5, 5, 6, 6), margin_km=5.0)
    assert len(route.lat) == 2
    straight = earth.distance_km(0.0, 0.0, 0.1, 0.1)
    assert route.length_km == pytest.approx(straight, abs=0.5)


def test_sea_route_rajin_to_dunai_stays_on_water():
    route = sea.sea_route("rajin_port", "dunai_port")
    assert 150 < route.length_km < 260
    assert route.length_nm == pytest.approx(route.length_km / 1.852)
    assert [s.label for s in route.snaps] == ["rajin_port", "dunai_port"]
    assert all(0 <= s.km < 5 for s in route.snaps)
    assert route.length_km < route.total_km < route.length_km + 10
    land = sea.get_land("10m")
    # never crosses land, checked in lon/lat on the densified geodesic line too
    assert not route.geometry.intersects(land)
    dense = shapely.segmentize(route.geometry, 0.005)
    assert not dense.intersects(land)
    assert "nm" in route.report()


def test_sea_route_outside_the_regions_uses_the_world_layer():
    """Across the Strait of Gibraltar (far outside the regional boxes): Algeciras (36.13 N,
    5.43 W, inside its bay) to Tanger Med (35.89 N, 5.50 W). The straight line is about
    27 km and crosses no land; leaving the bay adds a few km, so the route lies between the
    straight line and 1.5 times it, and never touches Natural Earth 10m land."""
    a, b = (36.13, -5.43, "algeciras"), (35.89, -5.50, "tanger_med")
    assert geo_world.get_region_covering([a[1], b[1]], [a[0], b[0]]) is None
    route = sea.sea_route(a[:2], b[:2])
    straight = earth.distance_km(a[0], a[1], b[0], b[1])
    assert 26 < straight < 28
    assert straight <= route.length_km < 1.5 * straight
    assert all(s.km < 3 for s in route.snaps)
    land = shapely.union_all(geo_world.get_world_layer("land", (-6.5, 35.0, -4.5, 37.0)))
    assert not shapely.segmentize(route.geometry, 0.005).intersects(land)


def test_world_land_equals_the_regional_land_inside_a_region():
    """The world layer is the same Natural Earth 10m land, only unclipped."""
    bounds = (129.0, 41.5, 132.0, 43.5)  # inside the korea_primorye box
    world = shapely.union_all(geo_world.get_world_layer("land", bounds))
    regional = sea.get_land("10m").intersection(shapely.box(*bounds))
    assert world.area > 1.0
    assert world.symmetric_difference(regional).area < 1e-9 * world.area


def test_ports_on_waters_that_do_not_connect_have_no_route():
    """Kerch (Black Sea side, 45.33 N 37.37 E) and Makhachkala (Caspian, 42.98 N 47.52 E):
    a grid of (about 830 + 60) x (260 + 60) km is allowed, but the two seas do not connect,
    so one end is hundreds of km from the largest open water: no route."""
    with pytest.raises(DataError, match="no water path joins the two ports"):
        sea.sea_route((45.33, 37.37), (42.98, 47.52))


def test_a_sea_grid_too_large_is_refused():
    with pytest.raises(ParameterError, match="too large for a coastal leg"):
        sea.sea_route((36.13, -5.43), (40.6, 14.3))  # Gibraltar to the Bay of Naples


def test_ocean_route_reports_its_coarse_snaps():
    # searoute's network snaps Rajin far offshore: the snap is reported, not hidden
    route = sea.ocean_route("rajin_port", (29.95, 122.15))
    assert route.snaps[0].km > 20
    assert 1000 < route.length_km < 2500
    assert "searoute" in route.report()


def test_sea_route_is_the_same_line_both_ways():
    wall = shapely.box(0.09, -0.5, 0.11, 0.05)
    there = sea.sea_route((0.0, 0.0), (0.0, 0.2), land=wall, margin_km=12.0)
    back = sea.sea_route((0.0, 0.2), (0.0, 0.0), land=wall, margin_km=12.0)
    assert back.length_km == there.length_km
    np.testing.assert_array_equal(back.lat, there.lat[::-1])
    assert [s.label for s in back.snaps] == [s.label for s in there.snaps][::-1]
