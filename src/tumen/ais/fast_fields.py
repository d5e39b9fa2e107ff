"""The vectorised decoder's second half: bit fields of whole messages, then raw rows.

This module owns what :mod:`tumen.ais.fast` does once sentences are paired into messages:
the look-up tables of the AIS 6-bit alphabet and message lengths, one compiled pass per
field block over the messages (:mod:`tumen.ais.kernels`, imported on first use by
:func:`load_kernels`), the routing of messages the vectorised path does not take to pyais
(:func:`decode_messages`), and the raw rows :func:`tumen.ais.records.assemble` takes
(:func:`to_frame`, with times read exactly as :func:`tumen.ais.timecols.parse_times` reads them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from pyais.constants import ShipType

from tumen.ais.records import POSITION_TYPES, STATIC_TYPES
from tumen.ais.timecols import EPOCH_MAX, NAT, parse_times

if TYPE_CHECKING:
    from tumen.ais.fast import Decoder


def load_kernels():
    """:mod:`tumen.ais.kernels`, imported on first use (importing Numba takes a moment,
    and the modules that import this one do not all decode)."""
    from tumen.ais import kernels as ais_kernels  # noqa: PLC0415 - Numba is slow to import

    return ais_kernels


# AIS 6-bit armouring: byte -> value 0..63, 255 outside the alphabet ``0-W`` and ```-w``.
ARMOR = np.full(256, 255, np.uint8)
ARMOR[48:88] = np.arange(40)
ARMOR[96:120] = np.arange(40, 64)
# 6-bit text value -> ASCII ('@' .. '_' for 0-31, ' ' .. '?' for 32-63), as pyais.
SIXBIT = np.array([v + 64 if v < 32 else v for v in range(64)], np.uint8)
# pyais reads the ship type of types 5 and 19 through its ShipType enum, which folds codes
# it does not know into a neighbour (1-19 -> 0, 26-28 -> 25, ...): the same table here.
SHIP_TYPE = np.array([int(ShipType.from_value(v)) for v in range(256)], np.int64)
#: Minimum message length (bits) for the vectorised path, by message type.
FULL_BITS = {1: 168, 2: 168, 3: 168, 18: 168, 19: 312, 5: 424}
BITS_24 = (160, 168)  # type 24 part A, part B
NEED = np.full(256, 1 << 30)  # the same by first 6-bit value (a type, or 255), for look-ups
for _t, _bits in FULL_BITS.items():
    NEED[_t] = _bits
USED = np.isin(np.arange(256), list(POSITION_TYPES | STATIC_TYPES))


# --- messages -> fields ---------------------------------------------------------------


class Messages(NamedTuple):
    """Messages as places in the buffer: part 1's payload ``b[ps1:ps1 + pl1]``, then part 2's
    from ``ps2`` (for two-sentence messages)."""

    b: np.ndarray
    ps1: np.ndarray
    pl1: np.ndarray
    ps2: np.ndarray

    def __len__(self) -> int:
        return len(self.ps1)

    def take(self, which) -> Messages:
        return Messages(self.b, self.ps1[which], self.pl1[which], self.ps2[which])


def fields(v: Messages, spec: list[tuple[int, int, bool]]) -> np.ndarray:
    """Bit fields ``(start, width, signed)`` of each message: an ``(fields, messages)`` int64
    array (one compiled pass)."""
    start, width, signed = (
        np.array(x, dtype) for x, dtype in zip(zip(*spec), (np.int64, np.int64, np.bool_))
    )
    out = np.empty((len(spec), len(v)), np.int64)
    load_kernels().bit_fields(v.b, v.ps1, v.pl1, v.ps2, start, width, signed, out)
    return out


def field(v: Messages, start: int, width: int, signed: bool = False) -> np.ndarray:
    """Bits ``[start, start + width)`` of each message, int64."""
    return fields(v, [(start, width, signed)])[0]


def text(v: Messages, start: int, width: int) -> np.ndarray:
    """6-bit text of ``width`` bits, trailing '@' and spaces removed as pyais does; '' -> None."""
    n = -(-width // 6)
    codes = SIXBIT[fields(v, [(start + 6 * i, 6, False) for i in range(n)]).T]
    raw = np.ascontiguousarray(codes).view(f"S{n}").ravel()
    distinct, inverse = np.unique(raw, return_inverse=True)  # names repeat: decode once
    text = [x.decode("ascii").rstrip("@").strip() or None for x in distinct.tolist()]
    return np.array(text, object)[inverse.ravel()]


def position_block(v: Messages, class_a: bool) -> dict:
    """mmsi, lat, lon (deg), sog (kn), cog (deg), heading (deg), nav_status of types 1-3
    (``class_a``) or 18/19 (no status), float64 as pyais gives them."""
    out = np.empty((7, len(v)), np.float64)
    load_kernels().position_fields(v.b, v.ps1, v.pl1, v.ps2, class_a, out)
    return dict(zip(["mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status"], out))


def static_block(mmsi, name, imo, callsign, ship_type) -> dict:
    n = len(mmsi)
    none = np.full(n, None, object)
    return {
        "mmsi": mmsi.astype(float),
        "name": none if name is None else name,
        "imo": np.full(n, np.nan) if imo is None else np.where(imo > 0, imo, np.nan),
        "callsign": none if callsign is None else callsign,
        "ship_type": none
        if ship_type is None
        else np.array([str(x) if x else None for x in ship_type.tolist()], object),
    }


def decode_messages(dec: Decoder, sen: dict, p1, p2, stamp) -> None:
    """Decode complete one- and two-sentence messages: vectorised where the type and length
    allow, through pyais otherwise."""
    has2 = p2 >= 0
    q = np.where(has2, p2, p1)
    msgs = Messages(dec.b, sen["ps"][p1], sen["pl"][p1], np.where(has2, sen["ps"][q], 0))
    first = sen["line"][p1]
    aid, used, vec = _vectorised(dec, msgs, sen, p1, q, has2, first)
    _vector_rows(dec, msgs, aid, vec, first, stamp)
    for i in np.flatnonzero(used & ~vec).tolist():
        parts = [p1[i]] if p2[i] < 0 else [p1[i], p2[i]]
        payload = b"".join(dec.payload(sen, p) for p in parts)
        dec.decode_slow(
            payload, int(sen["fill"][q[i]]), int(aid[i]), int(first[i]), int(stamp[i]), sen
        )


def _vectorised(dec: Decoder, msgs: Messages, sen: dict, p1, q, has2, first) -> tuple:
    """Each message's type, whether the analyses use it, and whether it is decoded here
    (``aid, used, vec``); unknown and unused types are logged."""
    b, ps1, pl1, f1 = msgs.b, msgs.ps1, msgs.pl1, sen["fill"][p1]
    pl2 = np.where(has2, sen["pl"][q], 0)
    v0 = ARMOR[b[ps1]].astype(np.int64)
    aid = np.where(pl1 * 6 - f1 >= 6, v0, v0 >> f1)
    nbits = (pl1 + pl2) * 6 - sen["fill"][q]
    unknown = (aid < 1) | (aid > 27)
    used = USED[aid]
    dec.skip(first[unknown], "unknown_type")
    dec.skip(first[~unknown & ~used], "other_type")
    vec = used & (nbits >= NEED[aid])
    m24 = np.flatnonzero((aid == 24) & (nbits >= 40))
    part24 = field(msgs.take(m24), 38, 2)
    ok24 = ((part24 == 0) & (nbits[m24] >= BITS_24[0])) | (
        (part24 == 1) & (nbits[m24] >= BITS_24[1])
    )
    vec[m24[ok24]] = True
    return aid, used, vec


def _vector_rows(dec: Decoder, msgs: Messages, aid, vec, first, stamp) -> None:
    """The rows of the messages decoded here, by type, into ``dec.rows``."""

    def rows(mask):
        m = np.flatnonzero(mask)
        return m, msgs.take(m)

    m, v = rows(vec & (aid <= 3))
    dec.rows["pos"].append((position_block(v, True), first[m], stamp[m]))
    m, v = rows(vec & (aid == 18))
    dec.rows["pos"].append((position_block(v, False), first[m], stamp[m]))
    m, v = rows(vec & (aid == 19))
    dec.rows["pos"].append((position_block(v, False), first[m], stamp[m]))
    dec.rows["sta"].append(
        (
            static_block(
                field(v, 8, 30), text(v, 143, 120), None, None, SHIP_TYPE[field(v, 263, 8)]
            ),
            first[m],
            stamp[m],
        )
    )
    m, v = rows(vec & (aid == 5))
    dec.rows["sta"].append(
        (
            static_block(
                field(v, 8, 30),
                text(v, 112, 120),
                field(v, 40, 30),
                text(v, 70, 42),
                SHIP_TYPE[field(v, 232, 8)],
            ),
            first[m],
            stamp[m],
        )
    )
    m, v = rows(vec & (aid == 24))
    part = field(v, 38, 2)
    a, bb = part == 0, part == 1
    va, vb = v.take(a), v.take(bb)
    dec.rows["sta"].append(
        (
            static_block(field(va, 8, 30), text(va, 40, 120), None, None, None),
            first[m[a]],
            stamp[m[a]],
        )
    )
    dec.rows["sta"].append(
        (
            static_block(field(vb, 8, 30), None, None, text(vb, 90, 42), field(vb, 40, 8)),
            first[m[bb]],
            stamp[m[bb]],
        )
    )


# --- fields -> tables -----------------------------------------------------------------


def to_frame(blocks: list, columns: list[str], dec: Decoder, sen: dict) -> pd.DataFrame:
    """The raw rows of :func:`tumen.ais.records.assemble` from vectorised blocks and pyais rows."""
    slow = [blk for blk in blocks if blk[0] == "slow"]
    blocks = [blk for blk in blocks if blk[0] != "slow"]
    if slow:
        values = list(zip(*[row for _, row, _, _ in slow]))
        cols = {c: np.array(values[i], object) for i, c in enumerate(columns)}
        for c in ("mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status", "imo"):
            if c in cols:
                cols[c] = pd.to_numeric(pd.Series(cols[c]), errors="coerce").to_numpy(
                    float, na_value=np.nan
                )
        blocks.append(
            (
                cols,
                np.array([r[2] for r in slow], np.int64),
                np.array([r[3] for r in slow], np.int64),
            )
        )
    frame = pd.DataFrame({c: np.concatenate([blk[0][c] for blk in blocks]) for c in columns})
    lines = np.concatenate([blk[1] for blk in blocks]).astype(np.int64)
    stamps = np.concatenate([blk[2] for blk in blocks]).astype(np.int64)
    frame["time"], frame["time_missing"] = to_times(
        sen["num"][stamps], sen["text"][stamps], dec.texts
    )
    frame["source_file"] = dec.source_file
    frame["source_line"] = lines
    return frame


def to_times(num: np.ndarray, text: np.ndarray, texts: list[str]):
    """Times (``datetime64[ns, UTC]``) and 'missing' flags, exactly as
    :func:`tumen.ais.timecols.parse_times` reads epoch seconds (milliseconds above 1e11) and text."""
    with np.errstate(invalid="ignore"):
        f = np.where(np.abs(num) < 1e11, num, num / 1000.0)
        ok = ~np.isnan(f) & (f >= 0) & (f < EPOCH_MAX)
    ns = np.full(len(num), NAT, np.int64)
    secs = np.floor(f[ok])
    ns[ok] = secs.astype(np.int64) * 1_000_000_000 + np.round((f[ok] - secs) * 1e9).astype(np.int64)
    has_text = text >= 0
    if has_text.any():
        parsed = parse_times(pd.Series([texts[i] for i in text[has_text].tolist()], dtype=object))
        ns[has_text] = pd.DatetimeIndex(parsed).as_unit("ns").asi8
    times = pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC")
    return times, np.isnan(num) & ~has_text
