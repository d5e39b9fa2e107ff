"""One map style for the whole report, and the report's maps.

Every map is drawn the same way: offline Natural Earth layers from ``data/geo/`` (via
:func:`tumen.geo.core.configure_cartopy`, never a download), pale land on pale blue sea, thin
grey borders, the Okabe–Ito colour-blind-safe palette for what the analysis adds, site
markers whose labels are placed so they do not collide, a scale bar, and the attribution
"Natural Earth; © OpenStreetMap contributors" in the corner. Local maps use a Lambert
conformal conic projection fitted to their extent; Russia-wide maps use an Albers
equal-area conic.

Functions return :class:`matplotlib.figure.Figure` objects and never write files (the
report's figure module saves them, SVG and PNG, deterministically). Drawing only reads
computed routes and distances: pass in what :mod:`tumen.geo.routing` and :mod:`tumen.geo.core`
returned.

Extents are ``(lon_min, lon_max, lat_min, lat_max)`` in degrees WGS84, as cartopy's
``set_extent`` takes them.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from tumen.errors import ParameterError
from tumen.geo import core as geo

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


# ---------------------------------------------------------------------------- frame


def local_projection(extent):
    """Return a Lambert conformal conic projection fitted to an extent (degrees)."""
    import cartopy.crs as ccrs

    return _fitted_conic(ccrs.LambertConformal, extent)


def conic_projection(extent):
    """Return an Albers equal-area conic projection for a continental extent (degrees)."""
    import cartopy.crs as ccrs

    return _fitted_conic(ccrs.AlbersEqualArea, extent)


def _fitted_conic(crs_class, extent):
    """Return a conic CRS centred on an extent, standard parallels at 1/6 and 5/6 of it."""
    x0, x1, y0, y1 = extent
    span = y1 - y0
    return crs_class(
        central_longitude=(x0 + x1) / 2,
        central_latitude=(y0 + y1) / 2,
        standard_parallels=(y0 + span / 6, y1 - span / 6),
    )


def new_map(
    extent,
    *,
    scale: str = "10m",
    projection=None,
    figsize=(7.0, 6.0),
    highlight=(),
    fig: Figure | None = None,
    rect=None,
):
    """Return a new figure and map axes with the basemap drawn.

    Parameters
    ----------
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    scale : {"10m", "50m"}
        Natural Earth scale: 10m for the regional boxes, 50m (simplified) Russia-wide.
    projection : cartopy CRS, optional
        Default: :func:`local_projection` for 10m, :func:`conic_projection` for 50m.
    figsize : (float, float)
        Width and largest height, inches; the height follows the map's aspect.
    highlight : sequence of str
        ``ADM0_A3`` codes of countries to tint (e.g. ``("UKR",)``).
    fig, rect : optional
        Draw into an existing figure at ``rect`` (figure fraction), e.g. for an inset.

    Returns
    -------
    (matplotlib.figure.Figure, cartopy.mpl.geoaxes.GeoAxes)
    """
    import cartopy.crs as ccrs

    geo.configure_cartopy()
    if projection is None:
        projection = local_projection(extent) if scale == "10m" else conic_projection(extent)
    if fig is None:
        fig = Figure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(fig)
    ax = (
        fig.add_axes(rect, projection=projection)
        if rect is not None
        else fig.add_axes([0.02, 0.02, 0.96, 0.96], projection=projection)
    )
    ax.set_extent(extent, crs=ccrs.PlateCarree())
    if rect is None:
        _fit_figure(fig, ax, figsize)
    add_basemap(ax, scale, highlight)
    return fig, ax


def _fit_figure(fig, ax, figsize) -> None:
    """Resize the figure to the map's aspect so there is no blank band around it."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    aspect = (y1 - y0) / (x1 - x0)
    width, max_height = figsize
    height = width * aspect
    if height > max_height:
        width, height = max_height / aspect, max_height
    fig.set_size_inches(round(width, 2), round(height, 2))


def add_basemap(ax, scale: str = "10m", highlight=()) -> None:
    """Draw sea, land, lakes, coastline and land borders in the house style.

    Parameters
    ----------
    ax : GeoAxes
    scale : {"10m", "50m"}
    highlight : sequence of str
        Countries (``ADM0_A3``) to tint with the highlight colour (inside the detailed
        regions; see :func:`has_detail`).
    """
    ax.set_facecolor(STYLE["sea"])
    if scale == "10m" and not has_detail(ax):
        _add_world_basemap(ax)
    else:
        _add_regional_basemap(ax, scale, highlight)
    ax.spines["geo"].set_edgecolor("#888888")
    ax.spines["geo"].set_linewidth(0.6)


def _add_regional_basemap(ax, scale: str, highlight) -> None:
    """Draw the offline layers of one scale with cartopy's Natural Earth features."""
    import cartopy.crs as ccrs
    import cartopy.feature as cfeature

    ax.add_feature(
        cfeature.NaturalEarthFeature("physical", "land", scale),
        facecolor=STYLE["land"],
        edgecolor="none",
        zorder=0.5,
    )
    for code in highlight:
        ax.add_geometries(
            [geo.get_country(code, scale)],
            ccrs.PlateCarree(),
            facecolor=STYLE["highlight"],
            edgecolor="none",
            zorder=0.6,
        )
    ax.add_feature(
        cfeature.NaturalEarthFeature("physical", "lakes", scale),
        facecolor=STYLE["sea"],
        edgecolor=STYLE["coast"],
        linewidth=0.3,
        zorder=0.7,
    )
    ax.add_feature(
        cfeature.NaturalEarthFeature("physical", "coastline", scale),
        facecolor="none",
        edgecolor=STYLE["coast"],
        linewidth=0.5,
        zorder=0.8,
    )
    ax.add_feature(
        cfeature.NaturalEarthFeature("cultural", "admin_0_boundary_lines_land", scale),
        facecolor="none",
        edgecolor=STYLE["border"],
        linewidth=0.6,
        linestyle=(0, (4, 1.5, 1, 1.5)),
        zorder=0.9,
    )


def has_detail(ax) -> bool:
    """Whether the map's extent lies inside one detailed 10m region of ``data/geo``.

    Outside the regions a 10m map is drawn from the world-wide layers: land, coastline
    and land borders, without lakes or country tints.
    """
    import cartopy.crs as ccrs

    x0, x1, y0, y1 = ax.get_extent(crs=ccrs.PlateCarree())
    return geo.get_region_covering([x0, x1], [y0, y1], "10m") is not None


def _add_world_basemap(ax) -> None:
    """Draw land, coastline and land borders from the world-wide 10m layers."""
    import cartopy.crs as ccrs

    x0, x1, y0, y1 = ax.get_extent(crs=ccrs.PlateCarree())
    pad = max(x1 - x0, y1 - y0) * 0.25
    bounds = (x0 - pad, max(y0 - pad, -90.0), x1 + pad, min(y1 + pad, 90.0))
    pc = ccrs.PlateCarree()
    ax.add_geometries(
        geo.get_world_layer("land", bounds),
        pc,
        facecolor=STYLE["land"],
        edgecolor="none",
        zorder=0.5,
    )
    ax.add_geometries(
        geo.get_world_layer("coastline", bounds),
        pc,
        facecolor="none",
        edgecolor=STYLE["coast"],
        linewidth=0.5,
        zorder=0.8,
    )
    ax.add_geometries(
        geo.get_world_layer("admin_0_boundary_lines_land", bounds),
        pc,
        facecolor="none",
        edgecolor=STYLE["border"],
        linewidth=0.6,
        linestyle=(0, (4, 1.5, 1, 1.5)),
        zorder=0.9,
    )


def add_attribution(ax, text: str = geo.ATTRIBUTION) -> None:
    """Write the data attribution in the lower right corner of the map."""
    ax.text(
        0.995,
        0.006,
        text,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=FONT["attribution"],
        color="#444444",
        zorder=10,
        bbox=dict(facecolor="white", edgecolor="none", alpha=0.75, pad=1.5),
    )


def _nice(value: float) -> float:
    """Return the largest 1, 2 or 5 × 10^k not above ``value``."""
    exp = 10 ** math.floor(math.log10(value))
    return max(m for m in (1, 2, 5, 10) if m * exp <= value) * exp


def add_scale_bar(ax, location=(0.04, 0.05), fraction: float = 0.22) -> float:
    """Draw a scale bar measured geodesically (WGS84) eastwards from ``location``.

    Parameters
    ----------
    location : (float, float)
        Left end of the bar in axes fractions.
    fraction : float
        Target bar length as a fraction of the axes width (rounded down to 1-2-5 km).

    Returns
    -------
    float
        The bar's length, km. On conic maps the scale holds at the bar's latitude only.
    """
    import cartopy.crs as ccrs

    ax.apply_aspect()
    pc = ccrs.PlateCarree()
    to_data = ax.transAxes + ax.transData.inverted()
    x0, y0 = to_data.transform(location)
    x1, _ = to_data.transform((location[0] + fraction, location[1]))
    (lon0, lat0), (lon1, lat1) = (pc.transform_point(x, y0, ax.projection) for x in (x0, x1))
    target = geo.distance_km(lat0, lon0, lat1, lon1)
    length = _nice(target)
    # the projected horizontal is nearly uniform in scale over the bar: rescale twice
    xe = x0 + (x1 - x0) * length / target
    for _ in range(2):
        lon_e, lat_e = pc.transform_point(xe, y0, ax.projection)
        xe = x0 + (xe - x0) * length / geo.distance_km(lat0, lon0, lat_e, lon_e)
    xa, ya = ax.transData.transform((x0, y0))
    xb, _ = ax.transData.transform((xe, y0))
    to_axes = ax.transAxes.inverted()
    (ax0, ay0), (ax1, _) = to_axes.transform((xa, ya)), to_axes.transform((xb, ya))
    kw = dict(transform=ax.transAxes, zorder=10, solid_capstyle="butt")
    ax.plot([ax0, ax1], [ay0, ay0], color="black", linewidth=3, **kw)
    ax.plot([ax0, (ax0 + ax1) / 2], [ay0, ay0], color="white", linewidth=1.6, **kw)
    ax.text(
        (ax0 + ax1) / 2,
        ay0 + 0.012,
        f"{length:g} km",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=FONT["small"],
        zorder=10,
        bbox=dict(facecolor="white", edgecolor="none", alpha=0.7, pad=1),
    )
    return float(length)


# ---------------------------------------------------------------------------- content


def add_route(
    ax, lat, lon, *, color: str, label: str | None = None, linewidth=1.8, linestyle="-", zorder=3
):
    """Draw a route through points (degrees WGS84) along geodesics between vertices."""
    import cartopy.crs as ccrs

    return ax.plot(
        np.asarray(lon),
        np.asarray(lat),
        color=color,
        linewidth=linewidth,
        linestyle=linestyle,
        label=label,
        transform=ccrs.Geodetic(),
        zorder=zorder,
        solid_capstyle="round",
    )[0]


def add_snaps(ax, snaps, *, color: str, linewidth=1.0) -> None:
    """Draw each snap (requested point → network point) as a dotted line.

    Parameters
    ----------
    snaps : sequence of tumen.geo.routing.Snap
    """
    for s in snaps:
        add_route(
            ax,
            [s.lat, s.node_lat],
            [s.lon, s.node_lon],
            color=color,
            linewidth=linewidth,
            linestyle=":",
            zorder=2.9,
        )


def add_rail_network(
    ax, network, extent, *, color: str = STYLE["network"], linewidth: float = 0.6
) -> int:
    """Draw the railway edges that lie within an extent; return how many were drawn.

    Parameters
    ----------
    network : tumen.geo.routing.RailNetwork
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    """
    import cartopy.crs as ccrs
    from matplotlib.collections import LineCollection

    x0, x1, y0, y1 = extent
    inside = (network.lon >= x0) & (network.lon <= x1) & (network.lat >= y0) & (network.lat <= y1)
    sel = inside[network.u] | inside[network.v]
    segs = np.stack(
        [
            np.column_stack([network.lon[network.u[sel]], network.lat[network.u[sel]]]),
            np.column_stack([network.lon[network.v[sel]], network.lat[network.v[sel]]]),
        ],
        axis=1,
    )
    ax.add_collection(
        LineCollection(
            segs, colors=color, linewidths=linewidth, zorder=1.5, transform=ccrs.PlateCarree()
        )
    )
    return int(sel.sum())


def _site_colour(kind: str) -> str:
    return {
        "port": STYLE["port"],
        "depot": STYLE["depot"],
        "rail_facility": STYLE["rail_site"],
        "bridge": STYLE["rail_site"],
    }.get(kind, STYLE["site"])


def add_sites(
    ax, sites, ids, *, labels: dict | None = None, fontsize=FONT["label"], obstacles=()
) -> list:
    """Mark sites and label them without overlaps.

    Parameters
    ----------
    ax : GeoAxes
    sites : pandas.DataFrame
        Gazetteer from :func:`tumen.geo.core.load_sites`.
    ids : sequence of str
        Site ids, in labelling priority order.
    labels : dict, optional
        Label text per id (default: the site's name).
    obstacles : sequence of matplotlib artists
        Other artists the labels must avoid (e.g. a legend).

    Returns
    -------
    list of matplotlib.text.Text
        The labels, placed.
    """
    import cartopy.crs as ccrs

    points = []
    for site_id in ids:
        s = geo.get_site(site_id, sites)
        marker, size = MARKERS.get(s.kind, MARKERS["other"])
        ax.plot(
            s.lon,
            s.lat,
            marker=marker,
            markersize=size,
            color=_site_colour(s.kind),
            markeredgecolor="white",
            markeredgewidth=0.6,
            linestyle="none",
            transform=ccrs.PlateCarree(),
            zorder=6,
        )
        text = (labels or {}).get(site_id, short_name(s.name))
        points.append((s.lon, s.lat, text, size))
    return place_labels(ax, points, fontsize=fontsize, obstacles=obstacles)


def short_name(name: str) -> str:
    """Return a site name without its parenthesised detail, for labels."""
    return name.split(" (")[0]


#: Candidate label offsets from the marker, in points, tried in order.
_OFFSETS = [
    (6, 3),
    (6, -9),
    (-6, 3),
    (-6, -9),
    (0, 7),
    (0, -13),
    (10, 10),
    (10, -16),
    (-10, 10),
    (-10, -16),
    (16, -3),
    (-16, -3),
    (0, 16),
    (0, -22),
]


def place_labels(ax, points, *, fontsize=FONT["label"], obstacles=()) -> list:
    """Place text labels next to points so that no two labels and no marker overlap.

    Each label tries :data:`_OFFSETS` in turn and takes the first position that stays
    inside the axes and overlaps no marker, earlier label or obstacle; if none is free it
    takes the least-overlapping one. Deterministic: the order of ``points`` is the priority.

    Parameters
    ----------
    points : sequence of (lon, lat, text, marker_size_pt)
        Degrees WGS84.

    Returns
    -------
    list of matplotlib.text.Text
    """
    import cartopy.crs as ccrs

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    pt = fig.dpi / 72.0
    xy = [
        ax.transData.transform(ax.projection.transform_point(lon, lat, ccrs.PlateCarree()))
        for lon, lat, _, _ in points
    ]
    taken = [
        Bbox.from_bounds(x - s * pt / 2, y - s * pt / 2, s * pt, s * pt)
        for (x, y), (_, _, _, s) in zip(xy, points)
    ]
    taken += [a.get_window_extent(renderer) for a in obstacles]
    texts = []
    for (x, y), (lon, lat, label, _) in zip(xy, points):
        best = None
        for dx, dy in _OFFSETS:
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            t = ax.annotate(
                label,
                (lon, lat),
                xycoords=ccrs.PlateCarree()._as_mpl_transform(ax),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va="bottom",
                fontsize=fontsize,
                color=STYLE["text"],
                zorder=7,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.6, pad=0.8),
            )
            box = t.get_window_extent(renderer).expanded(1.02, 1.05)
            outside = not (
                frame.x0 <= box.x0
                and box.x1 <= frame.x1
                and frame.y0 <= box.y0
                and box.y1 <= frame.y1
            )
            overlap = sum(_overlap(box, other) for other in taken) + (1e9 if outside else 0)
            if best is None or overlap < best[0]:
                if best is not None:
                    best[1].remove()
                best = (overlap, t, box)
            else:
                t.remove()
            if overlap == 0:
                break
        taken.append(best[2])
        texts.append(best[1])
    return texts


def _overlap(a: Bbox, b: Bbox) -> float:
    """Return the overlapping area of two display boxes (pixels²)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _legend(ax, handles, loc="upper left"):
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


def _extent_around(lats, lons, pad_frac=0.12, min_span=0.3):
    """Return an extent (lon_min, lon_max, lat_min, lat_max) enclosing points with padding."""
    x0, x1 = float(np.min(lons)), float(np.max(lons))
    y0, y1 = float(np.min(lats)), float(np.max(lats))
    px = max((x1 - x0) * pad_frac, min_span / 2)
    py = max((y1 - y0) * pad_frac, min_span / 2)
    return (x0 - px, x1 + px, y0 - py, y1 + py)


def _finish(
    ax,
    handles=(),
    legend_loc="upper left",
    sites=None,
    ids=(),
    labels=None,
    scale_location=(0.04, 0.05),
    obstacles=(),
):
    """Legend, site labels, scale bar and attribution, in the order that avoids overlaps.

    ``obstacles`` are further artists (e.g. markers) the site labels must not cover.
    """
    legend = _legend(ax, list(handles), legend_loc) if handles else None
    add_scale_bar(ax, scale_location)
    add_attribution(ax)
    obstacles = [t for t in ax.texts] + ([legend] if legend else []) + list(obstacles)
    if sites is not None and ids:
        add_sites(ax, sites, ids, labels=labels, obstacles=obstacles)


# ---------------------------------------------------------------------------- the maps


def map_border_crossing(sites, network=None, extent=(130.48, 130.74, 42.33, 42.50)) -> Figure:
    """Map the Tumen river crossing: Tumangang rail facility, the bridge, Khasan.

    Parameters
    ----------
    sites : pandas.DataFrame
        Gazetteer.
    network : tumen.geo.routing.RailNetwork, optional
        Railways to draw (default: the offline network).
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    """
    from tumen.geo import routing

    network = routing.load_rail_network() if network is None else network
    fig, ax = new_map(extent, figsize=(6.5, 5.5))
    add_rail_network(ax, network, extent, color=STYLE["rail"], linewidth=1.0)
    handles = [
        Line2D([], [], color=STYLE["rail"], lw=1.0, label="Railway (OpenStreetMap)"),
        Line2D(
            [],
            [],
            color=STYLE["border"],
            lw=0.6,
            ls=(0, (4, 1.5, 1, 1.5)),
            label="International border",
        ),
    ]
    _finish(
        ax,
        handles,
        "upper left",
        sites,
        ["tumangang_rail_facility", "tumen_rail_bridge", "khasan_station"],
        labels={"tumen_rail_bridge": "Friendship Bridge"},
    )
    return fig


def map_sea_route(route, sites, *, extent=None) -> Figure:
    """Map a coastal sea route (e.g. Rajin → Dunai) with its ports and snaps.

    Parameters
    ----------
    route : tumen.geo.routing.SeaRoute
    sites : pandas.DataFrame
        Gazetteer (the route's snap labels that are site ids get markers).
    extent : optional
        Default: the route with a margin.
    """
    lats = np.concatenate([route.lat, [s.lat for s in route.snaps]])
    lons = np.concatenate([route.lon, [s.lon for s in route.snaps]])
    extent = extent or _extent_around(lats, lons, pad_frac=0.18)
    fig, ax = new_map(extent, figsize=(7.0, 5.2))
    add_route(ax, route.lat, route.lon, color=STYLE["sea_route"], linewidth=2.0)
    add_snaps(ax, route.snaps, color=STYLE["sea_route"])
    handles = [
        Line2D(
            [],
            [],
            color=STYLE["sea_route"],
            lw=2,
            label=f"Shortest water route, {route.length_km:.0f} km ({route.length_nm:.0f} nmi)",
        ),
        Line2D([], [], color=STYLE["sea_route"], lw=1, ls=":", label="Snap to open water"),
    ]
    ids = [s.label for s in route.snaps if s.label in sites.index]
    extra = [
        i
        for i in ("fokino", "vladivostok", "tumen_rail_bridge")
        if i in sites.index
        and extent[0] < sites.loc[i, "lon"] < extent[1]
        and extent[2] < sites.loc[i, "lat"] < extent[3]
    ]
    _finish(
        ax,
        handles,
        "upper left",
        sites,
        ids + extra,
        labels={"tumen_rail_bridge": "Tumen river crossing"},
    )
    return fig


#: Extent of the Russia-wide maps (degrees): Ukraine to the Pacific.
RUSSIA_EXTENT = (30.0, 140.0, 40.0, 61.0)
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
#: Line styles of successive routes on the rail maps: (colour, width, dash).
_ROUTE_STYLES = [
    (STYLE["rail"], 2.2, "-"),
    (STYLE["rail_alt"], 1.5, (0, (3, 1.5))),
    (OKABE_ITO["green"], 1.3, (0, (1, 1.2))),
    (OKABE_ITO["purple"], 1.6, "-"),
]


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
    routes : dict of str -> tumen.geo.routing.RailRoute
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
    handles = []
    for k, (label, route) in enumerate(routes.items()):
        colour, width, dash = _ROUTE_STYLES[k % len(_ROUTE_STYLES)]
        add_route(
            ax,
            route.lat,
            route.lon,
            color=colour,
            linewidth=width,
            linestyle=dash,
            zorder=3 - 0.1 * k,
        )
        add_snaps(ax, route.snaps, color=colour)
        handles.append(
            Line2D(
                [], [], color=colour, lw=width, ls=dash, label=f"{label}: {route.length_km:,.0f} km"
            )
        )
    handles.append(
        Line2D([], [], color="#555555", lw=1, ls=":", label="Straight connector to the network")
    )
    handles.append(_patch("Ukraine"))
    ends = []
    for route in routes.values():
        ends += [s.label for s in route.snaps if s.label in sites.index]
    x0, x1, y0, y1 = extent
    ids = [
        i
        for i in dict.fromkeys(ends + [c for c in cities if c in sites.index])
        if x0 <= sites.loc[i, "lon"] <= x1 and y0 <= sites.loc[i, "lat"] <= y1
    ]
    ids = thin_sites(sites, ids, min_spacing_km, keep=len(set(ends)))
    first = next(iter(routes.values()), None)
    for name, along in (line_labels or {}).items():
        if first is not None:
            add_line_label(ax, first.lat, first.lon, sites, along, name)
    _finish(ax, handles, "lower right", sites, ids, scale_location=(0.03, 0.05))
    _move_attribution_left(ax)
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
    import cartopy.crs as ccrs

    missing = [i for i in along if i not in sites.index]
    if not along or missing:
        raise ParameterError(
            f"line label {text!r}: sites {missing or along!r} are not in the gazetteer",
            field="line_labels",
        )
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    ends = [
        int(np.argmin(geo.distance_km(sites.loc[i, "lat"], sites.loc[i, "lon"], lat, lon)))
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
    routes : dict of str -> tumen.geo.routing.RailRoute
        Legend label -> route (e.g. from Dunai and from Khasan).
    sites : pandas.DataFrame
        Gazetteer.
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84, inside the Korea–Primorye 10m region.
    ids : sequence of str
        Sites labelled, in priority order (those outside ``extent`` are skipped).
    network : tumen.geo.routing.RailNetwork, optional
        Railways drawn in grey; default the offline network.
    figsize : (float, float)
        Width and largest height, inches.
    """
    from tumen.geo import routing

    network = routing.load_rail_network() if network is None else network
    fig, ax = new_map(extent, figsize=figsize)
    add_rail_network(ax, network, extent, linewidth=0.9)
    handles = [
        Line2D(
            [], [], color=STYLE["network"], lw=0.9, label="Railways in the OpenStreetMap extract"
        )
    ]
    for k, (label, route) in enumerate(routes.items()):
        colour, width, dash = _ROUTE_STYLES[k % len(_ROUTE_STYLES)]
        add_route(
            ax,
            route.lat,
            route.lon,
            color=colour,
            linewidth=width,
            linestyle=dash,
            zorder=3 - 0.1 * k,
        )
        add_snaps(ax, route.snaps, color=colour, linewidth=1.5)
        handles.append(Line2D([], [], color=colour, lw=width, ls=dash, label=label))
    handles.append(
        Line2D([], [], color="#555555", lw=1.5, ls=":", label="Straight connector to the network")
    )
    x0, x1, y0, y1 = extent
    shown = [
        i
        for i in ids
        if i in sites.index and x0 <= sites.loc[i, "lon"] <= x1 and y0 <= sites.loc[i, "lat"] <= y1
    ]
    _finish(
        ax,
        handles,
        "upper left",
        sites,
        shown,
        labels={
            "dunai_port": "Dunai",
            "tumangang_rail_facility": "Tumangang",
            "khasan_station": "Khasan",
            "smolyaninovo": "Smolyaninovo junction",
        },
        scale_location=(0.42, 0.05),
    )
    return fig


def thin_sites(sites, ids, min_spacing_km: float, keep: int = 0) -> list:
    """Return site ids without those closer than ``min_spacing_km`` to an earlier one.

    Parameters
    ----------
    sites : pandas.DataFrame
        Gazetteer.
    ids : sequence of str
        Site ids in priority order.
    min_spacing_km : float
        Smallest geodesic distance between kept sites, km (0 keeps all).
    keep : int
        The first ``keep`` ids are always kept.
    """
    kept: list = []
    for k, i in enumerate(ids):
        if (
            k < keep
            or min_spacing_km <= 0
            or all(
                geo.distance_km(
                    sites.loc[i, "lat"],
                    sites.loc[i, "lon"],
                    sites.loc[j, "lat"],
                    sites.loc[j, "lon"],
                )
                >= min_spacing_km
                for j in kept
            )
        ):
            kept.append(i)
    return kept


def _move_attribution_left(ax) -> None:
    """Move the attribution to the upper right (when the legend sits lower right)."""
    for t in ax.texts:
        if t.get_text() == geo.ATTRIBUTION:
            t.set_position((0.995, 0.994))
            t.set_va("top")


def _country_name(code: str) -> str:
    """Return a country's name for a legend, or the code itself when it is not a country."""
    try:
        return geo.get_country_name(code)
    except ParameterError:
        return code


def _patch(label: str):
    """Return a legend patch for the highlighted country."""
    from matplotlib.patches import Patch

    return Patch(facecolor=STYLE["highlight"], edgecolor="none", label=label)


def map_depot_distance(
    sites,
    nearest,
    *,
    depot: str = "tikhoretsk_depot",
    rings_km=(),
    extent=(33.5, 42.5, 44.0, 49.0),
    routes=None,
    ids=None,
    ring_labels=None,
    country: str = "UKR",
    labels=None,
    lines=None,
) -> Figure:
    """Map the depot, Ukraine (recognised borders) and the measured nearest points.

    Parameters
    ----------
    sites : pandas.DataFrame
        Gazetteer.
    nearest : sequence of tumen.geo.core.NearestPoint
        Distances measured from the depot (drawn as lines labelled with their km).
    depot : str
        Site id of the depot.
    rings_km : sequence of float
        Optional circles of given radius (km) around the depot, e.g. published distances.
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84 (inside the Krasnodar–Ukraine 10m region).
    routes : dict of str -> (lats, lons), optional
        Other lines to draw (e.g. the rail route to the border), legend label -> vertices
        in degrees WGS84; the far end gets a marker.
    ids : sequence of str, optional
        Sites to label, in priority order (default: the depot, Tikhoretsk, Krasnodar,
        Rostov-on-Don, Volgograd).
    ring_labels : sequence of str, optional
        One label per ring (e.g. who published the distance), written on the ring; rings
        within 15 km of each other share one label, lines stacked.
    country : str
        ``ADM0_A3`` of the country measured to, shaded (default Ukraine).
    labels : dict of str -> str, optional
        Short map labels by site id (default: the depot as "Tikhoretsk depot"); other
        sites carry their gazetteer name.
    lines : dict of str -> shapely geometry, optional
        Lines an author supplied (e.g. the line of contact at a date), legend label ->
        LineString or MultiLineString in (lon, lat) degrees; a nearest point measured to
        one goes in ``nearest`` with its name as ``target``.
    """
    import cartopy.crs as ccrs

    d = geo.get_site(depot, sites)
    fig, ax = new_map(extent, figsize=(7.0, 5.6), highlight=(country,))
    handles = [_patch(f"{_country_name(country)} (internationally recognised borders)")]
    markers = []
    for k, p in enumerate(nearest):
        colour = [STYLE["nearest"], OKABE_ITO["blue"], OKABE_ITO["sky"]][k % 3]
        add_route(ax, [d.lat, p.lat], [d.lon, p.lon], color=colour, linewidth=1.5)
        markers += ax.plot(
            p.lon,
            p.lat,
            marker="o",
            markersize=4,
            color=colour,
            transform=ccrs.PlateCarree(),
            zorder=5,
        )
        if "|" in p.target:
            pair = p.target.replace(" border", "").split("|")
            what = "point of the " + "–".join(_country_name(c) for c in pair) + " land border"
        elif not (len(p.target) == 3 and p.target.isupper()):  # a supplied line, by name
            what = f"point of the {p.target}"
        else:
            what = f"territory of {_country_name(p.target)}"
        handles.append(
            Line2D([], [], color=colour, lw=1.5, label=f"Nearest {what}: {p.distance_km:.0f} km")
        )
    groups = _ring_groups(rings_km)
    for group in groups:
        _draw_ring_group(ax, d, [rings_km[k] for k in group])
    if len(rings_km):
        handles.append(
            Line2D(
                [],
                [],
                color="#555555",
                lw=0.7,
                ls=(0, (2, 2)),
                label="Distances in reporting: "
                + ", ".join(f"{r:g}" for r in sorted(rings_km))
                + " km",
            )
        )
    if any(len(g) > 1 for g in groups):
        from matplotlib.patches import Patch

        handles.append(
            Patch(
                facecolor=_BAND,
                edgecolor="#555555",
                lw=0.5,
                label=f"Band: distances within {RING_MERGE_KM:g} km of each other",
            )
        )
    ends = [(p.lon, p.lat) for p in nearest] + [
        (lon[-1], lat[-1]) for lat, lon in (routes or {}).values()
    ]
    if ring_labels is not None:
        _label_rings(ax, d, rings_km, ring_labels, avoid=ends)
    for label, (lat, lon) in (routes or {}).items():
        colour = STYLE["rail"]
        add_route(ax, lat, lon, color=colour, linewidth=1.4, linestyle=(0, (4, 1.5)), zorder=2.8)
        markers += ax.plot(
            lon[-1],
            lat[-1],
            marker="o",
            markersize=4,
            color=colour,
            transform=ccrs.PlateCarree(),
            zorder=5,
        )
        handles.append(Line2D([], [], color=colour, lw=1.4, ls=(0, (4, 1.5)), label=label))
    for label, geom in (lines or {}).items():
        for part in getattr(geom, "geoms", [geom]):
            xy = np.asarray(part.coords)
            ax.plot(
                xy[:, 0],
                xy[:, 1],
                color=OKABE_ITO["black"],
                linewidth=1.3,
                linestyle=(0, (6, 2, 1, 2)),
                transform=ccrs.PlateCarree(),
                zorder=2.9,
            )
        handles.append(
            Line2D([], [], color=OKABE_ITO["black"], lw=1.3, ls=(0, (6, 2, 1, 2)), label=label)
        )
    if ids is None:
        ids = [depot] + [
            i for i in ("tikhoretsk", "krasnodar", "rostov_on_don", "volgograd") if i in sites.index
        ]
    _finish(
        ax,
        handles,
        "upper left",
        sites,
        [i for i in ids if i in sites.index],
        labels={depot: "Tikhoretsk depot"} if labels is None else labels,
        obstacles=markers,
    )
    return fig


#: Published distances this close (km) are drawn as one band with one stacked label.
RING_MERGE_KM = 15.0
_BAND = "#B8B8B8"


def _ring_groups(rings_km, merge_km: float = RING_MERGE_KM) -> list[list[int]]:
    """Group ring indices (by increasing radius) whose radii lie within ``merge_km``.

    >>> _ring_groups([290, 193, 201, 200])
    [[1, 3, 2], [0]]
    """
    order = sorted(range(len(rings_km)), key=lambda k: rings_km[k])
    groups: list[list[int]] = []
    for k in order:
        if groups and rings_km[k] - rings_km[groups[-1][-1]] <= merge_km:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def _draw_ring_group(ax, centre, radii) -> None:
    """Draw one ring (dashed circle) or, for near-equal radii, one shaded band between
    the smallest and the largest, edged by their circles: rings a few km apart cannot be
    told apart at map scale, so they are shown as the range they span."""
    import cartopy.crs as ccrs
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    az = np.linspace(0, 360, 181)
    rings = []
    for radius in (min(radii), max(radii)) if len(radii) > 1 else radii:
        lon, lat, _ = geo.GEOD.fwd(
            np.full_like(az, centre.lon),
            np.full_like(az, centre.lat),
            az,
            np.full_like(az, radius * 1000.0),
        )
        rings.append(ax.projection.transform_points(ccrs.PlateCarree(), lon, lat)[:, :2])
        ax.plot(
            lon,
            lat,
            color="#555555",
            linewidth=0.7,
            linestyle=(0, (2, 2)) if len(radii) == 1 else "-",
            transform=ccrs.PlateCarree(),
            zorder=2,
        )
    if len(rings) == 2:  # outer ring one way, inner the other: the inner disc stays empty
        inner, outer = rings
        path = Path(
            np.concatenate([outer, inner[::-1]]),
            np.concatenate(
                [
                    [Path.MOVETO],
                    np.full(len(outer) - 1, Path.LINETO),
                    [Path.MOVETO],
                    np.full(len(inner) - 1, Path.LINETO),
                ]
            ),
        )
        ax.add_patch(
            PathPatch(
                path,
                facecolor=_BAND,
                edgecolor="none",
                alpha=0.55,
                zorder=1.9,
                transform=ax.transData,
            )
        )


def _ring_text(radius: float, label: str) -> str:
    """A ring's label, led by its radius in km unless it already starts with it."""
    km = f"{radius:g} km"
    return label if label.startswith(km) else f"{km}: {label}"


def _label_rings(ax, centre, rings_km, labels, merge_km: float = RING_MERGE_KM, avoid=()) -> list:
    """Write each ring's label on the ring, at the first free azimuth near north.

    Rings within ``merge_km`` share one label, one line per ring in order of radius, each
    led by its radius in km so near-equal rings are told apart by their numbers.
    ``avoid`` holds (lon, lat) points (markers) the labels must not cover.
    """
    import cartopy.crs as ccrs

    if len(labels) != len(rings_km):
        raise ValueError("ring_labels needs one label per ring")
    groups = _ring_groups(rings_km, merge_km)
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    ax.apply_aspect()
    half = 6 * ax.figure.dpi / 72.0
    markers = []
    for lon, lat in avoid:
        x, y = ax.transData.transform(ax.projection.transform_point(lon, lat, ccrs.PlateCarree()))
        markers.append(Bbox.from_bounds(x - half, y - half, 2 * half, 2 * half))
    placed = []
    for group in groups:
        radius = max(rings_km[k] for k in group)
        text = "\n".join(
            labels[k] if len(group) == 1 else _ring_text(rings_km[k], labels[k]) for k in group
        )
        for az in (0, 20, -20, 40, -40, 60, -60, 90, -90, 135, -135, 180):
            lon, lat, _ = geo.GEOD.fwd(centre.lon, centre.lat, az, radius * 1000.0)
            t = ax.text(
                lon,
                lat,
                text,
                transform=ccrs.PlateCarree(),
                ha="center",
                va="center",
                fontsize=FONT["small"],
                color="#333333",
                zorder=6,
                linespacing=1.15,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.2),
            )
            box = t.get_window_extent(renderer)
            inside = (
                frame.x0 <= box.x0
                and box.x1 <= frame.x1
                and frame.y0 <= box.y0
                and box.y1 <= frame.y1
            )
            if inside and not any(_overlap(box, b) for b in placed + markers):
                placed.append(box)
                break
            t.remove()
    return placed


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
    rail_route : tumen.geo.routing.RailRoute
        Unloading port → depot.
    sea_route : tumen.geo.routing.SeaRoute or None
        Loading port → unloading port; None when it could not be computed (not drawn).
    sites : pandas.DataFrame
        Gazetteer.
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    crossing_route : tumen.geo.routing.RailRoute, optional
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
    handles = [
        Line2D(
            [], [], color=STYLE["rail"], lw=2, label=f"{rail_label}: {rail_route.length_km:,.0f} km"
        )
    ]
    if sea_route is not None:
        add_route(ax, sea_route.lat, sea_route.lon, color=STYLE["sea_route"], linewidth=2.0)
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
        handles.append(_patch(_country_name(highlight)))
    # inset first (lower middle), so labels can avoid it
    ends = [s.label for s in rail_route.snaps[:1]]
    inset_ids = list(dict.fromkeys([*ends, *inset_sites]))
    if inset_extent is None:
        inset_extent = get_inset_extent(sites, inset_ids, [sea_route, rail_route, crossing_route])
    _, inset = new_map(tuple(inset_extent), fig=fig, rect=list(inset_rect))
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
    legend = _legend(ax, handles, "upper left")
    add_scale_bar(ax, (0.03, 0.05))
    add_attribution(ax)
    _move_attribution_left(ax)
    add_sites(ax, sites, ids, labels=labels, obstacles=[legend, inset, *ax.texts])
    return fig


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
            s = geo.get_site(i, sites)
            lons.append(s.lon)
            lats.append(s.lat)
    for route in routes:
        if route is None:
            continue
        lat, lon = np.asarray(route.lat), np.asarray(route.lon)
        step = geo.distance_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
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
    import cartopy.crs as ccrs

    x0, x1, y0, y1 = extent
    ax.plot(
        [x0, x1, x1, x0, x0],
        [y0, y0, y1, y1, y0],
        color="#333333",
        linewidth=0.7,
        transform=ccrs.PlateCarree(),
        zorder=4,
    )


def all_maps(sites=None, *, rail_route=None, sea_route=None, nearest=None) -> dict:
    """Return every report map as ``{name: Figure}``, computing routes when not given.

    Names are the figure names the report uses (content, not numbers).
    """
    from tumen.geo import routing

    sites = geo.load_sites() if sites is None else sites
    rail_route = rail_route or routing.rail_route("dunai_port", "tikhoretsk_depot", sites=sites)
    sea_route = sea_route or routing.sea_route("rajin_port", "dunai_port", sites=sites)
    if nearest is None:
        d = geo.get_site("tikhoretsk_depot", sites)
        nearest = [
            geo.distance_to_country(d.lat, d.lon, "UKR"),
            geo.distance_to_border(d.lat, d.lon, "RUS", "UKR"),
        ]
    china = routing.rail_route("dunai_port", "tikhoretsk_depot", countries=None, sites=sites)
    khasan = routing.rail_route("khasan_station", "tikhoretsk_depot", sites=sites)
    return {
        "pipeline_overview_map": map_overview(
            rail_route,
            sea_route,
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
        "tumen_crossing_map": map_border_crossing(sites),
        "rajin_dunai_sea_route_map": map_sea_route(sea_route, sites),
        "dunai_tikhoretsk_rail_route_map": map_rail_routes(
            {"Within Russia": rail_route, "Shortest, any country": china}, sites
        ),
        "dunai_khasan_rail_eastern_end_map": map_rail_eastern_end(
            {"Dunai → depot": rail_route, "Khasan → depot": khasan}, sites
        ),
        "tikhoretsk_depot_ukraine_map": map_depot_distance(sites, nearest),
    }
