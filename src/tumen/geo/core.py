"""Geography: offline basemaps for cartopy, the site gazetteer, and geodesy on WGS84.

Three concerns every analysis shares:

- **Offline Natural Earth.** :func:`configure_cartopy` points cartopy at ``data/geo/``
  (written by ``scripts/build_geodata.py``) and replaces its downloaders with ones that
  raise :class:`~tumen.errors.DataError`, so a map can never reach for the network.
- **The gazetteer** ``data/sites.csv`` (``id,name,country,kind,lat,lon,radius_km,
  uncertainty_km,source``): :func:`load_sites` validates it, :func:`get_site` looks a
  site up by id and suggests the nearest id when it is unknown.
- **Geodesy** on the WGS84 ellipsoid (``pyproj.Geod``): distances between points, and
  the distance from a point to a country's territory or to the land border between two
  countries, with the nearest point, using Natural Earth admin-0 polygons (the German-view
  edition: Crimea is Ukraine, i.e. internationally recognised borders).

All coordinates are degrees of latitude and longitude on WGS84 (EPSG:4326); all
distances are kilometres unless a name says otherwise.

>>> round(distance_km(55.7558, 37.6173, 59.9311, 30.3609))  # Moscow - St Petersburg
633
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
import shapely.ops
from shapely.geometry import shape

from tumen import paths
from tumen.errors import DataError, ParameterError

#: The WGS84 ellipsoid, for every geodesic computation in the project.
GEOD = pyproj.Geod(ellps="WGS84")
#: Columns of ``data/sites.csv``, in order.
SITE_COLUMNS = (
    "id",
    "name",
    "country",
    "kind",
    "lat",
    "lon",
    "radius_km",
    "uncertainty_km",
    "source",
)
#: Allowed values of the ``kind`` column.
SITE_KINDS = (
    "rail_facility",
    "station",
    "bridge",
    "port",
    "town",
    "city",
    "depot",
    "junction",
    "other",
)
#: Map attribution required by the data licences (Natural Earth; OpenStreetMap ODbL).
ATTRIBUTION = "Natural Earth; © OpenStreetMap contributors"
_DENSIFY_DEG = 0.005
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{3}$")


# ---------------------------------------------------------------------------- cartopy


def configure_cartopy(data_dir: Path | str | None = None) -> Path:
    """Point cartopy at the offline layers and forbid every download.

    Sets ``cartopy.config['pre_existing_data_dir']`` and ``['data_dir']`` to
    ``data/geo`` and replaces the Natural Earth and GSHHS downloaders with ones that
    raise :class:`DataError` naming the missing layer. Safe to call repeatedly.

    Parameters
    ----------
    data_dir : path, optional
        Directory holding ``shapefiles/natural_earth/...``; default ``data/geo``.

    Returns
    -------
    pathlib.Path
        The directory cartopy now reads.
    """
    import cartopy
    import cartopy.io.shapereader as shpreader

    directory = Path(data_dir) if data_dir is not None else paths.geo()
    if not (directory / "shapefiles" / "natural_earth").is_dir():
        raise DataError(
            "offline Natural Earth layers are missing",
            file=directory,
            hint="run scripts/build_geodata.py (see its docstring)",
        )
    cartopy.config["pre_existing_data_dir"] = directory
    cartopy.config["data_dir"] = directory
    for key, base in (
        (("shapefiles", "natural_earth"), shpreader.NEShpDownloader),
        (("shapefiles", "gshhs"), shpreader.GSHHSShpDownloader),
    ):
        current = cartopy.config["downloaders"].get(key)
        if not isinstance(current, _NoDownload):
            cartopy.config["downloaders"][key] = _no_download_class(base)(
                target_path_template=str(
                    directory / "shapefiles" / "_never_downloaded" / "{name}.shp"
                ),
                pre_downloaded_path_template=(
                    base.default_downloader().pre_downloaded_path_template
                ),
            )
    return directory


class _NoDownload:
    """Marker base of the downloaders installed by :func:`configure_cartopy`."""


@functools.cache
def _no_download_class(base: type) -> type:
    """Return a subclass of a cartopy downloader whose download step raises DataError."""

    def acquire_resource(self, target_path, format_dict):
        name = (
            "ne_{resolution}_{name}".format(**format_dict)
            if "resolution" in format_dict
            else str(format_dict)
        )
        raise DataError(
            f"map layer {name} is not in the offline data and will not be downloaded",
            file=paths.geo(),
            hint="use a layer and scale that scripts/build_geodata.py writes "
            "(10m regional, 50m Russia-wide, 110m coastline)",
        )

    return type(
        f"NoDownload{base.__name__}", (base, _NoDownload), {"acquire_resource": acquire_resource}
    )


def use_geo_dir(geo_dir: Path | str) -> Path:
    """Check a notebook's ``geo_dir`` parameter and point cartopy at it.

    The geodesy and map functions of this package read the project's ``data/geo`` (via
    :mod:`tumen.paths`); a notebook still names that folder as a parameter so the build
    reruns it when the layers change. This checks that the parameter names that very
    folder, so a variant cannot silently point elsewhere, then calls
    :func:`configure_cartopy`.

    Parameters
    ----------
    geo_dir : path
        The parameter's value, relative to the working directory (the project root when
        the runner executes a notebook) or absolute.

    Returns
    -------
    pathlib.Path
        The directory cartopy now reads.

    Raises
    ------
    ParameterError
        When ``geo_dir`` is not the project's ``data/geo``.
    """
    given, expected = Path(geo_dir).resolve(), paths.geo().resolve()
    if given != expected:
        raise ParameterError(
            f"geo_dir {str(geo_dir)!r} is not the project's offline layers folder {expected}",
            field="geo_dir",
            hint="keep geo_dir = 'data/geo'; other folders are not supported",
        )
    return configure_cartopy(expected)


def get_regions() -> dict:
    """Return ``data/geo/regions.json``: the clip boxes of the offline layers.

    Boxes are ``[lon_min, lat_min, lon_max, lat_max]`` in degrees; ``regions_10m`` holds
    the detailed regional boxes, ``russia_wide_50m`` the light layer's box.
    """
    path = paths.geo() / "regions.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError("missing", file=path, hint="run scripts/build_geodata.py") from None


def get_region_covering(lons, lats, resolution: str = "10m") -> str | None:
    """Return the name of the clip box that contains all the points, or None.

    Parameters
    ----------
    lons, lats : array_like
        Points, degrees WGS84.
    resolution : {"10m", "50m"}
    """
    regions = get_regions()
    boxes = (
        regions["regions_10m"]
        if resolution == "10m"
        else {"russia_wide": regions["russia_wide_50m"]}
    )
    lons, lats = np.atleast_1d(lons), np.atleast_1d(lats)
    for name, (x0, y0, x1, y1) in boxes.items():
        if (lons >= x0).all() and (lons <= x1).all() and (lats >= y0).all() and (lats <= y1).all():
            return name
    return None


#: Layers of ``data/geo/world/``: Natural Earth 10m over the whole world, for places outside
#: the detailed regional boxes (land and coastline everywhere, land borders outside the
#: regions; lakes and countries stay regional).
WORLD_LAYERS = ("land", "coastline", "admin_0_boundary_lines_land")


def get_world_layer(name: str, bounds) -> list:
    """Return the world-wide 10m features of one layer clipped to a box.

    Parameters
    ----------
    name : {"land", "coastline", "admin_0_boundary_lines_land"}
    bounds : (lon_min, lat_min, lon_max, lat_max)
        Degrees WGS84.

    Returns
    -------
    list of shapely geometries
        The non-empty pieces inside the box, lon/lat degrees.
    """
    if name not in WORLD_LAYERS:
        raise ParameterError(
            f"no world layer {name!r}", field="layer", hint=f"one of {', '.join(WORLD_LAYERS)}"
        )
    geoms, tree = _read_world_layer(str(paths.geo()), name)
    clip = shapely.box(*bounds)
    pieces = [geoms[i].intersection(clip) for i in sorted(tree.query(clip).tolist())]
    return [g for g in pieces if not g.is_empty]


@functools.cache
def _read_world_layer(geo_dir: str, name: str):
    """Read one world layer of a data directory: (geometries, STRtree), cached."""
    import shapefile

    path = Path(geo_dir) / "world" / f"ne_10m_{name}.shp"
    if not path.exists():
        raise DataError(
            "world map layer not found",
            file=path,
            hint="run scripts/build_geodata.py (see its docstring)",
        )
    with shapefile.Reader(str(path), encoding="utf-8") as r:
        geoms = [shape(s.__geo_interface__) for s in r.shapes() if s.points]
    return geoms, shapely.STRtree(geoms)


#: Resolution of the coastline :func:`get_shore_distance_km` measures against.
SHORE_RESOLUTION = "Natural Earth 1:10m coastline"


def get_shore_distance_km(lat, lon, *, search_km: float = 500.0) -> np.ndarray:
    """Return the distance from each point to the nearest coastline, km.

    Measured against the world 1:10m Natural Earth coastline (:data:`SHORE_RESOLUTION`),
    cut into short pieces once (:func:`_coast_pieces`): the pieces within a search radius
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
    pieces, tree = _coast_pieces(str(paths.geo()))
    out = np.full(lat.shape, np.nan)
    radii = [r for r in (25.0, 100.0) if r < search_km] + [search_km]
    for i, (y, x) in enumerate(zip(lat, lon)):
        if np.isfinite(y) and np.isfinite(x):
            out[i] = _shore_km(y, x, pieces, tree, radii)
    return out


@functools.cache
def _coast_pieces(geo_dir: str, vertices: int = 64):
    """The world coastline cut into pieces of at most ``vertices`` points (each sharing its
    last point with the next), and their STRtree: a point's nearby coast is then a few
    short pieces, not a continent's outline."""
    geoms, _ = _read_world_layer(geo_dir, "coastline")
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


# ---------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Site:
    """One gazetteer entry: a named place, or a geofence (centre and radius).

    Attributes
    ----------
    id, name, country, kind, source : str
        ``country`` is an ISO 3166-1 alpha-3 code as in Natural Earth's ``ADM0_A3``.
    lat, lon : float
        Centre, degrees WGS84.
    radius_km : float
        Geofence radius, km.
    uncertainty_km : float
        How far the true position may be from the centre, km.
    """

    id: str
    name: str
    country: str
    kind: str
    lat: float
    lon: float
    radius_km: float
    uncertainty_km: float
    source: str

    @property
    def point(self) -> tuple[float, float]:
        """Return ``(lat, lon)`` in degrees."""
        return (self.lat, self.lon)


def load_sites(path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate the gazetteer.

    Parameters
    ----------
    path : path, optional
        CSV file; default ``data/sites.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per site, indexed by ``id`` (the column is kept too); ``lat``/``lon`` in
        degrees WGS84, ``radius_km``/``uncertainty_km`` in km.

    Raises
    ------
    DataError
        Missing file or column, duplicate or malformed id, a value out of range; the
        message names the file, the line (1-based, header is line 1) and the field.
    """
    path = Path(path) if path is not None else paths.data() / "sites.csv"
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            "gazetteer file not found", file=path, hint="pass the path of a sites CSV"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse CSV: {exc}", file=path) from None
    missing = [c for c in SITE_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            file=path,
            line=1,
            field=missing[0],
            hint="header must be " + ",".join(SITE_COLUMNS),
        )
    df = df[list(SITE_COLUMNS)].copy()
    for i, row in enumerate(df.itertuples(index=False)):
        _validate_site_row(row._asdict(), path, line=i + 2)
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        line = int(dup.index[0]) + 2
        raise DataError(
            f"duplicate site id {dup.iloc[0]!r}",
            file=path,
            line=line,
            field="id",
            hint="ids must be unique",
        )
    for col in ("lat", "lon", "radius_km", "uncertainty_km"):
        df[col] = df[col].astype(float)
    return df.set_index("id", drop=False).rename_axis(None)


def _validate_site_row(row: dict, path: Path, line: int) -> None:
    """Raise DataError for the first bad field of one gazetteer row."""

    def fail(field, message, hint=None):
        raise DataError(message, file=path, line=line, field=field, hint=hint)

    if not _ID_RE.match(row["id"]):
        fail("id", f"bad site id {row['id']!r}", "lower-case letters, digits and _")
    for field in ("name", "source"):
        if not row[field].strip():
            fail(field, "empty value", "every site needs a name and a source citation")
    if not _COUNTRY_RE.match(row["country"]):
        fail("country", f"bad country code {row['country']!r}", "ISO alpha-3, e.g. RUS")
    if row["kind"] not in SITE_KINDS:
        fail("kind", f"unknown kind {row['kind']!r}", "one of " + ", ".join(SITE_KINDS))
    limits = {
        "lat": (-90, 90),
        "lon": (-180, 180),
        "radius_km": (0, 1000),
        "uncertainty_km": (0, 1000),
    }
    for field, (lo, hi) in limits.items():
        try:
            value = float(row[field])
        except ValueError:
            fail(field, f"not a number: {row[field]!r}")
        if not (math.isfinite(value) and lo <= value <= hi):
            fail(field, f"{value} is outside [{lo}, {hi}]")


def get_site(site_id: str, sites: pd.DataFrame | None = None) -> Site:
    """Return one site of the gazetteer.

    Parameters
    ----------
    site_id : str
        The ``id`` column value, e.g. ``"dunai_port"``.
    sites : pandas.DataFrame, optional
        A table from :func:`load_sites`; default: the project gazetteer.

    Raises
    ------
    DataError
        When the id is unknown; the hint names the closest ids.
    """
    sites = load_sites() if sites is None else sites
    if site_id not in sites.index:
        close = difflib.get_close_matches(str(site_id), list(sites.index), n=3, cutoff=0.4)
        hint = (
            ("did you mean " + " or ".join(repr(c) for c in close) + "?")
            if close
            else "see data/sites.csv for the known ids"
        )
        raise DataError(
            f"unknown site {site_id!r}", file=paths.data() / "sites.csv", field="id", hint=hint
        )
    row = sites.loc[site_id]
    return Site(
        **{
            c: (
                float(row[c]) if c in ("lat", "lon", "radius_km", "uncertainty_km") else str(row[c])
            )
            for c in SITE_COLUMNS
        }
    )


def to_point(where, sites: pd.DataFrame | None = None) -> tuple[float, float, str]:
    """Return ``(lat, lon, label)`` for a site id, a :class:`Site` or a ``(lat, lon)`` pair.

    Raises
    ------
    ParameterError
        When a pair is not two finite numbers in range.
    """
    if isinstance(where, Site):
        return where.lat, where.lon, where.id
    if isinstance(where, str):
        site = get_site(where, sites)
        return site.lat, site.lon, site.id
    try:
        lat, lon = (float(v) for v in where)
    except (TypeError, ValueError):
        raise ParameterError(f"not a site id or (lat, lon) pair: {where!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ParameterError(f"(lat, lon) out of range: {where!r}")
    return lat, lon, f"{lat:.4f},{lon:.4f}"


# ---------------------------------------------------------------------------- geodesy


def distance_km(lat1, lon1, lat2, lon2):
    """Return the geodesic distance on WGS84 between two points (or arrays of points).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like
        Degrees WGS84.

    Returns
    -------
    float or numpy.ndarray
        Kilometres (arrays broadcast against each other).

    >>> round(distance_km(0, 0, 0, 1), 3)  # one degree of longitude on the equator
    111.319
    """
    if any(np.ndim(v) for v in (lat1, lon1, lat2, lon2)):
        lat1, lon1, lat2, lon2 = (
            np.ascontiguousarray(v, dtype=float)
            for v in np.broadcast_arrays(lat1, lon1, lat2, lon2)
        )
        return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def line_length_km(lats, lons) -> float:
    """Return the geodesic length of a polyline through the points, km (degrees WGS84)."""
    if len(lats) < 2:
        return 0.0
    return float(GEOD.line_length(np.asarray(lons, float), np.asarray(lats, float))) / 1000.0


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
    import shapefile

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
    import shapefile

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


# ---------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """A line read from a GeoJSON file, with the date it shows and where it comes from
    (e.g. the line of contact of a war at a date, from a mapping project).

    Attributes
    ----------
    geometry : shapely geometry
        LineString or MultiLineString in (lon, lat) degrees WGS84.
    date : str
        The date the line shows, as given (ISO 8601, e.g. ``"2023-10-13"``).
    source : str
        Who drew it, as given.
    path : str
        The file.
    """

    geometry: object
    date: str
    source: str
    path: str


def read_line(path: str | Path) -> Line:
    """Read a line (e.g. a front line) from GeoJSON: its LineString or MultiLineString
    features joined, with the ``date`` and ``source`` of their ``properties``.

    The file is a FeatureCollection, a Feature or a bare geometry with a top-level
    ``properties`` member; every feature's geometry must be a LineString or
    MultiLineString in lon/lat degrees, and some ``properties`` must give ``date`` (ISO
    8601) and ``source``.

    Raises
    ------
    DataError
        Naming the file, the line and the field of the first problem.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "front.geojson")
    >>> _ = open(p, "w").write('{"type": "Feature", "properties": {"date": "2023-10-13", '
    ...     '"source": "a map"}, "geometry": {"type": "LineString", "coordinates": [[0, -1], [0, 1]]}}')
    >>> line = read_line(p)
    >>> line.date, line.source, line.geometry.length
    ('2023-10-13', 'a map', 2.0)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise DataError(f"cannot read the line: {exc.strerror}", file=path) from None
    except UnicodeDecodeError:
        raise DataError("the file is not UTF-8 text", file=path, hint="save it as UTF-8") from None
    except ValueError as exc:
        raise DataError(
            f"not JSON: {exc.msg}",
            file=path,
            line=exc.lineno,
            hint="a GeoJSON FeatureCollection of LineString features",
        ) from None

    def fail(
        message: str, field: str, pattern: str | None = None, nth: int = 0, hint: str | None = None
    ):
        """Raise, with the line of the ``nth`` match of ``pattern`` (a regex) in the file."""
        found = list(re.finditer(pattern, text)) if pattern else []
        line = text.count("\n", 0, found[nth].start()) + 1 if len(found) > nth else None
        raise DataError(message, file=path, line=line, field=field, hint=hint)

    if not isinstance(data, dict):
        fail("expected a GeoJSON object", "type", hint="a FeatureCollection of LineString features")
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            fail("the FeatureCollection has no features", "features", r'"features"\s*:')
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": data.get("properties")}]
    parts, props = [], [data.get("properties")] if isinstance(data.get("properties"), dict) else []
    coords = r'"coordinates"\s*:'
    for k, feat in enumerate(features):
        where = {"FeatureCollection": f"features[{k}].geometry.", "Feature": "geometry."}.get(
            data.get("type"), ""
        )
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        kind = geom.get("type") if isinstance(geom, dict) else None
        if kind not in ("LineString", "MultiLineString"):
            fail(
                f"geometry type {kind!r} is not a line",
                f"{where}type",
                rf'"type"\s*:\s*"{re.escape(str(kind))}"',
                hint="a LineString or MultiLineString (a polygon's edge: give its boundary)",
            )
        try:
            g = shape(geom)
        except Exception as exc:  # noqa: BLE001 - shapely raises several kinds
            fail(f"unreadable coordinates ({exc})", f"{where}coordinates", coords, k)
        xy = shapely.get_coordinates(g)
        if not len(xy) or not (np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90)):
            fail(
                "coordinates are not lon/lat degrees (lon within ±180, lat within ±90)",
                f"{where}coordinates",
                coords,
                k,
                hint="GeoJSON is [lon, lat] in WGS84 degrees",
            )
        parts.append(g)
        if isinstance(feat.get("properties"), dict):
            props.append(feat["properties"])
    given = {
        key: next((str(p[key]) for p in props if p.get(key) not in (None, "")), "")
        for key in ("date", "source")
    }
    for key in ("date", "source"):
        if not given[key]:
            fail(
                f"no {key} given for the line",
                f"properties.{key}",
                r'"properties"\s*:',
                hint='every line needs "properties": {"date": "2023-10-13", "source": '
                '"who drew it, with its address"}',
            )
    try:
        _dt.date.fromisoformat(given["date"][:10])
        if len(given["date"]) > 10 and given["date"][10] not in "T ":
            raise ValueError(given["date"])
    except ValueError:
        fail(
            f"date {given['date']!r} is not an ISO 8601 date",
            "properties.date",
            r'"date"\s*:',
            hint="e.g. 2023-10-13",
        )
    return Line(
        geometry=shapely.union_all(parts),
        date=given["date"],
        source=given["source"],
        path=str(path),
    )
