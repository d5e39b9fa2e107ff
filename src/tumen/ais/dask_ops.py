"""Dask for the AIS layer: where tasks run, and positions partitioned by vessel.

This module owns the Dask plumbing every scaled AIS computation shares: the scheduler a
``dask_scheduler`` parameter names (:func:`use_scheduler`, :func:`compute`,
:func:`compute_on`), positions as a Dask DataFrame (:func:`to_dask`) partitioned so that
each vessel's reports are in one partition (:func:`by_vessel`), a function run on every
partition (:func:`map_vessels`), and the per-partition steps the detections share: sort as
the readers sort (:func:`sort_partition`), clean (:func:`clean_partition`) and keep the
fleet's MMSIs (:func:`keep_fleet`). The detections themselves are in
:mod:`tumen.ais.tracks_dask` (gaps and port calls), :mod:`tumen.ais.silences`,
:mod:`tumen.ais.encounters` and :mod:`tumen.ais.identity`.

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
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import records as ais_records
from tumen.ais.timecols import to_ns
from tumen.errors import ParameterError

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
    from distributed import Client  # noqa: PLC0415 - only a cluster needs distributed (slow import)

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
    """``dask.compute`` on a scheduler :func:`use_scheduler` gave (a local name: all cores)."""
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


# --- per partition (plain pandas) -----------------------------------------------------


def keep_fleet(frame: dd.DataFrame, fleet: pd.DataFrame) -> dd.DataFrame:
    """Keep the fleet's MMSIs and add ``vessel`` (a store reads only the files holding them)."""
    if frame.index.name == "mmsi" and frame.known_divisions:
        frame = frame.loc[sorted(set(fleet["mmsi"].astype("int64").tolist()))]
    if frame.index.name == "mmsi":
        frame = frame.reset_index()
    return frame.map_partitions(_add_fleet_vessel, fleet)


def _add_fleet_vessel(part: pd.DataFrame, fleet: pd.DataFrame) -> pd.DataFrame:
    part = ais_fleet.add_vessel(part, fleet)
    return part[part["vessel"].notna()]


def sort_partition(part: pd.DataFrame) -> pd.DataFrame:
    """The partition as a positions table sorted as the readers sort it (``mmsi, time``,
    then source file and line where present); already sorted partitions are kept as
    they are (a stable sort would not move them)."""
    if "mmsi" not in part.columns:
        part = part.reset_index()
    mmsi, t = part["mmsi"].to_numpy(), to_ns(part["time"])
    same = mmsi[1:] == mmsi[:-1]
    tied = same & (t[1:] == t[:-1])
    has_source = {"source_file", "source_line"} <= set(part.columns)
    if np.all((mmsi[1:] > mmsi[:-1]) | (same & (t[1:] >= t[:-1]))) and not (
        has_source and tied.any()
    ):
        return part.reset_index(drop=True)
    if has_source:
        return ais_records.sort_positions(part)
    return part.sort_values(["mmsi", "time"], kind="stable", ignore_index=True)


def clean_partition(p: pd.DataFrame, max_speed_kn: float) -> tuple[pd.DataFrame, int, int]:
    """:func:`tumen.ais.clean.clean` on a sorted partition; return (positions without jumps,
    repeats removed, jumps).

    Exact repeats share ``mmsi`` and ``time``, so :func:`tumen.ais.clean.drop_duplicates` only
    looks at the rows whose ``mmsi, time`` occur more than once (in their order, so the
    same first one is kept); :func:`tumen.ais.clean.add_jump_flag` then flags the rest.
    """
    mmsi, t = p["mmsi"].to_numpy(), to_ns(p["time"])
    tie = np.zeros(len(p), bool)
    pair = (mmsi[1:] == mmsi[:-1]) & (t[1:] == t[:-1])
    tie[1:] |= pair
    tie[:-1] |= pair
    sub = p[tie].assign(source_file="", source_line=np.flatnonzero(tie))
    empty = ais_records.empty_data()
    dups = ais_clean.drop_duplicates(ais_records.AisData(sub, empty.vessels, empty.skipped)).skipped
    keep = np.ones(len(p), bool)
    keep[dups["source_line"].to_numpy("int64")] = False
    flagged = ais_clean.add_jump_flag(p[keep], max_speed_kn)
    jump = flagged["is_jump"].to_numpy()
    return flagged[~jump], int((~keep).sum()), int(jump.sum())
