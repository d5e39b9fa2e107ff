"""NMEA 0183 AIS one line at a time through pyais: the reference decoder.

This module owns the line-by-line path: splitting a line into its time prefix, tag block
and sentence (:data:`LINE_RE`, :func:`read_stamp`), parsing the sentence with pyais
(:func:`parse_sentence`), assembling multi-sentence messages (:class:`LineDecoder`) and
reading the fields the analyses use (:func:`position_fields`, :func:`static_fields`). It is
what ``read_nmea(..., engine="pyais")`` runs (:mod:`tumen.ais.nmea`), and what the
vectorised decoder (:mod:`tumen.ais.fast`) hands every line and message it does not
vectorise; the two give identical tables.
"""

from __future__ import annotations

import re

from pyais.exceptions import UnknownMessageException
from pyais.messages import AISSentence, NMEASentenceFactory, TagBlock

from tumen.ais.records import POSITION_TYPES, STATIC_TYPES, AisData, from_rows

#: A line: time prefix, optional tag block, sentence.
LINE_RE = re.compile(
    rb"^(?P<prefix>[^\\!$]*?)[\s,;]*(?:\\(?P<tag>[^\\]*)\\)?(?P<sentence>[!$].*)$", re.S
)
ARMOR_RE = re.compile(rb"^[0-W`-w]+$")  # the AIS 6-bit ASCII armouring alphabet


class LineDecoder:
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
        m = LINE_RE.match(line)
        if m is None:
            self.skipped.append((number, "junk"))
            return
        stamp = read_stamp(m.group("prefix"), m.group("tag"))
        if stamp is False:
            self.skipped.append((number, "bad_tag_block"))
            return
        sentence, category = parse_sentence(m.group("sentence"))
        if category:
            self.skipped.append((number, category))
        elif sentence.frag_cnt == 1:
            self._decode([number], [sentence], stamp)
        else:
            self._add_fragment(number, sentence, stamp)

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
            row = position_fields(msg, msg_type)
            if row is None:
                self.skipped.append((first, "truncated_payload"))
                return
            self.positions.append((*row, stamp, first))
        if msg_type in STATIC_TYPES:
            row = static_fields(msg, msg_type)
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
        return from_rows(self.source_file, self.positions, self.statics, self.skipped)


def read_stamp(prefix: bytes, tag: bytes | None):
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


def parse_sentence(text: bytes) -> tuple[AISSentence | None, str | None]:
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
    if not ARMOR_RE.match(sentence.payload):
        return None, "bad_payload" if sentence.payload else "malformed"
    return sentence, None


def position_fields(msg, msg_type: int) -> tuple | None:
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


def static_fields(msg, msg_type: int) -> tuple | None:
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
