"""Tests for tumen.geo.borders: countries, land borders and the nearest point of either."""

import numpy as np
import pytest
import shapely

from tumen.errors import ParameterError
from tumen.geo import borders, earth, gazetteer


def test_distance_to_geometry_hand_checked_square():
    square = shapely.box(-1, -1, 1, 1)  # lon/lat degrees
    east = borders.distance_to_geometry(0.0, 2.0, square)
    assert east.distance_km == pytest.approx(earth.distance_km(0, 2, 0, 1), abs=0.01)
    assert (east.lat, east.lon) == pytest.approx((0.0, 1.0), abs=1e-4)
    inside = borders.distance_to_geometry(0.5, 0.5, square)
    assert inside.distance_km == 0.0
    edge = borders.distance_to_geometry(0.5, 0.5, square.boundary)
    assert edge.distance_km == pytest.approx(earth.distance_km(0.5, 0.5, 1.0, 0.5), abs=0.01)


def test_depot_to_ukraine_matches_brute_force_over_vertices():
    depot = gazetteer.get_site("tikhoretsk_depot")
    near = borders.distance_to_country(depot.lat, depot.lon, "UKR")
    ukr = borders.get_country("UKR")
    # hand check: the nearest point lies on Ukraine's edge, on the Sea of Azov coast
    # just west of where the Russia-Ukraine land border reaches the sea (47.1 N, 38.2 E)
    assert ukr.boundary.distance(shapely.Point(near.lon, near.lat)) < 1e-6
    assert near.lat == pytest.approx(47.04, abs=0.1) and near.lon == pytest.approx(38.14, abs=0.1)
    assert 185 < near.distance_km < 205
    # no vertex of Ukraine's outline is closer (brute force with pyproj.Geod)
    xy = np.concatenate(
        [np.asarray(r.coords) for p in ukr.geoms for r in [p.exterior, *p.interiors]]
    )
    brute = earth.distance_km(depot.lat, depot.lon, xy[:, 1], xy[:, 0]).min()
    assert near.distance_km <= brute + 1e-6
    assert brute - near.distance_km < 1.0


def test_distance_to_border_is_on_the_shared_land_border():
    depot = gazetteer.get_site("tikhoretsk_depot")
    border = borders.get_border("RUS", "UKR")
    near = borders.distance_to_border(depot.lat, depot.lon, "RUS", "UKR")
    assert border.distance(shapely.Point(near.lon, near.lat)) < 1e-6
    assert near.distance_km >= borders.distance_to_country(depot.lat, depot.lon, "UKR").distance_km
    # Crimea is Ukraine in the German-view edition: no Crimea-Russia land border exists,
    # and the land border stays north of the Sea of Azov
    assert borders.get_country("UKR").contains(shapely.Point(34.1, 44.95))
    assert border.bounds[1] > 46.5


def test_unknown_country_and_no_border():
    with pytest.raises(ParameterError):
        borders.get_country("XXX")
    with pytest.raises(ParameterError):
        borders.get_border("UKR", "PRK")


def test_country_names_from_the_admin_0_layer():
    assert borders.get_country_name("RUS") == "Russia"
    assert borders.get_country_name("KAZ") == "Kazakhstan"
    assert borders.get_country_name("UKR", "50m") == "Ukraine"
    with pytest.raises(ParameterError):
        borders.get_country_name("XXX")
