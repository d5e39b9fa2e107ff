"""Distance from shore: how far a point lies from the nearest coastline.

:func:`get_shore_distance_km` measures against the world-wide Natural Earth 1:10m coastline
(:data:`SHORE_RESOLUTION`), cut once into short pieces indexed by an STRtree.

Coordinates are degrees WGS84 (EPSG:4326); distances are kilometres.
"""

from __future__ import annotations

import functools

import numpy as np
import shapely

from tumen import paths
from tumen.geo.world import read_world_layer

#: Resolution of the coastline :func:`get_shore_distance_km` measures against.
SHORE_RESOLUTION = "Natural Earth 1:10m coastline"


def get_shore_distance_km(lat, lon, *, search_km: float = 500.0) -> np.ndarray:
    """Return the distance from each point to the nearest coastline, km.

    Measured against the world 1:10m Natural Earth coastline (:data:`SHORE_RESOLUTION`),
    cut into short pieces once (:func:`coast_pieces`): the pieces within a search radius
    of a point (25 km, then 100 km, then ``search_km``, until one holds the nearest) are
    projected onto a plane centred on the point (equirectangular, good to well under 1 %
    at these distances) and the distance to the nearest is taken. Points on land get
    their distance to the coast, as points at sea do.

    Parameters
    ----------
    lat, lon : float or array_like
        Degrees WGS84 (broadcast against each other).
    search_km : float
        Farthest coast looked for; a point with no coast that near gets ``inf``.

    Returns
    -------
    numpy.ndarray
        Kilometres, float, one per point (NaN where a coordinate is NaN).

    >>> bool(get_shore_distance_km(43.0, 132.0)[0] > 0)
    True
    """
    lat, lon = (np.atleast_1d(np.asarray(v, dtype=float)) for v in np.broadcast_arrays(lat, lon))
    pieces, tree = coast_pieces(str(paths.geo()))
    out = np.full(lat.shape, np.nan)
    radii = [r for r in (25.0, 100.0) if r < search_km] + [search_km]
    for i, (y, x) in enumerate(zip(lat, lon)):
        if np.isfinite(y) and np.isfinite(x):
            out[i] = _shore_km(y, x, pieces, tree, radii)
    return out


@functools.cache
def coast_pieces(geo_dir: str, vertices: int = 64):
    """The world coastline cut into pieces of at most ``vertices`` points (each sharing its
    last point with the next), and their STRtree: a point's nearby coast is then a few
    short pieces, not a continent's outline."""
    geoms, _ = read_world_layer(geo_dir, "coastline")
    pieces = []
    for g in geoms:
        for line in getattr(g, "geoms", [g]):
            xy = np.asarray(line.coords)
            for k in range(0, max(len(xy) - 1, 1), vertices - 1):
                part = xy[k : k + vertices]
                if len(part) >= 2:
                    pieces.append(shapely.LineString(part))
    pieces = np.array(pieces, dtype=object)
    return pieces, shapely.STRtree(pieces)


def _shore_km(lat: float, lon: float, pieces: np.ndarray, tree, radii: list[float]) -> float:
    km_lat = 110.574
    km_lon = 111.320 * max(np.cos(np.radians(lat)), 1e-6)

    def to_km(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(((coords[:, 0] - lon) * km_lon, (coords[:, 1] - lat) * km_lat))

    for radius in radii:
        dy, dx = radius / km_lat, min(radius / km_lon, 180.0)
        near = tree.query(shapely.box(lon - dx, lat - dy, lon + dx, lat + dy))
        if not len(near):
            continue
        local = shapely.transform(pieces[np.sort(near)], to_km)
        best = float(shapely.distance(shapely.Point(0.0, 0.0), local).min())
        if best <= radius:  # nothing outside the box can be nearer
            return best
    return np.inf
