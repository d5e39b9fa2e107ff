"""What every map draws on its frame: routes, sites and their labels, scale bar, attribution.

Site labels are placed so they collide neither with each other nor with markers
(:func:`place_labels`); the scale bar is measured geodesically on WGS84
(:func:`add_scale_bar`); the attribution "Natural Earth; © OpenStreetMap contributors"
(:data:`tumen.geo.world.ATTRIBUTION`) goes in a corner. :func:`finish` adds legend, scale
bar, attribution and site labels in the order that avoids overlaps.

Coordinates are degrees WGS84.
"""

from __future__ import annotations

import math

import cartopy.crs as ccrs
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.transforms import Bbox

from tumen.geo.earth import distance_km
from tumen.geo.gazetteer import get_site
from tumen.geo.maps.style import FONT, MARKERS, STYLE, legend, site_colour
from tumen.geo.world import ATTRIBUTION


def add_attribution(ax, text: str = ATTRIBUTION) -> None:
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


def nice_length(value: float) -> float:
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
    ax.apply_aspect()
    pc = ccrs.PlateCarree()
    to_data = ax.transAxes + ax.transData.inverted()
    x0, y0 = to_data.transform(location)
    x1, _ = to_data.transform((location[0] + fraction, location[1]))
    (lon0, lat0), (lon1, lat1) = (pc.transform_point(x, y0, ax.projection) for x in (x0, x1))
    target = distance_km(lat0, lon0, lat1, lon1)
    length = nice_length(target)
    # the projected horizontal is nearly uniform in scale over the bar: rescale twice
    xe = x0 + (x1 - x0) * length / target
    for _ in range(2):
        lon_e, lat_e = pc.transform_point(xe, y0, ax.projection)
        xe = x0 + (xe - x0) * length / distance_km(lat0, lon0, lat_e, lon_e)
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


def add_route(
    ax, lat, lon, *, color: str, label: str | None = None, linewidth=1.8, linestyle="-", zorder=3
):
    """Draw a route through points (degrees WGS84) along geodesics between vertices."""
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
    snaps : sequence of tumen.geo.railways.Snap
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
    network : tumen.geo.railways.RailNetwork
    extent : (lon_min, lon_max, lat_min, lat_max)
        Degrees WGS84.
    """
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


def add_sites(
    ax, sites, ids, *, labels: dict | None = None, fontsize=FONT["label"], obstacles=()
) -> list:
    """Mark sites and label them without overlaps.

    Parameters
    ----------
    ax : GeoAxes
    sites : pandas.DataFrame
        Gazetteer from :func:`tumen.geo.gazetteer.load_sites`.
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
    points = []
    for site_id in ids:
        s = get_site(site_id, sites)
        marker, size = MARKERS.get(s.kind, MARKERS["other"])
        ax.plot(
            s.lon,
            s.lat,
            marker=marker,
            markersize=size,
            color=site_colour(s.kind),
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
    for lon, lat, label, _ in points:
        text, box = _place_one(ax, lon, lat, label, fontsize, (renderer, frame), taken)
        taken.append(box)
        texts.append(text)
    return texts


def _place_one(ax, lon, lat, label, fontsize, view, taken) -> tuple:
    """Place one label at the first of :data:`_OFFSETS` that is inside the axes and overlaps
    nothing ``taken`` (else the least-overlapping); return (the text, its display box).
    ``view`` is the (renderer, axes frame in display pixels)."""
    renderer, frame = view
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
            frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        )
        overlap = sum(overlap_area(box, other) for other in taken) + (1e9 if outside else 0)
        if best is None or overlap < best[0]:
            if best is not None:
                best[1].remove()
            best = (overlap, t, box)
        else:
            t.remove()
        if overlap == 0:
            break
    return best[1], best[2]


def overlap_area(a: Bbox, b: Bbox) -> float:
    """Return the overlapping area of two display boxes (pixels²)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def finish(
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
    key = legend(ax, list(handles), legend_loc) if handles else None
    add_scale_bar(ax, scale_location)
    add_attribution(ax)
    obstacles = [t for t in ax.texts] + ([key] if key else []) + list(obstacles)
    if sites is not None and ids:
        add_sites(ax, sites, ids, labels=labels, obstacles=obstacles)


def move_attribution_to_top(ax) -> None:
    """Move the attribution to the upper right (when the legend sits lower right)."""
    for t in ax.texts:
        if t.get_text() == ATTRIBUTION:
            t.set_position((0.995, 0.994))
            t.set_va("top")


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
                distance_km(
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
