"""The shuttle detection on millions of AIS positions: Dask, one machine or a cluster.

AIS gaps and port calls are questions about one vessel at a time, so they scale by
partitioning positions by vessel: every partition of a Dask DataFrame holds all reports
of the vessels it holds, and the per-vessel work in each partition is the vectorised
numpy/pandas of :mod:`tumen.ais.tracks` (:func:`tumen.ais.tracks.get_gaps`,
:func:`tumen.ais.tracks.get_ais_port_calls`) and :mod:`tumen.ais.decode` (:func:`tumen.ais.decode.clean`).
A positions store written by :func:`tumen.ais.store.ingest` is already partitioned by MMSI
(index ``mmsi`` with known divisions), so nothing moves; any other Dask DataFrame is
shuffled by vessel first (``DataFrame.shuffle``). Results are the tables the in-process
functions return for the same positions, row for row, whatever runs the tasks.

Where the tasks run is the parameter ``dask_scheduler``:

``None``                   the local threaded scheduler, one thread per core (NMEA
                           decoding, which holds the GIL, uses a local process pool: see
                           :mod:`tumen.ais.store`);
``"threads"``, ``"processes"``, ``"sync"``
                           a local Dask scheduler by name (``"sync"``: one thread, for
                           debugging);
``"tcp://host:8786"``      an existing ``dask.distributed`` cluster, by scheduler address;
a ``distributed.Client`` or cluster object
                           that cluster (e.g. a ``LocalCluster`` in a notebook).

Threads share one interpreter: the numpy and Parquet parts of the work run in parallel,
some of pandas' grouping and sorting does not (on two idle cores the threaded default
keeps about 1.6 busy, with the least memory). Worker processes (a ``LocalCluster``, or a
cluster of machines) scale further: each task reads its own partition and only the small
result tables travel.

>>> store = ingest(["data/ais/2023-09.nmea"], "nmea")                 # doctest: +SKIP
>>> tables = get_shuttle_tables(store, sites, window=("2023-08-15", "2023-10-15"),
...                             dask_scheduler="tcp://10.0.0.5:8786")    # doctest: +SKIP
>>> tables.gaps, tables.calls, tables.counts                            # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from tumen.ais import decode as ais
from tumen.ais import tracks
from tumen.errors import ParameterError
from tumen.geo import earth

#: Names of Dask's local schedulers accepted for ``dask_scheduler``.
LOCAL_SCHEDULERS = ("threads", "processes", "sync")
_ALIASES = {
    "threading": "threads",
    "multiprocessing": "processes",
    "synchronous": "sync",
    "single-threaded": "sync",
}
#: How long to wait for a ``dask.distributed`` scheduler to answer.
CONNECT_TIMEOUT = "15s"
#: Columns the detection reads (the value columns of the positions table).
DETECTION_COLUMNS = ["mmsi", "time", "lat", "lon", "sog", "cog", "heading", "nav_status"]


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


# --- schedulers -----------------------------------------------------------------------


@contextlib.contextmanager
def use_scheduler(dask_scheduler=None, *, default: str = "threads") -> Iterator:
    """Resolve ``dask_scheduler`` to what ``dask.compute(..., scheduler=)`` takes.

    Parameters
    ----------
    dask_scheduler : None, str, distributed.Client or cluster
        See the module docstring. A client made here from an address is closed on exit
        (the cluster itself is left running).
    default : str
        Local scheduler used when ``dask_scheduler`` is None.

    Yields
    ------
    str or distributed.Client

    Raises
    ------
    ParameterError
        When the name is unknown or no scheduler answers at the address.
    """
    if dask_scheduler is None:
        yield default
        return
    if isinstance(dask_scheduler, str):
        name = _ALIASES.get(dask_scheduler, dask_scheduler)
        if name in LOCAL_SCHEDULERS:
            yield name
            return
        with _connect(dask_scheduler) as client:
            yield client
        return
    if hasattr(dask_scheduler, "scheduler_address") and not hasattr(dask_scheduler, "get"):
        with _connect(dask_scheduler) as client:  # a cluster object
            yield client
        return
    if hasattr(dask_scheduler, "get"):
        yield dask_scheduler
        return
    raise ParameterError(
        f"cannot use {dask_scheduler!r} as a Dask scheduler",
        field="dask_scheduler",
        hint="give an address such as tcp://host:8786, or threads/processes",
    )


@contextlib.contextmanager
def _connect(target) -> Iterator:
    """A ``distributed.Client`` on a scheduler address or cluster, closed on exit."""
    from distributed import Client

    if isinstance(target, str) and "://" not in target and ":" not in target:
        raise ParameterError(
            f"unknown Dask scheduler {target!r}",
            field="dask_scheduler",
            hint="use threads, processes, sync, or an address such as tcp://host:8786",
        )
    try:
        client = Client(target, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ParameterError(
            f"no Dask scheduler answers at {target!r} ({exc})".splitlines()[0],
            field="dask_scheduler",
            hint="start the cluster first, or leave dask_scheduler empty for the local scheduler",
        ) from None
    try:
        yield client
    finally:
        client.close()


def compute(*collections, dask_scheduler=None, default: str = "threads"):
    """``dask.compute`` on the scheduler ``dask_scheduler`` names (see the module docstring).

    Returns
    -------
    tuple
        One result per collection, as ``dask.compute`` returns them.
    """
    with use_scheduler(dask_scheduler, default=default) as scheduler:
        return compute_on(scheduler, *collections)


def compute_on(scheduler, *collections):
    if isinstance(scheduler, str):
        workers = {} if scheduler == "sync" else {"num_workers": os.cpu_count() or 1}
        return dask.compute(*collections, scheduler=scheduler, **workers)
    return dask.compute(*collections, scheduler=scheduler)


# --- partitioning by vessel -----------------------------------------------------------


def to_dask(positions, columns: Iterable[str] | None = None) -> dd.DataFrame:
    """Positions as a Dask DataFrame.

    Parameters
    ----------
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        A store is read lazily (index ``mmsi`` with known divisions); a pandas table
        becomes one partition.
    columns : iterable of str, optional
        Columns to read from a store (default: all).

    Returns
    -------
    dask.dataframe.DataFrame
    """
    if isinstance(positions, pd.DataFrame):
        return dd.from_pandas(positions, npartitions=1, sort=False)
    if isinstance(positions, dd.DataFrame):
        return positions
    if hasattr(positions, "to_dask"):
        return positions.to_dask(columns)
    raise ParameterError(
        f"cannot read positions from {type(positions).__name__}",
        field="positions",
        hint="give an AisStore, or a Dask or pandas DataFrame",
    )


def by_vessel(frame: dd.DataFrame, by: str = "mmsi") -> dd.DataFrame:
    """Partition positions so that each vessel's reports are all in one partition.

    Nothing moves when the frame has one partition, or is indexed by ``by`` with known
    divisions (a positions store, or after ``set_index(by)``); otherwise the frame is
    shuffled on ``by`` (hash partitioning, Dask's shuffle).

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        Positions with ``by`` as a column or as the index.
    by : str
        The column naming a vessel.

    Returns
    -------
    dask.dataframe.DataFrame
    """
    if frame.npartitions == 1 or (frame.index.name == by and frame.known_divisions):
        return frame
    if frame.index.name == by:
        frame = frame.reset_index()
    if by not in frame.columns:
        raise ParameterError(
            f"positions have no column {by!r}",
            field="by",
            hint="partition by mmsi, or add the column first",
        )
    return frame.shuffle(on=by)


def map_vessels(frame: dd.DataFrame, func, **options) -> list:
    """``func(partition, **options)`` for every partition, as Dask delayed results.

    Each call runs in the task that makes its partition (reading a store file, or the
    last step of a shuffle), so only ``func``'s result leaves a worker process.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        Partitioned by vessel (see :func:`by_vessel`).
    func : callable
        Takes a pandas DataFrame (one partition) and ``options``; returns anything.

    Returns
    -------
    list of dask.delayed.Delayed
    """
    out = frame.map_partitions(
        _call, func, options, meta=pd.DataFrame(), enforce_metadata=False, align_dataframes=False
    )
    return out.to_delayed()


def _call(part: pd.DataFrame, func, options: dict):
    return func(part, **options)


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
    and line where present), :func:`tumen.ais.decode.clean` (drop exact repeats, flag impossible
    jumps) and leave the jumps out, optionally keep only the fleet's vessels
    (:func:`tumen.ais.decode.add_vessel`), then :func:`tumen.ais.tracks.get_gaps` and
    :func:`tumen.ais.tracks.get_ais_port_calls`. The tables equal what those functions give
    on the whole table in one process.

    Parameters
    ----------
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        The positions table of :mod:`tumen.ais.decode` (at least ``mmsi, time, lat, lon, sog``;
        ``cog, heading, nav_status`` too when ``clean``).
    sites : pandas.DataFrame or mapping
        Port geofences (see :func:`tumen.ais.tracks.get_sites`).
    min_gap_h, window, vessels
        As in :func:`tumen.ais.tracks.get_gaps` (hours; ``vessels`` names vessels, or MMSIs
        without a fleet, that get a ``no_ais`` gap when they have no fix in the window).
    max_sog_kn, min_dwell_h, max_silence_h : float
        As in :func:`tumen.ais.tracks.get_ais_port_calls` (knots, hours, hours).
    clean : bool
        Drop duplicates and impossible jumps first (:func:`tumen.ais.decode.clean`).
    max_speed_kn : float
        Fastest plausible speed for the jump flag, knots.
    fleet : pandas.DataFrame, optional
        ``vessel, mmsi`` rows (:func:`tumen.ais.decode.get_fleet`): analyse only these MMSIs and
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
        frame = _fleet_only(frame, fleet)
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


def _fleet_only(frame: dd.DataFrame, fleet: pd.DataFrame) -> dd.DataFrame:
    """Keep the fleet's MMSIs and add ``vessel`` (a store reads only the files holding them)."""
    if frame.index.name == "mmsi" and frame.known_divisions:
        frame = frame.loc[sorted(set(fleet["mmsi"].astype("int64").tolist()))]
    if frame.index.name == "mmsi":
        frame = frame.reset_index()
    return frame.map_partitions(_add_fleet_vessel, fleet)


def _add_fleet_vessel(part: pd.DataFrame, fleet: pd.DataFrame) -> pd.DataFrame:
    part = ais.add_vessel(part, fleet)
    return part[part["vessel"].notna()]


def _sorted_positions(part: pd.DataFrame) -> pd.DataFrame:
    """The partition as a positions table sorted as the readers sort it (``mmsi, time``,
    then source file and line where present); already sorted partitions are kept as
    they are (a stable sort would not move them)."""
    if "mmsi" not in part.columns:
        part = part.reset_index()
    mmsi, t = part["mmsi"].to_numpy(), part["time"].array.asi8
    same = mmsi[1:] == mmsi[:-1]
    tied = same & (t[1:] == t[:-1])
    has_source = {"source_file", "source_line"} <= set(part.columns)
    if np.all((mmsi[1:] > mmsi[:-1]) | (same & (t[1:] >= t[:-1]))) and not (
        has_source and tied.any()
    ):
        return part.reset_index(drop=True)
    if has_source:
        return ais.sort_positions(part)
    return part.sort_values(["mmsi", "time"], kind="stable", ignore_index=True)


def _clean(p: pd.DataFrame, max_speed_kn: float) -> tuple[pd.DataFrame, int, int]:
    """:func:`tumen.ais.decode.clean` on a sorted partition; return (positions without jumps,
    repeats removed, jumps).

    Exact repeats share ``mmsi`` and ``time``, so :func:`tumen.ais.decode.drop_duplicates` only
    looks at the rows whose ``mmsi, time`` occur more than once (in their order, so the
    same first one is kept); :func:`tumen.ais.decode.add_jump_flag` then flags the rest.
    """
    mmsi, t = p["mmsi"].to_numpy(), p["time"].array.asi8
    tie = np.zeros(len(p), bool)
    pair = (mmsi[1:] == mmsi[:-1]) & (t[1:] == t[:-1])
    tie[1:] |= pair
    tie[:-1] |= pair
    sub = p[tie].assign(source_file="", source_line=np.flatnonzero(tie))
    empty = ais.decode_nmea_lines([], "")
    dups = ais.drop_duplicates(ais.AisData(sub, empty.vessels, empty.skipped)).skipped
    keep = np.ones(len(p), bool)
    keep[dups["source_line"].to_numpy("int64")] = False
    flagged = ais.add_jump_flag(p[keep], max_speed_kn)
    jump = flagged["is_jump"].to_numpy()
    return flagged[~jump], int((~keep).sum()), int(jump.sum())


def _stay_candidates(
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
    p = _sorted_positions(part)
    counts = {"positions": len(p), "duplicates": 0, "jumps": 0}
    if clean:
        p, counts["duplicates"], counts["jumps"] = _clean(p, max_speed_kn)
    if fleet is not None:
        p = ais.add_vessel(p, fleet)
        p = p[p["vessel"].notna()]
    counts["used"] = len(p)
    gaps, present = _gaps_sorted(p, by, min_gap_h, window)
    calls = tracks.get_ais_port_calls(
        _stay_candidates(p, by, sites, max_sog_kn),
        sites,
        max_sog_kn=max_sog_kn,
        min_dwell_h=min_dwell_h,
        max_silence_h=max_silence_h,
        by=by,
    )
    return gaps, calls, counts, present


def _gaps_partition(part: pd.DataFrame, *, by: str, min_gap_h: float, window) -> tuple:
    return _gaps_sorted(_sorted_positions(part), by, min_gap_h, window)


def _gaps_sorted(p: pd.DataFrame, by: str, min_gap_h: float, window) -> tuple:
    """Gaps of a sorted partition, and the vessels with a fix in the window."""
    gaps = tracks.get_gaps(p, min_gap_h, window=window, by=by)
    if window is None:
        return gaps, set()
    inside = p[(p["time"] >= window[0]) & (p["time"] <= window[1])]
    return gaps, set(inside[by].dropna().unique().tolist())


def _calls_partition(part: pd.DataFrame, *, sites: pd.DataFrame, **options) -> pd.DataFrame:
    p = _stay_candidates(_sorted_positions(part), options["by"], sites, options["max_sog_kn"])
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
