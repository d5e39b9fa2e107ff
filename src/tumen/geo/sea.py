"""Sea routes: the shortest water-only way between two coastal points.

Global marine networks snap Rajin and Dunai to nodes tens of km away or cut across land, so
:func:`sea_route` computes coastal legs itself: the shortest water-only path over a land
mask rasterised from Natural Earth 10m land on a local grid (``skimage.graph.MCP_Geometric``),
pulled taut and checked never to cross land. :func:`ocean_route` uses the ``searoute``
marine network, for ocean-scale legs only.

Coordinates are degrees WGS84 (EPSG:4326); lengths are geodesic km on WGS84, or
international nautical miles (:data:`tumen.geo.earth.KM_PER_NM`) where named ``_nm``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj
import shapefile
import shapely
from scipy import ndimage

from tumen import paths
from tumen.errors import DataError, ParameterError
from tumen.geo.earth import KM_PER_NM, distance_km, line_length_km
from tumen.geo.gazetteer import to_point
from tumen.geo.railways import Snap
from tumen.geo.world import get_region_covering, get_world_layer


@dataclass(frozen=True)
class SeaRoute:
    """A water-only route between two coastal points.

    Attributes
    ----------
    length_km, length_nm : float
        Geodesic length of the water path between the snapped endpoints (km, nautical
        miles); snap distances are not included.
    snaps : tuple of Snap
        Start and end moved to the nearest open-water grid cell (``node`` = flat cell index).
    lat, lon : numpy.ndarray
        Vertices of the simplified path, degrees WGS84.
    cell_km : float
        Grid resolution used, km.
    clearance_km : float
        Minimum distance kept from land cell centres, km.
    crs : str
        PROJ string of the local grid (transverse Mercator centred between the ends).
    """

    length_km: float
    length_nm: float
    snaps: tuple
    lat: np.ndarray = field(repr=False)
    lon: np.ndarray = field(repr=False)
    cell_km: float
    clearance_km: float
    crs: str

    @property
    def geometry(self) -> shapely.LineString:
        """The route as a shapely LineString in (lon, lat) degrees."""
        return shapely.LineString(np.column_stack([self.lon, self.lat]))

    @property
    def total_km(self) -> float:
        """Water-path length plus the two straight snap legs, km."""
        return self.length_km + sum(s.km for s in self.snaps)

    def report(self) -> str:
        """Return a few lines describing the route and its snaps."""
        how = (
            f"grid {self.cell_km * 1000:.0f} m"
            if math.isfinite(self.cell_km)
            else "searoute marine network"
        )
        lines = [
            f"sea route {self.snaps[0].label} -> {self.snaps[1].label}: "
            f"{self.length_km:.1f} km = {self.length_nm:.1f} nm "
            f"({how}, {len(self.lat)} vertices)"
        ]
        for s in self.snaps:
            lines.append(
                f"  snap {s.label}: ({s.lat:.4f}, {s.lon:.4f}) -> water at "
                f"({s.node_lat:.4f}, {s.node_lon:.4f}), {s.km:.2f} km"
            )
        return "\n".join(lines)


@functools.cache
def _land_polygons(geo_dir: str, resolution: str):
    """Return Natural Earth land (and nothing else) as one shapely geometry, lon/lat."""
    path = Path(geo_dir) / "shapefiles" / "natural_earth" / "physical" / f"ne_{resolution}_land.shp"
    if not path.exists():
        raise DataError("land layer not found", file=path, hint="run scripts/build_geodata.py")
    with shapefile.Reader(str(path)) as r:
        geoms = [shapely.geometry.shape(s.__geo_interface__) for s in r.shapes()]
    return shapely.union_all(geoms)


def get_land(resolution: str = "10m"):
    """Return Natural Earth land as a shapely (Multi)Polygon in lon/lat degrees (WGS84).

    The 10m layer is clipped to the regional boxes of ``data/geo/regions.json``; outside
    them :func:`tumen.geo.world.get_world_layer` reads the same land unclipped.
    """
    return _land_polygons(str(paths.geo()), resolution)


def sea_route(
    a,
    b,
    *,
    cell_km: float = 0.25,
    margin_km: float = 30.0,
    clearance_cells: int = 1,
    sites=None,
    land=None,
    max_snap_km: float = 15.0,
) -> SeaRoute:
    """Return the shortest water-only route between two coastal points.

    The land mask is Natural Earth 10m land rasterised on a local transverse Mercator grid
    of ``cell_km`` cells around the two points (plus ``margin_km``), dilated by
    ``clearance_cells`` so the path keeps off the coast. Both ends are snapped to the
    nearest cell of the largest open-water area; the minimum-cost path
    (``skimage.graph.MCP_Geometric``, 8-connected) is then pulled taut: each vertex is
    joined to the farthest later vertex it can see without touching land (forwards and
    backwards; the shorter wins). The result is checked never to intersect land. The
    route is computed in a fixed order of the two ends, so A→B and B→A are the same line.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Ports: gazetteer ids, sites, or points in degrees WGS84.
    cell_km : float
        Grid cell size, km (0.25 resolves harbour approaches at Natural Earth 10m).
    margin_km : float
        Grid margin around the two points, km.
    clearance_cells : int
        Cells of clearance from land.
    sites : pandas.DataFrame, optional
        Gazetteer for resolving ids.
    land : shapely geometry, optional
        Land polygons in lon/lat degrees (tests pass a hand-made coast); default
        Natural Earth 10m land (the regional layer, or the world-wide one outside it).
    max_snap_km : float
        Farthest an end may be from the open water the route uses, km: an end on other
        water (a sea no path inside the grid joins) or far inland has no route.

    Returns
    -------
    SeaRoute

    Raises
    ------
    ParameterError
        A bad parameter, or a grid too large for a coastal leg.
    DataError
        No water path between the ends, or an end farther than ``max_snap_km`` from it.
    """
    if cell_km is None or not (0.01 <= cell_km <= 10) or margin_km < 0 or clearance_cells < 0:
        raise ParameterError(
            "sea_route needs 0.01 <= cell_km <= 10, margin_km >= 0, clearance_cells >= 0",
            field="cell_km",
        )
    pa, pb = to_point(a, sites), to_point(b, sites)
    if pa[:2] <= pb[:2]:
        return _sea_route(pa, pb, cell_km, margin_km, clearance_cells, land, max_snap_km)
    r = _sea_route(pb, pa, cell_km, margin_km, clearance_cells, land, max_snap_km)
    return SeaRoute(
        length_km=r.length_km,
        length_nm=r.length_nm,
        snaps=r.snaps[::-1],
        lat=r.lat[::-1].copy(),
        lon=r.lon[::-1].copy(),
        cell_km=r.cell_km,
        clearance_km=r.clearance_km,
        crs=r.crs,
    )


def _sea_route(pa, pb, cell_km, margin_km, clearance_cells, land, max_snap_km) -> SeaRoute:
    """Compute :func:`sea_route` for resolved ends ``(lat, lon, label)``."""
    grid = _sea_grid(pa, pb, cell_km, margin_km)
    land_xy, sea = _open_water(grid, land, clearance_cells)
    snaps = [
        _snap_to_water(grid, sea, end, xy, max_snap_km, margin_km)
        for end, xy in zip((pa, pb), grid.ends)
    ]
    taut = _taut_path(sea, [cell for _, cell in snaps], grid, land_xy, pa[2], pb[2])
    line = shapely.LineString(taut)
    if line.intersects(land_xy):
        raise DataError(
            "internal check failed: the sea route touches land",
            hint="lower cell_km or raise clearance_cells",
        )
    dense = shapely.segmentize(line, max_segment_length=1000.0)
    lon, lat = grid.inv.transform(*np.asarray(dense.coords).T)
    vlon, vlat = grid.inv.transform(taut[:, 0], taut[:, 1])
    length = line_length_km(lat, lon)
    return SeaRoute(
        length_km=length,
        length_nm=length / KM_PER_NM,
        snaps=(snaps[0][0], snaps[1][0]),
        lat=np.asarray(vlat),
        lon=np.asarray(vlon),
        cell_km=cell_km,
        clearance_km=clearance_cells * cell_km,
        crs=grid.crs,
    )


@dataclass(frozen=True)
class _SeaGrid:
    """A local transverse Mercator grid around two points.

    ``crs`` is its PROJ string, ``fwd``/``inv`` transform lon/lat degrees to grid metres and
    back, ``ends`` are the two points in metres, ``xs``/``ys`` the cell centres (metres) and
    ``corners`` the (lons, lats) of the grid's corners, degrees.
    """

    crs: str
    fwd: pyproj.Transformer
    inv: pyproj.Transformer
    ends: tuple
    xs: np.ndarray
    ys: np.ndarray
    corners: tuple


def _sea_grid(pa, pb, cell_km, margin_km) -> _SeaGrid:
    """Return the grid of ``cell_km`` cells around two ends, ``margin_km`` beyond them."""
    (lat_a, lon_a, _), (lat_b, lon_b, _) = pa, pb
    crs = (
        f"+proj=tmerc +lat_0={(lat_a + lat_b) / 2:.6f} +lon_0={(lon_a + lon_b) / 2:.6f} "
        "+k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )
    fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    xa, ya = fwd.transform(lon_a, lat_a)
    xb, yb = fwd.transform(lon_b, lat_b)
    cell, margin = cell_km * 1000.0, margin_km * 1000.0
    x0, x1 = min(xa, xb) - margin, max(xa, xb) + margin
    y0, y1 = min(ya, yb) - margin, max(ya, yb) + margin
    nx, ny = int(math.ceil((x1 - x0) / cell)), int(math.ceil((y1 - y0) / cell))
    if nx * ny > 6_000_000:
        raise ParameterError(
            f"sea grid of {nx}x{ny} cells is too large for a coastal leg",
            field="cell_km",
            hint="raise cell_km or use an ocean route",
        )
    xs, ys = x0 + (np.arange(nx) + 0.5) * cell, y0 + (np.arange(ny) + 0.5) * cell
    corners = fwd.transform(
        np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1]), direction="INVERSE"
    )
    inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return _SeaGrid(crs, fwd, inv, ((xa, ya), (xb, yb)), xs, ys, tuple(corners))


def _open_water(grid: _SeaGrid, land, clearance_cells: int):
    """Return (the land in grid metres, prepared; the mask of the largest open-water area,
    cells within ``clearance_cells`` of land excluded)."""
    corner_lon, corner_lat = grid.corners
    view = shapely.box(
        min(corner_lon) - 0.1, min(corner_lat) - 0.1, max(corner_lon) + 0.1, max(corner_lat) + 0.1
    )
    land_xy = shapely.transform(
        _land_in(view, land, corner_lon, corner_lat),
        lambda c: np.column_stack(grid.fwd.transform(c[:, 0], c[:, 1])),
    )
    shapely.prepare(land_xy)
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    is_land = shapely.contains_xy(land_xy, gx, gy)
    blocked = (
        ndimage.binary_dilation(
            is_land, structure=np.ones((3, 3), bool), iterations=clearance_cells
        )
        if clearance_cells
        else is_land
    )
    labels, n = ndimage.label(~blocked, structure=np.ones((3, 3), int))
    if n == 0:
        raise DataError("no open water in the sea grid", hint="check the two points")
    sea = labels == (1 + int(np.argmax(np.bincount(labels.ravel())[1:])))
    return land_xy, sea


def _snap_to_water(grid: _SeaGrid, sea, end, xy, max_snap_km, margin_km) -> tuple:
    """Return the :class:`Snap` of one end ``(lat, lon, label)`` (at ``xy``, metres) to the
    nearest open-water cell, and that cell ``(row, col)``; DataError when it is too far."""
    (lat, lon, label), (x, y) = end, xy
    xs, ys = grid.xs, grid.ys
    rows, cols = np.nonzero(sea)
    k = int(np.argmin((xs[cols] - x) ** 2 + (ys[rows] - y) ** 2))
    r, c = int(rows[k]), int(cols[k])
    slon, slat = grid.inv.transform(xs[c], ys[r])
    snap = Snap(
        label,
        lat,
        lon,
        r * len(xs) + c,
        float(slat),
        float(slon),
        distance_km(lat, lon, slat, slon),
    )
    if snap.km > max_snap_km:
        raise DataError(
            f"no water path joins the two ports: {label} is "
            f"{snap.km:.0f} km from the open water the route would use",
            hint=f"are the ports on waters that connect within {margin_km:.0f} km of them?",
        )
    return snap, (r, c)


def _taut_path(sea, cells, grid: _SeaGrid, land_xy, label_a: str, label_b: str) -> np.ndarray:
    """Return the minimum-cost water path between two cells, pulled taut (grid metres)."""
    from skimage.graph import MCP_Geometric  # noqa: PLC0415 - heavy; only a sea route needs it

    costs = np.where(sea, 1.0, np.inf)
    mcp = MCP_Geometric(costs)
    (ra, ca), (rb, cb) = cells
    cum, _ = mcp.find_costs([(ra, ca)], [(rb, cb)])
    if not np.isfinite(cum[rb, cb]):
        raise DataError(f"no water path between {label_a} and {label_b}")
    path = np.asarray(mcp.traceback((rb, cb)))
    path_xy = np.column_stack([grid.xs[path[:, 1]], grid.ys[path[:, 0]]])
    forward, backward = _pull_taut(path_xy, land_xy), _pull_taut(path_xy[::-1], land_xy)[::-1]
    return min((forward, backward), key=lambda p: np.hypot(*np.diff(p, axis=0).T).sum())


def _land_in(view, land, lons, lats):
    """Land inside ``view`` (lon/lat): the given geometry, else Natural Earth 10m land from
    the detailed regional layer when the grid's corners lie in one region, else from the
    world-wide layer (the same data, unclipped)."""
    if land is not None:
        return land.intersection(view)
    if get_region_covering(lons, lats, "10m") is not None:
        return get_land("10m").intersection(view)
    return shapely.union_all(get_world_layer("land", view.bounds))


def ocean_route(a, b, *, sites=None) -> SeaRoute:
    """Return an ocean-scale route over the ``searoute`` marine network (Eurostat marnet).

    For long legs only (e.g. Rajin to a Chinese shipyard): the network is coarse near the
    coast, so the endpoints can snap tens to hundreds of km; the snaps are reported and
    are not part of ``length_km``. Use :func:`sea_route` for coastal legs.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Ports: gazetteer ids, sites, or points in degrees WGS84.
    sites : pandas.DataFrame, optional
        Gazetteer for resolving ids.

    Returns
    -------
    SeaRoute
        ``cell_km`` and ``clearance_km`` are NaN, ``crs`` is ``"EPSG:4326"``; ``node`` of
        each snap is the index of the route vertex it snapped to.
    """
    import searoute  # noqa: PLC0415 - reads its marine network on import; ocean legs only

    (lat_a, lon_a, label_a), (lat_b, lon_b, label_b) = (to_point(p, sites) for p in (a, b))
    feature = searoute.searoute([lon_a, lat_a], [lon_b, lat_b], units="km")
    coords = np.asarray(feature["geometry"]["coordinates"], float)
    lon, lat = coords[:, 0], coords[:, 1]
    snaps = (
        Snap(
            label_a,
            lat_a,
            lon_a,
            0,
            float(lat[0]),
            float(lon[0]),
            distance_km(lat_a, lon_a, lat[0], lon[0]),
        ),
        Snap(
            label_b,
            lat_b,
            lon_b,
            len(lat) - 1,
            float(lat[-1]),
            float(lon[-1]),
            distance_km(lat_b, lon_b, lat[-1], lon[-1]),
        ),
    )
    length = line_length_km(lat, lon)
    return SeaRoute(
        length_km=length,
        length_nm=length / KM_PER_NM,
        snaps=snaps,
        lat=lat,
        lon=lon,
        cell_km=float("nan"),
        clearance_km=float("nan"),
        crs="EPSG:4326",
    )


def _pull_taut(path: np.ndarray, land) -> np.ndarray:
    """Simplify a grid path: join each kept vertex to the farthest vertex visible over water.

    Parameters
    ----------
    path : numpy.ndarray, shape (n, 2)
        Vertices in projected metres.
    land : shapely geometry (prepared)
        Obstacles in the same coordinates.

    Returns
    -------
    numpy.ndarray, shape (m, 2)
        A subset of the vertices, first and last kept; consecutive vertices see each other.
    """
    keep = [0]
    n = len(path)
    while keep[-1] < n - 1:
        i = keep[-1]
        lo, hi = i + 1, n - 1  # lo is always visible (adjacent cells are water)
        if not _blocked(path[i], path[hi], land):
            keep.append(hi)
            continue
        while hi - lo > 1:  # binary search for the last visible vertex
            mid = (lo + hi) // 2
            if _blocked(path[i], path[mid], land):
                hi = mid
            else:
                lo = mid
        keep.append(lo)
    return path[keep]


def _blocked(p, q, land) -> bool:
    """Return True when the segment p-q touches land."""
    return bool(land.intersects(shapely.LineString([p, q])))
