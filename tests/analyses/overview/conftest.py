"""Fixtures of the overview tests: the results and route files of a route and a shuttle
section, as those notebooks leave them for the overview."""

import numpy as np
import pytest

from tumen.engine import links
from tumen.engine.results import Results
from tumen.geo import route_files
from tumen.geo.rail import RailRoute
from tumen.geo.railways import Snap
from tumen.geo.sea import SeaRoute


def rail(a, b, km):
    snaps = (Snap(a, 45.3, 37.4, 1, 45.5, 37.6, 20.5), Snap(b, 54.8, 32.1, 2, 54.7, 32.0, 4.25))
    return RailRoute(
        km,
        snaps,
        (),
        0,
        (1, 2),
        np.array([45.5, 54.7]),
        np.array([37.6, 32.0]),
        ("RUS",),
        ("RUS",),
        5.0,
    )


def sea(a, b):
    snaps = (Snap(a, 46.7, 38.3, 5, 46.6, 38.2, 1.0), Snap(b, 45.3, 37.4, 6, 45.4, 37.3, 2.0))
    return SeaRoute(
        185.2,
        100.0,
        snaps,
        np.array([46.6, 45.4]),
        np.array([38.2, 37.3]),
        0.25,
        0.5,
        "+proj=tmerc",
    )


@pytest.fixture
def sections(tmp_path):
    """Write a route section's and a shuttle section's results and route files; return the
    two results files."""
    route = tmp_path / "results/03_route.json"
    res = Results(route)
    res.record("route.rail_km", 1812.5, "km", "r")
    res.record("route.total_km", 1837.25, "km", "t")
    res.record("route.khasan_rail_km", 1500.0, "km", "k")
    res.record("route.depot_to_border_km", 63.4, "km", "b")
    route_files.write_routes(
        {"route": rail("pier", "depot", 1812.5), "crossing": rail("station", "depot", 1500.0)},
        links.files_dir(route) / "routes.geojson",
    )
    shuttle = tmp_path / "results/02_shuttle.json"
    Results(shuttle).record("shuttle.sea_route_nm", 100.0, "nmi", "s")
    route_files.write_routes(
        {"sea": sea("quay", "pier")}, links.files_dir(shuttle) / "sea_route.geojson"
    )
    return str(route), str(shuttle)
