"""Reading railcar counts: the observations file checked row by row, one site's images as a Dataset.

Input is one row per satellite image with the number of freight railcars an analyst
counted (``observations/railcars.csv``: ``site,acquired,railcars`` required,
``image_id,provider,gsd_m,cloud_pct,analyst,confidence,notes`` optional). This module reads
and validates the file (:func:`read_railcars`), holds one site's images as an xarray
Dataset indexed by acquisition time (:func:`to_dataset`, :func:`load`) and filters them by
confidence and resolution (:func:`filter_images`). The statistics are in
:mod:`tumen.analyses.rail.compute`.

Timestamp policy
----------------
``acquired`` is ISO 8601. A timestamp with an offset (``Z``, ``+09:00``) is converted to
UTC. A date alone (``2023-10-05``) is taken as that UTC day at 00:00. A date and time
without an offset is ambiguous (local time? UTC?) and is an error unless the caller passes
``naive="utc"``. Times are held as UTC without a time zone (numpy ``datetime64``).

>>> ds = load("data/observations/railcars.csv", "tumangang_rail")    # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from tumen.errors import DataError, ParameterError, suggest
from tumen.report.tables import read_table

REQUIRED = ("site", "acquired", "railcars")
OPTIONAL = ("image_id", "provider", "gsd_m", "cloud_pct", "analyst", "confidence", "notes")
CONFIDENCE = ("low", "medium", "high")  # in increasing order
TEXT_COLUMNS = ("image_id", "provider", "analyst", "confidence", "notes")
#: the columns of :func:`read_railcars`, in order
COLUMNS = (
    "site",
    "acquired",
    "railcars",
    "image_id",
    "provider",
    "analyst",
    "confidence",
    "notes",
    "gsd_m",
    "cloud_pct",
    "line",
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNT = re.compile(r"^\d+$")


def read_railcars(
    path: str | os.PathLike, known_sites: Iterable[str] | None = None, naive: str = "error"
) -> pd.DataFrame:
    """Read and validate a railcar-count file (all sites).

    Parameters
    ----------
    path : str or path-like
        CSV with ``site,acquired,railcars`` and optionally
        ``image_id,provider,gsd_m,cloud_pct,analyst,confidence,notes``.
    known_sites : iterable of str, optional
        Site ids of the gazetteer (``data/sites.csv``); a row naming another site is an
        error. ``None`` accepts any site.
    naive : {"error", "utc"}
        What a date-time without a UTC offset means (see the module's timestamp policy).

    Returns
    -------
    pandas.DataFrame
        One row per image, sorted by site, time and line: ``acquired`` as UTC
        ``datetime64`` (no zone), ``railcars`` int64, ``gsd_m`` (metres) and ``cloud_pct``
        (percent) float with NaN when absent, text columns with ``""`` when absent,
        ``confidence`` lower-case, ``line`` the line in the file.

    Raises
    ------
    DataError
        Naming file, line and field: a missing column (with the closest name), an empty
        site, an unknown site, an unparseable or zone-less timestamp, a count that is not a
        whole number >= 0, a resolution <= 0, a cloud cover outside 0-100, an unknown
        confidence level.
    """
    if naive not in ("error", "utc"):
        raise ParameterError(f"naive must be 'error' or 'utc', not {naive!r}", field="naive")
    path = Path(path)
    table = read_table(path, REQUIRED, OPTIONAL)
    for col in TEXT_COLUMNS + ("gsd_m", "cloud_pct"):
        if col not in table:
            table[col] = ""
    known = None if known_sites is None else sorted(set(known_sites))
    parsed = [_parse_row(path, row, known, naive) for row in table.itertuples(index=False)]
    out = pd.DataFrame(parsed, columns=list(COLUMNS))
    out["acquired"] = pd.to_datetime(out["acquired"]).astype("datetime64[ns]")
    out = out.astype(
        {"railcars": "int64", "gsd_m": "float64", "cloud_pct": "float64", "line": "int64"}
    )
    return out.sort_values(["site", "acquired", "line"], kind="stable").reset_index(drop=True)


def _parse_row(path: Path, row, known: list[str] | None, naive: str) -> tuple:
    """Validate one row; return its typed fields in the output column order."""
    line = row.line
    check_site(path, line, row.site, known)
    when = parse_time(row.acquired, naive=naive, file=path, line=line, field="acquired")
    count = parse_count(path, line, row.railcars)
    gsd = _parse_float(
        path,
        line,
        "gsd_m",
        row.gsd_m,
        low=0.0,
        low_open=True,
        hint="ground sample distance in metres, e.g. 0.5",
    )
    cloud = _parse_float(
        path,
        line,
        "cloud_pct",
        row.cloud_pct,
        low=0.0,
        high=100.0,
        hint="cloud cover in percent, 0 to 100",
    )
    confidence = row.confidence.lower()
    if confidence and confidence not in CONFIDENCE:
        raise DataError(
            f"confidence {row.confidence!r} is not one of {', '.join(CONFIDENCE)}",
            file=path,
            line=line,
            field="confidence",
            hint="leave it empty when unknown",
        )
    return (
        row.site,
        when,
        count,
        row.image_id,
        row.provider,
        row.analyst,
        confidence,
        row.notes,
        gsd,
        cloud,
        line,
    )


def check_site(path: Path, line: int, site: str, known: list[str] | None) -> None:
    """Raise DataError when a row's site is empty or not in the gazetteer (``known``)."""
    if not site:
        raise DataError(
            "site is empty",
            file=path,
            line=line,
            field="site",
            hint="give the site id of data/sites.csv",
        )
    if known is not None and site not in known:
        raise DataError(
            f"unknown site {site!r}",
            file=path,
            line=line,
            field="site",
            hint=suggest(site, known) or "add it to data/sites.csv",
        )


def parse_time(
    text: str, *, naive: str = "error", file=None, line=None, field: str = "acquired"
) -> _dt.datetime:
    """Parse an ISO 8601 timestamp to a UTC ``datetime`` without zone (module policy).

    Parameters
    ----------
    text : str
        ``2023-10-05T01:48:00Z``, ``2023-10-05T10:48:00+09:00`` or ``2023-10-05``.
    naive : {"error", "utc"}
        Whether a date-time without offset is an error or taken as UTC.
    file, line, field : optional
        Where the text comes from, for the error message.

    >>> parse_time("2023-10-05T10:48:00+09:00")
    datetime.datetime(2023, 10, 5, 1, 48)
    """
    if _DATE_ONLY.match(text):
        try:
            return _dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    try:
        when = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise DataError(
            f"cannot read timestamp {text!r}",
            file=file,
            line=line,
            field=field,
            hint="write ISO 8601 UTC, e.g. 2023-10-05T01:48:00Z",
        ) from None
    if when.tzinfo is None:
        if naive != "utc":
            raise DataError(
                f"timestamp {text!r} has no time zone",
                file=file,
                line=line,
                field=field,
                hint="append Z for UTC (2023-10-05T01:48:00Z) or "
                "give the offset; naive='utc' takes zone-less times as UTC",
            )
        return when
    return when.astimezone(_dt.UTC).replace(tzinfo=None)


def parse_count(path: Path, line: int, text: str) -> int:
    """Return a railcar count, or raise DataError when it is not a whole number >= 0."""
    if _COUNT.match(text):
        return int(text)
    if not text:
        problem = "railcars is empty"
    elif re.match(r"^-\d+$", text):
        problem = f"railcars {text} is negative"
    else:
        problem = f"railcars {text!r} is not a whole number"
    raise DataError(
        problem,
        file=path,
        line=line,
        field="railcars",
        hint="a count of whole railcars, 0 or more; leave out images where the "
        "facility cannot be counted",
    )


def _parse_float(
    path: Path,
    line: int,
    field: str,
    text: str,
    *,
    low: float,
    high: float = math.inf,
    low_open: bool = False,
    hint: str,
) -> float:
    """Return an optional number in [low, high] (or (low, high]), NaN when empty."""
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    bad_low = value <= low if low_open else value < low
    if not math.isfinite(value) or bad_low or value > high:
        raise DataError(
            f"{field} {text!r} is not a valid value", file=path, line=line, field=field, hint=hint
        )
    return value


def to_dataset(table: pd.DataFrame, site: str) -> xr.Dataset:
    """Return one site's images as a Dataset indexed by acquisition time.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`read_railcars`.
    site : str
        Site id.

    Returns
    -------
    xarray.Dataset
        Dimension ``acquired`` (UTC, sorted; two images may share a time); variables
        ``railcars`` (count), ``gsd_m`` (m), ``cloud_pct`` (%), ``image_id``, ``provider``,
        ``analyst``, ``confidence``, ``notes`` and ``line`` (line in the source file);
        attribute ``site``.

    Raises
    ------
    DataError
        When no image names ``site`` (the hint lists the sites present).
    """
    rows = table[table["site"] == site]
    if rows.empty:
        present = sorted(table["site"].unique())
        raise DataError(
            f"no image of site {site!r}",
            field="site",
            hint=suggest(site, present) or f"sites in the file: {', '.join(present) or 'none'}",
        )
    units = {"railcars": "railcars", "gsd_m": "m", "cloud_pct": "%"}
    data = {
        name: ("acquired", rows[name].to_numpy(), {"units": units[name]} if name in units else {})
        for name in ["railcars", "gsd_m", "cloud_pct", *TEXT_COLUMNS, "line"]
    }
    ds = xr.Dataset(data, coords={"acquired": rows["acquired"].to_numpy()})
    ds["acquired"].attrs["time_zone"] = "UTC"
    ds.attrs["site"] = site
    return ds


def load(
    path: str | os.PathLike,
    site: str,
    known_sites: Iterable[str] | None = None,
    naive: str = "error",
) -> xr.Dataset:
    """Read a railcar-count file and return one site's Dataset (see :func:`to_dataset`)."""
    ds = to_dataset(read_railcars(path, known_sites=known_sites, naive=naive), site)
    ds.attrs["source"] = str(path)
    return ds


def filter_images(
    ds: xr.Dataset, min_confidence: str | None = None, max_gsd_m: float | None = None
) -> xr.Dataset:
    """Drop images below a confidence level or coarser than a resolution.

    Images whose confidence or resolution is not recorded are kept (nothing says they fail).

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images.
    min_confidence : {"low", "medium", "high"}, optional
        Keep images at this confidence or higher.
    max_gsd_m : float, optional
        Keep images with a ground sample distance of at most this many metres.
    """
    keep = np.ones(ds.sizes["acquired"], dtype=bool)
    if min_confidence is not None:
        if min_confidence not in CONFIDENCE:
            raise ParameterError(
                f"min_confidence {min_confidence!r} is not one of {', '.join(CONFIDENCE)}",
                field="min_confidence",
            )
        rank = {c: i for i, c in enumerate(CONFIDENCE)}
        levels = ds["confidence"].to_numpy()
        keep &= np.array([lv == "" or rank[lv] >= rank[min_confidence] for lv in levels])
    if max_gsd_m is not None:
        gsd = ds["gsd_m"].to_numpy()
        keep &= np.isnan(gsd) | (gsd <= max_gsd_m)
    return ds.isel(acquired=np.flatnonzero(keep))
