"""Clean AIS positions and account for every record: repeats, impossible jumps, counts.

This module owns the quality rules applied after reading: exact repeats removed
(:func:`drop_duplicates`), fixes a ship could not have reached flagged
(:func:`add_implied_speed`, :func:`add_jump_flag`; both in :func:`clean`), and the
summaries the report cites: the data-quality table (:func:`get_quality_table`), the counts
(:func:`count_records`, :func:`get_summary`) and the traffic-density grid
(:func:`to_density_grid`).

>>> data = clean(read_nmea("tests/fixtures/ais/shuttle.nmea"), max_speed_kn=50.0)  # doctest: +SKIP
>>> get_quality_table(data)                                                        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from tumen.ais.records import CATEGORIES, POSITION_COLUMNS, AisData, sort_skipped
from tumen.ais.timecols import to_hours
from tumen.geo.earth import KM_PER_NM, haversine_km


def drop_duplicates(data: AisData) -> AisData:
    """Remove exact repeats of a position report (same values in every column but source).

    The same broadcast often reaches several receivers; only its first record (in file
    and line order) is kept, the others are moved to ``skipped`` as ``duplicate``.

    Parameters
    ----------
    data : AisData

    Returns
    -------
    AisData
    """
    pos = data.positions
    values = [c for c in POSITION_COLUMNS if c not in ("source_file", "source_line")]
    dup = pos.duplicated(subset=values, keep="first").to_numpy()
    removed = pos.loc[dup, ["source_file", "source_line"]].assign(category="duplicate")
    skipped = sort_skipped(pd.concat([data.skipped, removed], ignore_index=True))
    return replace(data, positions=pos[~dup].reset_index(drop=True), skipped=skipped)


def add_implied_speed(positions: pd.DataFrame) -> pd.DataFrame:
    """Add ``implied_speed_kn``: distance from the vessel's previous fix over the time taken.

    Parameters
    ----------
    positions : pandas.DataFrame
        Sorted by ``mmsi, time`` (as readers return it).

    Returns
    -------
    pandas.DataFrame
        A copy with ``implied_speed_kn`` (float64 knots; NaN for a vessel's first fix;
        ``inf`` for a different position at the same time).
    """
    out = positions.copy()
    out["implied_speed_kn"] = _leg_speed_kn(out)
    return out


def _leg_speed_kn(positions: pd.DataFrame) -> np.ndarray:
    """Speed in knots from each fix's predecessor (same vessel), vectorised."""
    mmsi = positions["mmsi"].to_numpy()
    t = to_hours(positions["time"])
    lat, lon = positions["lat"].to_numpy(float), positions["lon"].to_numpy(float)
    speed = np.full(len(positions), np.nan)
    if len(positions) > 1:
        same = mmsi[1:] == mmsi[:-1]
        km = haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
        hours = t[1:] - t[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            kn = np.where(hours > 0, km / KM_PER_NM / hours, np.where(km > 0, np.inf, 0.0))
        speed[1:] = np.where(same, kn, np.nan)
    return speed


def add_jump_flag(positions: pd.DataFrame, max_speed_kn: float = 50.0) -> pd.DataFrame:
    """Flag fixes a ship could not have reached: ``is_jump`` (and ``implied_speed_kn``).

    A fix is a jump when the implied speed both into it and out of it exceeds
    ``max_speed_kn``: one wrong position is flagged once, not twice, and a real fast leg
    followed by a plausible one is not flagged. A vessel's first (last) fix is a jump when
    the leg out of (into) it is too fast while the next (previous) leg is plausible; in a
    track of two fixes nothing tells which one is wrong, and neither is flagged. Flagged
    fixes stay in the table; filter with ``~positions.is_jump``.

    Parameters
    ----------
    positions : pandas.DataFrame
        Sorted by ``mmsi, time``.
    max_speed_kn : float
        Fastest plausible speed over ground, knots (50 kn is faster than any cargo ship).

    Returns
    -------
    pandas.DataFrame
        A copy with ``implied_speed_kn`` (float64 kn) and ``is_jump`` (bool).
    """
    out = add_implied_speed(positions)
    speed = out["implied_speed_kn"].to_numpy()  # NaN at each vessel's first fix
    nan = np.array([np.nan])
    n = len(speed)
    s_in, s_out = speed, np.r_[speed[1:], nan][:n]  # legs into / out of fix i
    s_prev, s_next = np.r_[nan, speed[:-1]][:n], np.r_[speed[2:], nan, nan][:n]
    fast = lambda v: v > max_speed_kn  # noqa: E731  (NaN compares False)
    slow = lambda v: v <= max_speed_kn  # noqa: E731
    first, last = np.isnan(s_in), np.isnan(s_out)
    out["is_jump"] = (
        (fast(s_in) & fast(s_out))
        | (first & fast(s_out) & slow(s_next))
        | (last & fast(s_in) & slow(s_prev))
    )
    return out


def clean(data: AisData, max_speed_kn: float = 50.0) -> AisData:
    """Remove exact duplicates and flag impossible jumps (:func:`drop_duplicates`,
    :func:`add_jump_flag`).

    Parameters
    ----------
    data : AisData
    max_speed_kn : float
        Fastest plausible speed, knots.

    Returns
    -------
    AisData
        ``positions`` gains ``implied_speed_kn`` and ``is_jump``.
    """
    data = drop_duplicates(data)
    return replace(data, positions=add_jump_flag(data.positions, max_speed_kn))


def get_quality_table(data: AisData, examples: int = 3) -> pd.DataFrame:
    """Summarise what happened to every record: the data-quality table of the report.

    Parameters
    ----------
    data : AisData
    examples : int
        How many example places (``file:line``) to list per category.

    Returns
    -------
    pandas.DataFrame
        One row per category that occurred, in :data:`CATEGORIES` order: ``category``,
        ``status`` (kept / not used / removed / rejected), ``records``, ``description``,
        ``examples``.
    """
    counts = {"position": len(data.positions)}
    jumps = (
        data.positions[data.positions["is_jump"].astype(bool)]
        if "is_jump" in data.positions
        else data.positions.iloc[:0]
    )
    counts["jump"] = len(jumps)
    sk = data.skipped
    grouped = sk.groupby("category", sort=False)
    counts.update(grouped.size().to_dict())
    first = grouped.head(examples)
    where = (
        (first["source_file"] + ":" + first["source_line"].astype(str))
        .groupby(first["category"])
        .agg(", ".join)
        .to_dict()
    )
    pos = data.positions.head(examples)
    where["position"] = ", ".join(pos["source_file"] + ":" + pos["source_line"].astype(str))
    jumps = jumps.head(examples)
    where["jump"] = ", ".join(jumps["source_file"] + ":" + jumps["source_line"].astype(str))
    rows = [
        (c, CATEGORIES[c][0], int(counts[c]), CATEGORIES[c][1], where.get(c, ""))
        for c in CATEGORIES
        if counts.get(c)
    ]
    return pd.DataFrame(rows, columns=["category", "status", "records", "description", "examples"])


def count_records(data: AisData) -> dict[str, int]:
    """Return ``{"records", "kept", "rejected"}``: all records, those kept in a table, and
    those rejected as noise (``other_type`` and ``duplicate`` are neither)."""
    table = get_quality_table(data)
    table = table[table["status"] != "flagged"]  # flagged jumps are counted as positions
    by_status = table.groupby("status")["records"].sum()
    return {
        "records": int(table["records"].sum()),
        "kept": int(by_status.get("kept", 0)),
        "rejected": int(by_status.get("rejected", 0)),
    }


def get_summary(data: AisData) -> dict[str, int]:
    """Counts the report cites about an AIS data set.

    Returns
    -------
    dict
        :func:`count_records` (``records``, ``kept``, ``rejected``) plus ``positions``
        (position reports kept), ``jumps`` (of those, flagged ``is_jump``; 0 before
        :func:`clean`) and ``vessels`` (distinct MMSIs with positions).
    """
    out = count_records(data)
    pos = data.positions
    out["positions"] = len(pos)
    out["jumps"] = int(pos["is_jump"].astype(bool).sum()) if "is_jump" in pos else 0
    out["vessels"] = int(pos["mmsi"].nunique())
    return out


def to_density_grid(
    positions: pd.DataFrame, lat_edges: Sequence[float], lon_edges: Sequence[float]
):
    """Count position reports per grid cell (for a traffic-density map).

    Parameters
    ----------
    positions : pandas.DataFrame
        Needs ``lat`` and ``lon`` (degrees, WGS 84).
    lat_edges, lon_edges : sequence of float
        Cell edges in degrees, increasing.

    Returns
    -------
    xarray.DataArray
        ``positions`` counts with dims ``lat, lon`` at cell centres (degrees).
    """
    import xarray as xr  # noqa: PLC0415 - slow to import; only the density map needs it

    lat_edges, lon_edges = np.asarray(lat_edges, float), np.asarray(lon_edges, float)
    counts, _, _ = np.histogram2d(
        positions["lat"].to_numpy(float),
        positions["lon"].to_numpy(float),
        bins=[lat_edges, lon_edges],
    )
    return xr.DataArray(
        counts.astype("int64"),
        dims=("lat", "lon"),
        name="positions",
        coords={
            "lat": (lat_edges[:-1] + lat_edges[1:]) / 2,
            "lon": (lon_edges[:-1] + lon_edges[1:]) / 2,
        },
        attrs={"units": "position reports per cell"},
    )
