"""The vessel shuttle: AIS gaps, port calls from AIS and satellite sightings, round trips.

The reasoning of the published finding, rebuilt from raw evidence: AIS shows where a ship
stops being visible (:func:`get_gaps`); AIS positions inside a port geofence at low speed
show calls it did not hide (:func:`get_ais_port_calls`); satellite sightings show it at a
port while dark (:func:`read_sightings`). :func:`get_port_calls` merges both kinds of
evidence into one call per visit, with bounds on arrival and departure; :func:`add_dark_flag`
marks calls made inside an AIS gap; :func:`get_round_trips` counts home → away → home trips;
:func:`get_deliveries` lists every home → away passage, closed by a return or not, with the
containers seen on each; :func:`get_container_range` turns those into a total range that
says what each end assumes;
:func:`record_results` records every number the report cites under ``shuttle.*``.

Conventions: times are ``datetime64[ns, UTC]``; distances km (great circle, see
:func:`tumen.geo.earth.haversine_km`); speeds knots; durations hours. Vessels are named by a
``vessel`` column (positions get it from :func:`tumen.ais.fleet.add_vessel`); names are matched
case-insensitively. Sites are a DataFrame (or mapping id -> fields) with ``id, lat, lon,
radius_km``: a position is at a site when its distance to the centre is <= ``radius_km``.

>>> gaps = get_gaps(positions, min_gap_h=6, window=("2023-08-15", "2023-10-15"))  # doctest: +SKIP
>>> calls = add_dark_flag(get_port_calls(get_ais_port_calls(positions, sites),
...                                      sightings, positions, sites), gaps)   # doctest: +SKIP
>>> trips = get_round_trips(calls, home="rajin_port", away="dunai_port")    # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tumen.ais.fleet import normalise_name
from tumen.ais.timecols import to_hours
from tumen.ais.tracks import (
    Window,
    add_site,
    get_ais_port_calls,
    get_gaps,
    get_sites,
    require_columns,
    run_starts,
    shift_down,
    to_window,
)
from tumen.errors import DataError
from tumen.geo.earth import KM_PER_NM
from tumen.report import tables
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
#: Okabe & Ito's colour-blind-safe palette, in the order sites are coloured.
PALETTE = ["#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
_MARKERS = {"berthed": "s", "anchored": "^", "underway": "o"}
_CHUNK = 500_000
_NOT_GIVEN = object()


# --- satellite sightings --------------------------------------------------------------


def read_sightings(path: str | os.PathLike, sites: pd.DataFrame | Mapping) -> pd.DataFrame:
    """Read and validate ``observations/vessel_sightings.csv``.

    Parameters
    ----------
    path : str or path-like
        UTF-8 CSV; required columns ``vessel, observed`` and ``site`` (or ``lat, lon``);
        optional ``imo, status (berthed|anchored|underway), containers, image_id, provider,
        confidence, notes``. ``observed`` is ISO 8601 (UTC when no offset is given).
    sites : pandas.DataFrame or mapping
        Known sites (see :func:`get_sites`); ``site`` must be one of their ids.

    Returns
    -------
    pandas.DataFrame
        See :func:`validate_sightings`.

    Raises
    ------
    DataError
        Naming the file, line and field of the first problem, with a hint.
    """
    from tumen.report.tables import read_table

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
    text = {
        c: t[c].astype(object).map(_blank_to_none) for c in SIGHTING_OPTIONAL + SIGHTING_REQUIRED
    }
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
    known = set(sites["id"])
    site = text["site"]
    unknown = site.notna() & ~site.isin(known)
    if unknown.any():
        value = site[unknown].iloc[0]
        close = difflib.get_close_matches(str(value), sorted(known), n=1)
        fail(
            unknown.to_numpy(),
            "site",
            "unknown site {value!r}",
            f"did you mean {close[0]!r}?" if close else f"known sites: {', '.join(sorted(known))}",
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
            "line": line.astype("int64"),
        }
    )
    located = add_site(out, sites)["site"]
    out["site"] = out["site"].where(out["site"].notna(), located).astype(object)
    out["site"] = out["site"].where(out["site"].notna(), None)
    return out.sort_values(["vessel", "observed", "line"], kind="stable", ignore_index=True)


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
    start, end = to_utc(first_day).normalize(), to_utc(last_day).normalize() + pd.Timedelta(days=1)
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
    from tumen.ais.fleet import parse_vessel_entry

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
        clash = mine & owner.notna()
        if clash.any():
            raise DataError(
                f"sighting of {sightings['vessel'][clash].iloc[0]!r} matches two "
                f"entries of vessels ({owner[clash].iloc[0]!r}, {entry!r})",
                field="vessels",
                hint="give each ship one entry",
            )
        owner[mine] = entry
    keep = owner.notna()
    return sightings[keep].assign(vessel=owner[keep])


def get_sea_route(home: str, away: str, sites: pd.DataFrame | Mapping):
    """The shortest water route between the ports, or why there is none.

    Parameters
    ----------
    home, away : str
        Site ids.
    sites : pandas.DataFrame
        Gazetteer.

    Returns
    -------
    (tumen.geo.sea.SeaRoute or None, str)
        The route and ``""``; or None and one sentence saying why it could not be computed
        (ports too far apart for a coastal grid, no water path, ...).
    """
    from tumen.errors import ParameterError
    from tumen.geo import sea

    try:
        return sea.sea_route(home, away, sites=sites), ""
    except (ParameterError, DataError) as exc:
        return None, str(exc.args[0] if exc.args else exc).rstrip(".")


def get_map_extent(
    extent: Sequence[float] | None,
    sites: pd.DataFrame | Mapping,
    ports: Sequence[str],
    *,
    positions: pd.DataFrame | None = None,
    route=None,
    pad: float = 0.15,
    min_span_deg: float = 0.5,
) -> tuple:
    """The map extent: the one given, else the bounding box of the ports and the tracks.

    Parameters
    ----------
    extent : sequence of 4 floats or None
        ``lon_min, lon_max, lat_min, lat_max`` (degrees); empty or None for the default.
    sites : pandas.DataFrame or mapping
        Gazetteer (the ports' centres).
    ports : sequence of str
        Site ids of the ports.
    positions : pandas.DataFrame, optional
        AIS fixes of the vessels of interest (``lat, lon``).
    route : tumen.geo.sea.SeaRoute, optional
        Its line is included.
    pad : float
        Margin added on each side, as a share of the box's span.
    min_span_deg : float
        Smallest span of either side, degrees.

    Returns
    -------
    tuple of 4 floats
        ``(lon_min, lon_max, lat_min, lat_max)``, degrees WGS84.

    >>> get_map_extent([1, 2, 3, 4], {}, [])
    (1.0, 2.0, 3.0, 4.0)
    """
    if extent is not None and len(extent):
        if len(extent) != 4:
            raise DataError(
                "map_extent needs four numbers",
                field="map_extent",
                hint="lon_min, lon_max, lat_min, lat_max (degrees), or [] for the ports and tracks",
            )
        return tuple(float(x) for x in extent)
    p = get_sites(sites, ports)
    lats, lons = [p["lat"].to_numpy(float)], [p["lon"].to_numpy(float)]
    if positions is not None and len(positions):
        lats.append(positions["lat"].to_numpy(float))
        lons.append(positions["lon"].to_numpy(float))
    if route is not None:
        lats.append(np.asarray(route.lat, float))
        lons.append(np.asarray(route.lon, float))
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    lo = [float(np.nanmin(lon)), float(np.nanmin(lat))]
    hi = [float(np.nanmax(lon)), float(np.nanmax(lat))]
    span = [max((h - l) * (1 + 2 * pad), min_span_deg) for l, h in zip(lo, hi)]
    shrink = math.cos(math.radians((lo[1] + hi[1]) / 2))  # km per degree of lon / of lat
    # neither side shorter than half the other, in km
    span[1] = max(span[1], 0.5 * span[0] * shrink)
    span[0] = max(span[0], 0.5 * span[1] / shrink)
    box = []
    for l, h, s in zip(lo, hi, span):
        mid = (l + h) / 2
        box += [math.floor((mid - s / 2) * 100) / 100, math.ceil((mid + s / 2) * 100) / 100]
    return tuple(box)


def get_port_names(sites: pd.DataFrame, ports: Sequence[str]) -> tuple[dict, dict]:
    """Names of the ports from the gazetteer: full (before any bracket) and short.

    Returns
    -------
    (dict, dict)
        Site id -> name up to any bracket (``"Rajin"``, ``"Dunai port facility"``), and
        site id -> short name without trailing generic words (``"Dunai"``; ``"Port
        Alder"`` stays as it is).

    >>> get_port_names({"d": {"name": "Dunai port facility", "lat": 0, "lon": 0,
    ...                       "radius_km": 1}}, ["d"])
    ({'d': 'Dunai port facility'}, {'d': 'Dunai'})
    """
    p = get_sites(sites, ports)
    names = {
        i: str(n).split(" (")[0].strip()
        for i, n in zip(p["id"], p["name"] if "name" in p else p["id"])
    }
    return names, {i: _short_name(n) for i, n in names.items()}


_GENERIC = {"port", "facility", "harbour", "harbor", "terminal", "anchorage", "berth", "pier"}


def _short_name(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _GENERIC:
        words.pop()
    return " ".join(words)


# --- merging evidence into port calls -------------------------------------------------


def get_port_calls(
    ais_calls: pd.DataFrame,
    sightings: pd.DataFrame,
    positions: pd.DataFrame,
    sites: pd.DataFrame | Mapping,
    *,
    max_call_h: float = 48.0,
    window: Window = None,
    vessels: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Merge AIS stays and satellite sightings into one call per vessel and port visit.

    Evidence items (an AIS stay; a sighting at a site that is not ``underway``) of the same
    vessel at the same site belong to one call when they are at most ``max_call_h`` apart
    and no evidence puts the vessel elsewhere in between (an AIS fix outside that site's
    geofence, a sighting at another place). Arrival is bounded by the last evidence
    elsewhere before the call and the first evidence of it; departure by the last evidence
    of it and the first evidence elsewhere after.

    Parameters
    ----------
    ais_calls : pandas.DataFrame
        From :func:`get_ais_port_calls` (``vessel`` column).
    sightings : pandas.DataFrame
        From :func:`read_sightings`.
    positions : pandas.DataFrame
        All AIS fixes of the vessels (``vessel, time, lat, lon``), the evidence elsewhere.
    sites : pandas.DataFrame or mapping
        Port geofences.
    max_call_h : float
        Longest time between two pieces of evidence of one call, hours.
    window : (start, end), optional
        Only evidence inside the window counts (AIS stays, sightings and fixes).
    vessels : iterable of str, optional
        Vessel names as the report spells them. Names in the inputs that match one
        case-insensitively are replaced by it; otherwise the spelling of AIS data wins,
        then the first spelling in the sightings.

    Returns
    -------
    pandas.DataFrame
        One row per call, sorted by ``vessel, first_evidence``: ``call_id`` (1, 2, ...),
        ``vessel``, ``site``, ``arrival_earliest`` (NaT when unknown), ``first_evidence``,
        ``last_evidence``, ``departure_latest`` (NaT when unknown), ``evidence_types``
        (``ais``, ``satellite`` or ``ais+satellite``), ``ais_fixes``, ``sightings``,
        ``containers_min``, ``containers_max`` (Int64, from sightings with counts),
        ``evidence`` (one readable line per item, joined by ``"; "``).
    """
    require_columns(positions, ["vessel", "time", "lat", "lon"], "positions")
    win = to_window(window)
    if win is not None:
        ais_calls = ais_calls[
            (ais_calls["first_fix"] >= win[0]) & (ais_calls["last_fix"] <= win[1])
        ]
        sightings = sightings[sightings["observed"].between(win[0], win[1])]
        positions = positions[positions["time"].between(win[0], win[1])]
    labels = _vessel_labels(
        pd.Series(list(vessels or ()), dtype=object),
        ais_calls["vessel"],
        positions["vessel"],
        sightings.sort_values("line")["vessel"] if "line" in sightings else sightings["vessel"],
    )
    ais_calls = ais_calls.assign(vessel=_canonical(ais_calls["vessel"], labels))
    positions = positions.assign(vessel=_canonical(positions["vessel"], labels))
    sightings = sightings.assign(vessel=_canonical(sightings["vessel"], labels))
    evidence = _evidence(ais_calls, sightings)
    elsewhere = _places(positions, sightings, sites)
    evidence = evidence.sort_values(
        ["vessel", "t_first", "t_last"], kind="stable", ignore_index=True
    )
    key, site = evidence["vessel"].to_numpy(object), evidence["site"].to_numpy(object)
    t_first, t_last = to_hours(evidence["t_first"]), to_hours(evidence["t_last"])
    prev_last = shift_down(pd.Series(t_last).groupby(key).cummax().to_numpy())
    same = ~run_starts(key, site)
    between = _count_elsewhere(evidence, elsewhere, prev_last, t_first)
    new = ~same | (t_first - prev_last > max_call_h) | (between > 0)
    evidence["call"] = np.cumsum(new)
    calls = _aggregate_calls(evidence)
    calls["arrival_earliest"], calls["departure_latest"] = _bounds(calls, elsewhere)
    cols = [
        "call_id",
        "vessel",
        "site",
        "arrival_earliest",
        "first_evidence",
        "last_evidence",
        "departure_latest",
        "evidence_types",
        "ais_fixes",
        "sightings",
        "containers_min",
        "containers_max",
        "evidence",
    ]
    return calls[cols]


def _vessel_labels(*names: pd.Series) -> dict[str, str]:
    """Normalised name -> its first spelling among ``names`` (earlier series win)."""
    spellings = pd.concat([n.dropna().astype(object) for n in names], ignore_index=True)
    keys = normalise_name(spellings)
    first = ~keys.duplicated()
    return dict(zip(keys[first], spellings[first]))


def _canonical(names: pd.Series, labels: Mapping[str, str]) -> pd.Series:
    """Replace names by their AIS label when they match case-insensitively."""
    unique = pd.Series(pd.unique(names.dropna()), dtype=object)
    spelling = dict(zip(unique, normalise_name(unique).map(labels).fillna(unique)))
    return names.astype(object).map(spelling)  # a lookup per distinct name, not per row


def _evidence(ais_calls: pd.DataFrame, sightings: pd.DataFrame) -> pd.DataFrame:
    """One row per evidence item of a call: vessel, site, t_first, t_last, kind, label..."""
    fmt = "%Y-%m-%dT%H:%MZ"
    a = ais_calls
    ais_ev = pd.DataFrame(
        {
            "vessel": a["vessel"].astype(object),
            "site": a["site"].astype(object),
            "t_first": a["first_fix"],
            "t_last": a["last_fix"],
            "kind": "ais",
            "fixes": a["fixes"].astype("int64"),
            "containers": pd.array([pd.NA] * len(a), "Int64"),
            "label": (
                "AIS "
                + a["fixes"].astype(str)
                + " fixes "
                + a["first_fix"].dt.strftime(fmt)
                + " to "
                + a["last_fix"].dt.strftime(fmt)
            ),
        }
    )
    s = sightings[sightings["site"].notna() & (sightings["status"] != "underway")]
    count = s["containers"].astype("Int64")
    sat_ev = pd.DataFrame(
        {
            "vessel": s["vessel"].astype(object),
            "site": s["site"].astype(object),
            "t_first": s["observed"],
            "t_last": s["observed"],
            "kind": "satellite",
            "fixes": np.zeros(len(s), "int64"),
            "containers": count,
            "label": (
                "image "
                + s["image_id"].fillna("(no id)").astype(str)
                + " "
                + s["observed"].dt.strftime(fmt)
                + " "
                + s["status"].fillna("at site").astype(str)
                + count.map(lambda c: "" if pd.isna(c) else f", {c} containers").astype(str)
            ),
        }
    )
    parts = [f for f in (ais_ev, sat_ev) if len(f)] or [ais_ev]
    ev = pd.concat(parts, ignore_index=True)
    for col in ("t_first", "t_last"):
        ev[col] = ev[col].astype("datetime64[ns, UTC]")
    return ev


def _places(
    positions: pd.DataFrame, sightings: pd.DataFrame, sites: pd.DataFrame | Mapping
) -> pd.DataFrame:
    """Where each vessel was seen, from every AIS fix and sighting: vessel, hours, site."""
    p = add_site(
        positions.loc[positions["vessel"].notna(), ["vessel", "time", "lat", "lon"]], sites
    )
    places = pd.concat(
        [
            pd.DataFrame(
                {
                    "vessel": p["vessel"].astype(object),
                    "hours": to_hours(p["time"]),
                    "site": p["site"].astype(object),
                }
            ),
            pd.DataFrame(
                {
                    "vessel": sightings["vessel"].astype(object),
                    "hours": to_hours(sightings["observed"]),
                    "site": sightings["site"].astype(object),
                }
            ),
        ],
        ignore_index=True,
    )
    places["site"] = places["site"].where(places["site"].notna(), "")
    return places.sort_values(["vessel", "hours"], kind="stable", ignore_index=True)


def _elsewhere_groups(frame: pd.DataFrame, places: pd.DataFrame):
    """Yield (row positions in ``frame``, sorted hours when the vessel was not at the site)."""
    by_vessel = {v: g for v, g in places.groupby("vessel", sort=False)}
    for (vessel, site), rows in frame.groupby(["vessel", "site"], sort=False).indices.items():
        g = by_vessel.get(vessel)
        hours = (
            np.sort(g.loc[g["site"] != site, "hours"].to_numpy()) if g is not None else np.array([])
        )
        yield rows, hours


def _count_elsewhere(
    evidence: pd.DataFrame, places: pd.DataFrame, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """How often each item's vessel was seen elsewhere strictly between lo and hi (hours)."""
    count = np.zeros(len(evidence), int)
    for rows, hours in _elsewhere_groups(evidence, places):
        a, b = np.nan_to_num(lo[rows], nan=-np.inf), hi[rows]
        count[rows] = np.maximum(
            np.searchsorted(hours, b, "left") - np.searchsorted(hours, a, "right"), 0
        )
    return count


def _bounds(calls: pd.DataFrame, places: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Last time seen elsewhere before each call, first time seen elsewhere after it."""
    before = np.full(len(calls), np.nan)
    after = np.full(len(calls), np.nan)
    first, last = to_hours(calls["first_evidence"]), to_hours(calls["last_evidence"])
    for rows, hours in _elsewhere_groups(calls, places):
        i = np.searchsorted(hours, first[rows], "left") - 1
        j = np.searchsorted(hours, last[rows], "right")
        padded = np.r_[hours, np.nan]
        before[rows] = np.where(i >= 0, padded[np.maximum(i, 0)], np.nan)
        after[rows] = np.where(j < len(hours), padded[np.minimum(j, len(hours))], np.nan)
    return _from_hours(before), _from_hours(after)


def _from_hours(hours: np.ndarray) -> pd.Series:
    ns = np.round(np.nan_to_num(hours) * 3.6e12).astype("int64")
    times = pd.Series(pd.to_datetime(ns, unit="ns", utc=True)).astype("datetime64[ns, UTC]")
    return times.where(~np.isnan(hours))


def _aggregate_calls(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per call from its evidence items (grouped, vectorised)."""
    g = evidence.groupby("call", sort=True)
    calls = g.agg(
        vessel=("vessel", "first"),
        site=("site", "first"),
        first_evidence=("t_first", "min"),
        last_evidence=("t_last", "max"),
        ais_fixes=("fixes", "sum"),
        containers_min=("containers", "min"),
        containers_max=("containers", "max"),
        evidence=("label", "; ".join),
    ).reset_index(drop=True)
    kinds = evidence.groupby(["call", "kind"]).size().unstack(fill_value=0)
    has_ais = kinds.get("ais", pd.Series(0, index=kinds.index)).to_numpy() > 0
    n_sat = kinds.get("satellite", pd.Series(0, index=kinds.index)).to_numpy()
    calls["sightings"] = n_sat.astype("int64")
    calls["evidence_types"] = np.where(
        has_ais & (n_sat > 0), "ais+satellite", np.where(has_ais, "ais", "satellite")
    )
    calls["ais_fixes"] = calls["ais_fixes"].astype("int64")
    for col in ("containers_min", "containers_max"):
        calls[col] = calls[col].astype("Int64")
    calls = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    calls.insert(0, "call_id", np.arange(1, len(calls) + 1))
    return calls


def to_port_call_table(
    calls: pd.DataFrame, site_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The port-call table for reviewers (``port_calls.csv``): times as ISO 8601 UTC text.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`get_port_calls` / :func:`add_dark_flag`.
    site_names : mapping of str to str, optional
        Site id -> readable name, added as ``port`` (the id where no name is given).

    Returns
    -------
    pandas.DataFrame
        The same rows; time columns as ``YYYY-MM-DDTHH:MMZ`` (empty when unknown).
    """
    out = calls.copy()
    for col in ("arrival_earliest", "first_evidence", "last_evidence", "departure_latest"):
        out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%MZ").fillna("")
    if site_names is not None:
        port = out["site"].map(site_names).fillna(out["site"])
        out.insert(out.columns.get_loc("site") + 1, "port", port)
    return out


def to_port_call_display(
    calls: pd.DataFrame, site_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The port-call table as the report shows it: one row per call, times to the minute.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`get_port_calls` / :func:`add_dark_flag`.
    site_names : mapping of str to str, optional
        Site id -> name shown.

    Returns
    -------
    pandas.DataFrame
        ``call``, ``vessel``, ``port``, ``arrived after``, ``seen`` (first to last
        evidence), ``left before`` (``DD Mon HH:MM`` UTC with no-break spaces, empty when
        unknown),
        ``evidence`` (e.g. ``AIS (332 fixes), 1 image`` or ``3 images``), ``containers``
        (``min–max`` counted, empty without a count), ``AIS dark`` (``yes``/``no``).
    """
    fmt = "%d\u00a0%b\u00a0%H:%M"  # no-break spaces: a time never wraps in a table cell
    times = {
        new: calls[old].dt.strftime(fmt).fillna("")
        for new, old in (
            ("arrived after", "arrival_earliest"),
            ("first", "first_evidence"),
            ("last", "last_evidence"),
            ("left before", "departure_latest"),
        )
    }
    first, last = times.pop("first"), times.pop("last")
    seen = [a if a == b else f"{a} – {b}" for a, b in zip(first, last)]
    lo, hi = calls["containers_min"].astype("Int64"), calls["containers_max"].astype("Int64")
    containers = ["" if pd.isna(b) else f"{a}" if a == b else f"{a}–{b}" for a, b in zip(lo, hi)]
    dark = calls["is_dark"] if "is_dark" in calls else pd.Series(False, index=calls.index)
    evidence = [
        ", ".join(
            ([f"AIS ({a} fixes)"] if a else [])
            + ([f"{n} image" + ("s" if n > 1 else "")] if n else [])
        )
        for a, n in zip(calls["ais_fixes"], calls["sightings"])
    ]
    return pd.DataFrame(
        {
            "call": calls["call_id"].to_numpy(),
            "vessel": calls["vessel"].to_numpy(),
            "port": calls["site"]
            .map(dict(site_names or {}))
            .astype(object)
            .fillna(calls["site"])
            .to_numpy(),
            "arrived after": times["arrived after"].to_numpy(),
            "seen": seen,
            "left before": times["left before"].to_numpy(),
            "evidence": evidence,
            "containers": containers,
            "AIS dark": np.where(dark, "yes", "no"),
        }
    )


def write_port_calls(
    calls: pd.DataFrame, path: str | os.PathLike, site_names: Mapping[str, str] | None = None
) -> None:
    """Write the full port-call table with its evidence list (:func:`to_port_call_table`)
    as UTF-8 CSV with LF line ends, for reviewers. Text from the data (a ship's name as it
    broadcast it) is neutralised against spreadsheet formulas (:func:`tumen.report.tables.write_csv`)."""
    tables.write_csv(to_port_call_table(calls, site_names), path)


def describe_range(low: float | None, high: float | None, value: float) -> str:
    """Where a published figure lies against a range, in words.

    >>> describe_range(700, 1900, 1000)
    'between the low and the high end'
    """
    if low is not None and value < low:
        return "below the low end"
    if high is not None and value > high:
        return "above the high end"
    if low is None or high is None:
        return "beside a range with an unknown end"
    return "between the low and the high end"


def add_dark_flag(calls: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Add ``is_dark``: the call lies inside one AIS gap of its vessel (AIS was silent).

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`get_port_calls`.
    gaps : pandas.DataFrame
        From :func:`get_gaps` (``vessel`` column); with a window, calls before a vessel's
        first fix, after its last, or of a vessel never seen on AIS are dark too.

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_dark`` (bool).
    """
    pairs = calls[["call_id", "vessel", "first_evidence", "last_evidence"]].merge(
        gaps[["vessel", "start", "end"]], on="vessel"
    )
    inside = pairs[
        (pairs["start"] <= pairs["first_evidence"]) & (pairs["last_evidence"] <= pairs["end"])
    ]
    out = calls.copy()
    out["is_dark"] = out["call_id"].isin(inside["call_id"])
    return out


# --- voyages --------------------------------------------------------------------------


def get_legs(calls: pd.DataFrame) -> pd.DataFrame:
    """Consecutive calls of a vessel at different sites: the voyages between ports.

    Returns
    -------
    pandas.DataFrame
        ``vessel, from_site, to_site, from_call, to_call``, ``depart`` (last evidence at
        the first port), ``arrive`` (first evidence at the next), ``max_transit_h`` (the
        most time the passage can have taken, hours).
    """
    c = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    v, s = c["vessel"].to_numpy(object), c["site"].to_numpy(object)
    nxt = np.flatnonzero((v[1:] == v[:-1]) & (s[1:] != s[:-1])) + 1
    prv = nxt - 1
    legs = pd.DataFrame(
        {
            "vessel": v[nxt],
            "from_site": s[prv],
            "to_site": s[nxt],
            "from_call": c["call_id"].to_numpy()[prv],
            "to_call": c["call_id"].to_numpy()[nxt],
            "depart": c["last_evidence"].array[prv],
            "arrive": c["first_evidence"].array[nxt],
        }
    )
    for col in ("depart", "arrive"):
        legs[col] = legs[col].astype("datetime64[ns, UTC]")
    legs["max_transit_h"] = to_hours(legs["arrive"]) - to_hours(legs["depart"])
    return legs


def add_leg_feasibility(
    legs: pd.DataFrame, distance_km: Mapping[tuple[str, str], float], *, max_speed_kn: float = 14.0
) -> pd.DataFrame:
    """Check every leg against the sea-route distance at the fastest plausible speed.

    Parameters
    ----------
    legs : pandas.DataFrame
        From :func:`get_legs`.
    distance_km : mapping of (site, site) to float
        Sea-route distance between sites, km (either order is looked up), e.g. from
        ``tumen.geo.sea``.
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.

    Returns
    -------
    pandas.DataFrame
        A copy with ``distance_km``, ``min_transit_h`` (distance at ``max_speed_kn``),
        ``implied_speed_kn`` (distance over ``max_transit_h``) and ``feasible`` (bool;
        False when the ship would have had to go faster than ``max_speed_kn``).

    Raises
    ------
    DataError
        When a leg's site pair has no distance.
    """
    table = {**{(b, a): d for (a, b), d in distance_km.items()}, **dict(distance_km)}
    pairs = list(zip(legs["from_site"], legs["to_site"]))
    missing = [p for p in pairs if p not in table]
    if missing:
        raise DataError(
            f"no sea-route distance between {missing[0][0]} and {missing[0][1]}",
            field="distance_km",
            hint="add the pair to the distances",
        )
    out = legs.copy()
    out["distance_km"] = np.array([table[p] for p in pairs], dtype=float)
    out["min_transit_h"] = out["distance_km"] / KM_PER_NM / max_speed_kn
    with np.errstate(divide="ignore"):
        out["implied_speed_kn"] = out["distance_km"] / KM_PER_NM / out["max_transit_h"]
    out["feasible"] = out["max_transit_h"] >= out["min_transit_h"]
    return out


def get_round_trips(
    calls: pd.DataFrame,
    home: str,
    away: str,
    *,
    window: Window = None,
    allow_stops: bool = False,
    cargo_from: str | None = None,
) -> pd.DataFrame:
    """Round trips home → away → home of each vessel, with the containers seen on each.

    Consecutive calls at the same port count as one visit. A trip is three consecutive
    visits home, away, home (two trips may share a home visit: R D R D R is two trips from
    R). With ``allow_stops`` calls at other ports are skipped; without, they break a trip.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`get_port_calls` (``is_dark`` used when present).
    home, away : str
        Site ids, e.g. ``"rajin_port"`` and ``"dunai_port"``.
    window : (start, end), optional
        Only trips that leave home and are back within the window count.
    allow_stops : bool
        Whether calls at other ports may lie between.
    cargo_from : str, optional
        The port where the cargo is loaded (default ``home``): the containers of a trip are
        those seen at the loading visit and the next visit (where it is unloaded).

    Returns
    -------
    pandas.DataFrame
        One row per trip: ``vessel``, ``trip`` (1, 2, ... per vessel), ``depart`` (last
        evidence at home), ``arrive`` (first evidence away), ``leave`` (last evidence
        away), ``back`` (first evidence at home again), ``duration_h``, ``calls`` (call
        ids of the three visits, ``;``-joined), ``dark_calls`` (how many of them were made
        with AIS dark), ``containers_min``, ``containers_max`` (Int64; NA without counts).
    """
    cargo_from = home if cargo_from is None else cargo_from
    if cargo_from not in (home, away):
        raise DataError(
            f"cargo_from {cargo_from!r} is neither {home!r} nor {away!r}", field="cargo_from"
        )
    c = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    if allow_stops:
        c = c[c["site"].isin([home, away])].reset_index(drop=True)
    visits = _visits(c)
    v, s = visits["vessel"].to_numpy(object), visits["site"].to_numpy(object)
    n = len(visits)
    i = np.arange(max(n - 2, 0))
    ok = (
        (s[i] == home)
        & (s[i + 1] == away)
        & (s[i + 2] == home)
        & (v[i] == v[i + 1])
        & (v[i] == v[i + 2])
    )
    i = i[ok]
    load = i if cargo_from == home else i + 1
    col = lambda name, k: visits[name].to_numpy()[k]  # noqa: E731
    trips = pd.DataFrame(
        {
            "vessel": v[i],
            "depart": col("last_evidence", i),
            "arrive": col("first_evidence", i + 1),
            "leave": col("last_evidence", i + 1),
            "back": col("first_evidence", i + 2),
            "calls": [
                ";".join(x) for x in zip(col("calls", i), col("calls", i + 1), col("calls", i + 2))
            ],
            "dark_calls": col("dark", i) + col("dark", i + 1) + col("dark", i + 2),
            "containers_min": pd.array(
                np.fmin(col("cmin", load), col("cmin", load + 1)), "Float64"
            ),
            "containers_max": pd.array(
                np.fmax(col("cmax", load), col("cmax", load + 1)), "Float64"
            ),
        }
    )
    trips = _tidy_passages(trips, window, until="back")
    trips["duration_h"] = to_hours(trips["back"]) - to_hours(trips["depart"])
    trips.insert(1, "trip", trips.groupby("vessel").cumcount().to_numpy() + 1)
    return trips[
        [
            "vessel",
            "trip",
            "depart",
            "arrive",
            "leave",
            "back",
            "duration_h",
            "calls",
            "dark_calls",
            "containers_min",
            "containers_max",
        ]
    ]


def get_deliveries(
    calls: pd.DataFrame, home: str, away: str, *, window: Window = None
) -> pd.DataFrame:
    """Deliveries home → away of each vessel, closed by a return or not, with the containers
    seen on each.

    Consecutive calls at the same port count as one visit. A delivery is a visit at
    ``home`` followed by a visit at ``away`` (the passage that carries the cargo); it is
    *closed* when the vessel's next visit is at ``home`` again (a round trip of
    :func:`get_round_trips` is a closed delivery), *open* when the vessel has no later
    visit or its next visit is elsewhere. So a ship's final one-way delivery counts.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`get_port_calls` (``is_dark`` used when present).
    home, away : str
        Site ids of the loading and the unloading port.
    window : (start, end), optional
        Only deliveries that leave home and reach away within the window count.

    Returns
    -------
    pandas.DataFrame
        One row per delivery: ``vessel``, ``delivery`` (1, 2, ... per vessel), ``depart``
        (last evidence at home), ``arrive`` (first evidence away), ``leave`` (last evidence
        away), ``back`` (first evidence at home again; NaT when open), ``returned`` (bool),
        ``calls`` (call ids of the two visits, ``;``-joined), ``dark_calls`` (how many were
        made with AIS dark), ``containers_min``, ``containers_max`` (Int64: the fewest and
        most containers counted on any image of the loading visit or the unloading visit;
        NA without a count).

    >>> calls = pd.DataFrame({"vessel": ["A"] * 3, "site": ["r", "d", "r"],
    ...     "call_id": ["1", "2", "3"], "containers_min": [None, 120, None],
    ...     "containers_max": [None, 150, None], "first_evidence": pd.to_datetime(
    ...     ["2023-09-01", "2023-09-03", "2023-09-05"], utc=True)}).assign(
    ...     last_evidence=lambda c: c["first_evidence"])
    >>> get_deliveries(calls, "r", "d")[["delivery", "returned", "containers_max"]].values.tolist()
    [[1, True, 150]]
    """
    c = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    visits = _visits(c)
    v, s = visits["vessel"].to_numpy(object), visits["site"].to_numpy(object)
    n = len(visits)
    i = np.arange(max(n - 1, 0))
    i = i[(s[i] == home) & (s[i + 1] == away) & (v[i] == v[i + 1])]
    nxt = np.minimum(i + 2, max(n - 1, 0))
    returned = (i + 2 < n) & (s[nxt] == home) & (v[nxt] == v[i]) if n else np.zeros(0, bool)
    col = lambda name, k: visits[name].to_numpy()[k]  # noqa: E731
    back = pd.Series(col("first_evidence", nxt) if n else [], dtype="datetime64[ns, UTC]")
    out = pd.DataFrame(
        {
            "vessel": v[i],
            "depart": col("last_evidence", i),
            "arrive": col("first_evidence", i + 1),
            "leave": col("last_evidence", i + 1),
            "back": back.where(returned).to_numpy(),
            "returned": returned.astype(bool),
            "calls": [";".join(x) for x in zip(col("calls", i), col("calls", i + 1))],
            "dark_calls": col("dark", i) + col("dark", i + 1),
            "containers_min": pd.array(np.fmin(col("cmin", i), col("cmin", i + 1)), "Float64"),
            "containers_max": pd.array(np.fmax(col("cmax", i), col("cmax", i + 1)), "Float64"),
        }
    )
    out = _tidy_passages(out, window, until="arrive")
    out.insert(1, "delivery", out.groupby("vessel").cumcount().to_numpy() + 1)
    return out[
        [
            "vessel",
            "delivery",
            "depart",
            "arrive",
            "leave",
            "back",
            "returned",
            "calls",
            "dark_calls",
            "containers_min",
            "containers_max",
        ]
    ]


def _tidy_passages(table: pd.DataFrame, window: Window, *, until: str) -> pd.DataFrame:
    """Types of a trips or deliveries table; keep the rows from ``depart`` to ``until``
    inside the window."""
    for name in ("depart", "arrive", "leave", "back"):
        table[name] = table[name].astype("datetime64[ns, UTC]")
    win = to_window(window)
    if win is not None:
        table = table[(table["depart"] >= win[0]) & (table[until] <= win[1])]
    table = table.reset_index(drop=True)
    table["dark_calls"] = table["dark_calls"].astype("int64")
    for name in ("containers_min", "containers_max"):
        table[name] = table[name].round().astype("Int64")
    return table


def _visits(calls: pd.DataFrame) -> pd.DataFrame:
    """Collapse consecutive calls of a vessel at the same site into visits."""
    v, s = calls["vessel"].to_numpy(object), calls["site"].to_numpy(object)
    new = run_starts(v, s)
    c = calls.assign(
        visit=np.cumsum(new),
        dark=calls["is_dark"].astype(int) if "is_dark" in calls else 0,
        cmin=calls["containers_min"].astype("Float64").to_numpy(float, na_value=np.nan),
        cmax=calls["containers_max"].astype("Float64").to_numpy(float, na_value=np.nan),
        ids=calls["call_id"].astype(str),
    )
    return (
        c.groupby("visit", sort=True)
        .agg(
            vessel=("vessel", "first"),
            site=("site", "first"),
            first_evidence=("first_evidence", "min"),
            last_evidence=("last_evidence", "max"),
            calls=("ids", ",".join),
            dark=("dark", "sum"),
            cmin=("cmin", "min"),
            cmax=("cmax", "max"),
        )
        .reset_index(drop=True)
    )


# --- containers -----------------------------------------------------------------------


def get_container_range(deliveries: pd.DataFrame, *, capacity: float | None = None) -> dict:
    """Total containers delivered as a range over the deliveries, with what each end assumes.

    The low end is the sum, over deliveries, of the most containers counted on any image of
    the delivery (what the imagery shows; a delivery without a count adds nothing). The high
    end adds, for each delivery without a count, a per-delivery figure that is an
    assumption: ``capacity`` when given (then every delivery is taken at its capacity, or
    at its count when that is larger), else the mean plus one standard deviation of the
    counted deliveries. The per-delivery figure is rounded to a whole container *before*
    it is multiplied, so ``high = low + uncounted × estimate`` (or, with a capacity, the
    sum of whole per-delivery figures) checks by hand.

    Neither end bounds the containers actually delivered: deliveries the evidence missed
    are in neither. Only the capacity reading makes the high end a bound (on what the
    deliveries found could carry), and only if the capacity is right.

    Parameters
    ----------
    deliveries : pandas.DataFrame
        From :func:`get_deliveries` (or any table with ``containers_max``).
    capacity : float, optional
        Most containers one delivery can carry (an assumption, a parameter), containers.

    Returns
    -------
    dict
        ``low``, ``high`` (int containers; ``high`` None when nothing can be estimated),
        ``deliveries``, ``counted``, ``uncounted`` (int), ``estimate`` (int containers the
        high end assumes per delivery without a count, or per delivery with ``capacity``;
        None when nothing can be estimated), ``high_is_bound`` (bool), and in words:
        ``method`` (how the high end was found, one phrase), ``low_basis`` and
        ``high_basis`` (what each end assumes, one sentence each, no numbers).

    >>> d = pd.DataFrame({"containers_max": pd.array([100, 140, pd.NA], dtype="Int64")})
    >>> r = get_container_range(d)
    >>> r["low"], r["estimate"], r["high"]        # mean 120 + sd 28.28 = 148.28 -> 148
    (240, 148, 388)
    """
    seen = deliveries["containers_max"].astype("Float64").to_numpy(float, na_value=np.nan)
    counted = seen[~np.isnan(seen)]
    low = int(round(float(counted.sum())))
    n_uncounted = int(np.isnan(seen).sum())
    low_basis = (
        "the largest count on any image of each delivery, summed over the "
        "deliveries with a count; deliveries without a count add nothing, so it "
        "is a floor on what the deliveries found carried if every count is right"
    )
    if not len(seen):
        low_basis = "no delivery was found, so nothing is counted"
    elif not len(counted):
        low_basis = "no image of any delivery has a container count, so the images show none"
    high_is_bound = False
    if capacity is not None:
        estimate = _whole(capacity)
        high = int(np.fmax(np.nan_to_num(seen), estimate).round().sum()) if len(seen) else 0
        method = f"{capacity:g} containers per delivery (capacity assumption) for every delivery"
        high_basis = (
            "every delivery carried its capacity, or its count where that is larger: "
            "a bound on what the deliveries found could carry if the capacity is "
            "right, not on deliveries the evidence missed"
        )
        high_is_bound = True
    elif len(counted) and n_uncounted:
        spread = float(counted.std(ddof=1)) if len(counted) > 1 else 0.0
        estimate = _whole(float(counted.mean()) + spread)
        high = low + n_uncounted * estimate
        method = (
            "counted deliveries as seen, plus mean + 1 standard deviation of the counted "
            "deliveries, rounded to a whole container, for each delivery without a count"
        )
        high_basis = (
            "each delivery without a count carried "
            + (
                "the mean of the counted deliveries plus one standard deviation"
                if len(counted) > 1
                else "as much as the one counted delivery"
            )
            + ", rounded to a whole container: an assumption, not a bound; nothing in "
            "the images supports or rules out lighter or heavier loads"
        )
    elif len(counted):
        estimate, high = None, low
        method = "every delivery has a count, so the high end is the low end"
        high_basis = (
            "every delivery has a count, so nothing is assumed; deliveries the "
            "evidence missed are in neither end"
        )
    else:
        high, estimate = None, None
        method = "no delivery has a container count"
        high_basis = "with no count there is nothing to extrapolate from: no high end is given"
    return {
        "low": low,
        "high": high,
        "deliveries": len(seen),
        "counted": len(counted),
        "uncounted": n_uncounted,
        "estimate": estimate,
        "high_is_bound": high_is_bound,
        "method": method,
        "low_basis": low_basis,
        "high_basis": high_basis,
    }


def _whole(value: float) -> int:
    """Round half up to a whole container (``round`` would round 0.5 to even).

    >>> _whole(148.5), _whole(148.49)
    (149, 148)
    """
    return int(math.floor(float(value) + 0.5))


# --- the whole analysis ---------------------------------------------------------------


@dataclass(frozen=True)
class ShuttleAnalysis:
    """Every table of the shuttle analysis (see :func:`analyse`).

    Attributes
    ----------
    gaps, ais_calls, calls, trips, deliveries, legs : pandas.DataFrame
        From :func:`get_gaps`, :func:`get_ais_port_calls`, :func:`get_port_calls` with
        :func:`add_dark_flag`, :func:`get_round_trips`, :func:`get_deliveries`,
        :func:`get_legs` with :func:`add_leg_feasibility` (without a route distance, no
        feasibility columns).
    containers : dict
        From :func:`get_container_range` over the deliveries.
    route_km : float or None
        Sea-route distance between the two ports, km.
    """

    gaps: pd.DataFrame
    ais_calls: pd.DataFrame
    calls: pd.DataFrame
    trips: pd.DataFrame
    legs: pd.DataFrame
    containers: dict
    deliveries: pd.DataFrame
    route_km: float | None


def analyse(
    positions: pd.DataFrame,
    sightings: pd.DataFrame,
    sites: pd.DataFrame | Mapping,
    *,
    vessels: Sequence[str],
    home: str,
    away: str,
    window: Window = None,
    min_gap_h: float = 6.0,
    max_sog_kn: float = 1.0,
    min_dwell_h: float = 2.0,
    max_call_h: float = 48.0,
    max_speed_kn: float = 14.0,
    route_km: float | None = None,
    capacity: float | None = None,
) -> ShuttleAnalysis:
    """Run the shuttle analysis: gaps, calls (AIS and imagery, dark ones marked), round
    trips home → away → home, deliveries home → away (closed by a return or not), legs
    checked against the sea route, container range over the deliveries.

    Parameters
    ----------
    positions : pandas.DataFrame
        AIS fixes with ``vessel`` (:func:`tumen.ais.fleet.add_vessel`); fixes flagged
        ``is_jump`` are left out.
    sightings : pandas.DataFrame
        From :func:`read_sightings`.
    sites : pandas.DataFrame or mapping
        Gazetteer; calls are looked for at ``home`` and ``away`` only.
    vessels : sequence of str
        The vessels of interest, as the report names them.
    home, away : str
        Site ids of the loading port and the other port (e.g. ``rajin_port``, ``dunai_port``).
    window : (start, end), optional
        The period analysed (UTC).
    min_gap_h : float
        Shortest AIS silence reported, hours.
    max_sog_kn, min_dwell_h, max_call_h : float
        Port-call thresholds (knots, hours, hours): see :func:`get_ais_port_calls` and
        :func:`get_port_calls`.
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.
    route_km : float, optional
        Sea-route distance home - away, km (legs are checked against it).
    capacity : float, optional
        Containers one delivery can carry (see :func:`get_container_range`).

    Returns
    -------
    ShuttleAnalysis
    """
    if "is_jump" in positions:
        positions = positions[~positions["is_jump"].astype(bool)]
    ports = get_sites(sites, [home, away])
    gaps = get_gaps(positions, min_gap_h, window=window, vessels=vessels)
    ais_calls = get_ais_port_calls(
        positions, ports, max_sog_kn=max_sog_kn, min_dwell_h=min_dwell_h, max_silence_h=min_gap_h
    )
    calls = add_dark_flag(
        get_port_calls(
            ais_calls,
            sightings,
            positions,
            ports,
            max_call_h=max_call_h,
            window=window,
            vessels=vessels,
        ),
        gaps,
    )
    trips = get_round_trips(calls, home, away, window=window)
    deliveries = get_deliveries(calls, home, away, window=window)
    legs = get_legs(calls)
    if route_km is not None:
        legs = add_leg_feasibility(legs, {(home, away): route_km}, max_speed_kn=max_speed_kn)
    return ShuttleAnalysis(
        gaps=gaps,
        ais_calls=ais_calls,
        calls=calls,
        trips=trips,
        legs=legs,
        containers=get_container_range(deliveries, capacity=capacity),
        deliveries=deliveries,
        route_km=route_km,
    )


# --- results --------------------------------------------------------------------------

#: Claims of ``data/claims.csv`` this analysis tests: (claim id, result, kind, options,
#: what the reproduced figure is). A claim tested against more than one result (the two
#: ends of a range) still gets one verdict (:func:`tumen.report.claims.get_verdict`).
CLAIM_TESTS = [
    ("rusi_shuttle_round_trips", "shuttle.round_trips_total", "at_least", {}, "round trips found"),
    (
        "rusi_shuttle_start",
        "shuttle.first_dark_call",
        "contains",
        {},
        "first evidence of a call made with AIS off",
    ),
    (
        "rusi_shuttle_end",
        "shuttle.last_dark_call",
        "at_least",
        {},
        "last evidence of a call made with AIS off",
    ),
    (
        "rusi_shuttle_containers",
        "shuttle.containers_low",
        "contains",
        {},
        "containers counted in imagery, low end",
    ),
    ("whitehouse_containers", "shuttle.containers_low", "above", {}, "low end: counted in imagery"),
    (
        "whitehouse_containers",
        "shuttle.containers_high",
        "above",
        {},
        "high end: counted, plus an estimate for deliveries without a count",
    ),
    (
        "whitehouse_najin_containers",
        "shuttle.containers_check_max",
        "within",
        {"rtol": 0.1},
        "most containers on one image of the loading port on the checked days",
    ),
]
#: Claims whose published values the shuttle section records (``claim.<id>``) and cites.
CLAIM_IDS = [
    "rusi_shuttle_round_trips",
    "rusi_shuttle_round_trips_early",
    "rusi_shuttle_start",
    "rusi_shuttle_end",
    "rusi_shuttle_containers",
    "rusi_dunai_fokino",
    "whitehouse_containers",
    "whitehouse_angara_first",
    "whitehouse_angara_last",
    "whitehouse_najin_containers",
    "whitehouse_najin_containers_dates",
    "rusi_angara_deliveries",
]


def compare_claims(claims: pd.DataFrame, results, *, synthetic: bool = False) -> pd.DataFrame:
    """The claims of the shuttle section, each with its one verdict: every test of
    :data:`CLAIM_TESTS` beside what the analysis reproduced.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`tumen.report.claims.read_claims`.
    results : tumen.engine.results.Results or mapping
        The recorded results (``shuttle.*``).
    synthetic : bool
        The observations are synthetic: each verdict is a calibration check.

    Returns
    -------
    pandas.DataFrame
        As :func:`tumen.report.claims.assess`: indexed by claim id, one row a claim.
    """
    from tumen.report import claims as _claims

    tests: dict[str, list] = {}
    for cid, name, kind, opts, label in CLAIM_TESTS:
        tests.setdefault(cid, []).append({"result": name, "kind": kind, **opts, "label": label})
    return _claims.assess(claims, results, tests, synthetic=synthetic)


def to_result_name(vessel: str) -> str:
    """A vessel name as a result-name part: lower case, ``[a-z0-9_]``.

    >>> to_result_name("Maria II")
    'maria_ii'
    """
    slug = re.sub(r"[^a-z0-9]+", "_", str(vessel).lower()).strip("_")
    if not slug:
        raise DataError(f"vessel name {vessel!r} has no letters or digits", field="vessels")
    return slug


def check_vessels(vessels: Sequence[str]) -> list[str]:
    """Validate the ``vessels`` parameter: one entry or more, each an AIS name,
    ``mmsi:<9 digits>`` or ``imo:<7 digits>``, no two with the same result name.

    Returns
    -------
    list of str
        The entries, unchanged.

    Raises
    ------
    DataError
        Naming the first bad entry, with a hint.

    >>> check_vessels(["Sparta IV", "mmsi:273111111"])
    ['Sparta IV', 'mmsi:273111111']
    """
    from tumen.ais.fleet import parse_vessel_entry

    if isinstance(vessels, str) or not len(vessels):
        raise DataError(
            "vessels must list one ship or more",
            field="vessels",
            hint='e.g. ["Angara", "mmsi:273111111", "imo:9123456"]',
        )
    seen: dict[str, str] = {}
    for entry in vessels:
        parse_vessel_entry(entry)
        slug = to_result_name(entry)
        if slug in seen:
            raise DataError(
                f"vessels {seen[slug]!r} and {entry!r} have the same result name 'shuttle.{slug}'",
                field="vessels",
                hint="list each ship once",
            )
        seen[slug] = entry
    return list(vessels)


def record_results(
    results,
    *,
    vessels: Sequence[str],
    gaps: pd.DataFrame,
    calls: pd.DataFrame,
    trips: pd.DataFrame,
    containers: Mapping,
    counts: Mapping[str, int] | None = None,
    legs: pd.DataFrame | None = None,
    route_km: float | None = None,
    max_speed_kn: float = 14.0,
    traffic: Mapping | None = None,
    containers_check=_NOT_GIVEN,
    home: str | None = None,
    settings: Mapping | None = None,
    deliveries: pd.DataFrame | None = None,
    fastest_sog_kn=_NOT_GIVEN,
) -> dict:
    """Record every number of the shuttle section under stable ``shuttle.*`` names.

    Parameters
    ----------
    results : tumen.engine.results.Results
    vessels : sequence of str
        The vessels of interest, as named in the calls (each gets ``shuttle.<v>.*``, with
        ``<v>`` from :func:`to_result_name`).
    gaps, calls, trips : pandas.DataFrame
        From :func:`get_gaps` (``vessel``), :func:`add_dark_flag`, :func:`get_round_trips`.
    containers : mapping
        From :func:`get_container_range` (over ``deliveries`` when given, else ``trips``).
    counts : mapping, optional
        From :func:`tumen.ais.clean.count_records` (``records``, ``rejected``) or
        :func:`tumen.ais.clean.get_summary` (also ``positions``, ``jumps``, ``vessels``).
    legs : pandas.DataFrame, optional
        From :func:`add_leg_feasibility`.
    route_km : float, optional
        Sea-route distance home - away, km (records ``sea_route_nm`` and
        ``min_transit_hours`` at ``max_speed_kn``).
    max_speed_kn : float
        Fastest plausible speed, knots.
    traffic : mapping, optional
        From :func:`get_site_traffic` for the home port (``home_traffic_*``).
    containers_check : int or None, optional
        From :func:`get_max_count` (``containers_check_max``; None is recorded as n/a).
    home : str, optional
        Site id of the loading port (records ``home_calls`` and ``home_calls_with_ais``).
    settings : mapping, optional
        Analysis choices the text cites, recorded as they are: ``window`` (start, end),
        ``min_gap_h``, ``max_call_h`` (hours).
    deliveries : pandas.DataFrame, optional
        From :func:`get_deliveries`: records ``<v>.deliveries``, ``<v>.deliveries_open``,
        ``<v>.deliveries_with_counts``, the totals and the first delivery's arrival
        (``first_delivery_arrival``, read by the route section). Without it the round trips
        stand in (each a closed delivery).
    fastest_sog_kn : float or None, optional
        From :func:`get_fastest_speed` (``ais_fastest_sog_kn``; None is recorded as n/a).

    Returns
    -------
    dict
        name -> value of everything recorded.
    """
    out, rec = results.recorder("shuttle")

    dark = calls["is_dark"] if "is_dark" in calls else pd.Series(False, index=calls.index)
    if deliveries is None:  # every round trip is a closed delivery
        deliveries = trips.rename(columns={"trip": "delivery"}).assign(returned=True)
    for vessel in vessels:
        v = to_result_name(vessel)
        mine = calls["vessel"] == vessel
        g = gaps[gaps["vessel"] == vessel]
        t = trips[trips["vessel"] == vessel]
        d = deliveries[deliveries["vessel"] == vessel]
        rec(f"{v}.port_calls", int(mine.sum()), "calls", f"Port calls of {vessel} (AIS or imagery)")
        rec(
            f"{v}.dark_port_calls",
            int((mine & dark).sum()),
            "calls",
            f"Port calls of {vessel} made while its AIS was silent",
        )
        rec(f"{v}.round_trips", len(t), "round trips", f"Round trips of {vessel} in the window")
        rec(
            f"{v}.ais_dark_hours",
            float(g["duration_h"].sum()),
            "h",
            f"Hours {vessel} was silent on AIS (gaps summed)",
        )
        rec(
            f"{v}.ais_dark_days",
            float(g["duration_h"].sum()) / 24.0,
            "days",
            f"Days {vessel} was silent on AIS (gaps summed)",
        )
        rec(
            f"{v}.longest_gap_h",
            float(g["duration_h"].max()) if len(g) else 0.0,
            "h",
            f"Longest AIS silence of {vessel}",
        )
        rec(
            f"{v}.deliveries",
            len(d),
            "deliveries",
            f"Deliveries of {vessel} (loading port → unloading port), with a return or not",
        )
        rec(
            f"{v}.deliveries_open",
            int((~d["returned"].astype(bool)).sum()),
            "deliveries",
            f"Deliveries of {vessel} with no return to the loading port in the window",
        )
        rec(
            f"{v}.deliveries_with_counts",
            int(d["containers_max"].notna().sum()),
            "deliveries",
            f"Deliveries of {vessel} with a container count from imagery",
        )
        rec(
            f"{v}.containers_observed",
            int(d["containers_max"].sum()),
            "containers",
            f"Containers seen on {vessel}'s deliveries (largest count per delivery, summed)",
        )
        silent = g[g["kind"].isin(["between", "after_last"])]
        rec(
            f"{v}.first_silence",
            silent["start"].min() if len(silent) else None,
            "date",
            f"Last AIS fix of {vessel} before its first silence",
        )
    rec("port_calls_total", len(calls), "calls", "Port calls of the vessels, all evidence")
    rec("dark_port_calls", int(dark.sum()), "calls", "Port calls made while AIS was silent")
    rec("round_trips_total", len(trips), "round trips", "Round trips of all vessels in the window")
    rec(
        "first_call",
        calls["first_evidence"].min() if len(calls) else None,
        "date",
        "Earliest evidence of a port call",
    )
    rec(
        "last_call",
        calls["last_evidence"].max() if len(calls) else None,
        "date",
        "Latest evidence of a port call",
    )
    longest = float(gaps["duration_h"].max()) if len(gaps) else 0.0
    rec("longest_gap_h", longest, "h", "Longest AIS silence of any of the vessels")
    rec("longest_gap_days", longest / 24.0, "days", "Longest AIS silence of any of the vessels")
    dark_calls = calls[dark.astype(bool)]
    rec(
        "first_dark_call",
        dark_calls["first_evidence"].min() if len(dark_calls) else None,
        "date",
        "Earliest evidence of a port call made while AIS was silent",
    )
    rec(
        "last_dark_call",
        dark_calls["last_evidence"].max() if len(dark_calls) else None,
        "date",
        "Latest evidence of a port call made while AIS was silent",
    )
    rec(
        "calls_from_imagery_only",
        int((calls["evidence_types"] == "satellite").sum()),
        "calls",
        "Port calls known from satellite images alone",
    )
    open_ = ~deliveries["returned"].astype(bool)
    rec(
        "deliveries_total",
        len(deliveries),
        "deliveries",
        "Deliveries of all vessels (loading port → unloading port), with a return or not",
    )
    rec(
        "deliveries_open",
        int(open_.sum()),
        "deliveries",
        "Deliveries with no return to the loading port in the window",
    )
    first = deliveries.sort_values("arrive", kind="stable").head(1)
    rec(
        "first_delivery_arrival",
        first["arrive"].iloc[0] if len(first) else None,
        "date",
        "First evidence at the unloading port of the earliest delivery",
    )
    rec(
        "first_delivery_departure",
        first["depart"].iloc[0] if len(first) else None,
        "date",
        "Last evidence at the loading port before the earliest delivery",
    )
    rec(
        "first_delivery_vessel",
        str(first["vessel"].iloc[0]) if len(first) else None,
        "vessel",
        "The vessel of the earliest delivery",
    )
    rec(
        "containers_low",
        containers["low"],
        "containers",
        "Containers delivered, low end: " + containers["low_basis"],
    )
    rec(
        "containers_high",
        containers["high"],
        "containers",
        "Containers delivered, high end: " + containers["method"],
    )
    rec(
        "deliveries_with_counts",
        containers["counted"],
        "deliveries",
        "Deliveries with a container count from imagery",
    )
    rec(
        "deliveries_without_counts",
        containers["uncounted"],
        "deliveries",
        "Deliveries without a container count from imagery",
    )
    rec(
        "containers_per_uncounted_delivery",
        containers["estimate"],
        "containers",
        "Containers the high end assumes for each delivery without a count (an assumption)",
    )
    rec(
        "containers_high_is_bound",
        bool(containers["high_is_bound"]),
        "yes/no",
        "Whether the high end is a bound (only with a capacity assumption)",
    )
    if counts is not None:
        rec(
            "ais_messages", int(counts["records"]), "records", "AIS records read (messages or rows)"
        )
        rec(
            "ais_rejected",
            int(counts["rejected"]),
            "records",
            "AIS records rejected as noise (checksum, junk, impossible position, ...)",
        )
        for key, unit, text in (
            ("positions", "reports", "AIS position reports kept"),
            (
                "jumps",
                "reports",
                "AIS positions flagged as impossible jumps and left out of the analysis",
            ),
            ("vessels", "ships", "Ships (MMSIs) with positions in the AIS data"),
        ):
            if key in counts:
                rec(f"ais_{key}", int(counts[key]), unit, text)
    if route_km is not None:
        nm = rec(
            "sea_route_nm",
            float(route_km) / KM_PER_NM,
            "nmi",
            "Sea-route distance between the two ports",
        )
        rec(
            "min_transit_hours",
            nm / max_speed_kn,
            "h",
            f"Shortest passage between the ports at {max_speed_kn:g} kn",
        )
    if legs is not None and "feasible" in legs:
        rec(
            "infeasible_legs",
            int((~legs["feasible"]).sum()),
            "legs",
            "Voyages between calls too fast for the maximum plausible speed",
        )
        rec("legs", len(legs), "legs", "Voyages between calls at different ports")
        rec(
            "shortest_leg_h",
            float(legs["max_transit_h"].min()) if len(legs) else None,
            "h",
            "Time from the last evidence at one port to the first at the other on the "
            "quickest voyage: the most that voyage can have taken",
        )
        rec(
            "fastest_leg_kn",
            float(legs["implied_speed_kn"].max()) if len(legs) else None,
            "kn",
            "Average speed the quickest voyage implies: the least its ship can have averaged",
        )
    if traffic is not None:
        rec(
            "home_traffic_reports",
            int(traffic["reports"]),
            "reports",
            "AIS position reports of other ships inside the loading port's geofence",
        )
        rec(
            "home_traffic_vessels",
            int(traffic["vessels"]),
            "ships",
            "Other ships heard on AIS inside the loading port's geofence",
        )
        rec(
            "home_traffic_longest_silence_h",
            traffic["longest_silence_h"],
            "h",
            "Longest silence of another ship between two fixes inside the loading port",
        )
        if "excluded_reports" in traffic:
            rec(
                "home_fleet_reports",
                int(traffic["excluded_reports"]),
                "reports",
                "AIS position reports of the vessels of interest inside the loading port",
            )
    if home is not None:
        at_home = calls["site"] == home
        rec("home_calls", int(at_home.sum()), "calls", "Port calls at the loading port")
        rec(
            "home_calls_with_ais",
            int((at_home & (calls["ais_fixes"] > 0)).sum()),
            "calls",
            "Port calls at the loading port with any AIS evidence",
        )
    for key, value in (settings or {}).items():
        if key == "window":
            start, end = to_window(value)
            rec("window_start", start, "date", "Start of the period analysed")
            rec("window_end", end, "date", "End of the period analysed")
        elif key in ("min_gap_h", "max_call_h"):
            rec(
                key,
                float(value),
                "h",
                {
                    "min_gap_h": "Shortest AIS silence counted as a gap",
                    "max_call_h": "Longest time between two pieces of evidence of one port call",
                }[key],
            )
        else:
            raise DataError(
                f"unknown setting {key!r}", field="settings", hint="window, min_gap_h or max_call_h"
            )
    if legs is not None:
        rec("max_speed_kn", float(max_speed_kn), "kn", "Fastest plausible speed of the ships")
    if fastest_sog_kn is not _NOT_GIVEN:
        rec(
            "ais_fastest_sog_kn",
            fastest_sog_kn,
            "kn",
            "Fastest speed over ground any ship of interest reported on AIS",
        )
    if containers_check is not _NOT_GIVEN:
        rec(
            "containers_check_max",
            containers_check,
            "containers",
            "Most containers counted on one image of the loading port on the checked days",
        )
    return out


# --- figures --------------------------------------------------------------------------


def plot_timeline(
    positions: pd.DataFrame,
    gaps: pd.DataFrame,
    calls: pd.DataFrame,
    sightings: pd.DataFrame,
    *,
    vessels: Sequence[str] | None = None,
    window: Window = None,
    min_gap_h: float = 6.0,
    site_labels: Mapping[str, str] | None = None,
    vessel_labels: Mapping[str, str] | None = None,
):
    """Per-vessel timeline: AIS coverage, gaps, port calls by evidence, satellite sightings.

    Each vessel is one row: a dark bar where AIS reported (fixes less than ``min_gap_h``
    apart), light grey where it was silent, a block per port call coloured by port
    (hatched when made while AIS was dark; thin whiskers for the arrival and departure
    bounds), and a marker per satellite sighting (shape = status, colour = port).
    Colours are Okabe-Ito (colour-blind safe) and every mark is also told apart by shape
    or hatching.

    Parameters
    ----------
    positions, gaps, calls, sightings : pandas.DataFrame
        With ``vessel`` columns (see the module functions).
    vessels : sequence of str, optional
        Rows, top to bottom (default: every vessel in ``calls`` and ``gaps``).
    window : (start, end), optional
        The time axis range.
    min_gap_h : float
        Silence that breaks an AIS coverage bar, hours.
    site_labels : mapping of str to str, optional
        Site id -> legend label, in colour order (default: the sorted site ids seen).
    vessel_labels : mapping of str to str, optional
        Vessel -> row label (default: the vessel as named), e.g. ``MMSI 273111111``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from tumen.report.figures import CHART_FONT, PRINT_WIDTH_IN

    if vessels is None:
        vessels = sorted(set(calls["vessel"]).union(gaps["vessel"]))
    seen = sorted(set(calls["site"]).union(sightings["site"].dropna()))
    labels = dict(site_labels) if site_labels else {}
    sites = list(labels) + [s for s in seen if s not in labels]
    labels = {s: labels.get(s, s) for s in sites}
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sites)}
    fig = Figure(figsize=(PRINT_WIDTH_IN, 1.9 + 0.8 * len(vessels)), layout="constrained")
    ax = fig.add_subplot()
    num = lambda times: mdates.date2num(pd.DatetimeIndex(times).tz_convert(None).to_numpy())  # noqa: E731
    shown = set()  # image statuses drawn, for the legend
    for row, vessel in enumerate(vessels):
        y = len(vessels) - 1 - row
        _draw_coverage(
            ax,
            positions[positions["vessel"] == vessel],
            y,
            min_gap_h,
            num,
            min_width_h=_span_h(window, positions) / 200,
        )
        g = gaps[gaps["vessel"] == vessel]
        ax.broken_barh(
            list(zip(num(g["start"]), num(g["end"]) - num(g["start"]))),
            (y - 0.42, 0.84),
            facecolor="#DDDDDD",
            edgecolor="none",
            zorder=0,
        )
        _draw_calls(ax, calls[calls["vessel"] == vessel], y, colour, num)
        s = sightings[normalise_name(sightings["vessel"]) == normalise_name(pd.Series([vessel]))[0]]
        for status, marker in {**_MARKERS, None: "D"}.items():
            m = s[s["status"] == status] if status else s[s["status"].isna()]
            if len(m):
                shown.add(status)
                ax.scatter(
                    num(m["observed"]),
                    np.full(len(m), y + 0.28),
                    marker=marker,
                    s=36,
                    c=[colour.get(x, "white") for x in m["site"]],
                    edgecolors="black",
                    linewidths=0.8,
                    zorder=4,
                )
    ax.set_yticks(
        range(len(vessels)), [dict(vessel_labels or {}).get(v, v) for v in reversed(list(vessels))]
    )
    ax.set_ylim(-0.6, len(vessels) - 0.4)
    win = to_window(window)
    if win is not None:
        ax.set_xlim(num([win[0]])[0], num([win[1]])[0])
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("Date (UTC)", fontsize=CHART_FONT["label"])
    ax.tick_params(labelsize=CHART_FONT["tick"])
    ax.xaxis.get_offset_text().set_fontsize(CHART_FONT["tick"])
    handles = [
        Patch(facecolor="#555555", label="AIS received"),
        Patch(facecolor="#DDDDDD", label=f"AIS silent ≥ {min_gap_h:g} h"),
        *[
            Patch(facecolor=colour[s], edgecolor="black", label=f"port call: {labels[s]}")
            for s in sites
        ],
        Patch(facecolor="white", edgecolor="black", hatch="////", label="call while AIS dark"),
        Line2D([], [], color="#555555", lw=1, marker="|", label="arrival/departure bounds"),
        *[
            Line2D(
                [],
                [],
                ls="none",
                marker=m,
                mfc="white",
                mec="black",
                label=f"image: {st or 'status not given'}",
            )
            for st, m in {**_MARKERS, None: "D"}.items()
            if st in shown
        ],
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=3,
        frameon=False,
        fontsize=CHART_FONT["legend"],
    )
    return fig


def _span_h(window: Window, positions: pd.DataFrame) -> float:
    """Hours spanned by the time axis: the window, else the positions (0 when empty)."""
    win = to_window(window)
    if win is not None:
        return (win[1] - win[0]) / pd.Timedelta(hours=1)
    t = to_hours(positions["time"])
    return float(np.nanmax(t) - np.nanmin(t)) if len(t) else 0.0


def _draw_coverage(
    ax, p: pd.DataFrame, y: float, min_gap_h: float, num, *, min_width_h: float = 1.0
) -> None:
    """Dark bars over stretches of AIS fixes less than ``min_gap_h`` apart; a stretch
    shorter than ``min_width_h`` (a brief transmission) is widened to stay visible."""
    if p.empty:
        return
    t = np.sort(to_hours(p["time"]))
    brk = np.flatnonzero(np.diff(t) > min_gap_h)
    starts, ends = t[np.r_[0, brk + 1]], t[np.r_[brk, len(t) - 1]]
    ends = np.maximum(ends, starts + max(min_width_h, 1.0))
    x0, x1 = num(_from_hours(starts)), num(_from_hours(ends))
    ax.broken_barh(list(zip(x0, x1 - x0)), (y - 0.36, 0.14), facecolor="#555555", zorder=2)


def _draw_calls(ax, c: pd.DataFrame, y: float, colour: Mapping, num) -> None:
    """Blocks from first to last evidence; whiskers to the arrival/departure bounds."""
    if c.empty:
        return
    x0, x1 = num(c["first_evidence"]), num(c["last_evidence"])
    width = np.maximum(x1 - x0, 4 / 24)  # at least 4 h wide, to stay visible
    dark = c["is_dark"].to_numpy() if "is_dark" in c else np.zeros(len(c), bool)
    for xa, w, site, is_dark in zip(x0, width, c["site"], dark):
        ax.broken_barh(
            [(xa, w)],
            (y - 0.16, 0.32),
            facecolor=colour.get(site, "#999999"),
            edgecolor="black",
            hatch="////" if is_dark else None,
            zorder=3,
        )
    lo, hi = c["arrival_earliest"], c["departure_latest"]
    # arrival bounds just below the centre line, departure bounds just above, so that the
    # departure window of one call and the arrival window of the next stay distinguishable
    for a, b, dy in ((lo, c["first_evidence"], -0.06), (c["last_evidence"], hi, 0.06)):
        ok = (a.notna() & b.notna()).to_numpy()
        if ok.any():
            cols = [colour.get(s, "#999999") for s in c["site"][ok]]
            ax.hlines(
                np.full(int(ok.sum()), y + dy),
                num(a[ok]),
                num(b[ok]),
                linewidth=0.8,
                colors=cols,
                zorder=1,
            )
            ends = np.r_[num(a[ok]), num(b[ok])]
            ax.vlines(
                ends, y + dy - 0.05, y + dy + 0.05, linewidth=0.8, colors=cols + cols, zorder=1
            )


def plot_containers(
    trips: pd.DataFrame, *, capacity: float | None = None, estimate: float | None = None
):
    """Containers seen per delivery (or round trip): a bar to the largest count, a whisker
    to the smallest; deliveries without a count are marked as such (or drawn as an outlined
    bar at ``estimate``). Each is labelled with its vessel, number and departure day, and
    "no return" when it is a delivery the ship did not come back from.

    Parameters
    ----------
    trips : pandas.DataFrame
        From :func:`get_deliveries` (or :func:`get_round_trips`).
    capacity : float, optional
        Drawn as a dashed line (the capacity assumption), containers.
    estimate : float, optional
        Containers assumed for a trip without a count (e.g. mean + 1 standard deviation of
        the counted trips, the high end of :func:`get_container_range`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    from tumen.report.figures import CHART_FONT, PRINT_WIDTH_IN

    fig = Figure(
        figsize=(min(PRINT_WIDTH_IN, max(4, 0.8 * len(trips) + 2)), 3.5), layout="constrained"
    )
    ax = fig.add_subplot()
    number = trips["delivery"] if "delivery" in trips else trips["trip"]
    back = trips["returned"].astype(bool) if "returned" in trips else pd.Series(True, trips.index)
    labels = [
        f"{v} {n}\n{d:%d %b}" + ("" if r else "\nno return")
        for v, n, d, r in zip(trips["vessel"], number, trips["depart"], back)
    ]
    hi = trips["containers_max"].astype("Float64").to_numpy(float, na_value=np.nan)
    lo = trips["containers_min"].astype("Float64").to_numpy(float, na_value=np.nan)
    x = np.arange(len(trips))
    counted = ~np.isnan(hi)
    ax.bar(x[counted], hi[counted], width=0.6, color=PALETTE[1], label="most containers seen")
    ax.vlines(
        x[counted], lo[counted], hi[counted], colors="black", linewidth=1.5, label="range of counts"
    )
    top = max(np.nanmax(hi) if counted.any() else 1.0, capacity or 0.0, estimate or 0.0)
    if estimate is not None and (~counted).any():
        ax.bar(
            x[~counted],
            np.full(int((~counted).sum()), estimate),
            width=0.6,
            facecolor="none",
            edgecolor=PALETTE[1],
            hatch="//",
            linestyle="--",
            label="no count: what the high end assumes",
        )
    for xi in x[~counted]:
        ax.text(
            xi,
            0.03 * top,
            "no count",
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=CHART_FONT["note"],
            bbox=dict(facecolor="white", edgecolor="none", pad=1),
        )
    if trips.empty:
        ax.text(
            0.5,
            0.5,
            "No delivery was found: no containers per delivery to show",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=CHART_FONT["label"],
        )
    ax.set_xlim(-0.6, max(len(trips), 1) - 0.4)
    ax.set_ylim(0, 1.1 * top)
    if capacity is not None:
        ax.axhline(capacity, color=PALETTE[4], linestyle="--", label="capacity assumption")
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.tick_params(labelsize=CHART_FONT["tick"])
    ax.set_ylabel("Containers", fontsize=CHART_FONT["label"])
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            frameon=False,
            fontsize=CHART_FONT["legend"],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=2,
            borderaxespad=0.2,
        )
    return fig


def plot_route_map(
    route,
    sites: pd.DataFrame,
    ports: Sequence[str],
    *,
    density=None,
    gaps: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    vessels: Sequence[str] | None = None,
    extent=None,
    labels: Mapping[str, str] | None = None,
    positions: pd.DataFrame | None = None,
    traffic: pd.DataFrame | None = None,
    insets=None,
    context: Sequence[str] = (),
    vessel_labels: Mapping[str, str] | None = None,
):
    """Map the sea route between the ports with their geofences, AIS traffic density, where
    each vessel fell silent and was heard again, and ships seen at sea in imagery.

    Parameters
    ----------
    route : tumen.geo.sea.SeaRoute or None
        The water-only route between the ports; None when it could not be computed (the
        map then says so).
    sites : pandas.DataFrame
        Gazetteer (:func:`tumen.geo.gazetteer.load_sites`).
    ports : sequence of str
        Site ids of the ports (marked, labelled, geofence drawn).
    density : xarray.DataArray, optional
        Position reports per cell (:func:`tumen.ais.clean.to_density_grid`, dims ``lat, lon`` at
        cell centres, degrees), drawn in grey on a log scale; empty cells are not drawn.
    gaps : pandas.DataFrame, optional
        From :func:`get_gaps`: the last fix before each silence (filled triangle down) and
        the first after it (open triangle up), coloured by vessel.
    sightings : pandas.DataFrame, optional
        From :func:`read_sightings`: images of the vessels under way at sea (diamonds).
    vessels : sequence of str, optional
        Colour order of the vessels (default: as they appear in ``gaps``).
    extent : (lon_min, lon_max, lat_min, lat_max), optional
        Degrees; default the route with a margin.
    labels : mapping of str to str, optional
        Site id -> label.
    positions : pandas.DataFrame, optional
        AIS fixes of the vessels (``vessel, lat, lon``), drawn as dots in the port insets.
    traffic : pandas.DataFrame, optional
        AIS fixes of other ships (``lat, lon``), grey dots in the port insets.
    insets : sequence of (left, bottom, width, height), optional
        Axes fractions of one inset map per port (about 10 km across) showing its geofence
        and the vessels' AIS fixes there; default none.
    context : sequence of str
        Other site ids to mark for orientation (e.g. ``vladivostok``).
    vessel_labels : mapping of str to str, optional
        Vessel -> legend label (default: the vessel as named).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import cartopy.crs as ccrs
    from matplotlib.colors import LogNorm
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from tumen.geo import coast
    from tumen.geo.maps import frame as map_frame
    from tumen.geo.maps import marks as map_marks
    from tumen.geo.maps import style as map_style

    if extent is None and route is None:
        extent = get_map_extent(None, sites, ports, positions=positions)
    if extent is None:
        pad_lon = 0.2 * (route.lon.max() - route.lon.min()) + 0.2
        pad_lat = 0.2 * (route.lat.max() - route.lat.min()) + 0.2
        extent = (
            route.lon.min() - pad_lon,
            route.lon.max() + pad_lon,
            route.lat.min() - pad_lat,
            route.lat.max() + pad_lat,
        )
    fig, ax = map_frame.new_map(tuple(extent), figsize=(7.2, 6.0))
    pc = ccrs.PlateCarree()
    handles = []
    if density is not None and int(density.sum()) > 0:
        lat_e, lon_e = _edges(density["lat"].to_numpy()), _edges(density["lon"].to_numpy())
        counts = np.where(density.to_numpy() > 0, density.to_numpy(), np.nan).astype(float)
        mesh = ax.pcolormesh(
            lon_e,
            lat_e,
            counts,
            transform=pc,
            cmap="Greys",
            shading="flat",
            norm=LogNorm(vmin=1, vmax=max(float(np.nanmax(counts)), 10.0)),
            alpha=0.85,
            zorder=0.85,
            rasterized=True,
        )
        cax = ax.inset_axes([0.58, 0.93, 0.38, 0.022])
        bar = fig.colorbar(
            mesh, cax=cax, orientation="horizontal", format=FuncFormatter(lambda v, _: f"{v:,.0f}")
        )
        bar.ax.xaxis.set_minor_formatter(NullFormatter())  # plain numbers, decades only
        bar.ax.tick_params(labelsize=map_style.FONT["small"], length=2, pad=1)
        bar.set_label(
            "AIS position reports per cell, all ships", fontsize=map_style.FONT["small"], labelpad=2
        )
        bar.ax.xaxis.set_label_position("bottom")
    if route is not None:
        map_marks.add_route(
            ax, route.lat, route.lon, color=map_style.STYLE["sea_route"], linewidth=2.0
        )
        map_marks.add_snaps(ax, route.snaps, color=map_style.STYLE["sea_route"])
        handles.append(
            Line2D(
                [],
                [],
                color=map_style.STYLE["sea_route"],
                lw=2,
                label="Shortest water route between the ports",
            )
        )
    if route is None:
        ax.text(
            0.5,
            0.5,
            "No sea route: it could not be computed for these ports",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=map_style.FONT["small"],
            zorder=10,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5),
        )
    port_sites = get_sites(sites, ports)
    for _, p in port_sites.iterrows():
        lat, lon = _circle(p["lat"], p["lon"], p["radius_km"])
        ax.plot(lon, lat, transform=pc, color=map_style.STYLE["port"], lw=0.9, ls="--", zorder=4)
    handles.append(
        Line2D(
            [],
            [],
            color=map_style.STYLE["port"],
            lw=0.9,
            ls="--",
            label=f"Port geofence (insets: {coast.SHORE_RESOLUTION})",
        )
    )
    names = (
        list(vessels)
        if vessels is not None
        else list(dict.fromkeys(gaps["vessel"]))
        if gaps is not None
        else []
    )
    colours = {v: PALETTE[(i + 3) % len(PALETTE)] for i, v in enumerate(names)}
    if gaps is not None and len(gaps):
        for v in names:
            g = gaps[gaps["vessel"] == v]
            kw = dict(
                transform=pc,
                linestyle="none",
                markersize=7,
                zorder=8,
                markeredgecolor="black",
                markeredgewidth=0.7,
            )
            b, a = g.dropna(subset=["lat_before"]), g.dropna(subset=["lat_after"])
            ax.plot(b["lon_before"], b["lat_before"], marker="v", color=colours[v], **kw)
            ax.plot(
                a["lon_after"],
                a["lat_after"],
                marker="^",
                color=colours[v],
                markerfacecolor="white",
                **kw,
            )
        handles += [
            Line2D(
                [],
                [],
                ls="none",
                marker="v",
                color="#777777",
                mec="black",
                label="Last AIS fix before a silence",
            ),
            Line2D(
                [],
                [],
                ls="none",
                marker="^",
                mfc="white",
                mec="black",
                label="First AIS fix after it",
            ),
        ]
    if sightings is not None:
        sea = sightings[
            (sightings["status"] == "underway")
            & normalise_name(sightings["vessel"]).isin(
                normalise_name(pd.Series(names, dtype=object))
            )
        ]
        for v in names:
            m = sea[normalise_name(sea["vessel"]) == normalise_name(pd.Series([v]))[0]]
            ax.plot(
                m["lon"],
                m["lat"],
                transform=pc,
                ls="none",
                marker="D",
                markersize=5.5,
                color=colours[v],
                markeredgecolor="black",
                markeredgewidth=0.7,
                zorder=8,
            )
        if len(sea):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker="D",
                    color="#777777",
                    mec="black",
                    label="Seen at sea in a satellite image",
                )
            )
    handles += [
        Line2D(
            [],
            [],
            ls="none",
            marker="s",
            color=colours[v],
            mec="black",
            label=dict(vessel_labels or {}).get(v, v),
        )
        for v in names
    ]
    # below the map: inside, the legend would hide tracks, fixes or sightings
    legend = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize=map_style.FONT["small"],
        frameon=False,
        borderpad=0.3,
    )
    legend.set_zorder(11)
    map_marks.add_scale_bar(ax, (0.04, 0.05))
    map_marks.add_attribution(ax)
    obstacles = [legend] + list(ax.texts)
    for rect, (_, port) in zip(insets or (), port_sites.iterrows()):
        inset = _port_inset(fig, ax, rect, port, positions, traffic, colours, labels)
        obstacles.append(inset.patch)
    map_marks.add_sites(ax, sites, list(ports) + list(context), labels=labels, obstacles=obstacles)
    return fig


def _port_inset(fig, ax, rect, port, positions, traffic, colours, labels):
    """A map about 10 km across around one port: geofence, centre, the vessels' AIS fixes.

    The coastline is Natural Earth 1:10m (:data:`tumen.geo.coast.SHORE_RESOLUTION`), the one
    shore distances are measured against; a scale bar gives the inset's own scale.
    """
    import cartopy.crs as ccrs

    from tumen.geo.maps import frame as map_frame
    from tumen.geo.maps import marks as map_marks
    from tumen.geo.maps import style as map_style

    pc = ccrs.PlateCarree()
    half_lat = np.degrees(5.0 / 6371.0088)
    half_lon = half_lat / np.cos(np.radians(port["lat"]))
    extent = (
        port["lon"] - half_lon,
        port["lon"] + half_lon,
        port["lat"] - half_lat,
        port["lat"] + half_lat,
    )
    box = ax.transAxes.transform([rect[:2], [rect[0] + rect[2], rect[1] + rect[3]]])
    (x0, y0), (x1, y1) = fig.transFigure.inverted().transform(box)
    _, inset = map_frame.new_map(extent, scale="10m", fig=fig, rect=[x0, y0, x1 - x0, y1 - y0])
    lat, lon = _circle(port["lat"], port["lon"], port["radius_km"])
    inset.plot(lon, lat, transform=pc, color=map_style.STYLE["port"], lw=1.0, ls="--", zorder=4)
    inset.plot(
        port["lon"],
        port["lat"],
        transform=pc,
        marker="+",
        color=map_style.STYLE["port"],
        markersize=8,
        zorder=5,
    )
    if traffic is not None:
        inset.plot(
            traffic["lon"],
            traffic["lat"],
            transform=pc,
            ls="none",
            marker="o",
            markersize=1.6,
            color="#666666",
            markeredgecolor="none",
            alpha=0.6,
            zorder=5,
        )
    if positions is not None:
        for v, colour in colours.items():
            p = positions[positions["vessel"] == v]
            inset.plot(
                p["lon"],
                p["lat"],
                transform=pc,
                ls="none",
                marker="o",
                markersize=2.2,
                color=colour,
                markeredgecolor="none",
                alpha=0.8,
                zorder=6,
            )
    name = (labels or {}).get(port["id"], str(port.get("name", port["id"])).split(" (")[0])
    inset.text(
        0.03,
        0.97,
        f"{name}: geofence {port['radius_km']:g} km",
        fontsize=map_style.FONT["small"],
        transform=inset.transAxes,
        ha="left",
        va="top",
        zorder=10,
        bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.2),
    )
    inset.spines["geo"].set_edgecolor("#333333")
    map_marks.add_scale_bar(inset, (0.06, 0.07), fraction=0.4)
    return inset


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges from evenly spaced cell centres."""
    step = np.diff(centres).mean() if len(centres) > 1 else 1.0
    return np.r_[centres - step / 2, centres[-1] + step / 2]


def _circle(lat: float, lon: float, radius_km: float, n: int = 72):
    """Points on a small circle of ``radius_km`` around a centre (degrees, spherical)."""
    from tumen.geo.earth import EARTH_RADIUS_KM

    theta = np.linspace(0, 2 * np.pi, n)
    dlat = np.degrees(radius_km / EARTH_RADIUS_KM) * np.cos(theta)
    dlon = np.degrees(radius_km / EARTH_RADIUS_KM) * np.sin(theta) / np.cos(np.radians(lat))
    return lat + dlat, lon + dlon
