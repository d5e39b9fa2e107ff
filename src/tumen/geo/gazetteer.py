"""The gazetteer: the named places and geofences of ``data/sites.csv``.

The file's columns are ``id,name,country,kind,lat,lon,radius_km,uncertainty_km,source``:
:func:`load_sites` reads and validates it (naming the file, line and field of the first
problem), :func:`get_site` looks a site up by id and suggests the nearest ids when it is
unknown, :func:`to_point` turns a site id, a :class:`Site` or a ``(lat, lon)`` pair into a
point.

Coordinates are degrees WGS84 (EPSG:4326); radii and uncertainties are kilometres.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tumen import paths
from tumen.errors import DataError, ParameterError

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

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

_COUNTRY_RE = re.compile(r"^[A-Z]{3}$")


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
