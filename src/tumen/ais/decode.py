"""Read AIS position reports into one positions table, account for every rejected record.

AIS (the Automatic Identification System) is what ships broadcast about themselves: who
they are (MMSI, name, IMO number, call sign) and where they are. This module reads three
kinds of AIS files and normalises them to the same tables:

- raw NMEA 0183 ``!AIVDM``/``!AIVDO`` sentences (:func:`read_nmea`), timed by NMEA 4 tag
  blocks (``\\c:<epoch>*hh\\``) or by a leading ISO 8601 / epoch field; multi-sentence
  messages (type 5) are assembled by channel and sequence id. By default the vectorised
  decoder of :mod:`tumen.ais.fast` decodes them (handing pyais what it does not
  vectorise); ``engine="pyais"`` decodes line by line with pyais, with identical tables;
- Danish-Maritime-Authority-style CSV (:func:`read_dma_csv`);
- any CSV with a column map (:func:`read_csv`).

Each reader returns an :class:`AisData`:

``positions``  one row per accepted position report, sorted by ``mmsi, time``:
               ``mmsi`` (int64), ``time`` (``datetime64[ns, UTC]``, time zone aware),
               ``lat``, ``lon`` (float64 degrees, WGS 84), ``sog`` (float64 knots, NaN when
               not available), ``cog`` (float64 degrees true, NaN when not available),
               ``heading`` (float64 degrees true, NaN when not available), ``nav_status``
               (int64 ITU-R M.1371 code, 15 = not defined), ``source_file`` (str) and
               ``source_line`` (int64, 1-based line of the record in its file).
``vessels``    one row per distinct static record (type 5, 19, 24 or CSV static columns):
               ``mmsi`` (int64), ``name``, ``callsign`` (str or None), ``imo`` (Int64),
               ``ship_type`` (text as the source gives it: the AIS code such as ``"70"``
               from NMEA, a word such as ``"Cargo"`` from DMA files), ``first_seen``,
               ``last_seen`` (UTC), ``records`` (int64). Names and call signs are the raw
               text ships broadcast (anyone can type anything into a transponder): they are
               kept as text, never interpreted; escape them where they are displayed.
``skipped``    one row per record that is not in ``positions``: ``source_file``,
               ``source_line``, ``category`` (see :data:`CATEGORIES`; static-only records
               kept in ``vessels`` appear as ``static``).

Row-level noise (bad checksums, junk, impossible positions) is counted in ``skipped``,
never silently dropped and never fatal; :func:`get_quality_table` summarises it. A record
is one decoded message (one or more NMEA lines, named by its first line) or one CSV row;
a line that cannot be assembled into a message counts as one record.

>>> data = read_nmea("tests/fixtures/ais/shuttle.nmea")        # doctest: +SKIP
>>> data = clean(data, max_speed_kn=50.0)                      # doctest: +SKIP
>>> get_quality_table(data)                                    # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from pyais.exceptions import UnknownMessageException
from pyais.messages import AISSentence, NMEASentenceFactory, TagBlock

from tumen.errors import DataError
from tumen.geo.earth import KM_PER_NM, haversine_km

POSITION_COLUMNS = [
    "mmsi",
    "time",
    "lat",
    "lon",
    "sog",
    "cog",
    "heading",
    "nav_status",
    "source_file",
    "source_line",
]
VESSEL_COLUMNS = [
    "mmsi",
    "name",
    "imo",
    "callsign",
    "ship_type",
    "first_seen",
    "last_seen",
    "records",
]
SKIPPED_COLUMNS = ["source_file", "source_line", "category"]

#: Every category a record can fall into, with its status and a one-line meaning.
CATEGORIES = {
    "position": ("kept", "position report in the positions table"),
    "static": ("kept", "static report (name, IMO, call sign) in the vessels table"),
    "jump": (
        "flagged",
        "position report (counted above) whose position implies an impossible "
        "speed; marked as a jump and left out of the analysis",
    ),
    "other_type": ("not used", "valid message of a type this analysis does not use"),
    "duplicate": ("removed", "exact repeat of an earlier report (same vessel, time, values)"),
    "junk": ("rejected", "not an NMEA sentence (text, binary bytes)"),
    "not_ais": ("rejected", "an NMEA sentence that is not AIS (e.g. $GPGGA)"),
    "malformed": ("rejected", "NMEA sentence with missing or unreadable fields (truncated)"),
    "bad_checksum": ("rejected", "NMEA checksum does not match the sentence"),
    "bad_tag_block": ("rejected", "tag block checksum wrong or tag block unreadable"),
    "bad_payload": ("rejected", "payload has characters outside the AIS 6-bit alphabet"),
    "truncated_payload": ("rejected", "payload too short for its message type"),
    "unknown_type": ("rejected", "message type not defined by ITU-R M.1371 (not 1-27)"),
    "multipart_incomplete": ("rejected", "first part(s) of a multi-sentence message, rest missing"),
    "multipart_orphan": ("rejected", "later part of a multi-sentence message, start missing"),
    "no_timestamp": ("rejected", "no tag block time and no leading time field"),
    "bad_timestamp": ("rejected", "time field unreadable or outside 1970-2099"),
    "mmsi_invalid": ("rejected", "MMSI missing, zero or longer than nine digits"),
    "position_not_available": ("rejected", "latitude 91 or longitude 181 (AIS 'not available')"),
    "position_invalid": ("rejected", "latitude/longitude out of range, not a number, or 0,0"),
}

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})

_LINE_RE = re.compile(
    rb"^(?P<prefix>[^\\!$]*?)[\s,;]*(?:\\(?P<tag>[^\\]*)\\)?(?P<sentence>[!$].*)$", re.S
)
_ARMOR_RE = re.compile(rb"^[0-W`-w]+$")  # the AIS 6-bit ASCII armouring alphabet
_EPOCH_MAX = 4102444800.0  # 2100-01-01T00:00:00Z

_DMA_STATUS = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted maneuverability": 3,
    "restricted manoeuvrability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "reserved for future amendment [hsc]": 9,
    "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11,
    "power-driven vessel pushing ahead or towing alongside": 12,
    "reserved for future use": 13,
    "ais-sart": 14,
    "unknown value": 15,
    "unknown": 15,
}
#: Column map of Danish Maritime Authority CSV files (our name -> their column).
DMA_COLUMNS = {
    "time": "# Timestamp",
    "mmsi": "MMSI",
    "lat": "Latitude",
    "lon": "Longitude",
    "sog": "SOG",
    "cog": "COG",
    "heading": "Heading",
    "nav_status": "Navigational status",
    "name": "Name",
    "imo": "IMO",
    "callsign": "Callsign",
    "ship_type": "Ship type",
    "mobile_type": "Type of mobile",
}
DMA_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
_CSV_REQUIRED = ("time", "mmsi", "lat", "lon")
_CSV_OPTIONAL = (
    "sog",
    "cog",
    "heading",
    "nav_status",
    "name",
    "imo",
    "callsign",
    "ship_type",
    "mobile_type",
)
_NOT_AVAILABLE_TEXT = {"", "unknown", "undefined", "n/a", "na", "nan", "none"}


@dataclass(frozen=True)
class AisData:
    """The tables one or more AIS files normalise to (see the module docstring).

    Attributes
    ----------
    positions : pandas.DataFrame
        Accepted position reports, columns :data:`POSITION_COLUMNS` (plus any added later,
        e.g. ``is_jump``), sorted by ``mmsi, time``.
    vessels : pandas.DataFrame
        Distinct static records, columns :data:`VESSEL_COLUMNS`.
    skipped : pandas.DataFrame
        Every record not in ``positions`` (including static-only records, category
        ``static``), columns :data:`SKIPPED_COLUMNS`.
    """

    positions: pd.DataFrame
    vessels: pd.DataFrame
    skipped: pd.DataFrame


# --- geometry -------------------------------------------------------------------------


# --- NMEA -----------------------------------------------------------------------------


def read_nmea(
    path: str | os.PathLike, *, max_fragment_lines: int = 10, engine: str = "numpy"
) -> AisData:
    """Read a file of raw NMEA 0183 AIS sentences (optionally gzip-compressed, ``.gz``).

    Parameters
    ----------
    path : str or path-like
        The file; one sentence per line, each timed by a tag block ``\\c:<epoch s>*hh\\``
        or a leading ISO 8601 / epoch-seconds field (``2023-09-01T00:00:00Z !AIVDM,...``).
        The path is stored as given in ``source_file``: pass it relative to the project.
    max_fragment_lines : int
        The parts of one multi-sentence message must lie within this many lines of each
        other; a part further away starts over (the earlier parts count as incomplete).
    engine : {"numpy", "pyais"}
        ``"numpy"`` (the default): the vectorised decoder of :mod:`tumen.ais.fast` (NumPy
        and the compiled kernels of :mod:`tumen.ais.kernels`), which hands every line and
        message it does not vectorise to pyais; ``"pyais"``: every
        line through pyais, one at a time (the reference the first is tested against).
        Both give identical tables.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        When the file is missing or unreadable (bad content is counted, never raised).
    """
    try:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise DataError(
            "AIS file not found", file=path, hint="check the AIS path in the parameters"
        ) from None
    except OSError as exc:
        raise DataError(f"cannot read AIS file: {exc}", file=path) from None
    if engine == "numpy":
        from tumen.ais import fast as ais_fast

        return ais_fast.decode_buffer(raw, str(path), max_fragment_lines=max_fragment_lines)
    return decode_nmea_lines(
        raw.split(b"\n"), str(path), max_fragment_lines=max_fragment_lines, engine=_engine(engine)
    )


def decode_nmea_lines(
    lines: Iterable[bytes | str],
    source_file: str,
    *,
    start_line: int = 1,
    max_fragment_lines: int = 10,
    engine: str = "numpy",
) -> AisData:
    """Decode NMEA lines (already read) into an :class:`AisData`.

    Parameters
    ----------
    lines : iterable of bytes or str
        One sentence per item, as in a file (blank items are ignored).
    source_file : str
        Name stored in ``source_file``.
    start_line : int
        Line number of the first item (for reading a file in chunks).
    max_fragment_lines : int
        See :func:`read_nmea`.
    engine : {"numpy", "pyais"}
        See :func:`read_nmea`.

    Returns
    -------
    AisData
    """
    lines = [
        line.encode("utf-8", "surrogateescape") if isinstance(line, str) else line for line in lines
    ]
    # (no lines: the empty tables, without starting the compiled decoder)
    if _engine(engine) == "numpy" and lines and not any(b"\n" in line for line in lines):
        from tumen.ais import fast as ais_fast

        return ais_fast.decode_buffer(
            b"\n".join(lines),
            source_file,
            start_line=start_line,
            max_fragment_lines=max_fragment_lines,
        )
    decoder = _NmeaDecoder(source_file, max_fragment_lines)
    for number, line in enumerate(lines, start_line):
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogateescape")
        decoder.feed(number, line)
    return decoder.finish()


def _engine(engine: str) -> str:
    if engine not in ("numpy", "pyais"):
        raise DataError(
            f"unknown NMEA decoder engine {engine!r}", field="engine", hint="use numpy or pyais"
        )
    return engine


class _NmeaDecoder:
    """Per-sentence state machine: splits lines, assembles fragments, collects rows."""

    def __init__(self, source_file: str, max_fragment_lines: int):
        self.source_file = source_file
        self.max_gap = max_fragment_lines
        self.positions: list[tuple] = []
        self.statics: list[tuple] = []
        self.skipped: list[tuple[int, str]] = []
        self.pending: dict[tuple, dict] = {}

    def feed(self, number: int, line: bytes) -> None:
        """Classify one line and decode it, or file it under a skipped category."""
        line = line.strip()
        if not line:
            return
        m = _LINE_RE.match(line)
        if m is None:
            self.skipped.append((number, "junk"))
            return
        stamp = self._timestamp(m.group("prefix"), m.group("tag"))
        if stamp is False:
            self.skipped.append((number, "bad_tag_block"))
            return
        sentence, category = _parse_sentence(m.group("sentence"))
        if category:
            self.skipped.append((number, category))
        elif sentence.frag_cnt == 1:
            self._decode([number], [sentence], stamp)
        else:
            self._add_fragment(number, sentence, stamp)

    @staticmethod
    def _timestamp(prefix: bytes, tag: bytes | None):
        """Return the raw time text (tag block ``c`` first), None when absent, False when
        the tag block is bad."""
        if tag is not None:
            try:
                block = TagBlock(tag)
                block.init()
                valid, stamp = block.is_valid, block.receiver_timestamp
            except Exception:  # noqa: BLE001 - hostile bytes; any failure is a bad block
                return False
            if not valid:
                return False
            if stamp is not None:
                return stamp
        prefix = prefix.strip(b" \t,;")
        return prefix.decode("latin-1") if prefix else None

    def _add_fragment(self, number: int, sentence: AISSentence, stamp) -> None:
        key = (sentence.channel, sentence.seq_id, sentence.frag_cnt)
        part = self.pending.get(key)
        if sentence.frag_num == 1:
            if part is not None:
                self.skipped.append((part["lines"][0], "multipart_incomplete"))
            self.pending[key] = {"lines": [number], "parts": [sentence], "stamp": stamp}
            return
        if (
            part is None
            or len(part["parts"]) + 1 != sentence.frag_num
            or number - part["lines"][-1] > self.max_gap
        ):
            if part is not None:
                self.skipped.append((part["lines"][0], "multipart_incomplete"))
                del self.pending[key]
            self.skipped.append((number, "multipart_orphan"))
            return
        part["lines"].append(number)
        part["parts"].append(sentence)
        part["stamp"] = part["stamp"] or stamp
        if sentence.frag_num == sentence.frag_cnt:
            del self.pending[key]
            self._decode(part["lines"], part["parts"], part["stamp"])

    def _decode(self, lines: list[int], parts: list[AISSentence], stamp) -> None:
        """Decode one complete message and keep its position and/or static fields."""
        first = lines[0]
        try:
            sentence = AISSentence.assemble_from_iterable(parts)
            msg_type = sentence.ais_id
            if not 1 <= msg_type <= 27:
                self.skipped.append((first, "unknown_type"))
                return
            if msg_type not in POSITION_TYPES and msg_type not in STATIC_TYPES:
                self.skipped.append((first, "other_type"))
                return
            msg = sentence.decode()
        except UnknownMessageException:
            self.skipped.append((first, "unknown_type"))
            return
        except Exception:  # noqa: BLE001 - pyais raises many kinds on hostile payloads
            self.skipped.append((first, "malformed"))
            return
        if msg_type in POSITION_TYPES:
            row = _position_fields(msg, msg_type)
            if row is None:
                self.skipped.append((first, "truncated_payload"))
                return
            self.positions.append((*row, stamp, first))
        if msg_type in STATIC_TYPES:
            row = _static_fields(msg, msg_type)
            if row is None:
                if msg_type not in POSITION_TYPES:
                    self.skipped.append((first, "truncated_payload"))
                return
            self.statics.append((*row, stamp, first))

    def finish(self) -> AisData:
        """Count unfinished messages and build the tables (vectorised from here on)."""
        for part in self.pending.values():
            self.skipped.append((part["lines"][0], "multipart_incomplete"))
        self.pending = {}
        pos = pd.DataFrame(
            self.positions,
            columns=[
                "mmsi",
                "lat",
                "lon",
                "sog",
                "cog",
                "heading",
                "nav_status",
                "time_text",
                "source_line",
            ],
        )
        pos["time"], pos["time_missing"] = parse_times(pos["time_text"]), pos["time_text"].isna()
        pos["source_file"] = self.source_file
        sta = pd.DataFrame(
            self.statics,
            columns=["mmsi", "name", "imo", "callsign", "ship_type", "time_text", "source_line"],
        )
        sta["time"], sta["time_missing"] = parse_times(sta["time_text"]), sta["time_text"].isna()
        sta["source_file"] = self.source_file
        skipped = _skipped_frame(self.source_file, self.skipped)
        return _assemble(pos, sta, skipped)


def _parse_sentence(text: bytes) -> tuple[AISSentence | None, str | None]:
    """Parse one sentence with pyais; return ``(sentence, None)`` or ``(None, category)``."""
    try:
        sentence = NMEASentenceFactory.produce(text)
    except UnknownMessageException:
        return None, "not_ais" if re.match(rb"^[!$][A-Z]{5},", text) else "junk"
    except Exception:  # noqa: BLE001 - any parse failure of hostile text is "malformed"
        return None, "malformed"
    if not isinstance(sentence, AISSentence):
        return None, "not_ais"
    if not sentence.is_valid:
        return None, "bad_checksum"
    if not _ARMOR_RE.match(sentence.payload):
        return None, "bad_payload" if sentence.payload else "malformed"
    return sentence, None


def _position_fields(msg, msg_type: int) -> tuple | None:
    """Return ``(mmsi, lat, lon, sog, cog, heading, status)`` or None when truncated."""
    mmsi, lat, lon = msg.mmsi, msg.lat, msg.lon
    if mmsi is None or lat is None or lon is None:
        return None
    sog, cog = msg.speed, msg.course
    heading = getattr(msg, "heading", None)
    status = getattr(msg, "status", None)
    if msg_type == 27:  # long-range: whole knots (63 = n/a) and degrees (511 = n/a)
        sog = None if sog is None or sog >= 63 else sog
    return (mmsi, lat, lon, sog, cog, heading, None if status is None else int(status))


def _static_fields(msg, msg_type: int) -> tuple | None:
    """Return ``(mmsi, name, imo, callsign, ship_type)`` or None when truncated."""
    if msg.mmsi is None:
        return None
    name = getattr(msg, "shipname", None)
    callsign = getattr(msg, "callsign", None)
    imo = getattr(msg, "imo", None)
    ship_type = getattr(msg, "ship_type", None)
    if msg_type == 5 and (name is None or imo is None):
        return None
    ship_type = None if ship_type is None or int(ship_type) == 0 else str(int(ship_type))
    return (msg.mmsi, name or None, imo or None, callsign or None, ship_type)


def parse_times(text: pd.Series, time_format: str | None = None) -> pd.Series:
    """Parse time texts to ``datetime64[ns, UTC]``; unreadable or implausible ones are NaT.

    Parameters
    ----------
    text : pandas.Series of str
        Epoch seconds (``1693526400``, milliseconds when above 1e11), ISO 8601
        (``2023-09-01T00:00:00Z``; no offset means UTC), or ``time_format``.
    time_format : str, optional
        A ``strftime`` format (e.g. ``"%d/%m/%Y %H:%M:%S"``); times are then UTC.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``; NaT where the text is missing, unreadable or outside
        1970-01-01 .. 2099-12-31.
    """
    text = pd.Series(text, dtype=object).where(lambda s: s.notna(), None)
    text = text.map(lambda v: v.strip() if isinstance(v, str) else v)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    if text.empty:
        return out
    if time_format is None:
        num = pd.to_numeric(text, errors="coerce")
        num = num.where(num.abs() < 1e11, num / 1000.0)
        ok = num.notna() & (num >= 0) & (num < _EPOCH_MAX)
        secs = np.floor(num[ok].to_numpy(float))
        nanos = secs.astype("int64") * 1_000_000_000 + np.round(
            (num[ok].to_numpy(float) - secs) * 1e9
        ).astype("int64")
        out[ok] = pd.to_datetime(nanos, unit="ns", utc=True)
        rest = num.isna() & text.notna()
        parsed = pd.to_datetime(text[rest], format="ISO8601", utc=True, errors="coerce")
    else:
        rest = text.notna()
        parsed = pd.to_datetime(text[rest], format=time_format, utc=True, errors="coerce")
    if rest.any():
        parsed = _plausible(parsed)
        out[rest] = parsed
    return out


def _plausible(times: pd.Series) -> pd.Series:
    """Blank out times outside 1970..2099 and convert to nanoseconds."""
    times = pd.Series(times)
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        return pd.Series(pd.NaT, index=times.index, dtype="datetime64[ns, UTC]")
    lo = pd.Timestamp("1970-01-01", tz="UTC")
    hi = pd.Timestamp("2100-01-01", tz="UTC")
    times = times.where((times >= lo) & (times < hi))
    return times.astype("datetime64[ns, UTC]")


# --- CSV ------------------------------------------------------------------------------


def read_dma_csv(path: str | os.PathLike) -> AisData:
    """Read a Danish-Maritime-Authority-style AIS CSV.

    Columns used: ``# Timestamp`` (``dd/mm/yyyy HH:MM:SS``, UTC), ``MMSI``, ``Latitude``,
    ``Longitude``, ``SOG`` (kn), ``COG`` (deg), ``Heading`` (deg), ``Navigational status``
    (text such as ``Under way using engine``), ``Name``, ``IMO``, ``Callsign``,
    ``Ship type`` and ``Type of mobile`` (rows of base stations, AtoN and aircraft count as
    ``other_type``); other columns are ignored.

    Parameters
    ----------
    path : str or path-like
        The CSV file; the path is stored as given in ``source_file``.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        When the file is unreadable or a required column is missing.
    """
    return read_csv(path, DMA_COLUMNS, time_format=DMA_TIME_FORMAT)


def read_csv(
    path: str | os.PathLike,
    columns: Mapping[str, str],
    *,
    time_format: str | None = None,
    sep: str = ",",
) -> AisData:
    """Read any AIS CSV, given which of its columns hold what.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8); the path is stored as given in ``source_file``.
    columns : mapping of str to str
        Our name -> the file's column. Required: ``time, mmsi, lat, lon``; optional:
        ``sog`` (kn), ``cog`` (deg), ``heading`` (deg), ``nav_status`` (code 0-15 or DMA
        text), ``name``, ``imo``, ``callsign``, ``ship_type``, ``mobile_type``.
        For example ``{"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT", ...}``.
    time_format : str, optional
        ``strftime`` format of the time column (UTC); by default ISO 8601 or epoch seconds.
    sep : str
        Field separator.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        When the file is unreadable, ``columns`` has an unknown key, or a mapped column is
        missing from the file.
    """
    unknown = sorted(set(columns) - set(_CSV_REQUIRED) - set(_CSV_OPTIONAL))
    if unknown:
        raise DataError(
            f"unknown key {unknown[0]!r} in the AIS column map",
            field=unknown[0],
            hint=f"keys are {', '.join(_CSV_REQUIRED + _CSV_OPTIONAL)}",
        )
    missing = [c for c in _CSV_REQUIRED if c not in columns]
    if missing:
        raise DataError(
            f"the AIS column map has no {missing[0]!r}",
            field=missing[0],
            hint="map time, mmsi, lat and lon to columns of the file",
        )
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skip_blank_lines=False,
        )
    except FileNotFoundError:
        raise DataError(
            "AIS file not found", file=path, hint="check the AIS path in the parameters"
        ) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot read AIS CSV: {exc}".splitlines()[0], file=path) from None
    for ours, theirs in columns.items():
        if theirs not in frame.columns:
            raise DataError(
                f"column {theirs!r} (for {ours}) is missing",
                file=path,
                line=1,
                field=theirs,
                hint=f"the file has: {', '.join(frame.columns)}",
            )
    frame = frame[list(columns.values())].set_axis(list(columns), axis=1)
    frame["source_line"] = np.arange(2, len(frame) + 2)
    blank = (frame[list(columns)] == "").all(axis=1)
    return _from_csv_frame(frame[~blank], str(path), time_format)


def _from_csv_frame(frame: pd.DataFrame, source_file: str, time_format: str | None) -> AisData:
    """Normalise a CSV frame (our column names, all text) to an :class:`AisData`."""
    text = frame.apply(lambda col: col.str.strip() if col.dtype != np.int64 else col)
    col = lambda name: text[name] if name in text else pd.Series("", index=text.index)  # noqa: E731
    pos = pd.DataFrame(
        {
            "mmsi": _numbers(col("mmsi")),
            "lat": _numbers(col("lat")),
            "lon": _numbers(col("lon")),
            "sog": _numbers(col("sog")),
            "cog": _numbers(col("cog")),
            "heading": _numbers(col("heading")),
            "nav_status": _status_codes(col("nav_status")),
            "source_line": text["source_line"].to_numpy(),
            "source_file": source_file,
        },
        index=text.index,
    )
    pos["time"] = parse_times(col("time").where(col("time") != "", None), time_format)
    pos["time_missing"] = (col("time") == "").to_numpy()
    _check_some_times(pos, col("time"), source_file, time_format)
    other = (
        col("mobile_type")
        .str.lower()
        .str.contains("base station|aton|sar airborne|search and rescue", regex=True, na=False)
    )
    static = pd.DataFrame(
        {
            "mmsi": pos["mmsi"],
            "name": _text_or_na(col("name")),
            "imo": _numbers(col("imo")).where(lambda s: s > 0),
            "callsign": _text_or_na(col("callsign")),
            "ship_type": _text_or_na(col("ship_type")),
            "time": pos["time"],
            "time_missing": pos["time_missing"],
            "source_line": pos["source_line"],
            "source_file": source_file,
        }
    )
    static = static[static[["name", "imo", "callsign", "ship_type"]].notna().any(axis=1)]
    skipped = _skipped_frame(
        source_file, list(zip(pos.loc[other, "source_line"], ["other_type"] * int(other.sum())))
    )
    return _assemble(pos[~other], static[~other.loc[static.index]], skipped)


def _check_some_times(
    pos: pd.DataFrame, text: pd.Series, source_file: str, time_format: str | None
) -> None:
    """Raise when not one of the given times parses: a wrong time format, not noise."""
    given = ~pos["time_missing"].to_numpy()
    if not given.any() or pos["time"][given].notna().any():
        return
    first = text[given].iloc[0]
    line = int(pos["source_line"][given].iloc[0])
    expected = f"the time format {time_format!r}" if time_format else "ISO 8601 or epoch seconds"
    raise DataError(
        f"no time in the AIS file matches {expected} (first: {first!r})",
        file=source_file,
        line=line,
        field="time",
        hint="set ais_time_format to the strptime format of the time column, "
        "e.g. '%d/%m/%Y %H:%M' for 31/12/2023 23:59",
    )


def _numbers(text: pd.Series) -> pd.Series:
    """Text to float64; empty and unreadable become NaN."""
    return pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")


def _text_or_na(text: pd.Series) -> pd.Series:
    """Keep text as it is, except 'not available' spellings, which become NA."""
    return text.where(~text.str.lower().isin(_NOT_AVAILABLE_TEXT), None).astype(object)


def _status_codes(text: pd.Series) -> pd.Series:
    """Navigational status as a code: numbers kept, DMA texts mapped, the rest 15."""
    num = pd.to_numeric(text.where(text != "", None), errors="coerce")
    named = text.str.lower().map(_DMA_STATUS)
    return num.fillna(named).astype("float64")


# --- assembling the tables ------------------------------------------------------------


def _skipped_frame(source_file: str, rows: Sequence[tuple[int, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["source_line", "category"])
    frame.insert(0, "source_file", source_file)
    return frame.astype({"source_file": "str", "source_line": "int64", "category": "str"})


def _time_category(frame: pd.DataFrame) -> np.ndarray:
    """'' where the time parsed, else 'no_timestamp' / 'bad_timestamp'."""
    bad = frame["time"].isna().to_numpy()
    missing = frame["time_missing"].to_numpy(dtype=bool)
    return np.where(bad & missing, "no_timestamp", np.where(bad, "bad_timestamp", ""))


def _assemble(pos: pd.DataFrame, sta: pd.DataFrame, skipped: pd.DataFrame) -> AisData:
    """Validate raw rows (vectorised), move rejects to ``skipped``, build the tables.

    A line that gave both a position and static fields (type 19, a CSV row) is one record:
    it is counted by its position; a static-only record (type 5, 24) is logged as
    ``static`` when kept, or under its rejection category.
    """
    lat, lon = pos["lat"].to_numpy(float), pos["lon"].to_numpy(float)
    mmsi = pos["mmsi"].to_numpy(float)
    bad_time = pos["time"].isna().to_numpy()
    missing = pos["time_missing"].to_numpy(dtype=bool)
    bad_mmsi = ~np.isfinite(mmsi) | (mmsi < 1) | (mmsi > 999_999_999) | (mmsi % 1 != 0)
    not_avail = (lat == 91.0) | (lon == 181.0)
    invalid = (
        ~np.isfinite(lat)
        | ~np.isfinite(lon)
        | (np.abs(lat) > 90)
        | (np.abs(lon) > 180)
        | ((lat == 0) & (lon == 0))
    )
    # the first rule that applies names the rejection (codes: text only for the rejects)
    code = np.select(
        [bad_time & missing, bad_time, bad_mmsi, not_avail, invalid], [1, 2, 3, 4, 5], 0
    )
    names = np.array(
        [
            "",
            "no_timestamp",
            "bad_timestamp",
            "mmsi_invalid",
            "position_not_available",
            "position_invalid",
        ],
        object,
    )
    rejected = pos.loc[code != 0, ["source_file", "source_line"]].assign(
        category=names[code[code != 0]]
    )
    positions = _to_positions(pos, code == 0)
    vessels, static_log = _to_vessels(sta)
    static_log = static_log[~static_log["source_line"].isin(pos["source_line"])]
    skipped = pd.concat([skipped, rejected, static_log], ignore_index=True)
    return AisData(positions, vessels, _sort_skipped(skipped))


def _to_positions(pos: pd.DataFrame, accepted: np.ndarray) -> pd.DataFrame:
    """Give the accepted rows (boolean mask) the schema of :data:`POSITION_COLUMNS`, 'not
    available' as NaN."""
    columns = {
        "mmsi": pos["mmsi"].to_numpy(float)[accepted].astype("int64"),
        "time": pos["time"].astype("datetime64[ns, UTC]").array[accepted],  # not to_numpy
        "lat": pos["lat"].to_numpy(float)[accepted],
        "lon": pos["lon"].to_numpy(float)[accepted],
        "sog": _below(pos["sog"], 102.3)[accepted],
        "cog": _below(pos["cog"], 360.0)[accepted],
        "heading": _below(pos["heading"], 360.0)[accepted],
        "nav_status": _status_or_undefined(pos["nav_status"])[accepted],
        "source_file": None,
        "source_line": pos["source_line"].to_numpy().astype("int64")[accepted],
    }
    files = pos["source_file"].astype("str")
    if accepted.any() and (files == files.iat[0]).all():
        # one file (every reader's case): sort_positions' stable order, found in NumPy,
        # and the file name set once
        order = position_order(columns["mmsi"], columns["time"].asi8, columns["source_line"])
        columns = {k: v[order] for k, v in columns.items() if k != "source_file"}
        out = pd.DataFrame(columns)
        out.insert(POSITION_COLUMNS.index("source_file"), "source_file", files.iat[0])
        out["time"] = out["time"].astype("datetime64[ns, UTC]")
        return out
    columns["source_file"] = files.to_numpy()[accepted]
    out = pd.DataFrame(columns)
    out["time"] = out["time"].astype("datetime64[ns, UTC]")
    return sort_positions(out)


def _below(values: pd.Series, limit: float) -> np.ndarray:
    """Float array with values outside ``0 <= v < limit`` (AIS 'not available') as NaN."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where((v >= 0) & (v < limit), v, np.nan)


def _status_or_undefined(values: pd.Series) -> np.ndarray:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where((v >= 0) & (v <= 15) & (v % 1 == 0), v, 15).astype("int64")


def _to_vessels(sta: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate static rows to distinct records; return (vessels, log of every row)."""
    time_cat = _time_category(sta)
    mmsi = sta["mmsi"].to_numpy(float)
    bad_mmsi = ~np.isfinite(mmsi) | (mmsi < 1) | (mmsi > 999_999_999)
    category = np.where(time_cat != "", time_cat, np.where(bad_mmsi, "mmsi_invalid", "static"))
    log = sta[["source_file", "source_line"]].assign(category=category)
    ok = sta[category == "static"]
    keys = ["mmsi", "name", "imo", "callsign", "ship_type"]
    table = pd.DataFrame(
        {
            "mmsi": ok["mmsi"].to_numpy(float).astype("int64"),
            "name": ok["name"].astype(object).to_numpy(),
            "imo": pd.array(pd.to_numeric(ok["imo"], errors="coerce"), dtype="Int64"),
            "callsign": ok["callsign"].astype(object).to_numpy(),
            "ship_type": ok["ship_type"].astype(object).to_numpy(),
            "time": ok["time"].astype("datetime64[ns, UTC]").array,
        }
    )
    table["time"] = table["time"].astype("datetime64[ns, UTC]")
    table = _fold_repeats(table, keys)
    vessels = (
        table.groupby(keys, dropna=False, sort=True)
        .agg(
            first_seen=("first_seen", "min"),
            last_seen=("last_seen", "max"),
            records=("records", "sum"),
        )
        .reset_index()
    )
    vessels["records"] = vessels["records"].astype("int64")
    for c in ("name", "callsign", "ship_type"):
        vessels[c] = vessels[c].astype(object).where(vessels[c].notna(), None)
    return vessels[VESSEL_COLUMNS], log


def _fold_repeats(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per distinct ``keys`` (first seen, last seen, records), before the groupby:
    ships repeat the same static record all day, and grouping integers is cheap."""
    group = np.zeros(len(table), np.int64)
    for k in keys:  # exact values, all missing values one group (as groupby dropna=False)
        codes = pd.factorize(table[k], use_na_sentinel=False)[0]
        group = pd.factorize(group * (int(codes.max(initial=0)) + 1) + codes)[0]
    times = pd.DataFrame({"g": group, "t": table["time"].array.asi8})
    agg = times.groupby("g", sort=True)["t"].agg(["min", "max", "size"])
    first = np.unique(group, return_index=True)[1]
    out = table.iloc[first][keys].reset_index(drop=True)
    for col, values in (("first_seen", agg["min"]), ("last_seen", agg["max"])):
        out[col] = pd.DatetimeIndex(values.to_numpy().view("M8[ns]")).tz_localize("UTC")
    out["records"] = agg["size"].to_numpy().astype("int64")
    return out


def _sort_skipped(skipped: pd.DataFrame) -> pd.DataFrame:
    skipped = skipped.astype({"source_file": "str", "source_line": "int64", "category": "str"})
    return skipped.sort_values(["source_file", "source_line"], kind="stable", ignore_index=True)[
        SKIPPED_COLUMNS
    ]


def position_order(mmsi: np.ndarray, time_ns: np.ndarray, *minor: np.ndarray) -> np.ndarray:
    """``np.lexsort((*reversed(minor), time_ns, mmsi))``: the stable row order by MMSI, time,
    then the ``minor`` keys in turn (e.g. file rank, line), found faster on archive data.

    One stable sort per key, least significant first: the line and time keys come nearly
    sorted (timsort runs through them), and the MMSIs, few distinct values, are sorted as
    16-bit ranks (radix sort) when there are at most 65 536 of them.
    """
    order = np.arange(len(mmsi))
    for key in (*reversed(minor), time_ns):
        order = order[np.argsort(key[order], kind="stable")]
    codes, distinct = pd.factorize(mmsi[order], sort=True)
    if len(distinct) <= 1 << 16:
        codes = codes.astype(np.uint16)
    return order[np.argsort(codes, kind="stable")]


def sort_positions(positions: pd.DataFrame) -> pd.DataFrame:
    """Sort positions by ``mmsi, time, source_file, source_line`` with a fresh index."""
    return positions.sort_values(
        ["mmsi", "time", "source_file", "source_line"], kind="stable", ignore_index=True
    )


def concat(parts: Iterable[AisData]) -> AisData:
    """Join several :class:`AisData` (e.g. one per file) into one.

    Static records seen in several files are merged (earliest ``first_seen``, latest
    ``last_seen``, ``records`` summed).
    """
    parts = list(parts)
    if not parts:
        return _assemble_empty()
    positions = sort_positions(pd.concat([p.positions for p in parts], ignore_index=True))
    vessels = pd.concat([p.vessels for p in parts], ignore_index=True)
    keys = ["mmsi", "name", "imo", "callsign", "ship_type"]
    vessels = (
        vessels.groupby(keys, dropna=False, sort=True)
        .agg(
            first_seen=("first_seen", "min"),
            last_seen=("last_seen", "max"),
            records=("records", "sum"),
        )
        .reset_index()
    )[VESSEL_COLUMNS]
    for c in ("name", "callsign", "ship_type"):
        vessels[c] = vessels[c].astype(object).where(vessels[c].notna(), None)
    skipped = _sort_skipped(pd.concat([p.skipped for p in parts], ignore_index=True))
    return AisData(positions, vessels, skipped)


def _assemble_empty() -> AisData:
    return decode_nmea_lines([], "")


def read_ais(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    fmt: str = "nmea",
    columns: Mapping[str, str] | None = None,
    *,
    time_format: str | None = None,
) -> AisData:
    """Read one or several AIS files of one format into one :class:`AisData`.

    Parameters
    ----------
    paths : path or iterable of paths
        The files (read in the order given).
    fmt : {"nmea", "dma", "csv"}
        Raw NMEA (``.gz`` allowed), Danish Maritime Authority CSV, or generic CSV.
    columns : mapping, optional
        Column map for ``fmt="csv"`` (see :func:`read_csv`).
    time_format : str, optional
        For ``fmt="csv"``: ``strftime`` format of the time column.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        For an unknown format, a generic CSV without a column map, or an unreadable file.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if fmt == "nmea":
        return concat(read_nmea(p) for p in paths)
    if fmt == "dma":
        return concat(read_dma_csv(p) for p in paths)
    if fmt == "csv":
        if not columns:
            raise DataError(
                "a generic AIS CSV needs a column map",
                field="columns",
                hint="give e.g. {time: BaseDateTime, mmsi: MMSI, lat: LAT, lon: LON}",
            )
        return concat(read_csv(p, columns, time_format=time_format) for p in paths)
    raise DataError(f"unknown AIS format {fmt!r}", field="format", hint="use nmea, dma or csv")


# --- cleaning -------------------------------------------------------------------------


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
    skipped = _sort_skipped(pd.concat([data.skipped, removed], ignore_index=True))
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


def to_hours(times: pd.Series) -> np.ndarray:
    """Times as float64 hours since 1970-01-01T00:00Z (NaN for NaT), for vectorised arithmetic."""
    index = pd.DatetimeIndex(times)
    if index.tz is None:
        index = index.tz_localize("UTC")
    hours = index.as_unit("ns").asi8 / 3.6e12
    return np.where(index.isna(), np.nan, hours)


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


# --- summaries and identity -----------------------------------------------------------


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


def normalise_name(names: pd.Series) -> pd.Series:
    """Upper-case, trim and collapse white space in ship names (for matching only).

    >>> normalise_name(pd.Series(["  Angara ", "maria\\tII"])).tolist()
    ['ANGARA', 'MARIA II']
    """
    return names.astype(object).map(
        lambda v: " ".join(str(v).upper().split()) if isinstance(v, str) else None
    )


_ENTRY_RE = re.compile(r"^\s*(mmsi|imo)\s*:\s*(\S*)\s*$", re.IGNORECASE)
_ENTRY_DIGITS = {"mmsi": 9, "imo": 7}


def parse_vessel_entry(entry: str) -> tuple[str, str | int]:
    """Split one ``vessels`` entry into how it identifies a ship and the identifier.

    An entry is an AIS name (matched case-insensitively), ``mmsi:<9 digits>`` or
    ``imo:<7 digits>``.

    Parameters
    ----------
    entry : str
        The entry as the parameters give it.

    Returns
    -------
    (str, str or int)
        ``("name", entry)``, ``("mmsi", <int>)`` or ``("imo", <int>)``.

    Raises
    ------
    DataError
        When an ``mmsi:``/``imo:`` entry does not have 9/7 digits, or the entry is empty.

    >>> parse_vessel_entry("mmsi:273111111"), parse_vessel_entry("Sparta IV")
    (('mmsi', 273111111), ('name', 'Sparta IV'))
    """
    text = str(entry)
    m = _ENTRY_RE.match(text)
    if m:
        kind, digits = m.group(1).lower(), m.group(2)
        if not re.fullmatch(rf"\d{{{_ENTRY_DIGITS[kind]}}}", digits):
            raise DataError(
                f"vessel entry {text!r}: an {kind.upper()} has {_ENTRY_DIGITS[kind]} digits",
                field="vessels",
                hint=f"write {kind}:"
                + "1" * _ENTRY_DIGITS[kind]
                + " (digits only), or give the ship's AIS name",
            )
        return kind, int(digits)
    if not text.strip():
        raise DataError(
            "empty vessel entry",
            field="vessels",
            hint="an AIS name, mmsi:<9 digits> or imo:<7 digits>",
        )
    return "name", text


def get_fleet(
    vessels: pd.DataFrame, names: Iterable[str], imos: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Find the MMSIs that broadcast the names (or IMO numbers) of the vessels of interest.

    Ship names are free text anyone can broadcast; the table lists every MMSI that used a
    name, so that a shared or spoofed name shows up as two rows instead of being hidden.

    Parameters
    ----------
    vessels : pandas.DataFrame
        The ``vessels`` table of an :class:`AisData`.
    names : iterable of str
        Entries of the ``vessels`` parameter (see :func:`parse_vessel_entry`): AIS names
        as the report uses them (e.g. ``["Angara", "Maria"]``; matched case-insensitively,
        white space collapsed), ``mmsi:<9 digits>`` (that MMSI, whether or not it sent a
        static report) or ``imo:<7 digits>`` (every MMSI broadcasting that IMO number).
    imos : mapping of str to int, optional
        Name -> IMO number; an MMSI broadcasting that IMO matches whatever its name.

    Returns
    -------
    pandas.DataFrame
        ``vessel`` (the entry as given), ``mmsi`` (int64), ``matched_by`` (``name``,
        ``imo``, ``name+imo`` or ``mmsi``); one row per (vessel, MMSI). An entry no MMSI
        matches has no row (a ship never heard on AIS).
    """
    entries = [(n, *parse_vessel_entry(n)) for n in names]
    names = [n for n, kind, _ in entries if kind == "name"]
    imos = dict(imos or {})
    imos.update({n: value for n, kind, value in entries if kind == "imo"})
    by_mmsi = pd.DataFrame(
        {
            "vessel": [n for n, kind, _ in entries if kind == "mmsi"],
            "mmsi": [v for _, kind, v in entries if kind == "mmsi"],
            "matched_by": "mmsi",
        }
    ).astype({"vessel": object, "mmsi": "int64", "matched_by": object})
    wanted = pd.DataFrame({"vessel": names, "key": normalise_name(pd.Series(names, dtype=object))})
    static = vessels.assign(key=normalise_name(vessels["name"]))
    by_name = wanted.merge(static[["key", "mmsi"]], on="key").assign(matched_by="name")
    want_imo = pd.DataFrame(
        {"vessel": list(imos), "imo": pd.array(list(imos.values()), dtype="Int64")}
    )
    by_imo = want_imo.merge(static[["imo", "mmsi"]].dropna(subset=["imo"]), on="imo")
    by_imo = by_imo.assign(matched_by="imo")
    both = pd.concat(
        [
            by_name[["vessel", "mmsi", "matched_by"]],
            by_imo[["vessel", "mmsi", "matched_by"]],
            by_mmsi,
        ],
        ignore_index=True,
    )
    fleet = (
        both.groupby(["vessel", "mmsi"], sort=True)["matched_by"]
        .agg(lambda s: "+".join(sorted(set(s))))
        .reset_index()
    )
    fleet["mmsi"] = fleet["mmsi"].astype("int64")
    return fleet


def add_vessel(positions: pd.DataFrame, fleet: pd.DataFrame) -> pd.DataFrame:
    """Add ``vessel``: the fleet name of each fix's MMSI (NA for other traffic).

    Parameters
    ----------
    positions : pandas.DataFrame
    fleet : pandas.DataFrame
        ``vessel, mmsi`` rows, e.g. from :func:`get_fleet`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``vessel`` (object; None where the MMSI is not in the fleet).
    """
    pairs = fleet[["vessel", "mmsi"]].drop_duplicates()
    lookup = dict(zip(pairs["mmsi"].astype("int64"), pairs["vessel"]))
    if len(lookup) < len(pairs):
        raise DataError(
            "an MMSI is assigned to two vessels in the fleet table",
            field="mmsi",
            hint="give each MMSI one vessel name",
        )
    out = positions.copy()
    out["vessel"] = out["mmsi"].map(lookup).astype(object)
    out["vessel"] = out["vessel"].where(out["vessel"].notna(), None)
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
    import xarray as xr

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
