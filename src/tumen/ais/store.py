"""Ingest AIS archives once into a Parquet store partitioned by vessel, and reuse it.

A season of regional AIS is tens of millions of positions in NMEA or CSV; decoding it
takes minutes, so it is done once. :func:`ingest` converts the input files (raw NMEA,
Danish-Maritime-Authority CSV, generic CSV with a column map, or a Parquet positions
table) into ``build/ais-cache/<key>/``, where ``<key>`` is the sha256 of the inputs'
contents, their paths as given, the reading options and the decoding code. The same
inputs give the same key, so a second call returns the store at once; a changed input
gives a new key, a new store, and the superseded one is removed.

The store holds the tables of :class:`tumen.ais.records.AisData`:

``positions/part.N.parquet``  the positions table (schema of :mod:`tumen.ais.records`), range
                              partitioned by MMSI: each vessel's reports lie in one file,
                              sorted by ``mmsi, time, source_file, source_line``;
``vessels.parquet``           the static records, merged over all inputs;
``skipped.parquet``           every record not in ``positions``, by category (the
                              data-quality tallies of :func:`tumen.ais.clean.get_quality_table`);
``manifest.json``             inputs (path, bytes, sha256), options, counts per category,
                              the MMSI range ``[lo, hi)`` of each positions file.

Decoding runs in parallel with Dask over chunks of each file (about ``chunk_bytes`` each,
cut at line ends; multi-sentence NMEA messages across chunk boundaries are assembled, see
:mod:`tumen.ais.chunks`), so the store equals what :func:`tumen.ais.readers.read_ais` reads,
record for record, however the files are cut. Each chunk is staged as Parquet sorted by
MMSI; the MMSI axis is then cut into ranges of about ``rows_per_partition`` positions
(exact counts from the decoded chunks, a vessel never split), and one Dask task per range
reads its vessels from the staged chunks (a Parquet filter on ``mmsi``), sorts them and
writes one file, so memory stays bounded by a partition. Input hashes are remembered in
``<cache>/sha256.json`` by path, size and modification time, so an unchanged archive is
not read again to find its key. On a cluster, the workers must see the input files and
the cache directory at the same paths (a shared file system).

>>> store = ingest(["data/ais/2023-09.nmea"], "nmea")         # doctest: +SKIP
>>> store.get_positions([273000001])   # one vessel: only its file is read  # doctest: +SKIP
>>> store.get_quality_table()                                  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import pyarrow.parquet as pq

from tumen import paths as project_paths
from tumen.ais import chunk_decode as ais_chunk_decode
from tumen.ais import chunks as ais_chunks
from tumen.ais import clean as ais_clean
from tumen.ais import fast as ais_fast
from tumen.ais import fast_fields as ais_fast_fields
from tumen.ais import nmea as ais_nmea
from tumen.ais import readers as ais_readers
from tumen.ais import records as ais_records
from tumen.ais import sentences as ais_sentences
from tumen.ais import store_write as ais_store_write
from tumen.ais import timecols as ais_timecols
from tumen.errors import DataError

#: Bumped whenever the store layout changes (old stores are then rebuilt).
STORE_VERSION = 1
#: Arrow schema of the positions table (:data:`tumen.ais.records.POSITION_COLUMNS`).
_BLOCK = 1 << 20
#: The modules whose code decides what a store holds: their source is part of the cache key.
DECODING_MODULES = (
    ais_records,
    ais_timecols,
    ais_sentences,
    ais_nmea,
    ais_readers,
    ais_clean,
    ais_fast,
    ais_fast_fields,
    ais_chunk_decode,
    ais_chunks,
    ais_store_write,
)


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
        per category, as in :data:`tumen.ais.records.CATEGORIES`).
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
        """The vessels table of :class:`tumen.ais.records.AisData`."""
        return _read_vessels(self.path / "vessels.parquet")

    @property
    def skipped(self) -> pd.DataFrame:
        """The skipped table of :class:`tumen.ais.records.AisData`."""
        skipped = pd.read_parquet(self.path / "skipped.parquet")
        return skipped.astype({"source_file": "str", "source_line": "int64", "category": "str"})

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
        cols = [c for c in (columns or ais_records.POSITION_COLUMNS) if c != "mmsi"]
        files = [str(f) for f in _part_files(self.path)]
        ranges = self.manifest["ranges"]
        divisions = [lo for lo, _ in ranges] + [max(ranges[-1][1] - 1, ranges[-1][0])]
        return dd.from_map(
            read_partition,
            files,
            columns=cols,
            divisions=divisions,
            meta=read_partition(files[0], cols).iloc[:0],
            label="read-ais-store",
            enforce_metadata=False,
        )

    def to_ais_data(self) -> ais_records.AisData:
        """The whole store in memory as an :class:`tumen.ais.records.AisData` (small stores only)."""
        positions = self.get_positions()
        return ais_records.AisData(positions, self.vessels, self.skipped)

    def get_positions(
        self, mmsi: Iterable[int] | None = None, columns: Iterable[str] | None = None
    ) -> pd.DataFrame:
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
        """The data-quality table of :func:`tumen.ais.clean.get_quality_table` for the store.

        Counts come from the manifest; examples (``file:line``) from the skipped table and
        the first positions file.
        """
        head = pq.read_table(
            _part_files(self.path)[0], columns=["source_file", "source_line"]
        ).slice(0, examples)
        table = ais_clean.get_quality_table(
            ais_records.AisData(head.to_pandas(), self.vessels, self.skipped), examples
        )
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


def ingest(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    fmt: str = "nmea",
    columns: Mapping[str, str] | None = None,
    *,
    time_format: str | None = None,
    max_fragment_lines: int = 10,
    cache_dir: str | os.PathLike | None = None,
    chunk_bytes: int = 8 << 20,
    rows_per_partition: int = 2_000_000,
    dask_scheduler=None,
    progress: bool | None = None,
) -> AisStore:
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
        :func:`tumen.ais.readers.read_csv`).
    time_format : str, optional
        For ``csv``: ``strftime`` format of the time column.
    max_fragment_lines : int
        See :func:`tumen.ais.nmea.read_nmea`.
    cache_dir : path, optional
        Where stores live (default ``build/ais-cache`` of the project).
    chunk_bytes : int
        Size of one decoding task, bytes (cut at the next line end).
    rows_per_partition : int
        Target rows per positions file.
    dask_scheduler : optional
        Where to run (see :mod:`tumen.ais.dask_ops`); default: decoding in a local process
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
    files = ais_chunks.get_input_files(paths)
    columns, time_format = ais_chunks.get_format_options(fmt, columns, time_format)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    options = {
        "columns": columns,
        "time_format": time_format,
        "max_fragment_lines": max_fragment_lines,
    }
    inputs = [
        {"path": given, "bytes": real.stat().st_size, "sha256": _file_sha256(real, root)}
        for given, real in files
    ]
    key = get_cache_key(inputs, fmt, options)
    target = root / key
    if (target / "manifest.json").is_file():
        return open_store(target)
    ais_chunks.check_csv_headers(files, fmt, columns, time_format)
    chunks = ais_chunks.plan_chunks(files, fmt, chunk_bytes)
    manifest = {"key": key, "version": STORE_VERSION, "format": fmt, "options": options}
    manifest.update(inputs=inputs, chunks=len(chunks))
    _build(
        root / f"{key}.tmp-{os.getpid()}",
        target,
        chunks,
        manifest,
        rows_per_partition,
        dask_scheduler,
        progress,
    )
    _prune_superseded(root, open_store(target))
    return open_store(target)


def _build(
    tmp: Path,
    target: Path,
    chunks: list,
    manifest: dict,
    rows_per_partition: int,
    dask_scheduler,
    progress,
) -> None:
    """Decode the chunks into the store directory ``tmp``, then move it to ``target``.

    Every file is written inside ``tmp`` (Parquet files by pyarrow, ``manifest.json`` last);
    the directory is published whole by :func:`_publish` (:func:`os.replace` of a directory,
    which :func:`tumen.paths.atomic_write`, for single files, does not cover)."""
    fmt, options = manifest["format"], manifest["options"]
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "staging").mkdir(parents=True)
    try:
        stage = functools.partial(ais_store_write.stage_chunk, staging=str(tmp / "staging"))
        parts = ais_chunks.decode_chunks(
            chunks, fmt, options, task=stage, dask_scheduler=dask_scheduler, progress=progress
        )
        written = ais_store_write.write_store(tmp, parts, rows_per_partition, dask_scheduler)
        _write_json(tmp / "manifest.json", {**written, **manifest})
        shutil.rmtree(tmp / "staging")
        _publish(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
        raise DataError(
            "not an AIS store (no readable manifest.json)",
            file=path,
            hint="create it with tumen.ais.store.ingest",
        ) from None
    return AisStore(path, manifest)


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
    for module in (*DECODING_MODULES, sys.modules[__name__]):
        code.update(Path(module.__file__).read_bytes())
    blob = {
        "version": STORE_VERSION,
        "format": fmt,
        "options": dict(options),
        "inputs": [[i["path"], i["sha256"]] for i in inputs],
        "code": code.hexdigest(),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


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
    project_paths.atomic_write(
        path, json.dumps(value, indent=1, sort_keys=True, default=str) + "\n"
    )


def _part_files(store_path: Path) -> list[Path]:
    files = sorted(
        (store_path / "positions").glob("part.*.parquet"), key=lambda f: int(f.name.split(".")[1])
    )
    return files


def _read_vessels(path: Path) -> pd.DataFrame:
    vessels = pd.read_parquet(path)
    vessels["imo"] = vessels["imo"].astype("Int64")
    for c in ("name", "callsign", "ship_type"):
        vessels[c] = vessels[c].astype(object).where(vessels[c].notna(), None)
    for c in ("first_seen", "last_seen"):
        vessels[c] = vessels[c].astype("datetime64[ns, UTC]")
    return vessels[ais_records.VESSEL_COLUMNS]


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
    same = (
        store.manifest["format"],
        store.manifest["options"],
        [i["path"] for i in store.manifest["inputs"]],
    )
    for other in root.iterdir():
        if other == store.path or not (other / "manifest.json").is_file():
            continue
        try:
            m = json.loads((other / "manifest.json").read_text())
        except (OSError, ValueError):
            continue
        if (m.get("format"), m.get("options"), [i["path"] for i in m.get("inputs", [])]) == same:
            shutil.rmtree(other, ignore_errors=True)
