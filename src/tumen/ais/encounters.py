"""Meetings at sea: ship-to-ship encounters and loitering among all ships of an AIS archive.

Two ships lying side by side far from any port for hours, or one ship drifting far
offshore, are the AIS signature of a transfer at sea. The thresholds default to those of
Global Fishing Watch and Skylight:

- **encounter**: two ships within ``max_distance_m`` (500 m) of each other for at least
  ``min_duration_h`` (2 h), both slower than ``max_sog_kn`` (2 kn), at least
  ``min_port_km`` (10 km) from every port (and, optionally, at least ``min_shore_km``
  from shore: a stand-in for Global Fishing Watch's database of anchorages where the list
  of ports is short, since a meeting near the shore is taken for a port or anchorage stay);
- **loitering**: one ship slower than ``max_sog_kn`` (2 kn) for at least ``min_duration_h``
  (4 h), at least ``min_shore_nm`` (20 nm) from the shore.

The method (Global Fishing Watch's is similar) has two steps:

1. **Per ship** (:func:`tumen.ais.encounter_bins.get_slow_bins`): the ship's track is resampled to a regular time
   grid (``time_step_min``, 10 min), each grid time inside a *slow leg* — two consecutive
   fixes of the ship at most ``max_fix_gap_h`` apart, both reporting a speed over ground
   under ``max_sog_kn`` — getting the position interpolated linearly between those fixes.
   Grid times between fixes further apart, or on a leg with a fast (or missing) speed, get
   nothing. Grid times within ``min_port_km`` of a port are left out: the distance to a
   port is measured from the edge of its geofence (great-circle distance to the centre minus
   ``radius_km``, zero inside), because a port's anchorages lie anywhere inside it.
2. **Across ships**: encounters pair the slow bins of different ships at the same grid time
   in the same or a neighbouring cell of a 3-D grid of ``max_distance_m`` cells (on the
   unit sphere scaled to the Earth's radius, so the cells are the same size at every
   latitude and across the date line), keep the pairs within ``max_distance_m``
   (great circle) and join consecutive grid times of one pair into an event; loitering
   joins consecutive slow bins of one ship. An event lasts from its first to its last grid
   time and is kept when that is at least ``min_duration_h``.

The distance from shore (:func:`tumen.geo.coast.get_shore_distance_km`, against the
:data:`tumen.geo.coast.SHORE_RESOLUTION`) is measured at each event's mean position, rounded to
``shore_grid_deg`` (0.01°, about 1 km: finer than that coastline's own detail) so that
events at one place share one measurement; a loitering event is kept when that distance is
at least ``min_shore_nm``.

The slow bins are what the pairing needs, and few ships are slow far from port, so the
pairing is small. On a Dask DataFrame partitioned by MMSI (a store of
:mod:`tumen.ais.store`), :func:`get_encounters_dask` and :func:`get_loitering_dask` run step 1
in each partition and gather only its result; the in-memory functions run the very same two
steps on the whole table, so both give identical tables. Step 1 is
:mod:`tumen.ais.encounter_bins`; this module pairs the bins and runs the detectors.

Give positions without impossible jumps (:func:`tumen.ais.clean.clean`, then ``~is_jump``): a jump
between two slow fixes would be interpolated like any other leg.

>>> enc = get_encounters(positions, ports=sites[sites["kind"] == "port"])   # doctest: +SKIP
>>> loi = get_loitering(positions)                                          # doctest: +SKIP
"""

from __future__ import annotations

import dask
import numpy as np
import pandas as pd

from tumen.ais import dask_ops as ais_dask
from tumen.ais.encounter_bins import (
    COLUMNS,
    NS_PER_MIN,
    get_port_km,
    get_slow_bins,
    wrap,
)
from tumen.geo import coast
from tumen.geo.earth import EARTH_RADIUS_KM, KM_PER_NM, haversine_km

ENCOUNTER_COLUMNS = [
    "mmsi_a",
    "mmsi_b",
    "start",
    "end",
    "duration_h",
    "lat",
    "lon",
    "median_distance_m",
    "shore_km",
    "port_km",
]
LOITERING_COLUMNS = ["mmsi", "start", "end", "duration_h", "lat", "lon", "shore_km", "port_km"]
# Neighbouring cells of a 3-D grid, half of them: with the cell itself, every pair of
# cells that touch is visited once.
_HALF_OFFSETS = [
    (dx, dy, dz)
    for dx in (-1, 0, 1)
    for dy in (-1, 0, 1)
    for dz in (-1, 0, 1)
    if (dx, dy, dz) > (0, 0, 0)
]


# --- step 2: events -------------------------------------------------------------------


def get_encounters_from_bins(
    bins: pd.DataFrame,
    *,
    max_distance_m: float = 500.0,
    min_duration_h: float = 2.0,
    time_step_min: float = 10.0,
    ports: pd.DataFrame | None = None,
    min_shore_km: float = 0.0,
    shore_grid_deg: float = 0.01,
) -> pd.DataFrame:
    """Encounters from the slow bins of all ships (:func:`tumen.ais.encounter_bins.get_slow_bins`).

    Parameters
    ----------
    bins : pandas.DataFrame
        :data:`BIN_COLUMNS` of every ship.
    max_distance_m, min_duration_h, time_step_min, ports, min_shore_km, shore_grid_deg
        See :func:`get_encounters`.

    Returns
    -------
    pandas.DataFrame
        See :func:`get_encounters`.
    """
    pairs = _close_pairs(bins.sort_values(["mmsi", "bin"], ignore_index=True), max_distance_m)
    pairs = pairs.sort_values(["mmsi_a", "mmsi_b", "bin"], ignore_index=True)
    run = _runs(pairs["bin"].to_numpy(), pairs["mmsi_a"].to_numpy(), pairs["mmsi_b"].to_numpy())
    ev = _events(pairs, run, time_step_min)
    ev["median_distance_m"] = pairs.groupby(run)["distance_m"].median().to_numpy()
    ev = _add_places(ev[ev["duration_h"] >= min_duration_h], ports, shore_grid_deg)
    return ev[ev["shore_km"] >= min_shore_km].reset_index(drop=True)[ENCOUNTER_COLUMNS]


def _close_pairs(bins: pd.DataFrame, max_distance_m: float) -> pd.DataFrame:
    """Pairs of bins of two ships at one grid time within ``max_distance_m``: ``mmsi_a <
    mmsi_b, bin, lat, lon`` (their midpoint) and ``distance_m``."""
    r = np.radians(bins["lat"].to_numpy()), np.radians(bins["lon"].to_numpy())
    scale = EARTH_RADIUS_KM * 1000.0 / max_distance_m  # one cell per max_distance_m
    cells = pd.DataFrame(
        {
            "bin": bins["bin"].to_numpy(),
            "cx": np.floor(np.cos(r[0]) * np.cos(r[1]) * scale).astype("int64"),
            "cy": np.floor(np.cos(r[0]) * np.sin(r[1]) * scale).astype("int64"),
            "cz": np.floor(np.sin(r[0]) * scale).astype("int64"),
            "i": np.arange(len(bins)),
        }
    )
    keys = ["bin", "cx", "cy", "cz"]
    found = [cells.merge(cells, on=keys)]
    found[0] = found[0][found[0]["i_x"] < found[0]["i_y"]]
    for dx, dy, dz in _HALF_OFFSETS:
        moved = cells.assign(cx=cells["cx"] + dx, cy=cells["cy"] + dy, cz=cells["cz"] + dz)
        found.append(cells.merge(moved, on=keys))
    both = pd.concat(found, ignore_index=True)
    i, j = both["i_x"].to_numpy(), both["i_y"].to_numpy()
    mmsi, lat, lon = (bins[c].to_numpy() for c in ("mmsi", "lat", "lon"))
    d = haversine_km(lat[i], lon[i], lat[j], lon[j]) * 1000.0
    keep = (d <= max_distance_m) & (mmsi[i] != mmsi[j])
    i, j, d = i[keep], j[keep], d[keep]
    i, j = np.where(mmsi[i] < mmsi[j], i, j), np.where(mmsi[i] < mmsi[j], j, i)
    return pd.DataFrame(
        {
            "mmsi_a": mmsi[i],
            "mmsi_b": mmsi[j],
            "bin": bins["bin"].to_numpy()[i],
            "lat": (lat[i] + lat[j]) / 2.0,
            "lon": wrap(lon[i] + wrap(lon[j] - lon[i]) / 2.0),
            "distance_m": d,
        }
    )


def get_loitering_from_bins(
    bins: pd.DataFrame, *, min_duration_h: float = 4.0, time_step_min: float = 10.0
) -> pd.DataFrame:
    """Runs of consecutive slow bins of one ship lasting at least ``min_duration_h``.

    Returns
    -------
    pandas.DataFrame
        ``mmsi, start, end, duration_h, lat, lon`` (mean position), before the shore test.
    """
    bins = bins.sort_values(["mmsi", "bin"], ignore_index=True)
    run = _runs(bins["bin"].to_numpy(), bins["mmsi"].to_numpy())
    ev = _events(bins, run, time_step_min)
    return ev[ev["duration_h"] >= min_duration_h].reset_index(drop=True)


def _runs(k: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Run number of each row: a run breaks where a key changes or a grid time is skipped."""
    new = np.ones(len(k), bool)
    new[1:] = k[1:] != k[:-1] + 1
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    return np.cumsum(new) - 1


def _events(rows: pd.DataFrame, run: np.ndarray, time_step_min: float) -> pd.DataFrame:
    """First and last grid time, duration and mean position of each run."""
    g = rows.assign(run=run).groupby("run", sort=True)
    first = g.head(1).reset_index(drop=True)
    k0, k1 = first["bin"].to_numpy(), g["bin"].max().to_numpy()
    lon0 = np.repeat(first["lon"].to_numpy(), np.bincount(run)) if len(run) else np.zeros(0)
    step = int(round(time_step_min * NS_PER_MIN))
    ev = first.drop(columns=["bin", "lat", "lon", "run", "distance_m"], errors="ignore")
    ev["start"] = pd.to_datetime(k0 * step, utc=True).as_unit("ns")
    ev["end"] = pd.to_datetime(k1 * step, utc=True).as_unit("ns")
    ev["duration_h"] = (k1 - k0) * time_step_min / 60.0
    ev["lat"] = g["lat"].mean().to_numpy()
    rel = pd.Series(wrap(rows["lon"].to_numpy() - lon0)).groupby(run).mean().to_numpy()
    ev["lon"] = wrap(first["lon"].to_numpy() + rel)
    return ev


def _add_places(
    ev: pd.DataFrame, ports: pd.DataFrame | None, shore_grid_deg: float
) -> pd.DataFrame:
    """``shore_km`` and ``port_km`` at each event's mean position."""
    lat, lon = ev["lat"].to_numpy(float), ev["lon"].to_numpy(float)
    return ev.assign(
        shore_km=get_shore_km(lat, lon, shore_grid_deg), port_km=get_port_km(lat, lon, ports)
    )


def get_shore_km(lat, lon, grid_deg: float = 0.01) -> np.ndarray:
    """Distance from shore, km, measured once per ``grid_deg`` cell (0: at each point).

    Each point is rounded to the nearest multiple of ``grid_deg`` in latitude and longitude
    and :func:`tumen.geo.coast.get_shore_distance_km` is measured at the distinct rounded points.

    Returns
    -------
    numpy.ndarray
        Kilometres, one per point.
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    if not len(lat):
        return np.zeros(0)
    if grid_deg > 0:
        lat, lon = np.round(lat / grid_deg) * grid_deg, np.round(lon / grid_deg) * grid_deg
    points, back = np.unique(np.column_stack([lat, lon]), axis=0, return_inverse=True)
    return coast.get_shore_distance_km(points[:, 0], points[:, 1])[back.ravel()]


# --- the detectors ----------------------------------------------------------------------


def get_encounters(
    positions: pd.DataFrame,
    *,
    max_distance_m: float = 500.0,
    min_duration_h: float = 2.0,
    max_sog_kn: float = 2.0,
    min_port_km: float = 10.0,
    ports: pd.DataFrame | None = None,
    min_shore_km: float = 0.0,
    time_step_min: float = 10.0,
    max_fix_gap_h: float = 1.0,
    shore_grid_deg: float = 0.01,
) -> pd.DataFrame:
    """Every encounter between two ships of the archive (see the module docstring).

    Parameters
    ----------
    positions : pandas.DataFrame
        ``mmsi, time, lat, lon, sog`` of all ships (jumps left out).
    max_distance_m : float
        Farthest apart two ships in an encounter are, metres.
    min_duration_h : float
        Shortest encounter, hours (first to last grid time together).
    max_sog_kn : float
        Both ships slower than this, knots.
    min_port_km : float
        Grid times nearer than this to a port's geofence do not count, km.
    ports : pandas.DataFrame, optional
        ``lat, lon, radius_km`` of the ports (e.g. the ``port`` sites of the gazetteer).
    min_shore_km : float
        Nearest the shore an encounter's mean position may be, km (0: no shore test, as in
        Global Fishing Watch's rule, which has a database of anchorages instead).
    time_step_min : float
        Grid step, minutes.
    max_fix_gap_h : float
        Longest leg between two fixes interpolated, hours.
    shore_grid_deg : float
        Rounding of the place where the distance from shore is measured, degrees.

    Returns
    -------
    pandas.DataFrame
        One row per encounter, sorted by ``mmsi_a, mmsi_b, start``: :data:`ENCOUNTER_COLUMNS`
        — ``mmsi_a < mmsi_b``, ``start`` and ``end`` (UTC grid times), ``duration_h``,
        ``lat, lon`` (mean of the two ships' midpoint, degrees), ``median_distance_m``,
        ``shore_km`` and ``port_km`` (at the mean position; ``port_km`` ``inf`` without ports).
    """
    bins = get_slow_bins(
        positions, **_slow(max_sog_kn, time_step_min, max_fix_gap_h, ports, min_port_km)
    )
    return get_encounters_from_bins(
        bins,
        max_distance_m=max_distance_m,
        min_duration_h=min_duration_h,
        time_step_min=time_step_min,
        ports=ports,
        min_shore_km=min_shore_km,
        shore_grid_deg=shore_grid_deg,
    )


def get_loitering(
    positions: pd.DataFrame,
    *,
    max_sog_kn: float = 2.0,
    min_duration_h: float = 4.0,
    min_shore_nm: float = 20.0,
    ports: pd.DataFrame | None = None,
    min_port_km: float = 10.0,
    time_step_min: float = 10.0,
    max_fix_gap_h: float = 1.0,
    shore_grid_deg: float = 0.01,
) -> pd.DataFrame:
    """Every loitering event of a ship of the archive (see the module docstring).

    Parameters
    ----------
    positions : pandas.DataFrame
        ``mmsi, time, lat, lon, sog`` of all ships (jumps left out).
    max_sog_kn : float
        Slower than this, knots.
    min_duration_h : float
        Shortest event, hours.
    min_shore_nm : float
        Nearest the shore the event's mean position may be, nautical miles.
    ports : pandas.DataFrame, optional
        ``lat, lon, radius_km``: grid times within ``min_port_km`` of one do not count
        (beyond Global Fishing Watch's rule, which has no port test; default none).
    min_port_km, time_step_min, max_fix_gap_h, shore_grid_deg
        As in :func:`get_encounters`.

    Returns
    -------
    pandas.DataFrame
        One row per event, sorted by ``mmsi, start``: :data:`LOITERING_COLUMNS`.
    """
    bins = get_slow_bins(
        positions, **_slow(max_sog_kn, time_step_min, max_fix_gap_h, ports, min_port_km)
    )
    runs = get_loitering_from_bins(bins, min_duration_h=min_duration_h, time_step_min=time_step_min)
    return _offshore(runs, min_shore_nm, ports, shore_grid_deg)


def _slow(max_sog_kn, time_step_min, max_fix_gap_h, ports, min_port_km) -> dict:
    """The options of :func:`get_slow_bins`."""
    return {
        "max_sog_kn": max_sog_kn,
        "time_step_min": time_step_min,
        "max_fix_gap_h": max_fix_gap_h,
        "ports": ports,
        "min_port_km": min_port_km,
    }


def _offshore(runs: pd.DataFrame, min_shore_nm: float, ports, shore_grid_deg: float):
    ev = _add_places(runs, ports, shore_grid_deg)
    ev = ev[ev["shore_km"] >= min_shore_nm * KM_PER_NM]
    return ev.sort_values(["mmsi", "start"], ignore_index=True)[LOITERING_COLUMNS]


# --- on Dask ----------------------------------------------------------------------------


def get_encounters_dask(positions, *, dask_scheduler=None, **options) -> pd.DataFrame:
    """:func:`get_encounters` on a Dask DataFrame or store, partition by partition.

    Parameters
    ----------
    positions : dask.dataframe.DataFrame, tumen.ais.store.AisStore or pandas.DataFrame
        Positions (a store or a frame indexed by ``mmsi`` with known divisions is used as
        it is; any other frame is shuffled by ``mmsi`` first).
    dask_scheduler : optional
        What ``dask.compute(scheduler=)`` takes: None (Dask's default), a local scheduler
        name or a ``distributed.Client`` (:func:`tumen.ais.dask_ops.use_scheduler` makes one
        from an address).
    **options
        As in :func:`get_encounters`.

    Returns
    -------
    pandas.DataFrame
        Equal to ``get_encounters(<all positions>, **options)``.
    """
    slow = {
        k: options[k]
        for k in ("max_sog_kn", "time_step_min", "max_fix_gap_h", "ports", "min_port_km")
        if k in options
    }
    parts = _map_vessels(positions, get_slow_bins, slow, dask_scheduler)
    bins = pd.concat(parts, ignore_index=True)
    rest = {k: v for k, v in options.items() if k not in slow or k in ("ports", "time_step_min")}
    return get_encounters_from_bins(bins, **rest)


def get_loitering_dask(
    positions,
    *,
    dask_scheduler=None,
    min_duration_h: float = 4.0,
    min_shore_nm: float = 20.0,
    shore_grid_deg: float = 0.01,
    **options,
) -> pd.DataFrame:
    """:func:`get_loitering` on a Dask DataFrame or store: each partition's runs of slow
    bins are found in its task, and only those runs are gathered.

    Parameters and Returns as in :func:`get_encounters_dask` and :func:`get_loitering`.
    """
    runs = _map_vessels(
        positions, _loitering_runs, dict(options, min_duration_h=min_duration_h), dask_scheduler
    )
    return _offshore(
        pd.concat(runs, ignore_index=True), min_shore_nm, options.get("ports"), shore_grid_deg
    )


def _loitering_runs(part: pd.DataFrame, *, min_duration_h: float, **options) -> pd.DataFrame:
    return get_loitering_from_bins(
        get_slow_bins(part, **options),
        min_duration_h=min_duration_h,
        time_step_min=options.get("time_step_min", 10.0),
    )


def _map_vessels(positions, func, options: dict, dask_scheduler) -> list[pd.DataFrame]:
    """``func(partition, **options)`` on every partition (by vessel), computed."""
    frame = ais_dask.by_vessel(ais_dask.to_dask(positions, COLUMNS), "mmsi")
    parts = ais_dask.map_vessels(frame, _with_mmsi_column, task=func, task_options=options)
    return list(dask.compute(*parts, scheduler=dask_scheduler))


def _with_mmsi_column(part: pd.DataFrame, *, task, task_options: dict):
    if "mmsi" not in part.columns:
        part = part.reset_index()
    return task(part, **task_options)
