"""AIS tracks against places: geofences, time windows, gaps and port calls from positions.

This module owns the generic operations the analyses (and the Dask path of
:mod:`tumen.ais.tracks_dask`) run on decoded positions: the sites and the time window
(:func:`get_sites`, :func:`to_window`), which site a position is at (:func:`add_site`), where
a vessel stops being heard (:func:`get_gaps`, :func:`to_gap_table`) and when it sat inside a
port geofence at low speed (:func:`get_ais_port_calls`). The other traffic at a site is in
:mod:`tumen.ais.traffic`.

Conventions: times are ``datetime64[ns, UTC]``; distances km (great circle, see
:func:`tumen.geo.earth.haversine_km`); speeds knots; durations hours. Vessels are named by a
``vessel`` column (positions get it from :func:`tumen.ais.fleet.add_vessel`). Sites are a
DataFrame (or mapping id -> fields) with ``id, lat, lon, radius_km``: a position is at a site
when its distance to the centre is <= ``radius_km``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from tumen.ais.timecols import to_hours
from tumen.errors import DataError, suggest
from tumen.geo.earth import KM_PER_NM, haversine_km
from tumen.times import to_utc

Window = tuple | None
#: Where and when each gap of :func:`get_gaps` begins and ends (besides the ship), the columns
#: a silence is read from (:mod:`tumen.ais.silences`).
GAP_COLUMNS = (
    "kind",
    "start",
    "end",
    "duration_h",
    "lat_before",
    "lon_before",
    "lat_after",
    "lon_after",
)
_CHUNK = 500_000

# --- sites and windows ----------------------------------------------------------------


def get_sites(sites: pd.DataFrame | Mapping, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Return sites as a DataFrame ``id, lat, lon, radius_km`` (other columns kept).

    Parameters
    ----------
    sites : pandas.DataFrame or mapping
        Rows of ``data/sites.csv`` (columns ``id, lat, lon, radius_km``; lat/lon degrees
        WGS 84, radius km), or a mapping ``id -> {"lat", "lon", "radius_km"}``.
    ids : iterable of str, optional
        Keep only these sites, in this order (e.g. the two ports).

    Raises
    ------
    DataError
        When a column is missing, a value is not a finite number, or an id is unknown.
    """
    if isinstance(sites, Mapping):
        sites = pd.DataFrame([dict(v, id=k) for k, v in sites.items()])
    for col in ("id", "lat", "lon", "radius_km"):
        if col not in sites.columns:
            raise DataError(
                f"sites have no column {col!r}",
                field=col,
                hint="sites need id, lat, lon and radius_km",
            )
    out = sites.reset_index(drop=True).copy()
    out["id"] = out["id"].astype(str)
    for col in ("lat", "lon", "radius_km"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
        bad = ~np.isfinite(out[col].to_numpy())
        if bad.any():
            raise DataError(f"site {out['id'][bad.argmax()]!r} has no numeric {col}", field=col)
    if ids is not None:
        ids = list(ids)
        for site_id in ids:
            if site_id not in set(out["id"]):
                raise DataError(
                    f"unknown site {site_id!r}",
                    field="sites",
                    hint=suggest(site_id, sorted(out["id"])),
                )
        out = out.set_index("id", drop=False).loc[ids].reset_index(drop=True)
    return out


def add_site(frame: pd.DataFrame, sites: pd.DataFrame | Mapping) -> pd.DataFrame:
    """Add ``site``: the nearest site whose geofence holds each point (None outside all).

    Parameters
    ----------
    frame : pandas.DataFrame
        Needs ``lat`` and ``lon`` (degrees, WGS 84).
    sites : pandas.DataFrame or mapping
        See :func:`get_sites`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``site`` (object: site id or None) and ``site_km`` (float64 km to that
        site's centre, NaN outside every geofence).
    """
    sites = get_sites(sites)
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    best = np.full(len(frame), -1)
    best_km = np.full(len(frame), np.nan)
    slat, slon = sites["lat"].to_numpy(), sites["lon"].to_numpy()
    radius = sites["radius_km"].to_numpy()
    for start in range(0, len(frame), _CHUNK):  # bounded memory: chunks, not rows
        part = slice(start, start + _CHUNK)
        km = haversine_km(lat[part, None], lon[part, None], slat[None, :], slon[None, :])
        km = np.where(km <= radius[None, :], km, np.inf)
        idx = np.argmin(km, axis=1) if len(sites) else np.zeros(km.shape[0], int)
        hit = np.isfinite(km[np.arange(km.shape[0]), idx]) if len(sites) else idx < 0
        best[part] = np.where(hit, idx, -1)
        best_km[part] = np.where(hit, km[np.arange(km.shape[0]), idx] if len(sites) else 0, np.nan)
    out = frame.copy()
    ids = sites["id"].to_numpy(dtype=object)
    site = np.where(best >= 0, ids[np.maximum(best, 0)] if len(ids) else None, None)
    out["site"] = pd.Series(site, index=out.index, dtype=object)
    out["site_km"] = best_km
    return out


def to_window(window: Window) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Return ``(start, end)`` as UTC timestamps (strings like ``"2023-08-15"`` allowed)."""
    if window is None:
        return None
    start, end = (to_utc(w, "window") for w in window)
    if not start < end:
        raise DataError(
            f"time window {start} .. {end} is empty",
            field="window",
            hint="give [start, end] with start before end",
        )
    return start, end


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    for col in columns:
        if col not in frame.columns:
            hint = (
                "call tumen.ais.fleet.add_vessel(positions, fleet) first"
                if col == "vessel"
                else f"{what} have: {', '.join(map(str, frame.columns))}"
            )
            raise DataError(f"{what} have no column {col!r}", field=col, hint=hint)


# --- AIS gaps -------------------------------------------------------------------------


def get_gaps(
    positions: pd.DataFrame,
    min_gap_h: float = 6.0,
    *,
    window: Window = None,
    vessels: Iterable[str] | None = None,
    by: str = "vessel",
) -> pd.DataFrame:
    """Every AIS silence of each vessel longer than ``min_gap_h``.

    Parameters
    ----------
    positions : pandas.DataFrame
        Position reports with ``by``, ``time``, ``lat``, ``lon`` (rows whose ``by`` is
        missing are ignored); drop flagged jumps first if wanted (``~is_jump``).
    min_gap_h : float
        Shortest silence reported, hours.
    window : (start, end), optional
        Only fixes inside the window count; silences from the window start to a vessel's
        first fix (``before_first``) and from its last fix to the window end
        (``after_last``) are gaps too.
    vessels : iterable of str, optional
        With ``window``: vessels that have no fix at all get one gap (``no_ais``) over the
        whole window.
    by : str
        The column naming a vessel (``"vessel"``, or ``"mmsi"`` for all traffic).

    Returns
    -------
    pandas.DataFrame
        One row per gap, sorted by ``by, start``: ``by``, ``kind`` (``between``,
        ``before_first``, ``after_last``, ``no_ais``), ``start`` and ``end`` (UTC: the last
        fix before and the first fix after, or the window edge), ``duration_h``,
        ``lat_before, lon_before, lat_after, lon_after`` (degrees; NaN at a window edge),
        ``distance_km`` (great circle between them), ``implied_speed_kn`` (that distance
        over the duration).
    """
    require_columns(positions, [by, "time", "lat", "lon"], "positions")
    win = to_window(window)
    p = positions.loc[positions[by].notna(), [by, "time", "lat", "lon"]]
    if win is not None:
        p = p[(p["time"] >= win[0]) & (p["time"] <= win[1])]
    p = p.sort_values([by, "time"], kind="stable", ignore_index=True)
    frames = [_between_gaps(p, by, min_gap_h)]
    if win is not None:
        frames.append(_edge_gaps(p, by, win, min_gap_h, vessels))
    gaps = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    return _measured(gaps, by)


def _between_gaps(p: pd.DataFrame, by: str, min_gap_h: float) -> pd.DataFrame:
    """Silences between consecutive fixes of a vessel (``p`` sorted by ``by, time``)."""
    key, t = p[by].to_numpy(), p["time"]
    same = ~run_starts(key)
    dt = shift_diff(to_hours(t))
    gap = same & (dt > min_gap_h)
    after = np.flatnonzero(gap)
    before = after - 1
    return pd.DataFrame(
        {
            by: key[after],
            "kind": "between",
            "start": t.array[before],
            "end": t.array[after],
            "lat_before": p["lat"].to_numpy()[before],
            "lon_before": p["lon"].to_numpy()[before],
            "lat_after": p["lat"].to_numpy()[after],
            "lon_after": p["lon"].to_numpy()[after],
        }
    )


def _measured(gaps: pd.DataFrame, by: str) -> pd.DataFrame:
    """Gaps with duration, distance and implied speed, sorted by ``by, start``."""
    gaps["start"] = gaps["start"].astype("datetime64[ns, UTC]")
    gaps["end"] = gaps["end"].astype("datetime64[ns, UTC]")
    gaps["duration_h"] = to_hours(gaps["end"]) - to_hours(gaps["start"])
    gaps["distance_km"] = haversine_km(
        gaps["lat_before"].to_numpy(float),
        gaps["lon_before"].to_numpy(float),
        gaps["lat_after"].to_numpy(float),
        gaps["lon_after"].to_numpy(float),
    )
    gaps["implied_speed_kn"] = gaps["distance_km"] / KM_PER_NM / gaps["duration_h"]
    cols = [by, *GAP_COLUMNS, "distance_km", "implied_speed_kn"]
    return gaps.sort_values([by, "start"], kind="stable", ignore_index=True)[cols]


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """True where a row starts a run: the first row, or a key differs from the row before."""
    new = np.zeros(len(keys[0]), bool)
    new[:1] = True
    for key in keys:
        new[1:] |= np.asarray(key[1:] != key[:-1], dtype=bool)
    return new


def shift_down(values: np.ndarray) -> np.ndarray:
    """The value of the row before (NaN for the first row)."""
    return np.concatenate([[np.nan], values[:-1]]) if len(values) else values.astype(float)


def shift_diff(values: np.ndarray) -> np.ndarray:
    """Difference to the row before (NaN for the first row)."""
    return values - shift_down(values)


def _edge_gaps(
    p: pd.DataFrame, by: str, win, min_gap_h: float, vessels: Iterable[str] | None
) -> pd.DataFrame:
    """Silences between the window edges and each vessel's first and last fix."""
    first = p.groupby(by, sort=True).head(1)
    last = p.groupby(by, sort=True).tail(1)
    nan = np.nan
    lead = pd.DataFrame(
        {
            by: first[by].to_numpy(),
            "kind": "before_first",
            "start": win[0],
            "end": first["time"].array,
            "lat_before": nan,
            "lon_before": nan,
            "lat_after": first["lat"].to_numpy(),
            "lon_after": first["lon"].to_numpy(),
        }
    )
    tail = pd.DataFrame(
        {
            by: last[by].to_numpy(),
            "kind": "after_last",
            "start": last["time"].array,
            "end": win[1],
            "lat_before": last["lat"].to_numpy(),
            "lon_before": last["lon"].to_numpy(),
            "lat_after": nan,
            "lon_after": nan,
        }
    )
    missing = sorted(set(vessels or ()) - set(p[by]))
    none = pd.DataFrame(
        {
            by: missing,
            "kind": "no_ais",
            "start": win[0],
            "end": win[1],
            "lat_before": nan,
            "lon_before": nan,
            "lat_after": nan,
            "lon_after": nan,
        }
    )
    edges = pd.concat([f for f in (lead, tail, none) if len(f)] or [none], ignore_index=True)
    for col in ("start", "end"):
        edges[col] = pd.to_datetime(edges[col], utc=True).astype("datetime64[ns, UTC]")
    dur = to_hours(edges["end"]) - to_hours(edges["start"])
    return edges[(dur > min_gap_h) | (edges["kind"] == "no_ais")]


def to_gap_table(
    gaps: pd.DataFrame, sites: pd.DataFrame | Mapping, *, by: str = "vessel"
) -> pd.DataFrame:
    """The AIS silences for the report: when, how long, and where each began and ended.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`get_gaps`.
    sites : pandas.DataFrame or mapping
        Places to describe positions by (see :func:`get_sites`; a ``name`` column is used
        when present): a position inside a geofence is "at <name>", any other "<d> km from
        <nearest name>".

    Returns
    -------
    pandas.DataFrame
        ``by``, ``silent from``, ``silent until`` (``YYYY-MM-DD HH:MM`` UTC with a no-break
        space, or "window start" / "window end"), ``days`` (float), ``last heard`` and ``next heard``
        (text; empty at a window edge).
    """
    sites = get_sites(sites)
    names = (sites["name"] if "name" in sites else sites["id"]).astype(str)
    names = names.map(lambda n: n.split(" (")[0])
    out = pd.DataFrame({by: gaps[by].to_numpy()})
    for col, kind, label in (
        ("start", "before_first", "window start"),
        ("end", "after_last", "window end"),
    ):
        text = gaps[col].dt.strftime("%Y-%m-%d\u00a0%H:%M").to_numpy(object)
        edge = (gaps["kind"] == kind) | (gaps["kind"] == "no_ais")
        out["silent from" if col == "start" else "silent until"] = np.where(edge, label, text)
    out["days"] = gaps["duration_h"].to_numpy(float) / 24.0
    for col, lat, lon in (
        ("last heard", "lat_before", "lon_before"),
        ("next heard", "lat_after", "lon_after"),
    ):
        out[col] = _describe_places(
            gaps[lat].to_numpy(float), gaps[lon].to_numpy(float), sites, names
        )
    return out


def _describe_places(
    lat: np.ndarray, lon: np.ndarray, sites: pd.DataFrame, names: pd.Series
) -> list[str]:
    """ "at <site>" inside a geofence, "<d> km from <nearest site>" outside, "" for NaN."""
    if not len(sites):
        return ["" if np.isnan(a) else f"{a:.3f} N, {b:.3f} E" for a, b in zip(lat, lon)]
    km = haversine_km(
        lat[:, None],
        lon[:, None],
        sites["lat"].to_numpy()[None, :],
        sites["lon"].to_numpy()[None, :],
    )
    nearest = np.argmin(np.where(np.isnan(km), np.inf, km), axis=1)
    d = km[np.arange(len(lat)), nearest]
    inside = d <= sites["radius_km"].to_numpy()[nearest]
    name = names.to_numpy(object)[nearest]
    return [
        "" if np.isnan(x) else f"at {n}" if i else f"{x:.0f} km from {n}"
        for x, i, n in zip(d, inside, name)
    ]


# --- port calls from AIS --------------------------------------------------------------


def get_ais_port_calls(
    positions: pd.DataFrame,
    sites: pd.DataFrame | Mapping,
    *,
    max_sog_kn: float = 1.0,
    min_dwell_h: float = 2.0,
    max_silence_h: float = 6.0,
    by: str = "vessel",
) -> pd.DataFrame:
    """Stays in a port geofence at low speed, from AIS alone.

    A stay is a run of consecutive fixes of one vessel inside the same site's geofence with
    speed over ground below ``max_sog_kn``; it is a call when its first and last fix are at
    least ``min_dwell_h`` apart. A silence longer than ``max_silence_h`` ends a stay (AIS
    cannot tell whether the ship stayed). Fixes without a speed are ignored here.

    Parameters
    ----------
    positions : pandas.DataFrame
        With ``by, time, lat, lon, sog``.
    sites : pandas.DataFrame or mapping
        Port geofences (see :func:`get_sites`).
    max_sog_kn : float
        Highest speed over ground of a ship in port, knots.
    min_dwell_h : float
        Shortest stay that is a call, hours.
    max_silence_h : float
        Longest silence inside one stay, hours.
    by : str
        The column naming a vessel.

    Returns
    -------
    pandas.DataFrame
        ``by, site, first_fix, last_fix`` (UTC), ``dwell_h``, ``fixes`` (count).
    """
    require_columns(positions, [by, "time", "lat", "lon", "sog"], "positions")
    p = positions.loc[
        positions[by].notna() & positions["sog"].notna(), [by, "time", "lat", "lon", "sog"]
    ]
    p = add_site(p.sort_values([by, "time"], kind="stable", ignore_index=True), sites)
    state = np.where(p["site"].notna() & (p["sog"] < max_sog_kn), p["site"], "")
    key, hours = p[by].to_numpy(), to_hours(p["time"])
    new = run_starts(key, state) | (shift_diff(hours) > max_silence_h)
    p["run"] = np.cumsum(new)
    stays = _stays(p[state != ""], by)
    stays["dwell_h"] = to_hours(stays["last_fix"]) - to_hours(stays["first_fix"])
    stays["fixes"] = stays["fixes"].astype("int64")
    calls = stays[stays["dwell_h"] >= min_dwell_h]
    return calls[[by, "site", "first_fix", "last_fix", "dwell_h", "fixes"]].reset_index(drop=True)


def _stays(p: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per run of fixes (``run``): vessel, site, first and last fix, fixes."""
    return (
        p.groupby("run", sort=True)
        .agg(
            **{
                by: (by, "first"),
                "site": ("site", "first"),
                "first_fix": ("time", "min"),
                "last_fix": ("time", "max"),
                "fixes": ("time", "size"),
            }
        )
        .reset_index(drop=True)
    )
