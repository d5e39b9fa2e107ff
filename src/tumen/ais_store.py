"""Ingest AIS archives once into a Parquet store partitioned by vessel, and reuse it.

A season of regional AIS is tens of millions of positions in NMEA or CSV; decoding it
takes minutes, so it is done once. :func:`ingest` converts the input files (raw NMEA,
Danish-Maritime-Authority CSV, generic CSV with a column map, or a Parquet positions
table) into ``build/ais-cache/<key>/``, where ``<key>`` is the sha256 of the inputs'
contents, their paths as given, the reading options and the decoding code. The same
inputs give the same key, so a second call returns the store at once; a changed input
gives a new key, a new store, and the superseded one is removed.

The store holds the tables of :class:`tumen.ais.AisData`:

``positions/part.N.parquet``  the positions table (schema of :mod:`tumen.ais`), range
                              partitioned by MMSI: each vessel's reports lie in one file,
                              sorted by ``mmsi, time, source_file, source_line``;
``vessels.parquet``           the static records, merged over all inputs;
``skipped.parquet``           every record not in ``positions``, by category (the
                              data-quality tallies of :func:`tumen.ais.get_quality_table`);
``manifest.json``             inputs (path, bytes, sha256), options, counts per category,
                              the MMSI range ``[lo, hi)`` of each positions file.

Decoding runs in parallel with Dask over chunks of each file (about ``chunk_bytes`` each,
cut at line ends). A multi-sentence NMEA message whose parts straddle a chunk boundary is
still assembled: each chunk also reads the ``8 * max_fragment_lines`` lines on either side
of its own lines (enough for the nine parts an NMEA message can have), decodes them with
the same decoder as :func:`tumen.ais.read_nmea`, and keeps only the records whose first
line is its own. The store therefore equals what :func:`tumen.ais.read_ais` reads, record
for record, however the files are cut. A ``.gz`` file is one chunk. Each chunk is staged
as Parquet sorted by MMSI; the MMSI axis is then cut into ranges of about
``rows_per_partition`` positions (exact counts from the decoded chunks, a vessel never
split), and one Dask task per range reads its vessels from the staged chunks (a Parquet
filter on ``mmsi``), sorts them and writes one file, so memory stays bounded by a
partition. On a cluster, the workers must see the input files and the cache directory at
the same paths (a shared file system).

>>> store = ingest(["data/ais/2023-09.nmea"], "nmea")         # doctest: +SKIP
>>> store.get_positions([273000001])   # one vessel: only its file is read  # doctest: +SKIP
>>> store.get_quality_table()                                  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tumen import ais, ais_dask
from tumen import paths as project_paths
from tumen.errors import DataError, ParameterError

#: Bumped whenever the store layout changes (old stores are then rebuilt).
STORE_VERSION = 1
FORMATS = ("nmea", "dma", "csv", "parquet")
#: Parts an NMEA message can have (the fragment count is one digit).
MAX_PARTS = 9
#: Arrow schema of the positions table (:data:`tumen.ais.POSITION_COLUMNS`).
POSITION_SCHEMA = pa.schema([
    ("mmsi", pa.int64()), ("time", pa.timestamp("ns", tz="UTC")), ("lat", pa.float64()),
    ("lon", pa.float64()), ("sog", pa.float64()), ("cog", pa.float64()),
    ("heading", pa.float64()), ("nav_status", pa.int64()), ("source_file", pa.string()),
    ("source_line", pa.int64())])
_BLOCK = 1 << 20
_STAGING_ROW_GROUP = 1 << 16  # small row groups: a partition reads little beyond its MMSIs


@dataclass(frozen=True)
class AisStore:
    """A positions store written by :func:`ingest`.

    Attributes
    ----------
    path : pathlib.Path
        The store's directory (``build/ais-cache/<key>``).
    manifest : dict
        Contents of ``manifest.json``: ``key``, ``format``, ``options``, ``inputs``
        (``path``, ``bytes``, ``sha256``), ``positions`` (rows), ``partitions``,
        ``ranges`` (the MMSI range ``[lo, hi)`` of each file), ``categories`` (records
        per category, as in :data:`tumen.ais.CATEGORIES`).
    """

    path: Path
    manifest: dict

    @property
    def key(self) -> str:
        """The cache key (sha256 hex digest)."""
        return self.manifest["key"]

    @property
    def n_positions(self) -> int:
        """Rows in the positions table."""
        return int(self.manifest["positions"])

    @property
    def vessels(self) -> pd.DataFrame:
        """The vessels table of :class:`tumen.ais.AisData`."""
        return _read_vessels(self.path / "vessels.parquet")

    @property
    def skipped(self) -> pd.DataFrame:
        """The skipped table of :class:`tumen.ais.AisData`."""
        skipped = pd.read_parquet(self.path / "skipped.parquet")
        return skipped.astype({"source_file": "str", "source_line": "int64",
                               "category": "str"})

    def to_dask(self, columns: Iterable[str] | None = None):
        """The positions as a Dask DataFrame indexed by ``mmsi`` (known divisions).

        Parameters
        ----------
        columns : iterable of str, optional
            Columns to read (``mmsi`` is always the index).

        Returns
        -------
        dask.dataframe.DataFrame
            One partition per file; ``.loc[mmsi]`` reads only the file holding it.
        """
        import dask.dataframe as dd

        cols = [c for c in (columns or ais.POSITION_COLUMNS) if c != "mmsi"]
        files = [str(f) for f in _part_files(self.path)]
        ranges = self.manifest["ranges"]
        divisions = [lo for lo, _ in ranges] + [max(ranges[-1][1] - 1, ranges[-1][0])]
        return dd.from_map(read_partition, files, columns=cols, divisions=divisions,
                           meta=read_partition(files[0], cols).iloc[:0],
                           label="read-ais-store", enforce_metadata=False)

    def to_ais_data(self) -> ais.AisData:
        """The whole store in memory as an :class:`tumen.ais.AisData` (small stores only)."""
        positions = self.get_positions()
        return ais.AisData(positions, self.vessels, self.skipped)

    def get_positions(self, mmsi: Iterable[int] | None = None,
                      columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The positions of some vessels (or all) as a pandas table, sorted as readers sort.

        Parameters
        ----------
        mmsi : iterable of int, optional
            The vessels; only the files holding them are read. Default: all.
        columns : iterable of str, optional
            Columns besides ``mmsi`` (default: all of the positions table).

        Returns
        -------
        pandas.DataFrame
            The positions table (``mmsi`` first), fresh index.
        """
        frame = self.to_dask(columns)
        if mmsi is not None:
            wanted = sorted({int(m) for m in mmsi})
            frame = frame.loc[wanted] if wanted else frame.loc[[]]
        table = frame.compute(scheduler="sync").reset_index()
        if "source_file" in table.columns:  # Dask turns text into string[pyarrow]
            table["source_file"] = table["source_file"].astype("str")
        return table

    def get_quality_table(self, examples: int = 3) -> pd.DataFrame:
        """The data-quality table of :func:`tumen.ais.get_quality_table` for the store.

        Counts come from the manifest; examples (``file:line``) from the skipped table and
        the first positions file.
        """
        head = pq.read_table(_part_files(self.path)[0],
                             columns=["source_file", "source_line"]).slice(0, examples)
        table = ais.get_quality_table(ais.AisData(head.to_pandas(), self.vessels,
                                                  self.skipped), examples)
        table.loc[table["category"] == "position", "records"] = self.n_positions
        return table


def read_partition(path: str | os.PathLike, columns: list[str]) -> pd.DataFrame:
    """One file of a store as a pandas table indexed by ``mmsi``.

    Parameters
    ----------
    path : path
        A ``positions/part.N.parquet`` file.
    columns : list of str
        Columns besides ``mmsi``.

    Returns
    -------
    pandas.DataFrame
    """
    return pq.read_table(path, columns=["mmsi", *columns]).to_pandas().set_index("mmsi")


# --- ingest ---------------------------------------------------------------------------

def ingest(paths: Iterable[str | os.PathLike] | str | os.PathLike, fmt: str = "nmea",
           columns: Mapping[str, str] | None = None, *, time_format: str | None = None,
           max_fragment_lines: int = 10, cache_dir: str | os.PathLike | None = None,
           chunk_bytes: int = 8 << 20, rows_per_partition: int = 2_000_000,
           dask_scheduler=None, progress: bool | None = None) -> AisStore:
    """Convert AIS files into a positions store once; return the cached store afterwards.

    Parameters
    ----------
    paths : path or iterable of paths
        The input files, in order; stored in ``source_file`` as given (pass them relative
        to the project).
    fmt : {"nmea", "dma", "csv", "parquet"}
        Raw NMEA (``.gz`` allowed), DMA CSV, generic CSV, or a Parquet positions table
        (``mmsi, time, lat, lon`` at least; optional columns of the positions table).
    columns : mapping, optional
        For ``csv`` (required) and ``parquet``: our name -> the file's column (see
        :func:`tumen.ais.read_csv`).
    time_format : str, optional
        For ``csv``: ``strftime`` format of the time column.
    max_fragment_lines : int
        See :func:`tumen.ais.read_nmea`.
    cache_dir : path, optional
        Where stores live (default ``build/ais-cache`` of the project).
    chunk_bytes : int
        Size of one decoding task, bytes (cut at the next line end).
    rows_per_partition : int
        Target rows per positions file.
    dask_scheduler : optional
        Where to run (see :mod:`tumen.ais_dask`); default: decoding in a local process
        pool on every core, partitioning on local threads.
    progress : bool, optional
        Show a progress bar while decoding (default: when stderr is a terminal and there
        is more than one chunk).

    Returns
    -------
    AisStore

    Raises
    ------
    DataError
        When an input is missing or unreadable, or a CSV lacks a mapped column.
    ParameterError
        For an unknown format, a CSV without a column map, or a bad ``dask_scheduler``.
    """
    files = _input_files(paths)
    columns, time_format = _format_options(fmt, columns, time_format)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    options = {"columns": columns, "time_format": time_format,
               "max_fragment_lines": max_fragment_lines}
    inputs = [{"path": given, "bytes": real.stat().st_size, "sha256": _file_sha256(real, root)}
              for given, real in files]
    key = get_cache_key(inputs, fmt, options)
    target = root / key
    if (target / "manifest.json").is_file():
        return open_store(target)
    if fmt in ("csv", "dma"):
        for given, real in files:
            _check_csv_header(given, real, columns, time_format)
    chunks = _plan_chunks(files, fmt, chunk_bytes)
    tmp = root / f"{key}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "staging").mkdir(parents=True)
    try:
        parts = _decode(chunks, tmp / "staging", fmt, options, dask_scheduler, progress)
        manifest = _write_store(tmp, parts, rows_per_partition, dask_scheduler)
        manifest.update(key=key, version=STORE_VERSION, format=fmt, options=options,
                        inputs=inputs, chunks=len(chunks))
        _write_json(tmp / "manifest.json", manifest)
        shutil.rmtree(tmp / "staging")
        _publish(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune_superseded(root, open_store(target))
    return open_store(target)


def default_cache_dir() -> Path:
    """``build/ais-cache`` of the project (see :mod:`tumen.paths`)."""
    return project_paths.root() / "build" / "ais-cache"


def open_store(path: str | os.PathLike) -> AisStore:
    """Open a store written by :func:`ingest`.

    Raises
    ------
    DataError
        When ``path`` holds no complete store.
    """
    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text())
    except (OSError, ValueError):
        raise DataError("not an AIS store (no readable manifest.json)", file=path,
                        hint="create it with tumen.ais_store.ingest") from None
    return AisStore(path, manifest)


def read_ais(paths: Iterable[str | os.PathLike] | str | os.PathLike, fmt: str = "nmea",
             columns: Mapping[str, str] | None = None, *, time_format: str | None = None,
             max_fragment_lines: int = 10, chunk_bytes: int = 8 << 20,
             dask_scheduler=None, progress: bool | None = None) -> ais.AisData:
    """:func:`tumen.ais.read_ais` with the files decoded in chunks, in parallel (no store).

    For archives that fit in memory but take long to decode; the result equals
    :func:`tumen.ais.read_ais` for the same files, multi-sentence messages across chunk
    boundaries included. Parameters as in :func:`ingest`.

    Returns
    -------
    tumen.ais.AisData
    """
    files = _input_files(paths)
    columns, time_format = _format_options(fmt, columns, time_format)
    if fmt in ("csv", "dma"):
        for given, real in files:
            _check_csv_header(given, real, columns, time_format)
    options = {"columns": columns, "time_format": time_format,
               "max_fragment_lines": max_fragment_lines}
    parts = _decode(_plan_chunks(files, fmt, chunk_bytes), None, fmt, options, dask_scheduler,
                    progress)
    empty = ais.decode_nmea_lines([], "").positions
    merged = ais.concat([ais.AisData(empty, p.vessels, p.skipped) for p in parts])
    positions = pd.concat([p.positions for p in parts if len(p.positions)] or [empty],
                          ignore_index=True)
    return ais.AisData(_sort_like_readers(positions), merged.vessels, merged.skipped)


def get_cache_key(inputs: list[dict], fmt: str, options: Mapping) -> str:
    """The sha256 naming a store: inputs (path as given, sha256), format, options, code.

    Parameters
    ----------
    inputs : list of dict
        ``{"path", "sha256"}`` per input file, in order.
    fmt : str
    options : mapping
        Reading options (column map, time format, fragment distance).

    Returns
    -------
    str
        64 hex digits.
    """
    code = hashlib.sha256()
    for module in (ais, sys.modules[__name__]):
        code.update(Path(module.__file__).read_bytes())
    blob = {"version": STORE_VERSION, "format": fmt, "options": dict(options),
            "inputs": [[i["path"], i["sha256"]] for i in inputs], "code": code.hexdigest()}
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


def _input_files(paths) -> list[tuple[str, Path]]:
    """``(path as given, resolved path)`` per input; every one must exist."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [(str(p), Path(p).resolve()) for p in paths]
    if not files:
        raise ParameterError("no AIS input files given", field="paths",
                             hint="list the AIS files in the parameters")
    for given, real in files:
        if not real.is_file():
            raise DataError("AIS file not found", file=given,
                            hint="check the AIS path in the parameters")
    return files


def _format_options(fmt: str, columns, time_format):
    """Column map and time format for ``fmt`` (DMA's are fixed)."""
    if fmt not in FORMATS:
        raise ParameterError(f"unknown AIS format {fmt!r}", field="format",
                             hint=f"use one of {', '.join(FORMATS)}")
    if fmt == "dma":
        return dict(ais.DMA_COLUMNS), ais.DMA_TIME_FORMAT
    if fmt == "csv" and not columns:
        raise ParameterError("a generic AIS CSV needs a column map", field="columns",
                             hint="give e.g. {time: BaseDateTime, mmsi: MMSI, lat: LAT, lon: LON}")
    return (dict(columns) if columns else None), time_format


def _file_sha256(path: Path, root: Path) -> str:
    """sha256 of a file; remembered in ``<root>/sha256.json`` by path, size and mtime."""
    memo_path = root / "sha256.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    st = path.stat()
    stamp = [st.st_size, st.st_mtime_ns]
    entry = memo.get(str(path))
    if entry and entry[:2] == stamp:
        return entry[2]
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK * 8), b""):
            digest.update(block)
    memo[str(path)] = [*stamp, digest.hexdigest()]
    root.mkdir(parents=True, exist_ok=True)
    _write_json(memo_path, memo)
    return digest.hexdigest()


def _write_json(path: Path, value) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=1, sort_keys=True, default=str) + "\n")
    os.replace(tmp, path)


# --- chunks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Chunk:
    """One decoding task: bytes ``[start, end)`` of a file, whose first line is ``first_line``
    (for Parquet: row group ``start``, first row ``first_line``)."""

    index: int
    source_file: str
    path: str
    start: int
    end: int
    first_line: int


def _plan_chunks(files, fmt: str, chunk_bytes: int) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    for given, real in files:
        if fmt == "parquet":
            spans = _row_group_spans(real)
        elif fmt == "nmea" and real.name.endswith(".gz"):
            spans = [(0, real.stat().st_size, 1)]
        else:
            spans = _line_spans(real, chunk_bytes, header=fmt != "nmea")
        chunks += [_Chunk(len(chunks) + i, given, str(real), *s) for i, s in enumerate(spans)]
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

def _decode(chunks: list[_Chunk], staging: Path | None, fmt: str, options: dict,
            dask_scheduler, progress: bool | None) -> list:
    """Decode every chunk in parallel: stage its positions in ``staging`` and return small
    summaries, or (``staging`` None) return each chunk's :class:`tumen.ais.AisData`."""
    if staging is None:
        task, extra = dask.delayed(_read_chunk, pure=True), ()
    else:
        task, extra = dask.delayed(_stage_chunk, pure=True), (str(staging),)
    tasks = [task(c, fmt, options, *extra) for c in chunks]
    show = progress if progress is not None else (len(chunks) > 1 and sys.stderr.isatty())
    with ais_dask.use_scheduler(dask_scheduler, default=_local_scheduler(fmt, len(chunks))) \
            as scheduler:
        return _run_with_progress(tasks, scheduler, show, f"decoding {fmt}")


def _local_scheduler(fmt: str, n_chunks: int) -> str:
    """Processes for NMEA (pyais holds the GIL), threads for tabular inputs, nothing for
    one chunk."""
    if n_chunks <= 1:
        return "sync"
    return "processes" if fmt == "nmea" else "threads"


def _run_with_progress(tasks: list, scheduler, show: bool, desc: str) -> list:
    """Compute delayed tasks, with a tqdm bar per finished task when ``show``."""
    if isinstance(scheduler, str):
        bar = contextlib.nullcontext()
        if show:
            from tqdm.dask import TqdmCallback

            bar = TqdmCallback(desc=desc, unit="task")
        with bar:
            return list(ais_dask._compute_on(scheduler, tasks)[0])
    futures = scheduler.compute(tasks)
    if show:
        from distributed import as_completed
        from tqdm import tqdm

        for _ in tqdm(as_completed(futures), total=len(futures), desc=desc, unit="chunk"):
            pass
    return scheduler.gather(futures)


def _read_chunk(chunk: _Chunk, fmt: str, options: dict) -> ais.AisData:
    """Decode one chunk into an :class:`tumen.ais.AisData`."""
    if fmt == "nmea":
        return _decode_nmea_chunk(chunk, options["max_fragment_lines"])
    if fmt == "parquet":
        return _read_parquet_chunk(chunk, options["columns"])
    return _read_csv_chunk(chunk, options["columns"], options["time_format"])


def _stage_chunk(chunk: _Chunk, fmt: str, options: dict, staging: str) -> dict:
    """Decode one chunk; write its positions, sorted by MMSI, to ``staging``; return its
    vessels, skipped records and positions per MMSI."""
    data = _read_chunk(chunk, fmt, options)
    positions = data.positions
    order = np.argsort(positions["mmsi"].to_numpy(), kind="stable")
    out = Path(staging) / f"chunk-{chunk.index:06d}.parquet"
    _write_positions(_to_arrow(positions).take(order), out, row_group_size=_STAGING_ROW_GROUP)
    return {"positions": len(positions), "vessels": data.vessels, "skipped": data.skipped,
            "mmsi": positions["mmsi"].value_counts(sort=False)}


def _to_arrow(positions: pd.DataFrame) -> pa.Table:
    table = positions[ais.POSITION_COLUMNS].copy()
    table["time"] = table["time"].astype("datetime64[ns, UTC]")
    return pa.Table.from_pandas(table, schema=POSITION_SCHEMA, preserve_index=False)


def _decode_nmea_chunk(chunk: _Chunk, max_fragment_lines: int) -> ais.AisData:
    """Decode the chunk's lines plus enough lines either side for split messages."""
    if chunk.path.endswith(".gz"):
        with gzip.open(chunk.path, "rb") as fh:
            return ais.decode_nmea_lines(fh.read().split(b"\n"), chunk.source_file,
                                         max_fragment_lines=max_fragment_lines)
    overlap = (MAX_PARTS - 1) * max_fragment_lines
    with open(chunk.path, "rb") as fh:
        before = _lines_before(fh, chunk.start, overlap)
        fh.seek(chunk.start)
        data = fh.read(chunk.end - chunk.start)
        after = _lines_after(fh, chunk.end, overlap)
    own = data.split(b"\n")
    if data.endswith(b"\n"):
        own.pop()
    return decode_nmea_range(before + own + after, chunk.source_file,
                             start_line=chunk.first_line - len(before),
                             keep=(chunk.first_line, chunk.first_line + len(own)),
                             max_fragment_lines=max_fragment_lines)


def decode_nmea_range(lines: list[bytes], source_file: str, *, start_line: int,
                      keep: tuple[int, int], max_fragment_lines: int = 10) -> ais.AisData:
    """Decode NMEA lines, keeping only the records whose first line is in ``keep``.

    The lines outside ``keep`` are context: they let a multi-sentence message that starts
    inside ``keep`` be completed, and tell a later part inside ``keep`` that its message
    began before. Records are exactly those :func:`tumen.ais.decode_nmea_lines` gives for
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
        See :func:`tumen.ais.read_nmea`.

    Returns
    -------
    tumen.ais.AisData
    """
    lo, hi = keep
    # The decoder of tumen.ais, fed line by line; records are filtered by their first
    # line before its tables are built (see the module docstring).
    decoder = ais._NmeaDecoder(source_file, max_fragment_lines)
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


def _read_csv_chunk(chunk: _Chunk, columns: dict, time_format: str | None) -> ais.AisData:
    """:func:`tumen.ais.read_csv` on the header plus the chunk's rows."""
    with open(chunk.path, "rb") as fh:
        header = fh.readline()
        fh.seek(chunk.start)
        body = fh.read(chunk.end - chunk.start)
    data = ais.read_csv(io.BytesIO(header + body), columns, time_format=time_format)
    return _renamed(data, chunk.source_file, chunk.first_line - 2)


def _renamed(data: ais.AisData, source_file: str, shift: int) -> ais.AisData:
    """Set ``source_file`` and shift ``source_line`` (a chunk read as a file of its own)."""
    pos = data.positions.assign(source_file=source_file,
                                source_line=data.positions["source_line"] + shift)
    pos["source_file"] = pos["source_file"].astype("str")
    skipped = data.skipped.assign(source_file=source_file,
                                  source_line=data.skipped["source_line"] + shift)
    skipped["source_file"] = skipped["source_file"].astype("str")
    return ais.AisData(pos, data.vessels, skipped)


def _check_csv_header(given: str, real: Path, columns: dict, time_format) -> None:
    """Raise the errors :func:`tumen.ais.read_csv` raises for the file's header, naming it."""
    with open(real, "rb") as fh:
        header = fh.readline()
    try:
        ais.read_csv(io.BytesIO(header), columns, time_format=time_format)
    except DataError as exc:
        raise DataError(exc.message, file=given, line=exc.line, field=exc.field,
                        hint=exc.hint) from None


def _read_parquet_chunk(chunk: _Chunk, columns: dict | None) -> ais.AisData:
    """One row group of a Parquet positions table, validated like the other readers."""
    mapping = dict(columns or {})
    wanted = {c: mapping.get(c, c) for c in ais.POSITION_COLUMNS}
    try:
        pf = pq.ParquetFile(chunk.path)
        present = [c for c in wanted.values() if c in pf.schema_arrow.names]
        frame = pf.read_row_group(chunk.start, columns=present).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"cannot read Parquet file: {exc}".splitlines()[0],
                        file=chunk.source_file) from None
    frame = frame.rename(columns={v: k for k, v in wanted.items()})
    for col in ("mmsi", "time", "lat", "lon"):
        if col not in frame.columns:
            raise DataError(f"column {wanted[col]!r} (for {col}) is missing",
                            file=chunk.source_file, field=wanted[col],
                            hint="map it with the columns parameter")
    return _positions_from_frame(frame.reset_index(drop=True), chunk)


def _positions_from_frame(frame: pd.DataFrame, chunk: _Chunk) -> ais.AisData:
    """Normalise typed columns; reject rows by the rules of the other readers.

    The rules (and their order) are those of :mod:`tumen.ais`: time missing or implausible,
    MMSI invalid, position 'not available' (91/181), position invalid; speed, course and
    heading outside their ranges become NaN, an unknown navigational status 15.
    """
    n = len(frame)
    num = {c: (pd.to_numeric(frame[c], errors="coerce").to_numpy(float, na_value=np.nan)
               if c in frame.columns else np.full(n, np.nan))
           for c in ("mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status")}
    time, missing = _frame_times(frame["time"])
    lat, lon, mmsi = num["lat"], num["lon"], num["mmsi"]
    category = np.select(
        [time.isna().to_numpy() & missing, time.isna().to_numpy(),
         ~np.isfinite(mmsi) | (mmsi < 1) | (mmsi > 999_999_999) | (mmsi % 1 != 0),
         (lat == 91.0) | (lon == 181.0),
         ~np.isfinite(lat) | ~np.isfinite(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
         | ((lat == 0) & (lon == 0))],
        ["no_timestamp", "bad_timestamp", "mmsi_invalid", "position_not_available",
         "position_invalid"], "")
    line = (frame["source_line"].to_numpy("int64") if "source_line" in frame.columns
            else np.arange(chunk.first_line, chunk.first_line + n, dtype="int64"))
    source = (frame["source_file"].astype("str") if "source_file" in frame.columns
              else _repeated_text(chunk.source_file, n))
    ok = category == ""
    status = num["nav_status"]
    positions = pd.DataFrame({
        "mmsi": mmsi[ok].astype("int64"), "time": time[ok].array,
        "lat": lat[ok], "lon": lon[ok], "sog": _in_range(num["sog"][ok], 102.3),
        "cog": _in_range(num["cog"][ok], 360.0), "heading": _in_range(num["heading"][ok], 360.0),
        "nav_status": np.where((status[ok] >= 0) & (status[ok] <= 15) & (status[ok] % 1 == 0),
                               status[ok], 15).astype("int64"),
        "source_file": source[ok].reset_index(drop=True), "source_line": line[ok]})
    skipped = pd.DataFrame({"source_file": source[~ok].reset_index(drop=True),
                            "source_line": line[~ok], "category": category[~ok]})
    skipped = skipped.astype({"category": "str"}).sort_values(
        ["source_file", "source_line"], kind="stable", ignore_index=True)
    return ais.AisData(positions, ais.decode_nmea_lines([], "").vessels,
                       skipped)


def _repeated_text(text: str, n: int) -> pd.Series:
    """``n`` times ``text`` as a ``str`` Series, built by Arrow (no Python objects)."""
    codes = pa.array(np.zeros(n, np.int32))
    column = pa.DictionaryArray.from_arrays(codes, pa.array([text])).cast(pa.string())
    return pa.table({"s": column}).to_pandas()["s"]


def _frame_times(time: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Times as ``datetime64[ns, UTC]`` (NaT when implausible) and where they were missing."""
    missing = time.isna().to_numpy()
    if isinstance(time.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(time):
        time = pd.to_datetime(time, utc=True).astype("datetime64[ns, UTC]")
        lo, hi = pd.Timestamp("1970-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC")
        return time.where((time >= lo) & (time < hi)).reset_index(drop=True), missing
    text = time.astype(object).where(time.notna(), None)
    return ais.parse_times(text).reset_index(drop=True), missing


def _in_range(values: np.ndarray, limit: float) -> np.ndarray:
    """NaN outside ``0 <= v < limit`` (AIS 'not available')."""
    return np.where((values >= 0) & (values < limit), values, np.nan)


# --- writing the store ------------------------------------------------------------------

def _write_store(tmp: Path, parts: list[dict], rows_per_partition: int, dask_scheduler) -> dict:
    """Partition the staged positions by MMSI; write vessels, skipped; return counts."""
    empty = ais.decode_nmea_lines([], "").positions
    merged = ais.concat([ais.AisData(empty, p["vessels"], p["skipped"]) for p in parts])
    merged.vessels.to_parquet(tmp / "vessels.parquet", index=False)
    merged.skipped.to_parquet(tmp / "skipped.parquet", index=False)
    counts = pd.concat([pd.Series(dtype="int64")] + [p["mmsi"] for p in parts])
    counts = counts.groupby(level=0).sum().sort_index()
    bounds = get_mmsi_ranges(counts, rows_per_partition)
    (tmp / "positions").mkdir()
    task = dask.delayed(_write_partition, pure=True)
    tasks = [task(str(tmp / "staging"), lo, hi, str(tmp / "positions" / f"part.{i}.parquet"))
             for i, (lo, hi) in enumerate(bounds)]
    ais_dask.compute(tasks, dask_scheduler=dask_scheduler)
    n = int(counts.sum())
    categories = {"position": n}
    categories.update(merged.skipped["category"].value_counts().sort_index().to_dict())
    return {"positions": n, "partitions": len(bounds), "ranges": bounds,
            "categories": {k: int(v) for k, v in categories.items()}}


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
    import pyarrow.dataset as pads

    files = sorted(str(f) for f in Path(staging).glob("chunk-*.parquet"))
    mmsi = pads.field("mmsi")
    table = pads.dataset(files, schema=POSITION_SCHEMA, format="parquet").to_table(
        filter=(mmsi >= lo) & (mmsi < hi))
    files_rank = _rank_arrow(table["source_file"])
    order = _reader_order(table["mmsi"].to_numpy(), table["time"].cast(pa.int64()).to_numpy(),
                          files_rank, table["source_line"].to_numpy())
    _write_positions(table.take(order), out)
    return table.num_rows


def _write_positions(table: pa.Table, out: str | Path, **options) -> None:
    """Write a positions table (dictionary encoding for the file names only: faster)."""
    pq.write_table(table, out, use_dictionary=["source_file"], **options)


def _reader_order(mmsi, time_ns, files_rank, line) -> np.ndarray:
    """Row order by ``mmsi, time, source_file, source_line``, as
    :func:`tumen.ais.sort_positions` sorts (stable), from integer keys."""
    return np.lexsort((line, files_rank, time_ns, mmsi))


def _rank_arrow(column: pa.ChunkedArray) -> np.ndarray:
    """Each text's rank among the distinct texts in sorted order (as pandas sorts them)."""
    encoded = column.combine_chunks().dictionary_encode()
    words = encoded.dictionary.to_pylist()
    rank = np.empty(len(words), np.int64)
    rank[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
    return rank[encoded.indices.to_numpy(zero_copy_only=False)]


def _sort_like_readers(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`tumen.ais.sort_positions` with integer keys only (faster, same order)."""
    order = _reader_order(frame["mmsi"].to_numpy(), frame["time"].array.asi8,
                          pd.factorize(frame["source_file"], sort=True)[0],
                          frame["source_line"].to_numpy())
    return frame.take(order).reset_index(drop=True)


def _part_files(store_path: Path) -> list[Path]:
    files = sorted((store_path / "positions").glob("part.*.parquet"),
                   key=lambda f: int(f.name.split(".")[1]))
    return files


def _read_vessels(path: Path) -> pd.DataFrame:
    vessels = pd.read_parquet(path)
    vessels["imo"] = vessels["imo"].astype("Int64")
    for c in ("name", "callsign", "ship_type"):
        vessels[c] = vessels[c].astype(object).where(vessels[c].notna(), None)
    for c in ("first_seen", "last_seen"):
        vessels[c] = vessels[c].astype("datetime64[ns, UTC]")
    return vessels[ais.VESSEL_COLUMNS]


def _publish(tmp: Path, target: Path) -> None:
    """Move a finished store into place (another process may have been first)."""
    try:
        os.replace(tmp, target)
    except OSError:
        if not (target / "manifest.json").is_file():
            shutil.rmtree(target, ignore_errors=True)
            os.replace(tmp, target)


def _prune_superseded(root: Path, store: AisStore) -> None:
    """Remove older stores of the same input paths, format and options."""
    same = (store.manifest["format"], store.manifest["options"],
            [i["path"] for i in store.manifest["inputs"]])
    for other in root.iterdir():
        if other == store.path or not (other / "manifest.json").is_file():
            continue
        try:
            m = json.loads((other / "manifest.json").read_text())
        except (OSError, ValueError):
            continue
        if (m.get("format"), m.get("options"), [i["path"] for i in m.get("inputs", [])]) == same:
            shutil.rmtree(other, ignore_errors=True)
