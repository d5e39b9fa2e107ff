"""Tests for tumen.geo.maps.overview: the inset of the overview map."""

import pytest

from tumen.geo import gazetteer
from tumen.geo.maps import overview as overview_maps


def test_inset_extent_holds_the_sites_and_the_start_of_the_routes(tmp_path):
    """Two sites 1° apart in longitude and a route whose first 150 km run east of them:
    the box holds both and the route's start, padded by a fifth of each span per side."""
    from types import SimpleNamespace

    path = tmp_path / "sites.csv"
    path.write_text(
        "id,name,country,kind,lat,lon,radius_km,uncertainty_km,source\n"
        "a,A,GRC,port,40.0,20.0,1,0,t\nb,B,GRC,port,40.0,21.0,1,0,t\n"
    )
    sites = gazetteer.load_sites(path)
    # 0.5° of longitude at 40° N is about 42.7 km: points at 21.5 (43 km) and 22.0 (85 km)
    # from b are in the first 150 km; 25.0 (427 km) is not
    route = SimpleNamespace(lat=[40.0, 40.0, 40.0, 40.0], lon=[21.0, 21.5, 22.0, 25.0])
    x0, x1, y0, y1 = overview_maps.get_inset_extent(sites, ["a", "b"], [route, None])
    assert (x0, x1) == pytest.approx((20.0 - 0.4, 22.0 + 0.4))
    assert (y0, y1) == pytest.approx((40.0 - 0.7, 40.0 + 0.7))  # min span 1°, padded
