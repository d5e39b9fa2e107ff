"""Decode one chunk of an AIS file: the task every parallel read runs.

This module owns what one Dask task of :mod:`tumen.ais.chunks` does with its :class:`Chunk`
(bytes ``[start, end)`` of a file, or a Parquet row group): NMEA lines decoded with the
lines either side as context, so that a multi-sentence message across a chunk boundary is
still assembled (:func:`decode_nmea_range`), CSV rows read with the header by
:func:`tumen.ais.readers.read_csv`, and Parquet positions checked by the rules of
:func:`tumen.ais.records.assemble` (:func:`read_chunk`). Line numbers stay those of the
whole file.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tumen.ais import fast as ais_fast
from tumen.ais import nmea as ais_nmea
from tumen.ais import readers as ais_readers
from tumen.ais import records as ais_records
from tumen.ais import sentences as ais_sentences
from tumen.ais import timecols as ais_timecols
from tumen.errors import DataError

#: Parts an NMEA message can have (the fragment count is one digit).
MAX_PARTS = 9
#: Bytes read at a time when looking for line ends.
BLOCK = 1 << 20


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


def read_chunk(chunk: Chunk, fmt: str, options: dict) -> ais_records.AisData:
    """Decode one chunk into an :class:`tumen.ais.records.AisData`."""
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
    began before. Records are exactly those :func:`tumen.ais.nmea.decode_nmea_lines` gives for
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
        See :func:`tumen.ais.nmea.read_nmea`.
    engine : {"numpy", "pyais"}
        The vectorised decoder of :mod:`tumen.ais.fast` (default) or the line-by-line pyais
        decoder of :mod:`tumen.ais.sentences`; see :func:`tumen.ais.nmea.read_nmea`.

    Returns
    -------
    tumen.ais.records.AisData
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
    # The decoder of tumen.ais.sentences, fed line by line; records are filtered by their first
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
        step = min(BLOCK, at)
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
    while buf.count(b"\n") < n and (block := fh.read(BLOCK)):
        buf += block
    return buf.split(b"\n")[:n] if buf else []


def _read_csv_chunk(chunk: Chunk, columns: dict, time_format: str | None) -> ais_records.AisData:
    """:func:`tumen.ais.readers.read_csv` on the header plus the chunk's rows."""
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

    The rules (and their order) are those of :func:`tumen.ais.records.assemble`: time missing or implausible,
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
    category = _rejections(time.isna().to_numpy(), missing, mmsi, lat, lon)
    line = (
        frame["source_line"].to_numpy("int64")
        if "source_line" in frame.columns
        else np.arange(chunk.first_line, chunk.first_line + n, dtype="int64")
    )
    source = (
        frame["source_file"].astype("str")
        if "source_file" in frame.columns
        else to_texts(np.zeros(n, np.int32), [chunk.source_file])
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


def _rejections(bad_time, missing, mmsi, lat, lon) -> np.ndarray:
    """Each row's rejection category ('' when kept), the first rule that applies."""
    return np.select(
        [
            bad_time & missing,
            bad_time,
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


def to_texts(codes: np.ndarray, words: list[str]) -> pd.Series:
    """``words[codes]`` as a ``str`` Series, built by Arrow (no Python objects)."""
    column = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(words, pa.string())
    ).cast(pa.string())
    return pa.table({"s": column}).to_pandas()["s"]
