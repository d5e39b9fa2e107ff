"""Read AIS files in chunks, in parallel, with the records one reading would give.

This module owns cutting the input files into decoding tasks and running them: a big AIS
file is cut into chunks of about ``chunk_bytes`` at line ends (a Parquet file into its row
groups, a ``.gz`` file is one chunk; :func:`plan_chunks`), each chunk is decoded by one Dask
task (:mod:`tumen.ais.chunk_decode`, which keeps line numbers those of the whole file and
assembles multi-sentence NMEA messages across chunk boundaries), and the results are
merged in reader order (:func:`merge_positions`). Reading a file in chunks therefore gives
exactly what :func:`tumen.ais.readers.read_ais` gives, however it is cut.

:func:`read_ais` returns the result in memory; :func:`tumen.ais.store.ingest` writes it
to a store. Local default: a process pool for NMEA (pyais holds the GIL), threads for
tables; ``dask_scheduler`` as in :mod:`tumen.ais.dask_ops`.

>>> data = read_ais(["data/ais/2023-09.nmea"], "nmea", chunk_bytes=8 << 20)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tumen.ais import dask_ops as ais_dask
from tumen.ais import readers as ais_readers
from tumen.ais import records as ais_records
from tumen.ais import timecols as ais_timecols
from tumen.ais.chunk_decode import BLOCK, Chunk, read_chunk, to_texts
from tumen.errors import DataError, ParameterError

FORMATS = ("nmea", "dma", "csv", "parquet")


def read_ais(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    fmt: str = "nmea",
    columns: Mapping[str, str] | None = None,
    *,
    time_format: str | None = None,
    max_fragment_lines: int = 10,
    chunk_bytes: int = 8 << 20,
    dask_scheduler=None,
    progress: bool | None = None,
) -> ais_records.AisData:
    """:func:`tumen.ais.readers.read_ais` with the files decoded in chunks, in parallel (no store).

    For archives that fit in memory but take long to decode; the result equals
    :func:`tumen.ais.readers.read_ais` for the same files, multi-sentence messages across chunk
    boundaries included. Parameters as in :func:`tumen.ais.store.ingest`.

    Returns
    -------
    tumen.ais.records.AisData
    """
    files = get_input_files(paths)
    columns, time_format = get_format_options(fmt, columns, time_format)
    check_csv_headers(files, fmt, columns, time_format)
    options = {
        "columns": columns,
        "time_format": time_format,
        "max_fragment_lines": max_fragment_lines,
    }
    parts = decode_chunks(
        plan_chunks(files, fmt, chunk_bytes),
        fmt,
        options,
        task=_read_packed,
        dask_scheduler=dask_scheduler,
        progress=progress,
    )
    empty = ais_records.empty_data().positions
    merged = ais_records.concat([ais_records.AisData(empty, p.vessels, p.skipped) for p in parts])
    return ais_records.AisData(
        merge_positions([p.positions for p in parts]), merged.vessels, merged.skipped
    )


def get_input_files(paths) -> list[tuple[str, Path]]:
    """``(path as given, resolved path)`` per input; every one must exist."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [(str(p), Path(p).resolve()) for p in paths]
    if not files:
        raise ParameterError(
            "no AIS input files given", field="paths", hint="list the AIS files in the parameters"
        )
    for given, real in files:
        if not real.is_file():
            raise DataError(
                "AIS file not found", file=given, hint="check the AIS path in the parameters"
            )
    return files


def get_format_options(fmt: str, columns, time_format):
    """Column map and time format for ``fmt`` (DMA's are fixed)."""
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown AIS format {fmt!r}", field="format", hint=f"use one of {', '.join(FORMATS)}"
        )
    if fmt == "dma":
        return dict(ais_readers.DMA_COLUMNS), ais_readers.DMA_TIME_FORMAT
    if fmt == "csv" and not columns:
        raise ParameterError(
            "a generic AIS CSV needs a column map",
            field="columns",
            hint="give e.g. {time: BaseDateTime, mmsi: MMSI, lat: LAT, lon: LON}",
        )
    return (dict(columns) if columns else None), time_format


def check_csv_headers(
    files: list[tuple[str, Path]], fmt: str, columns: dict | None, time_format: str | None
) -> None:
    """For CSV inputs, raise the errors :func:`tumen.ais.readers.read_csv` raises for a header (a
    missing column), naming the file, before any chunk is read."""
    if fmt not in ("csv", "dma"):
        return
    for given, real in files:
        with open(real, "rb") as fh:
            header = fh.readline()
        try:
            ais_readers.read_csv(io.BytesIO(header), columns, time_format=time_format)
        except DataError as exc:
            raise DataError(
                exc.message, file=given, line=exc.line, field=exc.field, hint=exc.hint
            ) from None


# --- chunks ---------------------------------------------------------------------------


def plan_chunks(files, fmt: str, chunk_bytes: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for given, real in files:
        if fmt == "parquet":
            spans = _row_group_spans(real)
        elif fmt == "nmea" and real.name.endswith(".gz"):
            spans = [(0, real.stat().st_size, 1)]
        else:
            spans = _line_spans(real, chunk_bytes, header=fmt != "nmea")
        chunks += [Chunk(len(chunks) + i, given, str(real), *s) for i, s in enumerate(spans)]
    return chunks


def _line_spans(path: Path, chunk_bytes: int, header: bool) -> list[tuple[int, int, int]]:
    """Byte ranges of about ``chunk_bytes`` cut after a line end, with their first line."""
    size = path.stat().st_size
    spans = []
    with open(path, "rb") as fh:
        start, line = 0, 1
        if header:
            start, line = len(fh.readline()), 2
        while start < size:
            end = _next_line_start(fh, min(start + max(chunk_bytes, 1), size), size)
            fh.seek(start)
            newlines = _count_newlines(fh, end - start)
            spans.append((start, end, line))
            start, line = end, line + newlines
    return spans


def _next_line_start(fh, pos: int, size: int) -> int:
    """The first byte after the line end at or after ``pos - 1`` (or the end of the file)."""
    if pos >= size:
        return size
    fh.seek(pos - 1)
    offset = pos - 1
    while block := fh.read(BLOCK):
        found = block.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(block)
    return size


def _count_newlines(fh, length: int) -> int:
    count = 0
    while length > 0:
        block = fh.read(min(BLOCK * 8, length))
        if not block:
            break
        count += block.count(b"\n")
        length -= len(block)
    return count


def _row_group_spans(path: Path) -> list[tuple[int, int, int]]:
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"cannot read Parquet file: {exc}".splitlines()[0], file=path) from None
    spans, row = [], 1
    for i in range(meta.num_row_groups):
        spans.append((i, i + 1, row))
        row += meta.row_group(i).num_rows
    return spans


# --- decoding (one task per chunk) ------------------------------------------------------


def decode_chunks(
    chunks: list[Chunk],
    fmt: str,
    options: dict,
    *,
    task=None,
    dask_scheduler=None,
    progress: bool | None = None,
) -> list:
    """Run ``task(chunk, fmt, options)`` for every chunk in parallel (default
    :func:`read_chunk`: each chunk's :class:`tumen.ais.records.AisData`).

    Parameters
    ----------
    chunks : list of Chunk
        From :func:`plan_chunks`.
    fmt : str
    options : dict
        ``columns``, ``time_format``, ``max_fragment_lines``.
    task : callable, optional
        What to do with a chunk (e.g. decode it and write the positions somewhere).
    dask_scheduler : optional
        See :mod:`tumen.ais.dask_ops`; default a process pool for NMEA, threads otherwise.
    progress : bool, optional
        Show a progress bar (default: when stderr is a terminal and there are 2+ chunks).

    Returns
    -------
    list
        One result per chunk, in order.
    """
    task = dask.delayed(task or read_chunk, pure=True)
    tasks = [task(c, fmt, options) for c in chunks]
    show = progress if progress is not None else (len(chunks) > 1 and sys.stderr.isatty())
    with ais_dask.use_scheduler(
        dask_scheduler, default=_local_scheduler(fmt, len(chunks))
    ) as scheduler:
        return _run_with_progress(tasks, scheduler, show, f"decoding {fmt}")


def _local_scheduler(fmt: str, n_chunks: int) -> str:
    """Processes for NMEA (pyais holds the GIL), threads for tabular inputs, nothing for
    one chunk."""
    if n_chunks <= 1:
        return "sync"
    return "processes" if fmt == "nmea" else "threads"


def _run_with_progress(tasks: list, scheduler, show: bool, desc: str) -> list:
    """Compute delayed tasks, with a tqdm bar per finished task when ``show``. On a
    ``distributed`` cluster each result is fetched as soon as its task ends, while the
    others still run."""
    if isinstance(scheduler, str):
        bar = contextlib.nullcontext()
        if show:
            from tqdm.dask import TqdmCallback  # noqa: PLC0415 - only for a progress bar

            bar = TqdmCallback(desc=desc, unit="task")
        with bar:
            return list(ais_dask.compute_on(scheduler, tasks)[0])
    from distributed import as_completed  # noqa: PLC0415 - only a cluster needs distributed

    futures = scheduler.compute(tasks)
    position = {f.key: i for i, f in enumerate(futures)}
    results: list = [None] * len(futures)
    done = as_completed(futures, loop=scheduler.loop, with_results=True)
    if show:
        from tqdm import tqdm  # noqa: PLC0415 - only for a progress bar

        done = tqdm(done, total=len(futures), desc=desc, unit="chunk")
    for future, result in done:
        results[position[future.key]] = result
    return results


def reader_order(mmsi, time_ns, files_rank, line) -> np.ndarray:
    """Row order by ``mmsi, time, source_file, source_line``, as
    :func:`tumen.ais.records.sort_positions` sorts (stable), from integer keys."""
    return ais_records.position_order(mmsi, time_ns, files_rank, line)


def merge_positions(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Join positions tables and sort them as :func:`tumen.ais.records.sort_positions` does.

    File names (text or categorical) travel as integer codes, ranked so that the codes
    sort as the names do; the texts are rebuilt once at the end.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return ais_records.empty_data().positions
    names = [f["source_file"].astype("category").cat for f in frames]
    words = sorted(set().union(*(set(n.categories) for n in names)))
    rank = {w: i for i, w in enumerate(words)}
    codes = np.concatenate(
        [np.array([rank[c] for c in n.categories], np.int32)[n.codes] for n in names]
    )
    table = pd.concat([f.drop(columns="source_file") for f in frames], ignore_index=True)
    order = reader_order(
        table["mmsi"].to_numpy(),
        ais_timecols.to_ns(table["time"]),
        codes,
        table["source_line"].to_numpy(),
    )
    table = table.take(order).reset_index(drop=True)
    table["source_file"] = to_texts(codes[order], words)
    return table[ais_records.POSITION_COLUMNS]


def _read_packed(chunk: Chunk, fmt: str, options: dict) -> ais_records.AisData:
    """:func:`read_chunk` with the file names categorical: a smaller result to send."""
    data = read_chunk(chunk, fmt, options)
    return replace(data, positions=data.positions.astype({"source_file": "category"}))
