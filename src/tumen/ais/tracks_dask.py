"""AIS gaps and port calls of every vessel on millions of positions, with Dask.

This module owns the scaled form of :mod:`tumen.ais.tracks`: AIS gaps and port calls are
questions about one vessel at a time, so each partition of positions partitioned by vessel
(:mod:`tumen.ais.dask_ops`) is sorted, cleaned (:func:`tumen.ais.clean.clean`) and run
through the vectorised :func:`tumen.ais.tracks.get_gaps` and
:func:`tumen.ais.tracks.get_ais_port_calls`. A positions store written by
:func:`tumen.ais.store.ingest` is already partitioned by MMSI (index ``mmsi`` with known
divisions), so nothing moves; any other Dask DataFrame is shuffled by vessel first
(``DataFrame.shuffle``). Results are the tables the in-process functions return for the
same positions, row for row, whatever runs the tasks (``dask_scheduler``: see
:mod:`tumen.ais.dask_ops`).

>>> store = ingest(["data/ais/2023-09.nmea"], "nmea")                 # doctest: +SKIP
>>> tables = get_shuttle_tables(store, sites, window=("2023-08-15", "2023-10-15"),
...                             dask_scheduler="tcp://10.0.0.5:8786")    # doctest: +SKIP
>>> tables.gaps, tables.calls, tables.counts                            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tumen.ais import tracks
from tumen.ais.dask_ops import (
    DETECTION_COLUMNS,
    by_vessel,
    clean_partition,
    compute,
    keep_fleet,
    map_vessels,
    sort_partition,
    to_dask,
)
from tumen.ais.fleet import add_vessel
from tumen.geo import earth


@dataclass(frozen=True)
class ShuttleTables:
    """What :func:`get_shuttle_tables` finds.

    Attributes
    ----------
    gaps : pandas.DataFrame
        As :func:`tumen.ais.tracks.get_gaps` returns it.
    calls : pandas.DataFrame
        As :func:`tumen.ais.tracks.get_ais_port_calls` returns it.
    counts : dict of str to int
        ``positions`` (rows read), ``duplicates`` (exact repeats removed), ``jumps``
        (impossible fixes left out), ``used`` (positions the detection used),
        ``partitions`` (Dask partitions processed).
    """

    gaps: pd.DataFrame
    calls: pd.DataFrame
    counts: dict


# --- detection ------------------------------------------------------------------------


def get_shuttle_tables(
    positions,
    sites,
    *,
    min_gap_h: float = 6.0,
    window=None,
    vessels: Iterable | None = None,
    max_sog_kn: float = 1.0,
    min_dwell_h: float = 2.0,
    max_silence_h: float = 6.0,
    clean: bool = True,
    max_speed_kn: float = 50.0,
    fleet: pd.DataFrame | None = None,
    dask_scheduler=None,
) -> ShuttleTables:
    """AIS gaps and AIS port calls of every vessel, in one pass over the positions.

    Per partition (all reports of its vessels): sort by ``mmsi, time`` (then source file
    and line where present), :func:`tumen.ais.clean.clean` (drop exact repeats, flag impossible
    jumps) and leave the jumps out, optionally keep only the fleet's vessels
    (:func:`tumen.ais.fleet.add_vessel`), then :func:`tumen.ais.tracks.get_gaps` and
    :func:`tumen.ais.tracks.get_ais_port_calls`. The tables equal what those functions give
    on the whole table in one process.

    Parameters
    ----------
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        The positions table of :mod:`tumen.ais.records` (at least ``mmsi, time, lat, lon, sog``;
        ``cog, heading, nav_status`` too when ``clean``).
    sites : pandas.DataFrame or mapping
        Port geofences (see :func:`tumen.ais.tracks.get_sites`).
    min_gap_h, window, vessels
        As in :func:`tumen.ais.tracks.get_gaps` (hours; ``vessels`` names vessels, or MMSIs
        without a fleet, that get a ``no_ais`` gap when they have no fix in the window).
    max_sog_kn, min_dwell_h, max_silence_h : float
        As in :func:`tumen.ais.tracks.get_ais_port_calls` (knots, hours, hours).
    clean : bool
        Drop duplicates and impossible jumps first (:func:`tumen.ais.clean.clean`).
    max_speed_kn : float
        Fastest plausible speed for the jump flag, knots.
    fleet : pandas.DataFrame, optional
        ``vessel, mmsi`` rows (:func:`tumen.ais.fleet.get_fleet`): analyse only these MMSIs and
        group by ``vessel`` instead of ``mmsi``.
    dask_scheduler : optional
        Where to run (see the module docstring); default the local threaded scheduler.

    Returns
    -------
    ShuttleTables
    """
    sites = tracks.get_sites(sites)
    win = tracks.to_window(window)
    by = "mmsi" if fleet is None else "vessel"
    columns = DETECTION_COLUMNS if clean else DETECTION_COLUMNS[:5]
    frame = to_dask(positions, columns)
    if fleet is not None:
        frame = keep_fleet(frame, fleet)
    options = {
        "by": by,
        "sites": sites,
        "min_gap_h": min_gap_h,
        "window": win,
        "max_sog_kn": max_sog_kn,
        "min_dwell_h": min_dwell_h,
        "max_silence_h": max_silence_h,
        "clean": clean,
        "max_speed_kn": max_speed_kn,
        "fleet": fleet,
    }
    parts = map_vessels(by_vessel(frame, by), _detect_partition, **options)
    results = compute(parts, dask_scheduler=dask_scheduler)[0]
    gaps = _concat([r[0] for r in results], [by, "start"])
    if win is not None and vessels is not None:
        present = set().union(*(r[3] for r in results))
        missing = [v for v in vessels if v not in present]
        gaps = _concat([gaps, _no_ais_gaps(missing, by, min_gap_h, window)], [by, "start"])
    calls = _concat([r[1] for r in results], [by, "first_fix"])
    counts = {
        k: int(sum(r[2][k] for r in results)) for k in ("positions", "duplicates", "jumps", "used")
    }
    counts["partitions"] = len(parts)
    return ShuttleTables(gaps, calls, counts)


def get_gaps(
    positions,
    min_gap_h: float = 6.0,
    *,
    window=None,
    vessels=None,
    by: str = "mmsi",
    dask_scheduler=None,
) -> pd.DataFrame:
    """:func:`tumen.ais.tracks.get_gaps` on a Dask DataFrame, vessel by vessel.

    The positions are used as they are (no cleaning; see :func:`get_shuttle_tables`).

    Parameters
    ----------
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        With ``by, time, lat, lon``.
    min_gap_h, window, vessels, by
        As in :func:`tumen.ais.tracks.get_gaps` (hours); ``by`` defaults to ``mmsi``.
    dask_scheduler : optional
        See the module docstring.

    Returns
    -------
    pandas.DataFrame
        Equal to ``tumen.ais.tracks.get_gaps(<all positions>, ...)``.
    """
    frame = by_vessel(to_dask(positions, ["mmsi", "time", "lat", "lon"]), by)
    win = tracks.to_window(window)
    parts = map_vessels(frame, _gaps_partition, by=by, min_gap_h=min_gap_h, window=win)
    results = compute(parts, dask_scheduler=dask_scheduler)[0]
    gaps = _concat([r[0] for r in results], [by, "start"])
    if win is not None and vessels is not None:
        present = set().union(*(r[1] for r in results))
        missing = [v for v in vessels if v not in present]
        gaps = _concat([gaps, _no_ais_gaps(missing, by, min_gap_h, window)], [by, "start"])
    return gaps


def get_ais_port_calls(
    positions,
    sites,
    *,
    max_sog_kn: float = 1.0,
    min_dwell_h: float = 2.0,
    max_silence_h: float = 6.0,
    by: str = "mmsi",
    dask_scheduler=None,
) -> pd.DataFrame:
    """:func:`tumen.ais.tracks.get_ais_port_calls` on a Dask DataFrame, vessel by vessel.

    The positions are used as they are (no cleaning; see :func:`get_shuttle_tables`).

    Parameters
    ----------
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        With ``by, time, lat, lon, sog``.
    sites : pandas.DataFrame or mapping
        Port geofences.
    max_sog_kn, min_dwell_h, max_silence_h, by
        As in :func:`tumen.ais.tracks.get_ais_port_calls` (knots, hours, hours).
    dask_scheduler : optional
        See the module docstring.

    Returns
    -------
    pandas.DataFrame
        Equal to ``tumen.ais.tracks.get_ais_port_calls(<all positions>, sites, ...)``.
    """
    sites = tracks.get_sites(sites)
    frame = by_vessel(to_dask(positions, DETECTION_COLUMNS[:5]), by)
    parts = map_vessels(
        frame,
        _calls_partition,
        sites=sites,
        max_sog_kn=max_sog_kn,
        min_dwell_h=min_dwell_h,
        max_silence_h=max_silence_h,
        by=by,
    )
    results = compute(parts, dask_scheduler=dask_scheduler)[0]
    return _concat(results, [by, "first_fix"])


# --- per partition (plain pandas) -----------------------------------------------------


def stay_candidates(
    p: pd.DataFrame, by: str, sites: pd.DataFrame, max_sog_kn: float
) -> pd.DataFrame:
    """Fewer rows, same port calls: a run of fixes that cannot be in a stay (speed at or
    above ``max_sog_kn``, or outside every geofence's bounding box) only separates stays,
    so one fix of each such run is enough for :func:`tumen.ais.tracks.get_ais_port_calls`.

    ``p`` is sorted by ``mmsi, time``; runs are taken in the order that function uses
    (``by, time``).
    """
    p = p[p[by].notna() & p["sog"].notna()]
    if by != "mmsi":
        p = p.sort_values([by, "time"], kind="stable", ignore_index=True)
    lat, lon = p["lat"].to_numpy(float), p["lon"].to_numpy(float)
    near = np.zeros(len(p), bool)
    slow = np.flatnonzero(p["sog"].to_numpy(float) < max_sog_kn)
    for site in sites.itertuples(index=False):
        dlat = np.degrees(site.radius_km / earth.EARTH_RADIUS_KM) * 1.01 + 1e-6
        top = min(abs(site.lat) + dlat, 90.0)
        dlon = 360.0 if top >= 89.0 else dlat / np.cos(np.radians(top))
        dist_lon = np.abs((lon[slow] - site.lon + 180.0) % 360.0 - 180.0)
        near[slow] |= (np.abs(lat[slow] - site.lat) <= dlat) & (dist_lon <= dlon)
    key = p[by].to_numpy()
    repeat = np.zeros(len(p), bool)
    repeat[1:] = ~near[1:] & ~near[:-1] & (key[1:] == key[:-1])
    return p[~repeat]


def _detect_partition(
    part: pd.DataFrame,
    *,
    by: str,
    sites: pd.DataFrame,
    min_gap_h,
    window,
    max_sog_kn,
    min_dwell_h,
    max_silence_h,
    clean: bool,
    max_speed_kn,
    fleet,
) -> tuple:
    """Gaps, calls, counts and the vessels with a fix in the window, for one partition."""
    p = sort_partition(part)
    counts = {"positions": len(p), "duplicates": 0, "jumps": 0}
    if clean:
        p, counts["duplicates"], counts["jumps"] = clean_partition(p, max_speed_kn)
    if fleet is not None:
        p = add_vessel(p, fleet)
        p = p[p["vessel"].notna()]
    counts["used"] = len(p)
    gaps, present = _gaps_sorted(p, by, min_gap_h, window)
    calls = tracks.get_ais_port_calls(
        stay_candidates(p, by, sites, max_sog_kn),
        sites,
        max_sog_kn=max_sog_kn,
        min_dwell_h=min_dwell_h,
        max_silence_h=max_silence_h,
        by=by,
    )
    return gaps, calls, counts, present


def _gaps_partition(part: pd.DataFrame, *, by: str, min_gap_h: float, window) -> tuple:
    return _gaps_sorted(sort_partition(part), by, min_gap_h, window)


def _gaps_sorted(p: pd.DataFrame, by: str, min_gap_h: float, window) -> tuple:
    """Gaps of a sorted partition, and the vessels with a fix in the window."""
    gaps = tracks.get_gaps(p, min_gap_h, window=window, by=by)
    if window is None:
        return gaps, set()
    inside = p[(p["time"] >= window[0]) & (p["time"] <= window[1])]
    return gaps, set(inside[by].dropna().unique().tolist())


def _calls_partition(part: pd.DataFrame, *, sites: pd.DataFrame, **options) -> pd.DataFrame:
    p = stay_candidates(sort_partition(part), options["by"], sites, options["max_sog_kn"])
    return tracks.get_ais_port_calls(p, sites, **options)


def _no_ais_gaps(missing: list, by: str, min_gap_h: float, window) -> pd.DataFrame:
    """``no_ais`` gaps of vessels without a fix in the window (from an empty table)."""
    key = pd.Series(missing if missing else [], dtype=object if by == "vessel" else "int64")
    empty = pd.DataFrame(
        {
            by: key.iloc[:0],
            "time": pd.Series([], dtype="datetime64[ns, UTC]"),
            "lat": pd.Series([], dtype=float),
            "lon": pd.Series([], dtype=float),
        }
    )
    return tracks.get_gaps(empty, min_gap_h, window=window, vessels=missing, by=by)


def _concat(frames: list[pd.DataFrame], order: list[str]) -> pd.DataFrame:
    """Join per-partition tables (empty ones only decide the columns) and sort stably."""
    full = [f for f in frames if len(f)]
    out = pd.concat(full, ignore_index=True) if full else frames[0].iloc[:0]
    return out.sort_values(order, kind="stable", ignore_index=True)
