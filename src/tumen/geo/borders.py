"""Countries and borders: territories, land borders, and the distance to them.

Natural Earth admin-0 polygons (the German-view edition: Crimea is Ukraine, i.e.
internationally recognised borders), clipped to the detailed regional boxes (10m) or the
Russia-wide box (50m): :func:`get_country`, :func:`get_country_name`, :func:`get_border`
(the land border two countries share), and the geodesically nearest point of a territory
(:func:`distance_to_country`), a border (:func:`distance_to_border`) or any geometry
(:func:`distance_to_geometry`), as a :class:`NearestPoint`.

Coordinates are degrees WGS84 (EPSG:4326); distances are geodesic kilometres on WGS84.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import shapefile
import shapely
import shapely.ops
from shapely.geometry import shape

from tumen import paths
from tumen.errors import DataError, ParameterError
from tumen.geo.earth import distance_km
from tumen.geo.world import get_regions

_DENSIFY_DEG = 0.005


@dataclass(frozen=True)
class NearestPoint:
    """The point of a target geometry nearest to a query point.

    Attributes
    ----------
    distance_km : float
        Geodesic distance on WGS84, km (0 when the query point lies inside the territory).
    lat, lon : float
        Nearest point, degrees WGS84.
    target : str
        What was measured to, e.g. ``"UKR"`` or ``"RUS|UKR border"``.
    resolution : str
        Natural Earth scale of the geometry (``"10m"``).
    """

    distance_km: float
    lat: float
    lon: float
    target: str
    resolution: str


def _countries(resolution: str) -> tuple[dict, list]:
    """Return the admin-0 countries layer: ({ADM0_A3: geometry}, clip boxes)."""
    return _read_countries(str(paths.geo()), resolution)


@functools.cache
def _read_countries(geo_dir: str, resolution: str) -> tuple[dict, list]:
    """Read the admin-0 countries of one data directory (cached per directory and scale)."""
    with shapefile.Reader(str(_admin0_path(geo_dir, resolution)), encoding="utf-8") as r:
        geoms = {
            rec["ADM0_A3"]: shape(s.__geo_interface__) for s, rec in zip(r.shapes(), r.records())
        }
    regions = get_regions()
    boxes = (
        list(regions["regions_10m"].values())
        if resolution == "10m"
        else [regions["russia_wide_50m"]]
    )
    return geoms, boxes


def get_country_name(code: str, resolution: str = "10m") -> str:
    """Return a country's short English name from the admin-0 layer (``NAME`` field).

    Parameters
    ----------
    code : str
        Natural Earth ``ADM0_A3`` code, e.g. ``"KAZ"``.
    resolution : {"10m", "50m"}

    Raises
    ------
    ParameterError
        When the country is not in the offline layer.

    >>> get_country_name("RUS")
    'Russia'
    """
    names = _read_country_names(str(paths.geo()), resolution)
    if code not in names:
        get_country(code, resolution)  # raises the helpful error
    return names[code]


@functools.cache
def _read_country_names(geo_dir: str, resolution: str) -> dict:
    """Read {ADM0_A3: NAME} of one data directory's admin-0 layer (cached)."""
    with shapefile.Reader(str(_admin0_path(geo_dir, resolution)), encoding="utf-8") as r:
        return {rec["ADM0_A3"]: rec["NAME"] for rec in r.records()}


def _admin0_path(geo_dir: str, resolution: str) -> Path:
    """Return the admin-0 countries shapefile of a data directory; DataError when missing."""
    path = (
        Path(geo_dir)
        / "shapefiles"
        / "natural_earth"
        / "cultural"
        / f"ne_{resolution}_admin_0_countries.shp"
    )
    if not path.exists():
        raise DataError(
            "country layer not found",
            file=path,
            hint="resolution must be 10m or 50m; run scripts/build_geodata.py",
        )
    return path


def get_country(code: str, resolution: str = "10m"):
    """Return a country's territory as a shapely (Multi)Polygon in lon/lat degrees.

    Parameters
    ----------
    code : str
        Natural Earth ``ADM0_A3`` code, e.g. ``"UKR"``.
    resolution : {"10m", "50m"}
        10m is clipped to the regional boxes, 50m (simplified) to the Russia-wide box.

    Raises
    ------
    ParameterError
        When the country is not in the offline layer.
    """
    geoms, _ = _countries(resolution)
    if code not in geoms:
        close = difflib.get_close_matches(code, list(geoms), n=3)
        raise ParameterError(
            f"country {code!r} is not in the {resolution} offline layer",
            field="country",
            hint=f"known nearby codes: {close}"
            if close
            else "use an ADM0_A3 code such as RUS or UKR",
        )
    return geoms[code]


def _true_boundary(geom, resolution: str):
    """Return the boundary of a clipped country without the artificial clip-box edges."""
    _, boxes = _countries(resolution)
    edges = shapely.union_all([shapely.box(*b).exterior for b in boxes]).buffer(1e-7)
    return geom.boundary.difference(edges)


def get_border(country: str, neighbour: str, resolution: str = "10m"):
    """Return the land border shared by two countries, lon/lat degrees.

    Natural Earth's admin-0 polygons share their border vertices, so the border is the
    intersection of the two boundaries (points where they merely touch are dropped).

    Returns
    -------
    shapely.MultiLineString

    Raises
    ------
    ParameterError
        When the two countries share no land border in the offline layer.
    """
    a = _true_boundary(get_country(country, resolution), resolution)
    b = _true_boundary(get_country(neighbour, resolution), resolution)
    shared = a.intersection(b)
    lines = [
        g
        for g in getattr(shared, "geoms", [shared])
        if g.geom_type in ("LineString", "MultiLineString") and not g.is_empty
    ]
    merged = shapely.line_merge(shapely.union_all(lines)) if lines else None
    if merged is None or merged.is_empty:
        raise ParameterError(
            f"{country} and {neighbour} share no land border in the {resolution} layer",
            field="country",
        )
    return merged


def distance_to_geometry(
    lat: float, lon: float, geom, target: str = "geometry", resolution: str = ""
) -> NearestPoint:
    """Return the geodesically nearest point of a shapely geometry and its distance.

    Works in an azimuthal equidistant projection centred on the query point, where the
    planar distance from the origin is the geodesic distance on WGS84; the reported
    distance is recomputed with ``pyproj.Geod``. Polygons count as their area: a point
    inside is at distance 0 (pass ``polygon.boundary`` to measure to the edge).

    Parameters
    ----------
    lat, lon : float
        Query point, degrees WGS84.
    geom : shapely geometry
        In (lon, lat) degrees; edges are taken as straight in lon/lat and densified to
        0.005° before projecting (the nearest point is good to a few metres).
    target, resolution : str
        Copied into the result.

    Returns
    -------
    NearestPoint

    >>> square = shapely.box(-1, -1, 1, 1)
    >>> p = distance_to_geometry(0.0, 2.0, square)
    >>> (round(p.distance_km, 2), round(p.lat, 4) + 0.0, round(p.lon, 4))
    (111.32, 0.0, 1.0)
    """
    return _nearest_on(lat, lon, geom, target, resolution)


def _nearest_on(lat: float, lon: float, geom, target: str, resolution: str) -> NearestPoint:
    """Return the geodesically nearest point of ``geom`` (lon/lat) to (lat, lon)."""
    aeqd = pyproj.Transformer.from_crs(
        "EPSG:4326",
        pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"),
        always_xy=True,
    )
    # edges are straight in lon/lat (Natural Earth's convention): densify before projecting
    dense = shapely.segmentize(geom, max_segment_length=_DENSIFY_DEG)
    projected = shapely.transform(
        dense, lambda xy: np.column_stack(aeqd.transform(xy[:, 0], xy[:, 1]))
    )
    near = shapely.ops.nearest_points(shapely.Point(0.0, 0.0), projected)[1]
    nlon, nlat = aeqd.transform(near.x, near.y, direction="INVERSE")
    return NearestPoint(
        distance_km(lat, lon, nlat, nlon), float(nlat), float(nlon), target, resolution
    )


def distance_to_country(
    lat: float, lon: float, country: str, resolution: str = "10m"
) -> NearestPoint:
    """Return the nearest point of a country's territory (land or coast) and its distance.

    Parameters
    ----------
    lat, lon : float
        Query point, degrees WGS84.
    country : str
        ``ADM0_A3`` code, e.g. ``"UKR"`` (Crimea counts as Ukraine: German-view edition).
    resolution : {"10m", "50m"}

    Returns
    -------
    NearestPoint
        Geodesic distance (km, WGS84) and the nearest point; distance 0 inside.

    Raises
    ------
    DataError
        When the nearest point found lies on the edge of the clipped data, where the
        answer would be an artefact of the clip box.

    >>> p = distance_to_country(45.8884, 40.0424, "UKR")
    >>> 150 < p.distance_km < 250
    True
    """
    geom = get_country(country, resolution)
    if geom.covers(shapely.Point(lon, lat)):
        return NearestPoint(0.0, lat, lon, country, resolution)
    result = _nearest_on(lat, lon, _true_boundary(geom, resolution), country, resolution)
    _check_not_clip_edge(result, resolution)
    return result


def distance_to_border(
    lat: float, lon: float, country: str, neighbour: str, resolution: str = "10m"
) -> NearestPoint:
    """Return the nearest point of the land border between two countries, and its distance.

    Parameters
    ----------
    lat, lon : float
        Query point, degrees WGS84.
    country, neighbour : str
        ``ADM0_A3`` codes, e.g. ``"RUS"``, ``"UKR"``.
    resolution : {"10m", "50m"}

    Returns
    -------
    NearestPoint
        Geodesic distance (km, WGS84) to the shared land border and the nearest point.
    """
    border = get_border(country, neighbour, resolution)
    result = _nearest_on(lat, lon, border, f"{country}|{neighbour} border", resolution)
    _check_not_clip_edge(result, resolution)
    return result


def _check_not_clip_edge(result: NearestPoint, resolution: str) -> None:
    """Raise DataError when a nearest point lies on a clip-box edge of the offline data."""
    _, boxes = _countries(resolution)
    for x0, y0, x1, y1 in boxes:
        on_edge = (
            x0 <= result.lon <= x1
            and y0 <= result.lat <= y1
            and min(
                abs(result.lon - x0),
                abs(result.lon - x1),
                abs(result.lat - y0),
                abs(result.lat - y1),
            )
            < 1e-6
        )
        if on_edge:
            raise DataError(
                "nearest point lies on the edge of the clipped map data",
                file=paths.geo() / "regions.json",
                hint="widen the clip boxes in scripts/build_geodata.py",
            )
