"""Tests for tumen.geo.maps.rail: the rail route maps."""

import io

import pytest

from tumen.geo import rail, world
from tumen.geo.maps import overview as overview_maps
from tumen.geo.maps import rail as rail_maps


def test_rail_maps_of_the_route_analysis_render_offline(no_network, computed, labels_overlap):
    sites = computed["sites"]
    khasan = rail.rail_route("khasan_station", "tikhoretsk_depot", sites=sites)
    east = rail_maps.map_rail_eastern_end({"Dunai": computed["rail"], "Khasan": khasan}, sites)
    wide = rail_maps.map_rail_routes(
        {"Within Russia": computed["rail"]},
        sites,
        extent=(30.0, 140.0, 40.0, 64.0),
        figsize=(7.5, 5.0),
        min_spacing_km=400.0,
    )
    overview = overview_maps.map_overview(
        computed["rail"], computed["sea"], sites, crossing_route=khasan, figsize=(7.5, 5.0)
    )
    for fig in (east, wide, overview):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=60)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert world.ATTRIBUTION in texts
        assert not labels_overlap(fig.axes[0])
    assert {"Dunai", "Khasan", "Smolyaninovo junction"} <= {
        t.get_text() for t in east.axes[0].texts
    }
    assert wide.get_size_inches()[0] <= 7.5
    # thinning: Birobidzhan is within 400 km of Khabarovsk and is not labelled
    labels = {t.get_text() for t in wide.axes[0].texts}
    assert "Khabarovsk" in labels and "Birobidzhan" not in labels


def test_rail_route_map_names_a_line_along_the_route(no_network, computed):
    fig = rail_maps.map_rail_routes(
        {"Shortest": computed["rail"]},
        computed["sites"],
        cities=[],
        line_labels={"Line X": ["severobaikalsk", "tynda"]},
    )
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_text() == "Line X")
    # placed between the two towns (lon 109.3 and 124.7), on the route
    lon, lat = (
        __import__("cartopy.crs", fromlist=["PlateCarree"])
        .PlateCarree()
        .transform_point(*label.xy, ax.projection)
    )
    assert 109.3 < lon < 124.7 and 54 < lat < 58
    with pytest.raises(Exception, match="not in the gazetteer"):
        rail_maps.map_rail_routes(
            {"Shortest": computed["rail"]},
            computed["sites"],
            cities=[],
            line_labels={"Line X": ["nowhere"]},
        )
