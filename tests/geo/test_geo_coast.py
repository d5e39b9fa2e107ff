"""Tests for tumen.geo.coast: the distance from shore against a brute force."""

import numpy as np
import shapely

from tumen import paths
from tumen.geo import coast, earth, world


def test_shore_distance_measures_to_the_coast():
    # Checked against a brute force: the geodesic distance to every vertex of the 1:10m
    # coastline within 3 degrees (vertices lie on the line, so the nearest vertex is at most
    # a little farther than the nearest point of the line: the two agree to a few %).
    geoms, _ = world.read_world_layer(str(paths.geo()), "coastline")
    for lat, lon in [(0.0, 8.3), (42.0, 132.5), (-34.5, 18.0)]:
        box = shapely.box(lon - 3, lat - 3, lon + 3, lat + 3)
        pts = np.vstack(
            [
                np.asarray(shapely.get_coordinates(g.intersection(box)))
                for g in geoms
                if g.intersects(box)
            ]
        )
        brute = earth.distance_km(lat, lon, pts[:, 1], pts[:, 0]).min()
        got = float(coast.get_shore_distance_km(lat, lon)[0])
        assert brute * 0.97 - 0.5 <= got <= brute + 0.01, (lat, lon, got, brute)
    # Mid-Pacific, nothing within 50 km: inf; NaN in, NaN out
    mid, missing = coast.get_shore_distance_km([0.0, np.nan], [-140.0, 10.0], search_km=50)
    assert mid == np.inf and np.isnan(missing)
