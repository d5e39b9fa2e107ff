"""The overview map: the whole pipeline, the rail route across a wide map, the sea end inset.

:func:`map_overview` draws the rail route (:class:`tumen.geo.rail.RailRoute`) on a wide
Albers map and, in an inset around :func:`get_inset_extent`, the sea route
(:class:`tumen.geo.sea.SeaRoute`), the start of the rail route and a crossing route. It
returns a :class:`matplotlib.figure.Figure` and never writes files.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tumen.errors import ParameterError
from tumen.geo.earth import distance_km
from tumen.geo.gazetteer import get_site
from tumen.geo.maps.frame import RUSSIA_EXTENT, new_map
from tumen.geo.maps.marks import (
    add_attribution,
    add_route,
    add_scale_bar,
    add_sites,
    add_snaps,
    move_attribution_to_top,
)
from tumen.geo.maps.style import FONT, STYLE, country_name, country_patch, legend


def map_overview(
    rail_route,
    sea_route,
    sites,
    *,
    extent=RUSSIA_EXTENT,
    crossing_route=None,
    figsize=(10.0, 6.0),
    inset_rect=(0.50, 0.035, 0.30, 0.42),
    inset_extent=None,
    inset_sites=(),
    places=(),
    labels=None,
    highlight: str | None = None,
    rail_label: str = "Rail",
    sea_label: str = "Sea",
    crossing_label: str = "Rail from the crossing (inset)",
) -> Figure:
    """Map the whole pipeline: the rail route across a wide map, the sea end in an inset.

    A wide Albers map (50m layers) with the rail route, and an inset (Lambert conformal,
    10m) of the sea end: the sea route, the start of the rail route and the crossing route.

    Parameters
    ----------
    rail_route : tumen.geo.rail.RailRoute
        Unloading port → depot.
    sea_route : tumen.geo.sea.SeaRoute or None
        Loading port → unloading port; None when it could not be computed (not drawn).
    sites : pandas.DataFrame
        Gazetteer.
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    crossing_route : tumen.geo.rail.RailRoute, optional
        Rail route from a border crossing, drawn dashed in the inset.
    figsize : (float, float)
        Width and largest height, inches (about 7.5 fits a report page at true size).
    inset_rect : (left, bottom, width, height)
        Where the inset sits, figure fraction.
    inset_extent : (lon_min, lon_max, lat_min, lat_max), optional
        The inset's extent; default the box around the sea route, the first 150 km of the
        rail routes and ``inset_sites``, padded.
    inset_sites, places : sequence of str
        Site ids marked in the inset and on the main map (the rail route's ends first).
    labels : dict, optional
        Label per site id (default: the gazetteer's short name).
    highlight : str, optional
        Country (``ADM0_A3``) tinted on the main map, with its name in the legend.
    rail_label, sea_label, crossing_label : str
        Legend texts (the rail and sea lengths are appended).
    """
    fig, ax = new_map(
        extent, scale="50m", figsize=figsize, highlight=(highlight,) if highlight else ()
    )
    add_route(ax, rail_route.lat, rail_route.lon, color=STYLE["rail"], linewidth=2.0)
    if sea_route is not None:
        add_route(ax, sea_route.lat, sea_route.lon, color=STYLE["sea_route"], linewidth=2.0)
    handles = _legend_entries(
        rail_route, sea_route, crossing_route, highlight, (rail_label, sea_label, crossing_label)
    )
    # inset first (lower middle), so labels can avoid it
    ends = [s.label for s in rail_route.snaps[:1]]
    inset_ids = list(dict.fromkeys([*ends, *inset_sites]))
    if inset_extent is None:
        inset_extent = get_inset_extent(sites, inset_ids, [sea_route, rail_route, crossing_route])
    _, inset = new_map(tuple(inset_extent), fig=fig, rect=list(inset_rect))
    _draw_inset(inset, rail_route, sea_route, crossing_route)
    add_sites(
        inset,
        sites,
        [i for i in inset_sites if i in sites.index],
        labels=labels,
        fontsize=FONT["small"],
        obstacles=list(inset.texts),
    )
    _mark_inset(ax, inset_extent)
    ids = [
        i
        for i in dict.fromkeys([s.label for s in rail_route.snaps[1:]] + list(places))
        if i in sites.index
    ]
    key = legend(ax, handles, "upper left")
    add_scale_bar(ax, (0.03, 0.05))
    add_attribution(ax)
    move_attribution_to_top(ax)
    add_sites(ax, sites, ids, labels=labels, obstacles=[key, inset, *ax.texts])
    return fig


def _legend_entries(rail_route, sea_route, crossing_route, highlight, texts) -> list:
    """The overview's legend entries: the routes drawn (with their lengths), the straight
    connectors and the highlighted country; ``texts`` are the rail, sea and crossing labels."""
    rail_label, sea_label, crossing_label = texts
    handles = [
        Line2D(
            [], [], color=STYLE["rail"], lw=2, label=f"{rail_label}: {rail_route.length_km:,.0f} km"
        )
    ]
    if sea_route is not None:
        handles.append(
            Line2D(
                [],
                [],
                color=STYLE["sea_route"],
                lw=2,
                label=f"{sea_label}: {sea_route.length_km:,.0f} km",
            )
        )
    if crossing_route is not None:
        handles.append(
            Line2D([], [], color=STYLE["rail"], lw=1.4, ls=(0, (3, 1.5)), label=crossing_label)
        )
    handles.append(
        Line2D([], [], color="#555555", lw=1, ls=":", label="Straight connector to the network")
    )
    if highlight:
        handles.append(country_patch(country_name(highlight)))
    return handles


def _draw_inset(inset, rail_route, sea_route, crossing_route) -> None:
    """Draw the sea route, the rail routes and their snaps, and a scale bar in the inset."""
    if sea_route is not None:
        add_route(inset, sea_route.lat, sea_route.lon, color=STYLE["sea_route"], linewidth=1.6)
    add_route(inset, rail_route.lat, rail_route.lon, color=STYLE["rail"], linewidth=1.6)
    if crossing_route is not None:
        add_route(
            inset,
            crossing_route.lat,
            crossing_route.lon,
            color=STYLE["rail"],
            linewidth=1.2,
            linestyle=(0, (3, 1.5)),
            zorder=2.9,
        )
    add_snaps(inset, rail_route.snaps, color=STYLE["rail"])
    if sea_route is not None:
        add_snaps(inset, sea_route.snaps, color=STYLE["sea_route"])
    add_scale_bar(inset, (0.05, 0.06), fraction=0.3)


def get_inset_extent(
    sites, ids, routes, *, head_km: float = 150.0, pad: float = 0.2, min_span_deg: float = 1.0
) -> tuple:
    """The box around some sites and the start of some routes, padded (lon/lat degrees).

    Parameters
    ----------
    sites : pandas.DataFrame
    ids : sequence of str
        Site ids to include.
    routes : sequence of routes or None
        Each route's points within ``head_km`` of its start are included (None: skipped).
    head_km : float
        Length of each route's start that the box must hold, km.
    pad : float
        Padding, a fraction of each side's span.
    min_span_deg : float
        Smallest span of each side, degrees.

    Returns
    -------
    (lon_min, lon_max, lat_min, lat_max)
    """
    lons, lats = [], []
    for i in ids:
        if i in sites.index:
            s = get_site(i, sites)
            lons.append(s.lon)
            lats.append(s.lat)
    for route in routes:
        if route is None:
            continue
        lat, lon = np.asarray(route.lat), np.asarray(route.lon)
        step = distance_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
        head = np.concatenate([[0.0], np.cumsum(step)]) <= head_km
        lons += lon[head].tolist()
        lats += lat[head].tolist()
    if not lons:
        raise ParameterError("the inset has nothing to show", field="inset_sites")
    box = []
    for lo, hi in ((min(lons), max(lons)), (min(lats), max(lats))):
        span = max(hi - lo, min_span_deg)
        mid = (lo + hi) / 2
        box += [mid - span * (0.5 + pad), mid + span * (0.5 + pad)]
    return tuple(round(v, 3) for v in box)


def _mark_inset(ax, extent) -> None:
    """Outline the inset's extent on the main map."""
    x0, x1, y0, y1 = extent
    ax.plot(
        [x0, x1, x1, x0, x0],
        [y0, y0, y1, y1, y0],
        color="#333333",
        linewidth=0.7,
        transform=ccrs.PlateCarree(),
        zorder=4,
    )
