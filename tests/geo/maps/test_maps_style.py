"""Tests for tumen.geo.maps.style: the house map style every map draws with (colour-blind-safe
colours, one marker per site kind, legend font) and its small helpers."""

import re

from matplotlib.figure import Figure

from tumen.geo import gazetteer
from tumen.geo.maps import style


def test_colours_are_hex_and_what_the_analysis_adds_is_okabe_ito():
    colours = [*style.OKABE_ITO.values(), *style.STYLE.values()]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert len(set(style.OKABE_ITO.values())) == 8
    for key in ("rail", "rail_alt", "sea_route", "depot", "port", "rail_site", "nearest"):
        assert style.STYLE[key] in style.OKABE_ITO.values(), key
    # successive routes on one map are told apart by colour, each of the palette
    route_colours = [c for c, _, _ in style.ROUTE_STYLES]
    assert len(set(route_colours)) == len(route_colours)
    assert set(route_colours) <= set(style.OKABE_ITO.values())


def test_every_site_kind_has_a_marker_and_a_colour():
    assert set(gazetteer.SITE_KINDS) <= set(style.MARKERS)
    assert style.site_colour("port") == style.OKABE_ITO["blue"]
    assert style.site_colour("bridge") == style.site_colour("rail_facility") == "#D55E00"
    assert style.site_colour("town") == style.OKABE_ITO["black"]


def test_country_names_and_the_highlight_patch():
    assert style.country_name("RUS") == "Russia"
    assert style.country_name("sea") == "sea"  # not a country: the code itself
    patch = style.country_patch("Russia")
    assert patch.get_label() == "Russia"
    assert patch.get_facecolor()[:3] == (251 / 255, 227 / 255, 181 / 255)  # #FBE3B5


def test_legend_in_the_house_font():
    ax = Figure().add_subplot()
    leg = style.legend(ax, [style.country_patch("Russia")])
    assert [t.get_text() for t in leg.get_texts()] == ["Russia"]
    assert leg.get_texts()[0].get_fontsize() == style.FONT["small"] == 8.0
    assert leg.get_frame_on() and leg.get_frame().get_alpha() == 0.85
