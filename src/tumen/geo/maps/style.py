"""The house map style: colours, markers, fonts, line styles and legend entries.

Every map of the report draws with these: pale land on pale blue sea, thin grey borders,
the Okabe–Ito colour-blind-safe palette for what the analysis adds (:data:`OKABE_ITO`,
:data:`STYLE`), one marker per site kind (:data:`MARKERS`), the font sizes of
:data:`FONT`, and the legend of :func:`legend`. The frame and basemap are
:mod:`tumen.geo.maps.frame`'s, the marks drawn on it :mod:`tumen.geo.maps.marks`'.
"""

from __future__ import annotations

from matplotlib.patches import Patch

from tumen.errors import ParameterError
from tumen.geo.borders import get_country_name

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}

#: Colours of the map style.
STYLE = {
    "land": "#F2EFE9",
    "sea": "#DCE9F2",
    "coast": "#7A8A99",
    "border": "#6E6E6E",
    "highlight": "#FBE3B5",
    "highlight_edge": OKABE_ITO["orange"],
    "rail": OKABE_ITO["vermillion"],
    "rail_alt": OKABE_ITO["sky"],
    "sea_route": OKABE_ITO["blue"],
    "network": "#B9B3A9",
    "site": OKABE_ITO["black"],
    "depot": OKABE_ITO["purple"],
    "port": OKABE_ITO["blue"],
    "rail_site": OKABE_ITO["vermillion"],
    "nearest": OKABE_ITO["green"],
    "text": "#222222",
}

#: Marker per site kind: (marker, size in points).
MARKERS = {
    "port": ("s", 5.5),
    "depot": ("D", 6),
    "rail_facility": ("^", 6.5),
    "station": ("o", 4.5),
    "bridge": ("P", 6),
    "junction": ("o", 4),
    "city": ("o", 4),
    "town": ("o", 3.5),
    "other": ("o", 3.5),
}

#: Font sizes, points at the figure's own size: maps are drawn about 7.4 in wide and print
#: 6.85 in wide (``figures.PRINT_WIDTH_IN``), so the smallest, 7.8, prints above 7 pt.
FONT = {"label": 8.0, "small": 8.0, "attribution": 7.8}

DPI = 150

#: Line styles of successive routes on the rail maps: (colour, width, dash).
ROUTE_STYLES = [
    (STYLE["rail"], 2.2, "-"),
    (STYLE["rail_alt"], 1.5, (0, (3, 1.5))),
    (OKABE_ITO["green"], 1.3, (0, (1, 1.2))),
    (OKABE_ITO["purple"], 1.6, "-"),
]


def site_colour(kind: str) -> str:
    return {
        "port": STYLE["port"],
        "depot": STYLE["depot"],
        "rail_facility": STYLE["rail_site"],
        "bridge": STYLE["rail_site"],
    }.get(kind, STYLE["site"])


def legend(ax, handles, loc="upper left"):
    """Add the house-style legend and return it."""
    return ax.legend(
        handles=handles,
        loc=loc,
        fontsize=FONT["small"],
        frameon=True,
        framealpha=0.85,
        edgecolor="none",
        borderpad=0.6,
    )


def country_patch(label: str):
    """Return a legend patch for the highlighted country."""
    return Patch(facecolor=STYLE["highlight"], edgecolor="none", label=label)


def country_name(code: str) -> str:
    """Return a country's name for a legend, or the code itself when it is not a country."""
    try:
        return get_country_name(code)
    except ParameterError:
        return code
