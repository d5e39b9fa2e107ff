"""Every kind of report map renders offline and carries its attribution and scale bar, with
no two labels overlapping (across the map families of tumen.geo.maps)."""

import io

from matplotlib.figure import Figure

from tumen.geo import rail, world
from tumen.geo.maps import depot as depot_maps
from tumen.geo.maps import overview as overview_maps
from tumen.geo.maps import rail as rail_maps


def test_every_map_renders_offline(no_network, computed, labels_overlap):
    sites = computed["sites"]
    china = rail.rail_route("dunai_port", "tikhoretsk_depot", countries=None, sites=sites)
    khasan = rail.rail_route("khasan_station", "tikhoretsk_depot", sites=sites)
    figures = {
        "pipeline_overview_map": overview_maps.map_overview(
            computed["rail"],
            computed["sea"],
            sites,
            inset_extent=(129.9, 133.0, 41.9, 43.6),
            inset_sites=["tumangang_rail_facility", "rajin_port", "dunai_port", "vladivostok"],
            places=["moscow", "yekaterinburg", "novosibirsk", "krasnoyarsk", "khabarovsk"],
            labels={
                "tumangang_rail_facility": "Tumangang",
                "rajin_port": "Rajin",
                "dunai_port": "Dunai",
                "tikhoretsk_depot": "Tikhoretsk depot",
            },
            highlight="UKR",
            rail_label="Rail, Dunai → Tikhoretsk",
            sea_label="Sea, Rajin → Dunai",
        ),
        "dunai_tikhoretsk_rail_route_map": rail_maps.map_rail_routes(
            {"Within Russia": computed["rail"], "Shortest, any country": china}, sites
        ),
        "dunai_khasan_rail_eastern_end_map": rail_maps.map_rail_eastern_end(
            {"Dunai → depot": computed["rail"], "Khasan → depot": khasan}, sites
        ),
        "tikhoretsk_depot_ukraine_map": depot_maps.map_depot_distance(sites, computed["nearest"]),
    }
    for name, fig in figures.items():
        assert isinstance(fig, Figure), name
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=60)
        assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n", name
        main = fig.axes[0]
        texts = [t.get_text() for t in main.texts]
        assert world.ATTRIBUTION in texts, name
        assert any(t.endswith(" km") for t in texts), f"{name}: no scale bar"
        assert not labels_overlap(main), name
