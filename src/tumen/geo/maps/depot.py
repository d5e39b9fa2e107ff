"""The depot map: a depot, the country measured to, the nearest points and published rings.

:func:`map_depot_distance` draws the depot, the country's territory (internationally
recognised borders), the measured nearest points (:class:`tumen.geo.borders.NearestPoint`)
as lines labelled with their km, published distances as rings round the depot (rings within
:data:`RING_MERGE_KM` of each other as one band, :func:`ring_groups`), and other routes and
lines an analysis passes in. It returns a :class:`matplotlib.figure.Figure` and never writes
files.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.transforms import Bbox

from tumen.geo.earth import GEOD
from tumen.geo.gazetteer import get_site
from tumen.geo.maps.frame import new_map
from tumen.geo.maps.marks import add_route, finish, overlap_area
from tumen.geo.maps.style import FONT, OKABE_ITO, STYLE, country_name, country_patch


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
    nearest : sequence of tumen.geo.borders.NearestPoint
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
    d = get_site(depot, sites)
    fig, ax = new_map(extent, figsize=(7.0, 5.6), highlight=(country,))
    handles = [country_patch(f"{country_name(country)} (internationally recognised borders)")]
    markers = []
    handles += _draw_nearest(ax, d, nearest, markers)
    handles += _draw_rings(ax, d, rings_km)
    ends = [(p.lon, p.lat) for p in nearest] + [
        (lon[-1], lat[-1]) for lat, lon in (routes or {}).values()
    ]
    if ring_labels is not None:
        _label_rings(ax, d, rings_km, ring_labels, avoid=ends)
    handles += _draw_routes(ax, routes or {}, markers)
    handles += _draw_lines(ax, lines or {})
    if ids is None:
        ids = [depot] + [
            i for i in ("tikhoretsk", "krasnodar", "rostov_on_don", "volgograd") if i in sites.index
        ]
    finish(
        ax,
        handles,
        "upper left",
        sites,
        [i for i in ids if i in sites.index],
        labels={depot: "Tikhoretsk depot"} if labels is None else labels,
        obstacles=markers,
    )
    return fig


def _draw_nearest(ax, d, nearest, markers: list) -> list:
    """Draw a line from the depot ``d`` to each nearest point and mark the point (appended
    to ``markers``); return the legend entries."""
    handles = []
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
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                lw=1.5,
                label=f"Nearest {_nearest_what(p.target)}: {p.distance_km:.0f} km",
            )
        )
    return handles


def _nearest_what(target: str) -> str:
    """What a nearest point lies on, for the legend: a land border, a line, a territory."""
    if "|" in target:
        pair = target.replace(" border", "").split("|")
        return "point of the " + "–".join(country_name(c) for c in pair) + " land border"
    if not (len(target) == 3 and target.isupper()):  # a supplied line, by name
        return f"point of the {target}"
    return f"territory of {country_name(target)}"


def _draw_rings(ax, d, rings_km) -> list:
    """Draw the published distances as rings (or bands) round the depot ``d``; return the
    legend entries."""
    handles = []
    groups = ring_groups(rings_km)
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
        handles.append(
            Patch(
                facecolor=_BAND,
                edgecolor="#555555",
                lw=0.5,
                label=f"Band: distances within {RING_MERGE_KM:g} km of each other",
            )
        )
    return handles


def _draw_routes(ax, routes: dict, markers: list) -> list:
    """Draw other routes (label -> (lats, lons)), marking each far end (appended to
    ``markers``); return the legend entries."""
    handles = []
    for label, (lat, lon) in routes.items():
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
    return handles


def _draw_lines(ax, lines: dict) -> list:
    """Draw supplied lines (label -> shapely line in lon/lat); return the legend entries."""
    handles = []
    for label, geom in lines.items():
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
    return handles


#: Published distances this close (km) are drawn as one band with one stacked label.
RING_MERGE_KM = 15.0

_BAND = "#B8B8B8"


def ring_groups(rings_km, merge_km: float = RING_MERGE_KM) -> list[list[int]]:
    """Group ring indices (by increasing radius) whose radii lie within ``merge_km``.

    >>> ring_groups([290, 193, 201, 200])
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
    az = np.linspace(0, 360, 181)
    rings = []
    for radius in (min(radii), max(radii)) if len(radii) > 1 else radii:
        lon, lat, _ = GEOD.fwd(
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
    if len(labels) != len(rings_km):
        raise ValueError("ring_labels needs one label per ring")
    groups = ring_groups(rings_km, merge_km)
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
            lon, lat, _ = GEOD.fwd(centre.lon, centre.lat, az, radius * 1000.0)
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
            if inside and not any(overlap_area(box, b) for b in placed + markers):
                placed.append(box)
                break
            t.remove()
    return placed
