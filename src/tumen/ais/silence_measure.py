"""Measuring AIS silences over a whole archive: one pass per partition, then the sum.

This module owns the map-reduce behind :mod:`tumen.ais.silences`: each partition of the
positions (pandas, a Dask DataFrame or a positions store) counts its reports per reception
cell, ship and day, and, for the few silences, the other ships' reports near their end
points during the silence and the ship's own reports before it
(:func:`measure_partition`); the counts are summed (:func:`reduce_parts`, order-free, so
any partitioning agrees) and the distances from shore added (:func:`measure`).
"""

from __future__ import annotations

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from tumen.ais.timecols import to_ns
from tumen.errors import DataError, ParameterError
from tumen.geo import coast
from tumen.geo.earth import haversine_km

#: Farthest coast looked for (km); a silence farther from any coast is "more than" this.
SHORE_SEARCH_KM = 500.0
NS_PER_H = 3_600_000_000_000
NS_PER_DAY = 24 * NS_PER_H
KEY = 1 << 20  # cell keys: (row + KEY/2) * KEY + (column + KEY/2)


def measure(
    silences: pd.DataFrame,
    positions,
    radii: tuple,
    befores: tuple,
    cell_deg: float,
    dask_scheduler,
) -> dict:
    """Partition counts summed over the archive, plus the distances from shore."""
    options = {"silences": silences, "radii": radii, "befores": befores, "cell_deg": cell_deg}
    if isinstance(positions, pd.DataFrame):
        parts = [measure_partition(positions, **options)]
    else:
        frame = to_frame(positions)
        tasks = [
            dask.delayed(measure_partition, pure=True)(d, **options) for d in frame.to_delayed()
        ]
        extra = {} if dask_scheduler is None else {"scheduler": dask_scheduler}
        parts = list(dask.compute(*tasks, **extra))
    m = reduce_parts(parts, len(silences), len(radii), len(befores))
    for end, lat, lon in (("before", "lat_b", "lon_b"), ("after", "lat_a", "lon_a")):
        m[f"shore_{end}"] = coast.get_shore_distance_km(
            silences[lat], silences[lon], search_km=SHORE_SEARCH_KM
        )
    return m


def to_frame(positions):
    """A Dask DataFrame of ``mmsi`` (column or index), ``time``, ``lat``, ``lon``."""
    if not isinstance(positions, dd.DataFrame):
        if not hasattr(positions, "to_dask"):
            raise ParameterError(
                f"cannot read positions from {type(positions).__name__}",
                field="positions",
                hint="give a pandas or Dask DataFrame, or a positions store",
            )
        positions = positions.to_dask(["time", "lat", "lon"])
    cols = (
        ["time", "lat", "lon"] if positions.index.name == "mmsi" else ["mmsi", "time", "lat", "lon"]
    )
    return positions[cols]


def measure_partition(
    part: pd.DataFrame, *, silences: pd.DataFrame, radii: tuple, befores: tuple, cell_deg: float
) -> dict:
    """Counts of one partition: reports per cell, first and last time, neighbour reports
    per silence, MMSI and radius, own reports before each silence per look-back."""
    if "mmsi" not in part.columns:
        part = part.reset_index()
    missing = [c for c in ("mmsi", "time", "lat", "lon") if c not in part.columns]
    if missing:
        raise DataError(f"positions have no column {missing[0]!r}", field=missing[0])
    lat, lon = part["lat"].to_numpy(float), part["lon"].to_numpy(float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    t = to_ns(part["time"])
    mmsi = part["mmsi"].to_numpy("int64")
    cells = pd.DataFrame(
        {
            "cell": cell_key(lat[ok], lon[ok], cell_deg),
            "mmsi": mmsi[ok],
            "day": t[ok] // NS_PER_DAY,
        }
    )
    out = {"cells": cells.groupby(["cell", "mmsi", "day"], sort=True).size()}
    order = np.argsort(t, kind="stable")
    ts = t[order]
    near, before = [], np.zeros((len(silences), len(befores)), "int64")
    for i, s in enumerate(silences.itertuples(index=False)):
        lo, hi = np.searchsorted(ts, s.start, "right"), np.searchsorted(ts, s.end, "left")
        idx = order[lo:hi]
        idx = idx[ok[idx] & ~np.isin(mmsi[idx], s.own)]
        near.append(_near(i, idx, mmsi, lat, lon, s, radii))
        if np.isfinite(s.lat_b):
            back = round(max(befores) * NS_PER_H)
            idx = order[
                np.searchsorted(ts, s.start - back, "left") : np.searchsorted(ts, s.start, "right")
            ]
            age = s.start - t[idx[np.isin(mmsi[idx], s.own)]]
            before[i] = [int((age <= round(b * NS_PER_H)).sum()) for b in befores]
    out["near"] = (
        pd.concat(near, ignore_index=True) if near else _near_frame([], [], [[]] * len(radii))
    )
    out["before"] = before
    return out


def _near(i: int, idx: np.ndarray, mmsi, lat, lon, s, radii: tuple) -> pd.DataFrame:
    """Reports of other ships within each radius of either end point of silence ``i``."""
    d = np.fmin(
        haversine_km(lat[idx], lon[idx], s.lat_b, s.lon_b),
        haversine_km(lat[idx], lon[idx], s.lat_a, s.lon_a),
    )
    keep = d <= max(radii)
    idx, d = idx[keep], d[keep]
    ships, inverse = np.unique(mmsi[idx], return_inverse=True)
    counts = [np.bincount(inverse[d <= r], minlength=len(ships)) for r in radii]
    return _near_frame(np.full(len(ships), i), ships, counts)


def _near_frame(silence, ships, counts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "silence": np.asarray(silence, "int64"),
            "mmsi": np.asarray(ships, "int64"),
            **{f"n{k}": np.asarray(c, "int64") for k, c in enumerate(counts)},
        }
    )


def reduce_parts(parts: list[dict], n: int, n_radii: int, n_befores: int) -> dict:
    """Sum the partitions' counts (every step is order-free, so any partitioning agrees)."""
    per_ship_day = pd.concat([p["cells"] for p in parts]).groupby(level=[0, 1, 2]).sum()
    cells = per_ship_day.groupby(level="cell").agg(["sum", "size"]).astype("int64")
    cells.columns = ["positions", "ship_days"]
    near = pd.concat([p["near"] for p in parts], ignore_index=True)
    near = near.groupby(["silence", "mmsi"], sort=True).sum()
    silence = near.index.get_level_values("silence")
    ships, reports = np.zeros((n, n_radii), "int64"), np.zeros((n, n_radii), "int64")
    for k in range(n_radii):
        col = near[f"n{k}"]
        np.add.at(ships[:, k], silence, (col > 0).to_numpy("int64"))
        np.add.at(reports[:, k], silence, col.to_numpy("int64"))
    before = sum((p["before"] for p in parts), np.zeros((n, n_befores), "int64"))
    return {"cells": cells, "ships": ships, "reports": reports, "before": before}


def cell_key(lat: np.ndarray, lon: np.ndarray, cell_deg: float) -> np.ndarray:
    """One int64 per point naming its cell (rows from the equator, columns from 180° W)."""
    row = np.floor(lat / cell_deg).astype("int64")
    col = np.floor(((lon + 180.0) % 360.0 - 180.0) / cell_deg).astype("int64")
    return (row + KEY // 2) * KEY + (col + KEY // 2)


def cell_corner(keys: np.ndarray, cell_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """South-west corner (lat, lon) of each cell key, degrees."""
    return ((keys // KEY - KEY // 2) * cell_deg, (keys % KEY - KEY // 2) * cell_deg)
