"""Tests for tumen.geo.maps.depot: the depot map, its rings and bands."""

import io

import matplotlib
import numpy as np

from tumen.geo import earth, gazetteer, rail
from tumen.geo.maps import depot as depot_maps


def test_depot_map_with_rings_and_svg_is_deterministic(no_network, computed):
    def draw():
        fig = depot_maps.map_depot_distance(
            computed["sites"], computed["nearest"][:1], rings_km=(193, 290)
        )
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "tumen"}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    first = draw()
    assert b"Natural Earth" in first
    assert draw() == first


def test_depot_map_labels_rings_and_draws_extra_routes(no_network, computed, labels_overlap):
    crossing = rail.rail_route_to_border("tikhoretsk_depot")
    fig = depot_maps.map_depot_distance(
        computed["sites"],
        computed["nearest"],
        rings_km=[193, 200, 201, 290],
        ring_labels=["120 mi (A)", "200 km (B)", "125 mi (C)", "290 km (D)"],
        routes={"By rail": (crossing.path_lat, crossing.path_lon)},
        ids=["tikhoretsk_depot", "tikhoretsk", "novoazovsk"],
    )
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    # the three rings within 15 km of each other share one label, each line led by its
    # radius so the near-equal rings are told apart; they are drawn as one band
    assert "193 km: 120 mi (A)\n200 km (B)\n201 km: 125 mi (C)" in texts and "290 km (D)" in texts
    assert "Novoazovsk" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "By rail" in legend
    assert any(t.startswith("Nearest point of the Russia–Ukraine land border") for t in legend)
    assert "Distances in reporting: 193, 200, 201, 290 km" in legend
    assert not labels_overlap(ax)
    assert "Band: distances within 15 km of each other" in legend
    # the band is one annulus from 193 to 201 km; 290 km stays a lone dashed circle
    bands = [p for p in ax.patches if p.get_alpha() == 0.55]
    assert len(bands) == 1
    # an annulus: two rings (two MOVETOs), the outer at 201 km and the inner at 193 km
    # from the depot, so the disc inside 193 km is left unshaded
    import cartopy.crs as ccrs

    depot = gazetteer.get_site("tikhoretsk_depot", computed["sites"])
    path = bands[0].get_path()
    assert (path.codes == path.MOVETO).sum() == 2
    lonlat = ccrs.PlateCarree().transform_points(
        ax.projection, path.vertices[:, 0], path.vertices[:, 1]
    )
    km = earth.distance_km(depot.lat, depot.lon, lonlat[:, 1], lonlat[:, 0])
    assert sorted(set(np.round(km).astype(int))) == [193, 201]


def test_ring_groups_merge_radii_within_15_km():
    # 193 -> 200 (7 km) -> 201 (1 km) chain; 290 is 89 km beyond: its own group
    assert depot_maps.ring_groups([290, 193, 201, 200]) == [[1, 3, 2], [0]]
    assert depot_maps.ring_groups([100, 116]) == [[0], [1]]  # 16 km apart: two rings
