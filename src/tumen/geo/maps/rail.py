"""The rail route maps: long routes across Russia, and the routes' eastern end.

:func:`map_rail_routes` draws one or more rail routes (:class:`tumen.geo.rail.RailRoute`)
on a Russia-wide Albers map, naming railway lines along the first
(:func:`add_line_label`); :func:`map_rail_eastern_end` draws their start over the railway
network near the Tumen crossing. Both return a :class:`matplotlib.figure.Figure` and never
write files.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tumen.errors import ParameterError
from tumen.geo.earth import distance_km
from tumen.geo.maps.frame import RUSSIA_EXTENT, new_map
from tumen.geo.maps.marks import (
    add_rail_network,
    add_route,
    add_snaps,
    finish,
    move_attribution_to_top,
    thin_sites,
)
from tumen.geo.maps.style import FONT, ROUTE_STYLES, STYLE, country_patch
from tumen.geo.railways import load_rail_network

#: Cities labelled on the Russia-wide rail map, in priority order.
ROUTE_CITIES = (
    "vladivostok",
    "khabarovsk",
    "chita",
    "irkutsk",
    "krasnoyarsk",
    "novosibirsk",
    "omsk",
    "yekaterinburg",
    "samara",
    "volgograd",
    "rostov_on_don",
    "moscow",
    "harbin",
)

#: The eastern end of the rail routes (:func:`map_rail_eastern_end`), degrees.
PRIMORYE_EXTENT = (130.25, 133.35, 42.25, 43.95)

#: Sites labelled on that map, in priority order.
PRIMORYE_SITES = (
    "dunai_port",
    "khasan_station",
    "tumangang_rail_facility",
    "fokino",
    "smolyaninovo",
    "vladivostok",
    "ussuriysk",
)

#: Their labels, where shorter than the gazetteer's names.
PRIMORYE_LABELS = {
    "dunai_port": "Dunai",
    "tumangang_rail_facility": "Tumangang",
    "khasan_station": "Khasan",
    "smolyaninovo": "Smolyaninovo junction",
}


def map_rail_routes(
    routes: dict,
    sites,
    *,
    cities=ROUTE_CITIES,
    extent=RUSSIA_EXTENT,
    figsize=(10.0, 5.6),
    min_spacing_km: float = 0.0,
    line_labels: dict | None = None,
) -> Figure:
    """Map one or more long rail routes across Russia (Albers conic, 50m layers).

    Parameters
    ----------
    routes : dict of str -> tumen.geo.rail.RailRoute
        Legend label -> route; the first is drawn boldest.
    sites : pandas.DataFrame
        Gazetteer; the routes' endpoints and ``cities`` are labelled.
    cities : sequence of str
        Site ids to label after the endpoints, in priority order (those outside
        ``extent`` are skipped).
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    figsize : (float, float)
        Width and largest height, inches (about 7.5 fits a report page at true size).
    min_spacing_km : float
        Skip a city closer than this to a site labelled before it (geodesic km), so a
        small map does not crowd; 0 labels every city.
    line_labels : dict of str -> sequence of str, optional
        Names of railway lines the first route follows, written along it: name -> the
        gazetteer sites that bound the stretch (e.g. two towns on the line); see
        :func:`add_line_label`.
    """
    fig, ax = new_map(extent, scale="50m", figsize=figsize, highlight=("UKR",))
    handles = [
        Line2D([], [], color=colour, lw=width, ls=dash, label=f"{label}: {route.length_km:,.0f} km")
        for label, route, (colour, width, dash) in _draw_routes(ax, routes, snap_width=1.0)
    ]
    handles.append(
        Line2D([], [], color="#555555", lw=1, ls=":", label="Straight connector to the network")
    )
    handles.append(country_patch("Ukraine"))
    ends = []
    for route in routes.values():
        ends += [s.label for s in route.snaps if s.label in sites.index]
    ids = _inside(sites, dict.fromkeys(ends + [c for c in cities if c in sites.index]), extent)
    ids = thin_sites(sites, ids, min_spacing_km, keep=len(set(ends)))
    first = next(iter(routes.values()), None)
    for name, along in (line_labels or {}).items():
        if first is not None:
            add_line_label(ax, first.lat, first.lon, sites, along, name)
    finish(ax, handles, "lower right", sites, ids, scale_location=(0.03, 0.05))
    move_attribution_to_top(ax)
    return fig


def add_line_label(ax, lat, lon, sites, along, text: str, *, offset_pt: float = 7.0):
    """Write the name of a railway line along a route, between two gazetteer sites.

    The label sits at the route vertex halfway (by vertex count) between the vertices
    nearest the first and the last of ``along``, turned to the route's direction there
    and lifted ``offset_pt`` off the line, in italics as map convention has for lines.

    Parameters
    ----------
    lat, lon : array-like
        Route vertices, degrees WGS84.
    sites : pandas.DataFrame
        Gazetteer.
    along : sequence of str
        Site ids on the line (at least one); unknown ids are an error.
    text : str
        The line's name.

    Returns
    -------
    matplotlib.text.Text
    """
    missing = [i for i in along if i not in sites.index]
    if not along or missing:
        raise ParameterError(
            f"line label {text!r}: sites {missing or along!r} are not in the gazetteer",
            field="line_labels",
        )
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    ends = [
        int(np.argmin(distance_km(sites.loc[i, "lat"], sites.loc[i, "lon"], lat, lon)))
        for i in (along[0], along[-1])
    ]
    k = min(max((ends[0] + ends[1]) // 2, 1), len(lat) - 2)
    xy = ax.projection.transform_points(ccrs.PlateCarree(), lon[k - 1 : k + 2], lat[k - 1 : k + 2])
    (xa, ya), (xb, yb) = ax.transData.transform(xy[[0, 2], :2])
    angle = float(np.degrees(np.arctan2(yb - ya, xb - xa)))
    angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
    x, y = ax.projection.transform_point(lon[k], lat[k], ccrs.PlateCarree())
    return ax.annotate(
        text,
        (x, y),
        xycoords="data",
        xytext=(0, offset_pt),
        textcoords="offset points",
        rotation=angle,
        rotation_mode="anchor",
        ha="center",
        va="bottom",
        fontsize=FONT["small"],
        style="italic",
        color=STYLE["text"],
        zorder=7,
    )


def map_rail_eastern_end(
    routes: dict,
    sites,
    *,
    extent=PRIMORYE_EXTENT,
    ids=PRIMORYE_SITES,
    network=None,
    figsize=(7.0, 5.6),
) -> Figure:
    """Map the eastern end of the rail routes: Dunai, the Tumen crossing, the network.

    A regional map (Lambert conformal, 10m) with the railway network in grey, each route
    in the style of :func:`map_rail_routes` and its straight connectors to the network
    drawn dotted, so the reader sees where the network has no track.

    Parameters
    ----------
    routes : dict of str -> tumen.geo.rail.RailRoute
        Legend label -> route (e.g. from Dunai and from Khasan).
    sites : pandas.DataFrame
        Gazetteer.
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84, inside the Korea–Primorye 10m region.
    ids : sequence of str
        Sites labelled, in priority order (those outside ``extent`` are skipped).
    network : tumen.geo.railways.RailNetwork, optional
        Railways drawn in grey; default the offline network.
    figsize : (float, float)
        Width and largest height, inches.
    """
    network = load_rail_network() if network is None else network
    fig, ax = new_map(extent, figsize=figsize)
    add_rail_network(ax, network, extent, linewidth=0.9)
    handles = [
        Line2D(
            [], [], color=STYLE["network"], lw=0.9, label="Railways in the OpenStreetMap extract"
        )
    ]
    handles += [
        Line2D([], [], color=colour, lw=width, ls=dash, label=label)
        for label, _, (colour, width, dash) in _draw_routes(ax, routes, snap_width=1.5)
    ]
    handles.append(
        Line2D([], [], color="#555555", lw=1.5, ls=":", label="Straight connector to the network")
    )
    shown = _inside(sites, ids, extent)
    finish(
        ax,
        handles,
        "upper left",
        sites,
        shown,
        labels=PRIMORYE_LABELS,
        scale_location=(0.42, 0.05),
    )
    return fig


def _draw_routes(ax, routes: dict, *, snap_width: float) -> list:
    """Draw each route (label -> RailRoute) in the next of :data:`ROUTE_STYLES`, the first
    boldest, with its snaps dotted; return ``(label, route, (colour, width, dash))`` each."""
    drawn = []
    for k, (label, route) in enumerate(routes.items()):
        colour, width, dash = ROUTE_STYLES[k % len(ROUTE_STYLES)]
        add_route(
            ax,
            route.lat,
            route.lon,
            color=colour,
            linewidth=width,
            linestyle=dash,
            zorder=3 - 0.1 * k,
        )
        add_snaps(ax, route.snaps, color=colour, linewidth=snap_width)
        drawn.append((label, route, (colour, width, dash)))
    return drawn


def _inside(sites, ids, extent) -> list:
    """The ids of gazetteer sites inside an extent (lon_min, lon_max, lat_min, lat_max)."""
    x0, x1, y0, y1 = extent
    return [
        i
        for i in ids
        if i in sites.index and x0 <= sites.loc[i, "lon"] <= x1 and y0 <= sites.loc[i, "lat"] <= y1
    ]
