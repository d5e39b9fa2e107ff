"""Tests for tumen.geo.maps.frame: the basemap from the regional or the world layers."""

import io

from tumen.geo import world
from tumen.geo.maps import frame as map_frame


def test_a_map_outside_the_regions_draws_the_world_layers(no_network):
    """A 10m map of the Strait of Gibraltar, far outside the detailed regional boxes: land,
    coastline and land borders come from data/geo/world (Spain-Gibraltar and Spain-Morocco
    land borders lie inside the extent), nothing is downloaded."""
    fig, ax = map_frame.new_map((-6.2, -4.8, 35.6, 36.4), scale="10m")
    assert not map_frame.has_detail(ax)
    drawn = [c for c in ax.collections if type(c).__name__ == "FeatureArtist"]
    assert len(drawn) == 3
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    land = sum(g.area for g in world.get_world_layer("land", (-6.2, 35.6, -4.8, 36.4)))
    assert 0.3 < land / (1.4 * 0.8) < 0.7  # the strait's shores: about half land
    assert world.get_world_layer("admin_0_boundary_lines_land", (-6.2, 35.6, -4.8, 36.4))


def test_a_map_inside_a_region_keeps_the_detailed_layers(no_network, computed):
    fig, ax = map_frame.new_map((130.0, 131.5, 42.0, 43.0), scale="10m")
    assert map_frame.has_detail(ax)
