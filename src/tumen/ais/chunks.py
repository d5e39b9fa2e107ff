"""Read AIS files in chunks, in parallel, with the records one reading would give.

A big AIS file is cut into chunks of about ``chunk_bytes`` at line ends (a Parquet file
into its row groups) and each chunk is decoded by one Dask task with the readers of
:mod:`tumen.ais.decode`. Line numbers stay those of the whole file. A multi-sentence NMEA message
whose parts straddle a chunk boundary is still assembled: each chunk also reads the
``8 * max_fragment_lines`` lines on either side of its own lines (enough for the nine
parts an NMEA message can have, each at most ``max_fragment_lines`` after the one before),
feeds them all to the decoder of :func:`tumen.ais.decode.read_nmea` and keeps only the records
whose first line is its own (:func:`decode_nmea_range`). Reading a file in chunks
therefore gives exactly what :func:`tumen.ais.decode.read_ais` gives, however it is cut. A
``.gz`` file is one chunk. CSV chunks are read with :func:`tumen.ais.decode.read_csv` (one record
per line, as its line numbers assume); Parquet positions tables are checked with the same
rules as the other readers.

:func:`read_ais` returns the result in memory; :func:`tumen.ais.store.ingest` writes it
to a store. Local default: a process pool for NMEA (pyais holds the GIL), threads for
tables; ``dask_scheduler`` as in :mod:`tumen.ais.dask_ops`.

>>> data = read_ais(["data/ais/2023-09.nmea"], "nmea", chunk_bytes=8 << 20)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tumen.ais import dask_ops as ais_dask
from tumen.ais import fast as ais_fast
from tumen.ais import nmea as ais_nmea
from tumen.ais import readers as ais_readers
from tumen.ais import records as ais_records
from tumen.ais import sentences as ais_sentences
from tumen.ais import timecols as ais_timecols
from tumen.errors import DataError, ParameterError

FORMATS = ("nmea", "dma", "csv", "parquet")
#: Parts an NMEA message can have (the fragment count is one digit).
MAX_PARTS = 9
_BLOCK = 1 << 20


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
    """:func:`tumen.ais.decode.read_ais` with the files decoded in chunks, in parallel (no store).

    For archives that fit in memory but take long to decode; the result equals
    :func:`tumen.ais.decode.read_ais` for the same files, multi-sentence messages across chunk
    boundaries included. Parameters as in :func:`tumen.ais.store.ingest`.

    Returns
    -------
    tumen.ais.decode.AisData
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
    """For CSV inputs, raise the errors :func:`tumen.ais.decode.read_csv` raises for a header (a
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


@dataclass(frozen=True)
class Chunk:
    """One decoding task: bytes ``[start, end)`` of a file, whose first line is ``first_line``
    (for Parquet: row group ``start``, first row ``first_line``)."""

    index: int
    source_file: str
    path: str
    start: int
    end: int
    first_line: int


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
    while block := fh.read(_BLOCK):
        found = block.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(block)
    return size


def _count_newlines(fh, length: int) -> int:
    count = 0
    while length > 0:
        block = fh.read(min(_BLOCK * 8, length))
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
    :func:`read_chunk`: each chunk's :class:`tumen.ais.decode.AisData`).

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
            from tqdm.dask import TqdmCallback

            bar = TqdmCallback(desc=desc, unit="task")
        with bar:
            return list(ais_dask.compute_on(scheduler, tasks)[0])
    from distributed import as_completed

    futures = scheduler.compute(tasks)
    position = {f.key: i for i, f in enumerate(futures)}
    results: list = [None] * len(futures)
    done = as_completed(futures, loop=scheduler.loop, with_results=True)
    if show:
        from tqdm import tqdm

        done = tqdm(done, total=len(futures), desc=desc, unit="chunk")
    for future, result in done:
        results[position[future.key]] = result
    return results


def read_chunk(chunk: Chunk, fmt: str, options: dict) -> ais_records.AisData:
    """Decode one chunk into an :class:`tumen.ais.decode.AisData`."""
    if fmt == "nmea":
        return _decode_nmea_chunk(chunk, options["max_fragment_lines"])
    if fmt == "parquet":
        return _read_parquet_chunk(chunk, options["columns"])
    return _read_csv_chunk(chunk, options["columns"], options["time_format"])


def _decode_nmea_chunk(chunk: Chunk, max_fragment_lines: int) -> ais_records.AisData:
    """Decode the chunk's lines plus enough lines either side for split messages."""
    if chunk.path.endswith(".gz"):
        with gzip.open(chunk.path, "rb") as fh:
            return ais_nmea.decode_nmea_lines(
                fh.read().split(b"\n"), chunk.source_file, max_fragment_lines=max_fragment_lines
            )
    overlap = (MAX_PARTS - 1) * max_fragment_lines
    with open(chunk.path, "rb") as fh:
        before = _lines_before(fh, chunk.start, overlap)
        fh.seek(chunk.start)
        data = fh.read(chunk.end - chunk.start)
        after = _lines_after(fh, chunk.end, overlap)
    own = data.split(b"\n")
    if data.endswith(b"\n"):
        own.pop()
    return decode_nmea_range(
        before + own + after,
        chunk.source_file,
        start_line=chunk.first_line - len(before),
        keep=(chunk.first_line, chunk.first_line + len(own)),
        max_fragment_lines=max_fragment_lines,
    )


def decode_nmea_range(
    lines: list[bytes],
    source_file: str,
    *,
    start_line: int,
    keep: tuple[int, int],
    max_fragment_lines: int = 10,
    engine: str = "numpy",
) -> ais_records.AisData:
    """Decode NMEA lines, keeping only the records whose first line is in ``keep``.

    The lines outside ``keep`` are context: they let a multi-sentence message that starts
    inside ``keep`` be completed, and tell a later part inside ``keep`` that its message
    began before. Records are exactly those :func:`tumen.ais.decode.decode_nmea_lines` gives for
    the whole file, restricted to ``keep``, when the context holds ``8 *
    max_fragment_lines`` lines either side (or reaches the file's ends).

    Parameters
    ----------
    lines : list of bytes
        Consecutive lines of one file.
    source_file : str
        Name stored in ``source_file``.
    start_line : int
        Line number of ``lines[0]`` (1-based).
    keep : (int, int)
        First line kept and the line after the last one kept.
    max_fragment_lines : int
        See :func:`tumen.ais.decode.read_nmea`.
    engine : {"numpy", "pyais"}
        The vectorised decoder of :mod:`tumen.ais.fast` (default) or the line-by-line pyais
        decoder of :mod:`tumen.ais.decode`; see :func:`tumen.ais.decode.read_nmea`.

    Returns
    -------
    tumen.ais.decode.AisData
    """
    if engine == "numpy":
        return ais_fast.decode_buffer(
            b"\n".join(lines),
            source_file,
            start_line=start_line,
            max_fragment_lines=max_fragment_lines,
            keep=keep,
        )
    lo, hi = keep
    # The decoder of tumen.ais.decode, fed line by line; records are filtered by their first
    # line before its tables are built (see the module docstring).
    decoder = ais_sentences.LineDecoder(source_file, max_fragment_lines)
    for number, line in enumerate(lines, start_line):
        decoder.feed(number, line)
    decoder.positions = [r for r in decoder.positions if lo <= r[-1] < hi]
    decoder.statics = [r for r in decoder.statics if lo <= r[-1] < hi]
    decoder.skipped = [r for r in decoder.skipped if lo <= r[0] < hi]
    decoder.pending = {k: v for k, v in decoder.pending.items() if lo <= v["lines"][0] < hi}
    return decoder.finish()


def _lines_before(fh, pos: int, n: int) -> list[bytes]:
    """The ``n`` lines that end just before byte ``pos`` (a line start)."""
    if pos <= 0 or n <= 0:
        return []
    buf, at = b"", pos
    while at > 0 and buf.count(b"\n") <= n:
        step = min(_BLOCK, at)
        at -= step
        fh.seek(at)
        buf = fh.read(step) + buf
    lines = buf[:-1].split(b"\n")
    if at > 0:
        lines = lines[1:]  # possibly a partial line
    return lines[-n:]


def _lines_after(fh, pos: int, n: int) -> list[bytes]:
    """The ``n`` lines that start at byte ``pos`` (fewer at the end of the file)."""
    if n <= 0:
        return []
    fh.seek(pos)
    buf = b""
    while buf.count(b"\n") < n and (block := fh.read(_BLOCK)):
        buf += block
    return buf.split(b"\n")[:n] if buf else []


def _read_csv_chunk(chunk: Chunk, columns: dict, time_format: str | None) -> ais_records.AisData:
    """:func:`tumen.ais.decode.read_csv` on the header plus the chunk's rows."""
    with open(chunk.path, "rb") as fh:
        header = fh.readline()
        fh.seek(chunk.start)
        body = fh.read(chunk.end - chunk.start)
    data = ais_readers.read_csv(io.BytesIO(header + body), columns, time_format=time_format)
    return _renamed(data, chunk.source_file, chunk.first_line - 2)


def _renamed(data: ais_records.AisData, source_file: str, shift: int) -> ais_records.AisData:
    """Set ``source_file`` and shift ``source_line`` (a chunk read as a file of its own)."""
    pos = data.positions.assign(
        source_file=source_file, source_line=data.positions["source_line"] + shift
    )
    pos["source_file"] = pos["source_file"].astype("str")
    skipped = data.skipped.assign(
        source_file=source_file, source_line=data.skipped["source_line"] + shift
    )
    skipped["source_file"] = skipped["source_file"].astype("str")
    return ais_records.AisData(pos, data.vessels, skipped)


def _read_parquet_chunk(chunk: Chunk, columns: dict | None) -> ais_records.AisData:
    """One row group of a Parquet positions table, validated like the other readers."""
    mapping = dict(columns or {})
    wanted = {c: mapping.get(c, c) for c in ais_records.POSITION_COLUMNS}
    try:
        pf = pq.ParquetFile(chunk.path)
        present = [c for c in wanted.values() if c in pf.schema_arrow.names]
        frame = pf.read_row_group(chunk.start, columns=present).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise DataError(
            f"cannot read Parquet file: {exc}".splitlines()[0], file=chunk.source_file
        ) from None
    frame = frame.rename(columns={v: k for k, v in wanted.items()})
    for col in ("mmsi", "time", "lat", "lon"):
        if col not in frame.columns:
            raise DataError(
                f"column {wanted[col]!r} (for {col}) is missing",
                file=chunk.source_file,
                field=wanted[col],
                hint="map it with the columns parameter",
            )
    return _positions_from_frame(frame.reset_index(drop=True), chunk)


def _positions_from_frame(frame: pd.DataFrame, chunk: Chunk) -> ais_records.AisData:
    """Normalise typed columns; reject rows by the rules of the other readers.

    The rules (and their order) are those of :mod:`tumen.ais.decode`: time missing or implausible,
    MMSI invalid, position 'not available' (91/181), position invalid; speed, course and
    heading outside their ranges become NaN, an unknown navigational status 15.
    """
    n = len(frame)
    num = {
        c: (
            pd.to_numeric(frame[c], errors="coerce").to_numpy(float, na_value=np.nan)
            if c in frame.columns
            else np.full(n, np.nan)
        )
        for c in ("mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status")
    }
    time, missing = _frame_times(frame["time"])
    lat, lon, mmsi = num["lat"], num["lon"], num["mmsi"]
    category = np.select(
        [
            time.isna().to_numpy() & missing,
            time.isna().to_numpy(),
            ~np.isfinite(mmsi) | (mmsi < 1) | (mmsi > 999_999_999) | (mmsi % 1 != 0),
            (lat == 91.0) | (lon == 181.0),
            ~np.isfinite(lat)
            | ~np.isfinite(lon)
            | (np.abs(lat) > 90)
            | (np.abs(lon) > 180)
            | ((lat == 0) & (lon == 0)),
        ],
        [
            "no_timestamp",
            "bad_timestamp",
            "mmsi_invalid",
            "position_not_available",
            "position_invalid",
        ],
        "",
    )
    line = (
        frame["source_line"].to_numpy("int64")
        if "source_line" in frame.columns
        else np.arange(chunk.first_line, chunk.first_line + n, dtype="int64")
    )
    source = (
        frame["source_file"].astype("str")
        if "source_file" in frame.columns
        else _texts(np.zeros(n, np.int32), [chunk.source_file])
    )
    ok = category == ""
    status = num["nav_status"]
    positions = pd.DataFrame(
        {
            "mmsi": mmsi[ok].astype("int64"),
            "time": time[ok].array,
            "lat": lat[ok],
            "lon": lon[ok],
            "sog": _in_range(num["sog"][ok], 102.3),
            "cog": _in_range(num["cog"][ok], 360.0),
            "heading": _in_range(num["heading"][ok], 360.0),
            "nav_status": np.where(
                (status[ok] >= 0) & (status[ok] <= 15) & (status[ok] % 1 == 0), status[ok], 15
            ).astype("int64"),
            "source_file": source[ok].reset_index(drop=True),
            "source_line": line[ok],
        }
    )
    skipped = pd.DataFrame(
        {
            "source_file": source[~ok].reset_index(drop=True),
            "source_line": line[~ok],
            "category": category[~ok],
        }
    )
    skipped = skipped.astype({"category": "str"}).sort_values(
        ["source_file", "source_line"], kind="stable", ignore_index=True
    )
    return ais_records.AisData(positions, ais_records.empty_data().vessels, skipped)


def _frame_times(time: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Times as ``datetime64[ns, UTC]`` (NaT when implausible) and where they were missing."""
    missing = time.isna().to_numpy()
    if isinstance(time.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(time):
        time = pd.to_datetime(time, utc=True).astype("datetime64[ns, UTC]")
        lo, hi = pd.Timestamp("1970-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC")
        return time.where((time >= lo) & (time < hi)).reset_index(drop=True), missing
    text = time.astype(object).where(time.notna(), None)
    return ais_timecols.parse_times(text).reset_index(drop=True), missing


def _in_range(values: np.ndarray, limit: float) -> np.ndarray:
    """NaN outside ``0 <= v < limit`` (AIS 'not available')."""
    return np.where((values >= 0) & (values < limit), values, np.nan)


def reader_order(mmsi, time_ns, files_rank, line) -> np.ndarray:
    """Row order by ``mmsi, time, source_file, source_line``, as
    :func:`tumen.ais.decode.sort_positions` sorts (stable), from integer keys."""
    return ais_records.position_order(mmsi, time_ns, files_rank, line)


def merge_positions(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Join positions tables and sort them as :func:`tumen.ais.decode.sort_positions` does.

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
        table["mmsi"].to_numpy(), table["time"].array.asi8, codes, table["source_line"].to_numpy()
    )
    table = table.take(order).reset_index(drop=True)
    table["source_file"] = _texts(codes[order], words)
    return table[ais_records.POSITION_COLUMNS]


def _read_packed(chunk: Chunk, fmt: str, options: dict) -> ais_records.AisData:
    """:func:`read_chunk` with the file names categorical: a smaller result to send."""
    data = read_chunk(chunk, fmt, options)
    return replace(data, positions=data.positions.astype({"source_file": "category"}))


def _texts(codes: np.ndarray, words: list[str]) -> pd.Series:
    """``words[codes]`` as a ``str`` Series, built by Arrow (no Python objects)."""
    column = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(words, pa.string())
    ).cast(pa.string())
    return pa.table({"s": column}).to_pandas()["s"]
