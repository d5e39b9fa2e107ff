"""Tests for tumen.geo.maps: every map renders offline, carries its attribution and scale bar."""

import io
import socket

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from tumen.geo import core as geo
from tumen.geo import maps, routing


@pytest.fixture
def no_network(monkeypatch):
    """Make any socket use fail loudly, so a download attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted while drawing a map")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="module")
def computed():
    """Routes and distances the maps read (computed once for the module)."""
    sites = geo.load_sites()
    depot = geo.get_site("tikhoretsk_depot", sites)
    return dict(
        sites=sites,
        rail=routing.rail_route("dunai_port", "tikhoretsk_depot", sites=sites),
        sea=routing.sea_route("rajin_port", "dunai_port", sites=sites),
        nearest=[
            geo.distance_to_country(depot.lat, depot.lon, "UKR"),
            geo.distance_to_border(depot.lat, depot.lon, "RUS", "UKR"),
        ],
    )


def _labels_overlap(ax) -> list:
    renderer = ax.figure.canvas.get_renderer()
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in ax.texts
        if t.get_visible() and type(t).__name__ == "Annotation"
    ]
    return [
        (a, b)
        for i, (a, ba) in enumerate(boxes)
        for b, bb in boxes[i + 1 :]
        if maps._overlap(ba, bb) > 0
    ]


def test_every_map_renders_offline(no_network, computed):
    figures = maps.all_maps(
        computed["sites"],
        rail_route=computed["rail"],
        sea_route=computed["sea"],
        nearest=computed["nearest"],
    )
    assert set(figures) == {
        "pipeline_overview_map",
        "tumen_crossing_map",
        "rajin_dunai_sea_route_map",
        "dunai_tikhoretsk_rail_route_map",
        "dunai_khasan_rail_eastern_end_map",
        "tikhoretsk_depot_ukraine_map",
    }
    for name, fig in figures.items():
        assert isinstance(fig, Figure), name
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=60)
        assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n", name
        main = fig.axes[0]
        texts = [t.get_text() for t in main.texts]
        assert geo.ATTRIBUTION in texts, name
        assert any(t.endswith(" km") for t in texts), f"{name}: no scale bar"
        assert not _labels_overlap(main), name


def test_depot_map_with_rings_and_svg_is_deterministic(no_network, computed):
    def draw():
        fig = maps.map_depot_distance(
            computed["sites"], computed["nearest"][:1], rings_km=(193, 290)
        )
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": "tumen"}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    first = draw()
    assert b"Natural Earth" in first
    assert draw() == first


def test_scale_bar_length_is_geodesic(computed):
    fig, ax = maps.new_map((129.9, 133.0, 41.9, 43.6))
    length = maps.add_scale_bar(ax, fraction=0.25)
    assert length in (10, 20, 50, 100)
    assert maps._nice(73.0) == 50 and maps._nice(0.35) == 0.2


def test_place_labels_avoids_collisions():
    fig, ax = maps.new_map((130.0, 131.0, 42.0, 43.0))
    points = [
        (130.5, 42.5, "First label", 4),
        (130.5005, 42.5005, "Second label", 4),
        (130.501, 42.499, "Third label", 4),
    ]
    texts = maps.place_labels(ax, points)
    assert len(texts) == 3
    assert not _labels_overlap(ax)


def test_rail_maps_of_the_route_analysis_render_offline(no_network, computed):
    sites = computed["sites"]
    khasan = routing.rail_route("khasan_station", "tikhoretsk_depot", sites=sites)
    east = maps.map_rail_eastern_end({"Dunai": computed["rail"], "Khasan": khasan}, sites)
    wide = maps.map_rail_routes(
        {"Within Russia": computed["rail"]},
        sites,
        extent=(30.0, 140.0, 40.0, 64.0),
        figsize=(7.5, 5.0),
        min_spacing_km=400.0,
    )
    overview = maps.map_overview(
        computed["rail"], computed["sea"], sites, crossing_route=khasan, figsize=(7.5, 5.0)
    )
    for fig in (east, wide, overview):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=60)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert geo.ATTRIBUTION in texts
        assert not _labels_overlap(fig.axes[0])
    assert {"Dunai", "Khasan", "Smolyaninovo junction"} <= {
        t.get_text() for t in east.axes[0].texts
    }
    assert wide.get_size_inches()[0] <= 7.5
    # thinning: Birobidzhan is within 400 km of Khabarovsk and is not labelled
    labels = {t.get_text() for t in wide.axes[0].texts}
    assert "Khabarovsk" in labels and "Birobidzhan" not in labels


def test_thin_sites_keeps_priority_and_spacing(computed):
    sites = computed["sites"]
    ids = ["dunai_port", "fokino", "vladivostok", "khabarovsk", "birobidzhan"]
    # Fokino is 12 km from Dunai, Vladivostok about 40 km, Birobidzhan 160 km from Khabarovsk
    assert maps.thin_sites(sites, ids, 0.0) == ids
    assert maps.thin_sites(sites, ids, 20.0) == [
        "dunai_port",
        "vladivostok",
        "khabarovsk",
        "birobidzhan",
    ]
    assert maps.thin_sites(sites, ids, 200.0) == ["dunai_port", "khabarovsk"]
    assert maps.thin_sites(sites, ids, 200.0, keep=2) == ["dunai_port", "fokino", "khabarovsk"]


def test_depot_map_labels_rings_and_draws_extra_routes(no_network, computed):
    crossing = routing.rail_route_to_border("tikhoretsk_depot")
    fig = maps.map_depot_distance(
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
    assert not _labels_overlap(ax)
    assert "Band: distances within 15 km of each other" in legend
    # the band is one annulus from 193 to 201 km; 290 km stays a lone dashed circle
    bands = [p for p in ax.patches if p.get_alpha() == 0.55]
    assert len(bands) == 1
    # an annulus: two rings (two MOVETOs), the outer at 201 km and the inner at 193 km
    # from the depot, so the disc inside 193 km is left unshaded
    import cartopy.crs as ccrs

    depot = geo.get_site("tikhoretsk_depot", computed["sites"])
    path = bands[0].get_path()
    assert (path.codes == path.MOVETO).sum() == 2
    lonlat = ccrs.PlateCarree().transform_points(
        ax.projection, path.vertices[:, 0], path.vertices[:, 1]
    )
    km = geo.distance_km(depot.lat, depot.lon, lonlat[:, 1], lonlat[:, 0])
    assert sorted(set(np.round(km).astype(int))) == [193, 201]


def test_ring_groups_merge_radii_within_15_km():
    # 193 -> 200 (7 km) -> 201 (1 km) chain; 290 is 89 km beyond: its own group
    assert maps._ring_groups([290, 193, 201, 200]) == [[1, 3, 2], [0]]
    assert maps._ring_groups([100, 116]) == [[0], [1]]  # 16 km apart: two rings


def test_rail_route_map_names_a_line_along_the_route(no_network, computed):
    fig = maps.map_rail_routes(
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
        maps.map_rail_routes(
            {"Shortest": computed["rail"]},
            computed["sites"],
            cities=[],
            line_labels={"Line X": ["nowhere"]},
        )


def test_a_map_outside_the_regions_draws_the_world_layers(no_network):
    """A 10m map of the Strait of Gibraltar, far outside the detailed regional boxes: land,
    coastline and land borders come from data/geo/world (Spain-Gibraltar and Spain-Morocco
    land borders lie inside the extent), nothing is downloaded."""
    fig, ax = maps.new_map((-6.2, -4.8, 35.6, 36.4), scale="10m")
    assert not maps.has_detail(ax)
    drawn = [c for c in ax.collections if type(c).__name__ == "FeatureArtist"]
    assert len(drawn) == 3
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    land = sum(g.area for g in geo.get_world_layer("land", (-6.2, 35.6, -4.8, 36.4)))
    assert 0.3 < land / (1.4 * 0.8) < 0.7  # the strait's shores: about half land
    assert geo.get_world_layer("admin_0_boundary_lines_land", (-6.2, 35.6, -4.8, 36.4))


def test_a_map_inside_a_region_keeps_the_detailed_layers(no_network, computed):
    fig, ax = maps.new_map((130.0, 131.5, 42.0, 43.0), scale="10m")
    assert maps.has_detail(ax)


def test_inset_extent_holds_the_sites_and_the_start_of_the_routes(tmp_path):
    """Two sites 1° apart in longitude and a route whose first 150 km run east of them:
    the box holds both and the route's start, padded by a fifth of each span per side."""
    from types import SimpleNamespace

    path = tmp_path / "sites.csv"
    path.write_text(
        "id,name,country,kind,lat,lon,radius_km,uncertainty_km,source\n"
        "a,A,GRC,port,40.0,20.0,1,0,t\nb,B,GRC,port,40.0,21.0,1,0,t\n"
    )
    sites = geo.load_sites(path)
    # 0.5° of longitude at 40° N is about 42.7 km: points at 21.5 (43 km) and 22.0 (85 km)
    # from b are in the first 150 km; 25.0 (427 km) is not
    route = SimpleNamespace(lat=[40.0, 40.0, 40.0, 40.0], lon=[21.0, 21.5, 22.0, 25.0])
    x0, x1, y0, y1 = maps.get_inset_extent(sites, ["a", "b"], [route, None])
    assert (x0, x1) == pytest.approx((20.0 - 0.4, 22.0 + 0.4))
    assert (y0, y1) == pytest.approx((40.0 - 0.7, 40.0 + 0.7))  # min span 1°, padded
