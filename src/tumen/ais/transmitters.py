"""Tracks that teleport: one MMSI broadcast by two transmitters, split into candidates.

This module owns the positions half of the identity checks (:mod:`tumen.ais.identity`):
two transmitters broadcasting one MMSI (a borrowed or spoofed identity, or two ships with
one number typed in) give one track that leaps between their positions at speeds no ship
sails. :func:`split_transmitters` splits each MMSI's track into candidate transmitters and
flags a possibly shared identity; :func:`split_transmitters_dask` gives the same table from
a positions store or any Dask DataFrame, partition by partition (:mod:`tumen.ais.dask_ops`).
"""

from __future__ import annotations

import math

import dask
import numpy as np
import pandas as pd

from tumen.ais import clean as ais_clean
from tumen.ais import dask_ops as ais_dask
from tumen.ais import records as ais_records
from tumen.ais import timecols as ais_timecols
from tumen.errors import ParameterError
from tumen.geo import earth

#: Columns of :func:`split_transmitters`.
SPLIT_COLUMNS = [
    "mmsi",
    "fixes",
    "jumps",
    "switches",
    "candidates",
    "fixes_a",
    "fixes_b",
    "unassigned",
    "lat_a",
    "lon_a",
    "lat_b",
    "lon_b",
    "separation_km",
    "verdict",
    "reason",
]
#: The verdict of a track split into two candidates that switch often enough.
SHARED = "possibly shared identity"


def split_transmitters(
    positions: pd.DataFrame,
    *,
    max_jump_kn: float = 50.0,
    min_jumps: int = 4,
    min_fixes: int = 3,
    min_share: float = 0.05,
    jitter_km: float = 0.5,
    resume_h: float = 1.0,
) -> pd.DataFrame:
    """Tracks that jump back and forth between two places: possibly two transmitters.

    Two transmitters broadcasting one MMSI (a borrowed or spoofed identity, or two ships
    with one number typed in) give one track that leaps between their positions at
    speeds no ship sails. Each MMSI's fixes are taken in time order and split greedily
    into candidate transmitters A and B: cut at its jumps and at silences longer than
    ``resume_h`` into pieces a ship could have sailed, each piece joins a candidate whose
    last fix reaches its first fix (at no more than ``max_jump_kn``, or within
    ``jitter_km``; when both do, the one with more fixes so far); the first piece A cannot
    reach starts B, and a later one neither reaches is left unassigned (a single wrong
    position). The MMSI is flagged as a *possibly shared identity* when the track jumps
    and switches between A and B at least ``min_jumps`` times each, and each candidate has
    at least ``min_fixes`` fixes and ``min_share`` of the MMSI's fixes (wrong positions
    scattered through a long track, each far from the track, also fall to B, but hold a
    tiny share of it). Tracks with fewer than
    ``min_jumps`` jumps are not split (they cannot switch that often).

    How this relates to :func:`tumen.ais.clean.clean`: its jump flag (``is_jump``,
    :func:`tumen.ais.clean.add_jump_flag`) marks a single fix both reached and left too fast,
    and the analysis leaves such fixes out. A shared identity looks like a run of such
    jumps, so every fix of an alternating track can be flagged and dropped; run this on
    the positions *before* the jumps are dropped (``data.positions``, which keeps
    ``is_jump``). ``jumps`` here counts legs faster than ``max_jump_kn`` and longer than
    ``jitter_km``; an isolated wrong fix gives two of them and no second candidate worth
    the name.

    Parameters
    ----------
    positions : pandas.DataFrame
        ``mmsi, time, lat, lon`` (other columns ignored); exact repeats are dropped as
        :func:`tumen.ais.clean.drop_duplicates` drops them, and rows are sorted as the readers
        sort them (:func:`tumen.ais.records.sort_positions` when ``source_file, source_line`` are
        present).
    max_jump_kn : float
        Fastest plausible speed between two fixes, knots (``max_jump_kn`` of the report).
    min_jumps : int
        Fewest switches between the candidates for a flag (a wrong fix gives two).
    min_fixes : int
        Fewest fixes each candidate needs for a flag.
    min_share : float
        Smallest fraction of the MMSI's fixes each candidate needs for a flag (0..1).
    jitter_km : float
        A fix this close to the one before is never a jump, km (position noise, and two
        receivers' copies of one report with the same time stamp).
    resume_h : float
        After a silence longer than this (hours) a track is attached afresh (to the
        candidate with more fixes, when both reach it), so that a wrong fix just before a
        silence does not take the track after it along; a wrong fix less than
        ``max_jump_kn * resume_h`` from the track can still do so (its legs are no jumps).

    Returns
    -------
    pandas.DataFrame
        One row per MMSI, sorted by ``mmsi``: ``mmsi``, ``fixes``, ``jumps`` (legs above
        ``max_jump_kn``), ``switches`` (consecutive assigned fixes on different
        candidates, across a jump or a silence), ``candidates`` (1 or 2), ``fixes_a``,
        ``fixes_b``, ``unassigned``,
        ``lat_a, lon_a, lat_b, lon_b`` (mean position of each candidate's fixes, degrees;
        NaN without B), ``separation_km`` (between those), ``verdict`` (``possibly shared
        identity``, ``isolated jumps`` or ``one transmitter``) and ``reason`` (words).

    >>> split_transmitters(data.positions, max_jump_kn=50.0)      # doctest: +SKIP
    """
    _check_options(max_jump_kn, min_jumps, min_fixes, min_share, jitter_km, resume_h)
    ais_records.require_table_columns(positions, ("mmsi", "time", "lat", "lon"))
    p = _prepared(positions)
    legs = ais_clean.add_implied_speed(p)["implied_speed_kn"].to_numpy()
    lat, lon = p["lat"].to_numpy(float), p["lon"].to_numpy(float)
    step_km = np.r_[np.nan, earth.haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])][: len(p)]
    legs = np.where(np.isnan(legs) | ~(step_km <= jitter_km), legs, 0.0)  # jitter: no jump
    mmsi, first = np.unique(p["mmsi"].to_numpy("int64"), return_index=True)
    group = np.repeat(np.arange(len(mmsi)), np.diff(np.r_[first, len(p)]))
    jumps = np.bincount(group, weights=legs > max_jump_kn, minlength=len(mmsi)).astype(int)
    fixes = np.bincount(group, minlength=len(mmsi))
    mean = {
        c: np.bincount(group, weights=p[c].to_numpy(float), minlength=len(mmsi)) / fixes
        for c in ("lat", "lon")
    }
    rows = []
    for i, m in enumerate(mmsi):
        if jumps[i] >= min_jumps:  # fewer jumps cannot make min_jumps switches
            rows_i = slice(first[i], first[i] + fixes[i])
            need = max(min_fixes, math.ceil(min_share * fixes[i]))
            rows.append(
                _split_one(
                    int(m),
                    p.iloc[rows_i],
                    legs[rows_i],
                    int(jumps[i]),
                    max_jump_kn,
                    min_jumps,
                    need,
                    jitter_km,
                    resume_h,
                )
            )
        else:
            rows.append(
                _one_track(int(m), int(fixes[i]), int(jumps[i]), mean, i, max_jump_kn, min_jumps)
            )
    return _split_table(rows)


def _check_options(max_jump_kn, min_jumps, min_fixes, min_share, jitter_km, resume_h) -> None:
    if (
        max_jump_kn <= 0
        or min_jumps < 1
        or min_fixes < 1
        or not 0 <= min_share <= 1
        or jitter_km < 0
        or resume_h <= 0
    ):
        raise ParameterError(
            "max_jump_kn must be > 0, min_jumps and min_fixes >= 1, "
            "min_share in 0..1, jitter_km >= 0, resume_h > 0",
            field="max_jump_kn",
            hint="e.g. max_jump_kn 50 (knots), min_jumps 4, min_fixes 3, min_share 0.05",
        )


def split_transmitters_dask(
    positions,
    *,
    max_jump_kn: float = 50.0,
    min_jumps: int = 4,
    min_fixes: int = 3,
    min_share: float = 0.05,
    jitter_km: float = 0.5,
    resume_h: float = 1.0,
    scheduler: str = "threads",
) -> pd.DataFrame:
    """:func:`split_transmitters` on a positions store or Dask DataFrame, by partition.

    Parameters
    ----------
    positions : tumen.ais.store.AisStore, dask.dataframe.DataFrame or pandas.DataFrame
        A store (partitioned by MMSI: nothing moves), any Dask DataFrame with ``mmsi``
        (shuffled by MMSI first) or a pandas table (one partition).
    max_jump_kn, min_jumps, min_fixes, min_share, jitter_km, resume_h
        As in :func:`split_transmitters`.
    scheduler : str or distributed.Client
        What ``dask.compute`` runs on (``"threads"``, ``"processes"``, ``"sync"`` or a
        client).

    Returns
    -------
    pandas.DataFrame
        Equal to ``split_transmitters(<all positions>, ...)``.
    """
    columns = [*ais_records.POSITION_COLUMNS]
    frame = ais_dask.by_vessel(ais_dask.to_dask(positions, columns), "mmsi")
    parts = ais_dask.map_vessels(
        frame,
        _split_partition,
        max_jump_kn=max_jump_kn,
        min_jumps=min_jumps,
        min_fixes=min_fixes,
        min_share=min_share,
        jitter_km=jitter_km,
        resume_h=resume_h,
    )
    tables = dask.compute(*parts, scheduler=scheduler)
    full = [t for t in tables if len(t)]
    out = pd.concat(full, ignore_index=True) if full else _split_table([])
    return out.sort_values("mmsi", kind="stable", ignore_index=True)


def _split_partition(part: pd.DataFrame, **options) -> pd.DataFrame:
    if "mmsi" not in part.columns:
        part = part.reset_index()
    return split_transmitters(part, **options)


def _prepared(positions: pd.DataFrame) -> pd.DataFrame:
    """Positions sorted as the readers sort them, exact repeats dropped (one partition).

    Exact repeats share ``mmsi`` and ``time``, so only rows whose ``mmsi, time`` occur more
    than once are compared (in order, keeping the first, as
    :func:`tumen.ais.clean.drop_duplicates` does); a table already in reader order is not
    sorted again.
    """
    p = positions
    mmsi, t = p["mmsi"].to_numpy(), ais_timecols.to_ns(p["time"])
    same = mmsi[1:] == mmsi[:-1]
    pair = same & (t[1:] == t[:-1])
    in_order = bool(np.all((mmsi[1:] > mmsi[:-1]) | (same & (t[1:] >= t[:-1]))))
    has_source = {"source_file", "source_line"} <= set(p.columns)
    if not in_order or (has_source and pair.any()):
        p = (
            ais_records.sort_positions(p)
            if has_source
            else p.sort_values(["mmsi", "time"], kind="stable", ignore_index=True)
        )
        mmsi, t = p["mmsi"].to_numpy(), ais_timecols.to_ns(p["time"])
        pair = (mmsi[1:] == mmsi[:-1]) & (t[1:] == t[:-1])
    keep = np.ones(len(p), bool)
    if pair.any():
        tie = np.zeros(len(p), bool)
        tie[1:] |= pair
        tie[:-1] |= pair
        values = [
            c
            for c in ais_records.POSITION_COLUMNS
            if c in p.columns and c not in ("source_file", "source_line")
        ]
        keep[np.flatnonzero(tie)[p[tie].duplicated(subset=values, keep="first").to_numpy()]] = False
    return p.loc[keep, ["mmsi", "time", "lat", "lon"]].reset_index(drop=True)


def _split_one(
    mmsi: int,
    g: pd.DataFrame,
    legs: np.ndarray,
    jumps: int,
    max_kn: float,
    min_jumps: int,
    need: int,
    jitter_km: float,
    resume_h: float,
) -> tuple:
    """One row of :func:`split_transmitters` for one MMSI's sorted fixes (``legs``: the
    implied speed into each fix; ``need``: fixes each candidate needs for a flag)."""
    lat, lon = g["lat"].to_numpy(float), g["lon"].to_numpy(float)
    label = np.zeros(len(g), np.int8)  # 1 = A, 2 = B, 0 = unassigned
    label[0] = 1
    _assign(label, lat, lon, ais_timecols.to_hours(g["time"]), legs, max_kn, jitter_km, resume_h)
    seq = label[label > 0]
    switches = int(np.sum(seq[1:] != seq[:-1]))
    n_a, n_b = int(np.sum(label == 1)), int(np.sum(label == 2))
    centre = [
        (float(lat[label == k].mean()), float(lon[label == k].mean()))
        if np.any(label == k)
        else (math.nan, math.nan)
        for k in (1, 2)
    ]
    sep = float(earth.haversine_km(*centre[0], *centre[1]))
    shared = switches >= min_jumps and min(n_a, n_b) >= need
    text = _legs(jumps, max_kn)
    if n_b:
        text += (
            f"; the fixes split into two tracks {sep:,.0f} km apart ({n_a} and {n_b} "
            f"fixes) with {switches} switch{'es' if switches != 1 else ''} between them"
        )
        if not shared:
            text += (
                f" (fewer than {min_jumps} switches"
                if switches < min_jumps
                else f" (the smaller track has fewer than {need} fixes"
            ) + ": not flagged)"
    else:
        text += "; every fix fits one track"
    return (
        mmsi,
        len(g),
        jumps,
        switches,
        1 + (n_b > 0),
        n_a,
        n_b,
        len(g) - n_a - n_b,
        *centre[0],
        *centre[1],
        sep,
        SHARED if shared else "isolated jumps",
        text,
    )


def _one_track(
    mmsi: int, fixes: int, jumps: int, mean: dict, i: int, max_jump_kn: float, min_jumps: int
) -> tuple:
    """The row of an MMSI with too few jumps to be split."""
    reason = (
        f"no leg faster than {max_jump_kn:g} kn"
        if not jumps
        else f"{_legs(jumps, max_jump_kn)}, fewer than {min_jumps}: not split"
    )
    return (
        mmsi,
        fixes,
        jumps,
        0,
        1,
        fixes,
        0,
        0,
        mean["lat"][i],
        mean["lon"][i],
        math.nan,
        math.nan,
        math.nan,
        "isolated jumps" if jumps else "one transmitter",
        reason,
    )


def _legs(jumps: int, max_kn: float) -> str:
    return f"{jumps} leg{'s' if jumps != 1 else ''} faster than {max_kn:g} kn"


def _assign(
    label: np.ndarray, lat, lon, hours, legs, max_kn: float, jitter_km: float, resume_h: float
) -> None:
    """Greedy split of one track into candidates A (1) and B (2), in place.

    The track is cut at its jumps (legs faster than ``max_kn``; ``legs`` are already zero
    within the jitter) and at its silences longer than ``resume_h`` into pieces a ship
    could have sailed. Each piece goes whole to a candidate whose last fix reaches its
    first fix (at no more than ``max_kn``, or within ``jitter_km``); after a jump only the
    other candidate can; after a silence, when both can, the one with more fixes so far
    takes it (then the nearer, then A), since a candidate not heard for long reaches
    almost anything. The first piece A cannot reach starts B; a later piece neither
    reaches is left unassigned.
    """
    cut = (legs > max_kn) | (np.r_[np.nan, np.diff(hours)] > resume_h)
    starts = np.r_[0, np.flatnonzero(cut), len(label)]
    label[starts[0] : starts[1]] = 1
    last, count = {1: starts[1] - 1}, {1: starts[1], 2: 0}
    for first, end in zip(starts[1:-1], starts[2:]):
        reach = {}
        for cand, j in last.items():
            km, kn = _speeds(j, lat, lon, hours, first, first + 1)
            if kn[0] <= max_kn or km[0] <= jitter_km:
                reach[cand] = float(km[0])
        k = (
            min(reach, key=lambda cand: (-count[cand], reach[cand], cand))
            if reach
            else 0
            if 2 in last
            else 2
        )
        if k:
            label[first:end] = k
            last[k], count[k] = end - 1, count[k] + end - first


def _speeds(j: int, lat, lon, hours, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) and implied speed (knots; ``inf`` for another place at the same time,
    as :func:`tumen.ais.clean.add_implied_speed`) from fix ``j`` to each fix ``start..stop-1``."""
    km = earth.haversine_km(lat[j], lon[j], lat[start:stop], lon[start:stop])
    dt = hours[start:stop] - hours[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        return km, np.where(dt > 0, km / earth.KM_PER_NM / dt, np.where(km > 0, np.inf, 0.0))


def _split_table(rows: list) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=SPLIT_COLUMNS)
    ints = ["mmsi", "fixes", "jumps", "switches", "candidates", "fixes_a", "fixes_b", "unassigned"]
    floats = ["lat_a", "lon_a", "lat_b", "lon_b", "separation_km"]
    return out.astype(
        {
            **{c: "int64" for c in ints},
            **{c: "float64" for c in floats},
            "verdict": object,
            "reason": object,
        }
    )
