"""Satellite sightings of the shuttle section: read, checked against their schema, and
labelled with the ships of interest.

:func:`read_sightings` reads ``observations/vessel_sightings.csv`` (:func:`validate_sightings`
checks it row by row and names the file, line and field of the first problem);
:func:`label_sightings` keeps the sightings of the ``vessels`` entries;
:func:`get_sightings_at_sea` the ones under way at sea (the route map draws them);
:func:`get_max_count` the most containers counted on one image of a port on given days.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.ais.fleet import normalise_name, parse_vessel_entry
from tumen.ais.tracks import add_site, get_sites
from tumen.errors import DataError, suggest
from tumen.report.tables import read_table
from tumen.times import to_utc

SIGHTING_REQUIRED = ("vessel", "observed")
SIGHTING_OPTIONAL = (
    "site",
    "lat",
    "lon",
    "imo",
    "status",
    "containers",
    "image_id",
    "provider",
    "confidence",
    "notes",
)
STATUSES = ("berthed", "anchored", "underway")


def read_sightings(path: str | os.PathLike, sites: pd.DataFrame | Mapping) -> pd.DataFrame:
    """Read and validate ``observations/vessel_sightings.csv``.

    Parameters
    ----------
    path : str or path-like
        UTF-8 CSV; required columns ``vessel, observed`` and ``site`` (or ``lat, lon``);
        optional ``imo, status (berthed|anchored|underway), containers, image_id, provider,
        confidence, notes``. ``observed`` is ISO 8601 (UTC when no offset is given).
    sites : pandas.DataFrame or mapping
        Known sites (see :func:`tumen.ais.tracks.get_sites`); ``site`` must be one of their ids.

    Returns
    -------
    pandas.DataFrame
        See :func:`validate_sightings`.

    Raises
    ------
    DataError
        Naming the file, line and field of the first problem, with a hint.
    """
    table = read_table(path, SIGHTING_REQUIRED, SIGHTING_OPTIONAL)
    return validate_sightings(table, sites, file=path)


def validate_sightings(
    table: pd.DataFrame, sites: pd.DataFrame | Mapping, *, file: str | os.PathLike = "sightings"
) -> pd.DataFrame:
    """Check a sightings table against the schema and convert its columns.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns as in :func:`read_sightings` (text or already typed); ``line`` (the file
        line of each row) is used in messages when present, else row number + 2.
    sites : pandas.DataFrame or mapping
        Known sites.
    file : str or path-like
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        ``vessel`` (str), ``observed`` (datetime64[ns, UTC]), ``site`` (site id, or the
        site whose geofence holds ``lat, lon``, or None), ``lat, lon`` (float degrees; the
        site centre when only a site was given), ``status`` (str or None), ``containers``
        (Int64), ``imo, image_id, provider, confidence, notes`` (str or None), ``line``.

    Raises
    ------
    DataError
        For a missing column, empty vessel, unreadable time, unknown site, a row with
        neither site nor lat/lon, an out-of-range coordinate, an unknown status, or a
        container count that is not a whole number >= 0.
    """
    sites = get_sites(sites)
    t = _with_columns(table, file)
    text = {
        c: t[c].astype(object).map(_blank_to_none) for c in SIGHTING_OPTIONAL + SIGHTING_REQUIRED
    }
    fail = _failer(t, file)
    observed = _check_times(text, fail)
    site, lat, lon = _check_places(text, sites, fail)
    status, count = _check_status_and_count(text, fail)
    centre = sites.set_index("id")
    out = pd.DataFrame(
        {
            "vessel": text["vessel"].map(lambda v: " ".join(str(v).split())),
            "observed": observed,
            "site": site,
            "lat": lat.fillna(site.map(centre["lat"])).astype(float),
            "lon": lon.fillna(site.map(centre["lon"])).astype(float),
            "status": status,
            "containers": pd.array(count, dtype="Int64"),
            **{c: text[c] for c in ("imo", "image_id", "provider", "confidence", "notes")},
            "line": t["line"].to_numpy().astype("int64"),
        }
    )
    located = add_site(out, sites)["site"]
    out["site"] = out["site"].where(out["site"].notna(), located).astype(object)
    out["site"] = out["site"].where(out["site"].notna(), None)
    return out.sort_values(["vessel", "observed", "line"], kind="stable", ignore_index=True)


def _with_columns(table: pd.DataFrame, file) -> pd.DataFrame:
    """A copy with ``line`` and every optional column (blank when absent); the required
    columns and a place (``site`` or ``lat, lon``) checked."""
    t = table.reset_index(drop=True).copy()
    if "line" not in t:
        t["line"] = np.arange(2, len(t) + 2)
    for col in SIGHTING_REQUIRED:
        if col not in t:
            raise DataError(f"required column {col!r} is missing", file=file, line=1, field=col)
    if "site" not in t and not {"lat", "lon"} <= set(t.columns):
        raise DataError(
            "sightings need a 'site' column or 'lat' and 'lon' columns",
            file=file,
            line=1,
            field="site",
            hint="add site (a site id) or lat, lon",
        )
    for col in SIGHTING_OPTIONAL:
        if col not in t:
            t[col] = ""
    return t


def _failer(t: pd.DataFrame, file):
    """``fail(mask, field, message, hint)``: raise for the first row of ``t`` in ``mask``."""
    line = t["line"].to_numpy()

    def fail(mask, field, message, hint=None):
        if np.any(mask):
            i = int(np.argmax(mask))
            raise DataError(
                message.format(value=t[field].iloc[i] if field in t else ""),
                file=file,
                line=int(line[i]),
                field=field,
                hint=hint,
            )

    return fail


def _check_times(text: Mapping[str, pd.Series], fail) -> pd.Series:
    """Check that every row names a vessel and has a readable time; the times."""
    fail(
        text["vessel"].isna().to_numpy(),
        "vessel",
        "vessel name is empty",
        "give the vessel name, or delete the row",
    )
    observed = _parse_observed(text["observed"])
    fail(
        observed.isna().to_numpy(),
        "observed",
        "cannot read time {value!r}",
        "use ISO 8601 UTC, e.g. 2023-09-07T02:30:00Z",
    )
    return observed


def _check_places(text: Mapping[str, pd.Series], sites: pd.DataFrame, fail):
    """Check the sites and coordinates of every row; ``(site, lat, lon)``."""
    known = set(sites["id"])
    site = text["site"]
    unknown = site.notna() & ~site.isin(known)
    if unknown.any():
        value = site[unknown].iloc[0]
        fail(
            unknown.to_numpy(),
            "site",
            "unknown site {value!r}",
            suggest(value, sorted(known)) or f"known sites: {', '.join(sorted(known))}",
        )
    lat = pd.to_numeric(text["lat"], errors="coerce")
    lon = pd.to_numeric(text["lon"], errors="coerce")
    fail(
        (text["lat"].notna() & ~lat.between(-90, 90)).to_numpy(),
        "lat",
        "latitude {value!r} is not a number in -90..90",
        "decimal degrees north, e.g. 42.24; leave lat and lon empty when site is given",
    )
    fail(
        (text["lon"].notna() & ~lon.between(-180, 180)).to_numpy(),
        "lon",
        "longitude {value!r} is not a number in -180..180",
        "decimal degrees east, e.g. 130.29; leave lat and lon empty when site is given",
    )
    fail(
        (site.isna() & (lat.isna() | lon.isna())).to_numpy(),
        "site",
        "row has neither a site nor lat and lon",
        "give a site id, or lat and lon",
    )
    return site, lat, lon


def _check_status_and_count(text: Mapping[str, pd.Series], fail):
    """Check the status and the container count of every row; ``(status, count)``."""
    status = text["status"].map(lambda v: v.strip().lower() if isinstance(v, str) else v)
    fail(
        (status.notna() & ~status.isin(STATUSES)).to_numpy(),
        "status",
        "unknown status {value!r}",
        f"use one of {', '.join(STATUSES)} or leave it empty",
    )
    count = pd.to_numeric(text["containers"], errors="coerce")
    fail(
        (text["containers"].notna() & ~((count >= 0) & (count % 1 == 0))).to_numpy(),
        "containers",
        "container count {value!r} is not a whole number >= 0",
        "a count of whole containers, 0 or more; leave it empty when not counted",
    )
    return status, count


def _blank_to_none(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _parse_observed(text: pd.Series) -> pd.Series:
    """ISO 8601 texts (or timestamps) to datetime64[ns, UTC]; NaT when unreadable."""
    parsed = pd.Series(
        pd.to_datetime(text.astype(object), format="ISO8601", utc=True, errors="coerce"),
        index=text.index,
    )
    # a year such as 0000 parses at a coarser unit but has no nanosecond timestamp: unreadable
    inside = (
        parsed.notna()
        & (parsed >= pd.Timestamp.min.tz_localize("UTC"))
        & (parsed <= pd.Timestamp.max.tz_localize("UTC"))
    )
    return parsed.where(inside).astype("datetime64[ns, UTC]")


def get_max_count(sightings: pd.DataFrame, site: str, first_day, last_day) -> int | None:
    """The most containers counted on one image of ``site`` between two days (inclusive).

    Parameters
    ----------
    sightings : pandas.DataFrame
        From :func:`read_sightings`.
    site : str
        Site id.
    first_day, last_day : str or timestamp
        UTC days, e.g. ``"2023-09-07"`` and ``"2023-09-08"`` (the whole last day counts).

    Returns
    -------
    int or None
        Containers; None when no image of the site in those days has a count.
    """
    start = to_utc(first_day, "days").normalize()
    end = to_utc(last_day, "days").normalize() + pd.Timedelta(days=1)
    if not start < end:
        raise DataError(f"days {first_day} .. {last_day} are in the wrong order", field="days")
    s = sightings[
        (sightings["site"] == site)
        & (sightings["observed"] >= start)
        & (sightings["observed"] < end)
    ]
    counts = s["containers"].dropna()
    return int(counts.max()) if len(counts) else None


def label_sightings(
    sightings: pd.DataFrame,
    vessels: Sequence[str],
    fleet: pd.DataFrame,
    ais_vessels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Keep the sightings of the vessels of interest, each named by its ``vessels`` entry.

    A sighting belongs to an entry when its ``vessel`` equals the entry (case-insensitive,
    white space collapsed); for ``mmsi:``/``imo:`` entries also when its ``vessel`` is a
    name that the entry's MMSIs broadcast on AIS, and for ``imo:`` entries when its ``imo``
    is that number or its ``vessel`` is a name that other sightings give that number.
    Sightings of other ships are left out (they are not the question).

    Parameters
    ----------
    sightings : pandas.DataFrame
        From :func:`read_sightings`.
    vessels : sequence of str
        The ``vessels`` parameter (see :func:`tumen.ais.fleet.parse_vessel_entry`).
    fleet : pandas.DataFrame
        From :func:`tumen.ais.fleet.get_fleet` (``vessel, mmsi``).
    ais_vessels : pandas.DataFrame, optional
        The ``vessels`` table of the AIS data (``mmsi, name``): names the MMSIs broadcast.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in their order, ``vessel`` replaced by the entry.

    Raises
    ------
    DataError
        When one sighting matches two entries.
    """
    keys = normalise_name(sightings["vessel"])
    imo = (
        pd.to_numeric(sightings["imo"], errors="coerce")
        if "imo" in sightings
        else pd.Series(np.nan, index=sightings.index)
    )
    owner = pd.Series([None] * len(sightings), index=sightings.index, dtype=object)
    for entry in vessels:
        kind, value = parse_vessel_entry(entry)
        mine = keys == normalise_name(pd.Series([entry], dtype=object))[0]
        if kind != "name":
            mmsis = fleet.loc[fleet["vessel"] == entry, "mmsi"]
            if ais_vessels is not None and len(mmsis):
                names = normalise_name(ais_vessels.loc[ais_vessels["mmsi"].isin(mmsis), "name"])
                mine |= keys.isin(set(names.dropna()))
            if kind == "imo":  # the number, and any name the sightings give that number
                numbered = (imo == value).to_numpy()
                mine |= numbered | keys.isin(set(keys[numbered].dropna())).to_numpy()
        _check_one_owner(sightings, owner, mine, entry)
        owner[mine] = entry
    keep = owner.notna()
    return sightings[keep].assign(vessel=owner[keep])


def _check_one_owner(sightings: pd.DataFrame, owner: pd.Series, mine, entry: str) -> None:
    """Raise when a sighting of ``entry`` (``mine``) already belongs to another entry."""
    clash = mine & owner.notna()
    if clash.any():
        raise DataError(
            f"sighting of {sightings['vessel'][clash].iloc[0]!r} matches two "
            f"entries of vessels ({owner[clash].iloc[0]!r}, {entry!r})",
            field="vessels",
            hint="give each ship one entry",
        )


def get_sightings_at_sea(sightings: pd.DataFrame, vessels: Sequence[str]) -> pd.DataFrame:
    """The sightings of the vessels under way (not at a port), each named by its entry.

    Parameters
    ----------
    sightings : pandas.DataFrame
        From :func:`read_sightings` (or :func:`label_sightings`).
    vessels : sequence of str
        The vessels of interest; a sighting is of one when its ``vessel`` matches it
        case-insensitively, white space collapsed.

    Returns
    -------
    pandas.DataFrame
        The rows with status ``underway`` of those vessels, in their order, ``vessel``
        replaced by the matching entry of ``vessels``.
    """
    wanted = normalise_name(pd.Series(list(vessels), dtype=object))
    entry = dict(zip(wanted[::-1], list(vessels)[::-1]))  # the first entry of a name wins
    keys = normalise_name(sightings["vessel"])
    sea = (sightings["status"] == "underway") & keys.isin(wanted)
    return sightings[sea].assign(vessel=keys[sea].map(entry))
