"""Tests for tumen.analyses.shuttle.ports: port names, the sea route, the map extent.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import numpy as np
import pandas as pd
import pytest

from tumen.analyses.shuttle import ports as shuttle_ports
from tumen.errors import DataError
from tumen.geo import gazetteer


def test_map_extent_given_or_framing_ports_and_tracks():
    ports = {
        "a": {"lat": 42.0, "lon": 130.0, "radius_km": 1},
        "b": {"lat": 42.0, "lon": 132.0, "radius_km": 1},
    }
    assert shuttle_ports.get_map_extent([1, 2, 3, 4], ports, ["a", "b"]) == (1.0, 2.0, 3.0, 4.0)
    lon0, lon1, lat0, lat1 = shuttle_ports.get_map_extent([], ports, ["a", "b"])
    assert lon0 < 130.0 and lon1 > 132.0 and lat0 < 42.0 < lat1
    # neither side shorter than half the other, in km (1 degree of lon = cos(42°) of lat)
    assert (lat1 - lat0) >= 0.5 * (lon1 - lon0) * np.cos(np.radians(42.0)) - 1e-9
    track = pd.DataFrame({"lat": [43.5], "lon": [131.0]})
    assert shuttle_ports.get_map_extent([], ports, ["a", "b"], positions=track)[3] > 43.5
    with pytest.raises(DataError):
        shuttle_ports.get_map_extent([1, 2, 3], ports, ["a", "b"])


def test_port_names_from_the_gazetteer(sites):
    names, short = shuttle_ports.get_port_names(
        {
            "p": {"name": "Plover port terminal", "lat": 0, "lon": 0, "radius_km": 1},
            "q": {"name": "Port Alder", "lat": 0, "lon": 0, "radius_km": 1},
            "r": {"name": "Rajin (Najin) port", "lat": 0, "lon": 0, "radius_km": 1},
        },
        ["p", "q", "r"],
    )
    assert names == {"p": "Plover port terminal", "q": "Port Alder", "r": "Rajin"}
    assert short == {"p": "Plover", "q": "Port Alder", "r": "Rajin"}


def test_sea_route_that_cannot_be_computed_is_none_with_a_reason(tmp_path):
    """Two ports on seas about 2,500 km apart (the Aegean and the Caspian): far too large a
    grid for a coastal leg, so no route and the reason in words."""

    (tmp_path / "sites.csv").write_text(
        "id,name,country,kind,lat,lon,radius_km,uncertainty_km,source\n"
        "x_port,X port,GRC,port,37.94,23.63,2,1,test\ny_port,Y port,AZE,port,40.33,49.90,2,1,test\n"
    )
    route, why = shuttle_ports.get_sea_route(
        "x_port", "y_port", gazetteer.load_sites(tmp_path / "sites.csv")
    )
    assert route is None and "too large for a coastal leg" in why
