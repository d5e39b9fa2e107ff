"""Write an AIS positions store: staged chunks, then one file per range of MMSIs.

This module owns the writing half of :mod:`tumen.ais.store`: each decoded chunk is staged as
Parquet sorted by MMSI (:func:`stage_chunk`); the MMSI axis is then cut into ranges of
about ``rows_per_partition`` positions (:func:`get_mmsi_ranges`, a vessel never split), and
one Dask task per range reads its vessels from the staged chunks (a Parquet filter on
``mmsi``), sorts them as the readers sort and writes one file (:func:`write_store`).
The files are written inside the store's temporary directory, which
:func:`tumen.ais.store.ingest` moves into place in one step.
"""

from __future__ import annotations

from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from tumen.ais import chunks as ais_chunks
from tumen.ais import dask_ops as ais_dask
from tumen.ais import records as ais_records
from tumen.ais.chunk_decode import Chunk, read_chunk

#: The Arrow schema of the positions files.
POSITION_SCHEMA = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("time", pa.timestamp("ns", tz="UTC")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog", pa.float64()),
        ("cog", pa.float64()),
        ("heading", pa.float64()),
        ("nav_status", pa.int64()),
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
    ]
)
#: Row group size of staged chunks: small, so a partition reads little beyond its MMSIs.
STAGING_ROW_GROUP = 1 << 16


def stage_chunk(chunk: Chunk, fmt: str, options: dict, *, staging: str) -> dict:
    """Decode one chunk; write its positions, sorted by MMSI, to ``staging``; return its
    vessels, skipped records and positions per MMSI."""
    data = read_chunk(chunk, fmt, options)
    positions = data.positions
    order = np.argsort(positions["mmsi"].to_numpy(), kind="stable")
    out = Path(staging) / f"chunk-{chunk.index:06d}.parquet"
    _write_positions(_to_arrow(positions).take(order), out, row_group_size=STAGING_ROW_GROUP)
    return {
        "positions": len(positions),
        "vessels": data.vessels,
        "skipped": data.skipped,
        "mmsi": positions["mmsi"].value_counts(sort=False),
    }


def _to_arrow(positions: pd.DataFrame) -> pa.Table:
    table = positions[ais_records.POSITION_COLUMNS].copy()
    table["time"] = table["time"].astype("datetime64[ns, UTC]")
    return pa.Table.from_pandas(table, schema=POSITION_SCHEMA, preserve_index=False)


def write_store(tmp: Path, parts: list[dict], rows_per_partition: int, dask_scheduler) -> dict:
    """Partition the staged positions by MMSI; write vessels, skipped; return counts."""
    empty = ais_records.empty_data().positions
    merged = ais_records.concat(
        [ais_records.AisData(empty, p["vessels"], p["skipped"]) for p in parts]
    )
    merged.vessels.to_parquet(tmp / "vessels.parquet", index=False)
    merged.skipped.to_parquet(tmp / "skipped.parquet", index=False)
    counts = pd.concat([pd.Series(dtype="int64")] + [p["mmsi"] for p in parts])
    counts = counts.groupby(level=0).sum().sort_index()
    bounds = get_mmsi_ranges(counts, rows_per_partition)
    (tmp / "positions").mkdir()
    task = dask.delayed(_write_partition, pure=True)
    tasks = [
        task(str(tmp / "staging"), lo, hi, str(tmp / "positions" / f"part.{i}.parquet"))
        for i, (lo, hi) in enumerate(bounds)
    ]
    ais_dask.compute(tasks, dask_scheduler=dask_scheduler)
    n = int(counts.sum())
    categories = {"position": n}
    categories.update(merged.skipped["category"].value_counts().sort_index().to_dict())
    return {
        "positions": n,
        "partitions": len(bounds),
        "ranges": bounds,
        "categories": {k: int(v) for k, v in categories.items()},
    }


def get_mmsi_ranges(counts: pd.Series, rows_per_partition: int) -> list[tuple[int, int]]:
    """Cut the MMSI axis into ranges of about ``rows_per_partition`` positions each.

    Parameters
    ----------
    counts : pandas.Series
        Positions per MMSI, indexed by MMSI in increasing order.
    rows_per_partition : int
        Target rows per range (a vessel is never split, so a range may hold more).

    Returns
    -------
    list of (int, int)
        ``[lo, hi)`` per range, covering every MMSI in ``counts``; one range
        ``(0, 1)`` when there is none.

    >>> get_mmsi_ranges(pd.Series([5, 5, 5], index=[1, 2, 3]), 10)
    [(1, 3), (3, 4)]
    """
    if counts.empty:
        return [(0, 1)]
    mmsi = counts.index.to_numpy("int64")
    cum = np.cumsum(counts.to_numpy())
    part = (cum - 1) // max(int(rows_per_partition), 1)  # partition of each vessel's last row
    starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
    lows = mmsi[starts]
    highs = np.r_[lows[1:], mmsi[-1] + 1]
    return [(int(lo), int(hi)) for lo, hi in zip(lows, highs)]


def _write_partition(staging: str, lo: int, hi: int, out: str) -> int:
    """Write the positions of MMSIs ``[lo, hi)`` (read from the staged chunks with a
    Parquet filter on ``mmsi``), sorted as the readers sort; return the row count."""
    files = sorted(str(f) for f in Path(staging).glob("chunk-*.parquet"))
    mmsi = pads.field("mmsi")
    table = pads.dataset(files, schema=POSITION_SCHEMA, format="parquet").to_table(
        filter=(mmsi >= lo) & (mmsi < hi)
    )
    files_rank = _rank_arrow(table["source_file"])
    order = ais_chunks.reader_order(
        table["mmsi"].to_numpy(),
        table["time"].cast(pa.int64()).to_numpy(),
        files_rank,
        table["source_line"].to_numpy(),
    )
    _write_positions(table.take(order), out)
    return table.num_rows


def _write_positions(table: pa.Table, out: str | Path, **options) -> None:
    """Write a positions table (dictionary encoding for the file names only: faster)."""
    pq.write_table(table, out, use_dictionary=["source_file"], **options)


def _rank_arrow(column: pa.ChunkedArray) -> np.ndarray:
    """Each text's rank among the distinct texts in sorted order (as pandas sorts them)."""
    encoded = column.combine_chunks().dictionary_encode()
    words = encoded.dictionary.to_pylist()
    rank = np.empty(len(words), np.int64)
    rank[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
    return rank[encoded.indices.to_numpy(zero_copy_only=False)]
