"""Decode raw NMEA 0183 AIS at archive speed: whole chunks of lines at once.

:func:`tumen.ais.nmea.read_nmea` used to hand every line to pyais, one Python call per line. This
module decodes a chunk of lines as one byte array instead: one compiled pass over the lines
(:mod:`tumen.ais.kernels`) finds each line's tag block and fields, validates both checksums
and the payload armouring and reads the tag time; NumPy then pairs the two sentences of
multi-sentence messages by channel and sequence id (vectorised for two-part messages), and
a second compiled pass extracts the bit fields of the message types the analyses use (1, 2,
3, 18, 19, 5 and 24), one column per field.

Equivalence with pyais is the contract: the tables (positions, vessels, skipped) are exactly
those of the line-by-line decoder of :mod:`tumen.ais.sentences` (``read_nmea(..., engine="pyais")``),
field for field. To keep that promise simply, only the canonical form of a line is
decoded here (``\\s:<station>,c:<epoch>*hh\\!AIVDM,...``: printable ASCII, one tag block whose
last field is ``c`` with 1-12 digits, two-digit checksums, single-digit fragment fields, a
payload of at most 200 characters). Every other line goes through the pyais path of :mod:`tumen.ais.sentences`
unchanged, and every message that is not a full-length message of a vectorised type (a
truncated payload, type 27, a type 24 part 2 or 3, a message of three or more sentences) is
decoded by pyais: nothing is lost, and every rejected line is counted under the same
category as before.

Why compiled kernels (Numba) for the two passes: the work per line is a handful of byte
comparisons, two XOR reductions and a few shifts. NumPy could only do it as some sixty
whole-array passes (delimiter search, row gathers, ``ufunc.reduceat`` checksums), each a
memory-bound trip over the buffer: about 1 CPU-s per million lines, against 0.1 s for the
one compiled pass. Arrow compute has no byte-level kernels of this kind.
``bench/README.md`` gives the rates and what limits them.

>>> data = decode_buffer(open("data/ais/terrestrial.nmea", "rb").read(),
...                      "data/ais/terrestrial.nmea")                  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyais.bit_vector import bit_vector
from pyais.exceptions import UnknownMessageException
from pyais.messages import MSG_CLASS

from tumen.ais.fast_fields import ARMOR, decode_messages, load_kernels, to_frame
from tumen.ais.records import POSITION_TYPES, STATIC_TYPES, AisData, assemble
from tumen.ais.sentences import LINE_RE, parse_sentence, position_fields, read_stamp, static_fields

# bytes of hex digits -> value 0..15, 255 for any other byte
HEX = np.full(256, 255, np.uint8)
HEX[48:58], HEX[65:71], HEX[97:103] = np.arange(10), np.arange(10, 16), np.arange(10, 16)
HEX64 = HEX.astype(np.int64)
# bytes outside the armouring alphabet: the delimiters of a line
SPECIAL = ARMOR == 255


def decode_buffer(
    raw: bytes,
    source_file: str,
    *,
    start_line: int = 1,
    max_fragment_lines: int = 10,
    keep: tuple[int, int] | None = None,
) -> AisData:
    """Decode a buffer of NMEA lines (``\\n``-separated, as read from a file).

    Parameters
    ----------
    raw : bytes
        The lines; ``\\r\\n`` line ends are allowed.
    source_file : str
        Name stored in ``source_file``.
    start_line : int
        Line number (1-based) of the first line in ``raw``.
    max_fragment_lines : int
        See :func:`tumen.ais.nmea.read_nmea`.
    keep : (int, int), optional
        Keep only the records whose first line is in ``[keep[0], keep[1])``; the other lines
        are context for multi-sentence messages (see :func:`tumen.ais.chunk_decode.decode_nmea_range`).

    Returns
    -------
    tumen.ais.records.AisData
        Exactly the tables of ``tumen.ais.nmea.decode_nmea_lines(raw.split(b"\\n"), ...)``.
    """
    return assemble(
        *get_messages(
            raw,
            source_file,
            start_line=start_line,
            max_fragment_lines=max_fragment_lines,
            keep=keep,
        )
    )


def get_messages(
    raw: bytes,
    source_file: str,
    *,
    start_line: int = 1,
    max_fragment_lines: int = 10,
    keep: tuple[int, int] | None = None,
):
    """Decode a buffer of NMEA lines into raw message rows, before any validation.

    This is what :func:`decode_buffer` hands to the table assembly of :mod:`tumen.ais.records`, and
    what the equivalence tests compare with pyais field by field.

    Parameters
    ----------
    raw, source_file, start_line, max_fragment_lines, keep
        See :func:`decode_buffer`.

    Returns
    -------
    positions : pandas.DataFrame
        One row per position message (types 1, 2, 3, 18, 19, 27) named by its first line:
        ``mmsi``, ``lat``, ``lon`` (degrees, 91/181 when not available), ``sog`` (knots,
        102.3 = not available), ``cog`` (degrees, 360 = n/a), ``heading`` (degrees, 511 =
        n/a), ``nav_status`` (code; NaN for class B), all float64 as pyais gives them;
        ``time`` (UTC), ``time_missing``, ``source_file``, ``source_line``.
    statics : pandas.DataFrame
        One row per static message (types 5, 19, 24): ``mmsi``, ``name``, ``imo``
        (float64, NaN for none or 0), ``callsign``, ``ship_type`` (text of the code, None
        for 0), then the same time and source columns.
    skipped : pandas.DataFrame
        ``source_file``, ``source_line``, ``category`` of every record not decoded.
    """
    nl = np.flatnonzero(np.frombuffer(raw, np.uint8) == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(raw)]))
    return Decoder(raw, starts, ends, source_file, start_line, max_fragment_lines).run(keep)


# --- lines -> sentences ---------------------------------------------------------------


def scan(b: np.ndarray, s: np.ndarray, e: np.ndarray) -> dict:
    """Parse the canonical lines among ``[s, e)`` (``e``: the line's ``\\n``), in one pass.

    A canonical line is ``\\<fields>,c:<1-12 digits>*hh\\!AIVDM,f,f,s,c,<payload>,f*hh``
    (``!AIVDO`` too, a ``\\r`` before the line end allowed; the tag block printable ASCII
    with one ``*``; fragment fields of one digit; channel empty or one byte of the payload
    alphabet; a payload of 1-200 bytes of that alphabet, fill 0-5).

    Returns ``flags`` (over the lines: 0 a valid canonical line, 1 a canonical line with a
    bad tag block checksum, 2 one with a bad sentence checksum, 3 not canonical; a payload
    outside the alphabet is never canonical) and the columns of the valid lines' sentences:
    fragment count ``fc`` and number ``fn``, multi-sentence key ``base`` (channel byte and
    sequence id), payload start ``ps`` and length ``pl`` (bytes), ``fill`` bits, ``index``
    (of the line) and ``num`` (the tag time, the ``c`` digits).
    """
    flags = np.empty(len(s), np.int8)
    cols = np.empty((7, len(s)), np.int64)
    num = np.empty(len(s), np.float64)
    k = load_kernels().scan_lines(
        b, np.asarray(s, np.int64), np.asarray(e, np.int64), SPECIAL, HEX64, flags, cols, num
    )
    names = ("fc", "fn", "base", "ps", "pl", "fill", "index")
    return flags, dict(zip(names, cols[:, :k]), num=num[:k])


_FAST_CATEGORIES = np.array(["", "bad_tag_block", "bad_checksum"], object)


class Decoder:
    """One buffer: sentences (vectorised and pyais), then messages, then the tables."""

    def __init__(self, buf: bytes, starts, ends, source_file, start_line, max_gap):
        self.buf, self.source_file, self.max_gap = buf, source_file, max_gap
        self.starts, self.ends = starts, ends
        self.numbers = np.arange(start_line, start_line + len(starts), dtype=np.int64)
        self.skip_lines: list[np.ndarray] = []
        self.skip_cats: list[np.ndarray] = []
        self.rows: dict[str, list] = {"pos": [], "sta": []}

    def skip(self, lines, categories) -> None:
        lines = np.asarray(lines, np.int64)
        self.skip_lines.append(lines)
        self.skip_cats.append(np.broadcast_to(np.asarray(categories, object), lines.shape))

    # sentences
    def sentences(self) -> dict:
        """Every valid AIS sentence (both paths) as arrays, in line order."""
        flags, cols = scan(np.frombuffer(self.buf, np.uint8), self.starts, self.ends)
        bad = np.flatnonzero((flags == 1) | (flags == 2))
        self.skip(self.numbers[bad], _FAST_CATEGORIES[flags[bad]])
        cols["line"] = self.numbers[cols.pop("index")]
        cols["text"] = np.full(len(cols["line"]), -1, np.int64)
        slow = self._slow_lines(np.flatnonzero(flags == 3))
        if slow:
            cols = {k: np.concatenate((v, slow[k])) for k, v in cols.items()}
            order = np.argsort(cols["line"], kind="stable")
            cols = {k: v[order] for k, v in cols.items()}
        self.b = np.frombuffer(self.buf, np.uint8)
        return cols

    def _slow_lines(self, which: np.ndarray) -> dict | None:
        """Lines not in the canonical form: classified by the pyais path of tumen.ais.sentences."""
        rows, payloads = [], []
        offset = len(self.buf)
        for i in which.tolist():
            line = self.buf[self.starts[i] : self.ends[i]].strip()
            if not line:
                continue
            number = int(self.numbers[i])
            m = LINE_RE.match(line)
            if m is None:
                self.skip([number], "junk")
                continue
            stamp = read_stamp(m.group("prefix"), m.group("tag"))
            if stamp is False:
                self.skip([number], "bad_tag_block")
                continue
            sentence, category = parse_sentence(m.group("sentence"))
            if category:
                self.skip([number], category)
                continue
            text = -1
            if stamp is not None:
                self.texts.append(stamp)
                text = len(self.texts) - 1
            rows.append(
                (
                    sentence.frag_cnt,
                    sentence.frag_num,
                    self._key_base(sentence.channel, sentence.seq_id),
                    offset,
                    len(sentence.payload),
                    sentence.fill_bits,
                    number,
                    text,
                )
            )
            payloads.append(sentence.payload)
            offset += len(sentence.payload)
        if not rows:
            return None
        self.buf += b"".join(payloads)  # (a copy: only when such lines exist)
        a = np.array(rows, np.int64).reshape(-1, 8)
        return {
            "fc": a[:, 0],
            "fn": a[:, 1],
            "base": a[:, 2],
            "ps": a[:, 3],
            "pl": a[:, 4],
            "fill": a[:, 5],
            "line": a[:, 6],
            "num": np.full(len(a), np.nan),
            "text": a[:, 7],
        }

    def _key_base(self, channel: str, seq_id: int | None) -> int:
        """The multi-sentence key (channel, sequence id) as the integer the fast path uses."""
        if (
            len(channel) <= 1
            and (not channel or 32 <= ord(channel) <= 126)
            and (seq_id is None or 0 <= seq_id <= 9)
        ):
            return (ord(channel) if channel else 0) * 11 + (-1 if seq_id is None else seq_id) + 1
        return self.odd_keys.setdefault((channel, seq_id), 1_000_000 + len(self.odd_keys))

    def run(self, keep) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        self.texts, self.odd_keys = [], {}
        sen = self.sentences()
        key = sen["base"] * 10 + sen["fc"]
        truthy = ~np.isnan(sen["num"])
        if self.texts:
            truthy |= np.array([t >= 0 and bool(self.texts[t]) for t in sen["text"].tolist()], bool)
        single = sen["fc"] == 1
        p1, p2 = np.flatnonzero(single), np.full(int(single.sum()), -1)
        pair = _pair(sen, key, self.max_gap, self)
        p1, p2 = np.concatenate((p1, pair[0])), np.concatenate((p2, pair[1]))
        longer = _assemble_long(sen, key, self.max_gap, self)
        if keep is not None:
            inside = (sen["line"][p1] >= keep[0]) & (sen["line"][p1] < keep[1])
            p1, p2 = p1[inside], p2[inside]
            longer = [m for m in longer if keep[0] <= sen["line"][m[0]] < keep[1]]
        # the stamp of a message: its first part's, else the second's (as tumen.ais.sentences)
        use2 = (p2 >= 0) & ~truthy[p1]
        stamp = np.where(use2, p2, p1)
        decode_messages(self, sen, p1, p2, stamp)
        for parts in longer:
            st = next((p for p in parts if truthy[p]), parts[-1])
            payload = b"".join(self.payload(sen, p) for p in parts)
            self.decode_slow(
                payload,
                int(sen["fill"][parts[-1]]),
                self._ais_id(sen, parts[0]),
                int(sen["line"][parts[0]]),
                st,
                sen,
            )
        return self._tables(sen, keep)

    def payload(self, sen, p) -> bytes:
        s = int(sen["ps"][p])
        return self.buf[s : s + int(sen["pl"][p])]

    def _ais_id(self, sen, p) -> int:
        v0 = int(ARMOR[self.b[sen["ps"][p]]])
        return v0 if sen["pl"][p] * 6 - sen["fill"][p] >= 6 else v0 >> int(sen["fill"][p])

    def decode_slow(
        self, payload: bytes, fill: int, msg_type: int, first: int, stamp: int, sen
    ) -> None:
        """One message through pyais, with the categories of ``tumen.ais.sentences.LineDecoder``."""
        if not 1 <= msg_type <= 27:
            self.skip([first], "unknown_type")
            return
        if msg_type not in POSITION_TYPES and msg_type not in STATIC_TYPES:
            self.skip([first], "other_type")
            return
        try:
            msg = MSG_CLASS[msg_type].from_vector(bit_vector(payload, fill))
        except (KeyError, UnknownMessageException):
            self.skip([first], "unknown_type")
            return
        except Exception:  # noqa: BLE001 - pyais raises many kinds on hostile payloads
            self.skip([first], "malformed")
            return
        row = None
        if msg_type in POSITION_TYPES:
            row = position_fields(msg, msg_type)
            if row is None:
                self.skip([first], "truncated_payload")
                return
            self.rows["pos"].append(("slow", row, first, stamp))
        if msg_type in STATIC_TYPES:
            srow = static_fields(msg, msg_type)
            if srow is None:
                if row is None:
                    self.skip([first], "truncated_payload")
                return
            self.rows["sta"].append(("slow", srow, first, stamp))

    def _tables(self, sen, keep) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        pos = to_frame(
            self.rows["pos"],
            ["mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status"],
            self,
            sen,
        )
        sta = to_frame(
            self.rows["sta"], ["mmsi", "name", "imo", "callsign", "ship_type"], self, sen
        )
        lines = np.concatenate(self.skip_lines) if self.skip_lines else np.zeros(0, np.int64)
        cats = np.concatenate(self.skip_cats) if self.skip_cats else np.zeros(0, object)
        if keep is not None:
            inside = (lines >= keep[0]) & (lines < keep[1])
            lines, cats = lines[inside], cats[inside]
        skipped = pd.DataFrame(
            {"source_file": self.source_file, "source_line": lines, "category": cats}
        )
        skipped = skipped.astype({"source_file": "str", "source_line": "int64", "category": "str"})
        return pos, sta, skipped


# --- sentences -> messages ------------------------------------------------------------


def _pair(sen: dict, key: np.ndarray, max_gap: int, dec: Decoder):
    """Two-sentence messages, vectorised: ``(first parts, second parts)`` as indices.

    The state machine of :mod:`tumen.ais.sentences` keeps one pending first part per key (channel,
    sequence id, count). With two parts, a second part completes the message exactly when
    the previous sentence of its key is a first part at most ``max_gap`` lines before; every
    other first part is ``multipart_incomplete``, every other second part an orphan.
    """
    two = np.flatnonzero(sen["fc"] == 2)
    order = two[np.lexsort((sen["line"][two], key[two]))]
    k, fn, line = key[order], sen["fn"][order], sen["line"][order]
    after_first = np.zeros(len(k), bool)
    after_first[1:] = (k[1:] == k[:-1]) & (fn[:-1] == 1) & ((line[1:] - line[:-1]) <= max_gap)
    done2 = (fn == 2) & after_first
    done1 = np.zeros(len(k), bool)
    done1[:-1] = done2[1:]
    dec.skip(line[(fn == 1) & ~done1], "multipart_incomplete")
    dec.skip(line[(fn == 2) & ~done2], "multipart_orphan")
    return order[done1], order[done2]


def _assemble_long(sen: dict, key: np.ndarray, max_gap: int, dec: Decoder) -> list[list[int]]:
    """Messages of three or more sentences (rare): the state machine of :mod:`tumen.ais.sentences`."""
    pending: dict[int, list[int]] = {}
    out, line = [], sen["line"]
    for i in np.flatnonzero(sen["fc"] >= 3).tolist():
        k, fn = int(key[i]), int(sen["fn"][i])
        part = pending.get(k)
        if fn == 1:
            if part is not None:
                dec.skip([line[part[0]]], "multipart_incomplete")
            pending[k] = [i]
            continue
        if part is None or len(part) + 1 != fn or line[i] - line[part[-1]] > max_gap:
            if part is not None:
                dec.skip([line[part[0]]], "multipart_incomplete")
                del pending[k]
            dec.skip([line[i]], "multipart_orphan")
            continue
        part.append(i)
        if fn == sen["fc"][i]:
            del pending[k]
            out.append(part)
    for part in pending.values():
        dec.skip([line[part[0]]], "multipart_incomplete")
    return out
