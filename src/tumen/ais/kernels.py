"""Compiled kernels of the NMEA decoder (:mod:`tumen.ais.fast`), with Numba.

Two loops that NumPy can only write as many whole-array passes: the scan of every line of a
buffer (find the tag block and the sentence fields, check both checksums, read the tag
time), and the extraction of bit fields from the armoured payloads. Each is one pass over
its input in machine code (``nogil``: a Dask worker's other threads keep running).

Compilation happens on first use in a process (about a second) and is cached by Numba
beside this file, in ``__pycache__`` (git-ignored, never part of a build's inputs or
outputs); :func:`warm_up` compiles or loads both kernels ahead of a timed or parallel run.
"""

from __future__ import annotations

import numba
import numpy as np

_JIT = {"nopython": True, "nogil": True, "cache": True, "boundscheck": False}


@numba.jit(**_JIT)
def scan_lines(b, starts, ends, special, hexv, flags, cols, num):  # pragma: no cover
    """Classify and parse each line ``b[starts[i]:ends[i]]`` (see :func:`tumen.ais.fast.scan`).

    ``special[byte]``: the byte is outside the payload alphabet; ``hexv[byte]``: its hex
    value or 255. Writes ``flags[i]``: 0 a valid canonical line, 1 a bad tag block checksum,
    2 a bad sentence checksum, 3 not canonical; and for the ``k``-th valid line (returns how
    many), ``cols[:, k]`` = (fragment count, fragment number, multi-sentence key base
    ``channel byte (0: none) * 11 + sequence id (-1: none) + 1``, payload start, payload
    length, fill bits, line index ``i``) and ``num[k]``, the tag time (its digits, float).
    Nothing outside ``b[starts[i]:ends[i]]`` is read.
    """
    valid = 0
    for i in range(len(starts)):
        s, e = starts[i], ends[i]
        flags[i] = 3
        if s >= e or b[s] != 92:
            continue
        # the tag block: printable, up to its one "*", then two hex digits and "\"
        j, last, x, ok = s + 1, s, 0, True
        while j < e:
            c = b[j]
            if special[c]:
                if c == 42 or c == 92:
                    break
                if c < 32 or c > 126:
                    ok = False
                    break
                last = j  # the delimiter before the tag block's last field
            x ^= np.int64(c)
            j += 1
        q = j
        if not ok or q + 3 >= e or b[q] != 42:
            continue
        h1, h2, t = hexv[b[q + 1]], hexv[b[q + 2]], q + 3
        if h1 == 255 or h2 == 255 or b[t] != 92 or (last != s and b[last] != 44):
            continue
        f = last + 1  # the last field: "c:<1-12 digits>"
        if b[f] != 99 or b[f + 1] != 58 or not 1 <= q - f - 2 <= 12:
            continue
        epoch = 0
        for k in range(f + 2, q):
            d = np.int64(b[k]) - 48
            if d < 0 or d > 9:
                ok = False
                break
            epoch = epoch * 10 + d
        if not ok or t + 16 > e:
            continue
        # the sentence: "!AIVDM,f,f,s,c,<payload>,f*hh"
        if not (
            b[t + 1] == 33
            and b[t + 2] == 65
            and b[t + 3] == 73
            and b[t + 4] == 86
            and b[t + 5] == 68
            and (b[t + 6] == 77 or b[t + 6] == 79)
            and b[t + 7] == 44
            and b[t + 9] == 44
            and b[t + 11] == 44
        ):
            continue
        fc, fn = np.int64(b[t + 8]) - 48, np.int64(b[t + 10]) - 48
        if fc < 1 or fc > 9 or fn < 1 or fn > fc:
            continue
        j, seq, channel = t + 12, -1, 0
        if b[j] != 44:
            seq = np.int64(b[j]) - 48
            if seq < 0 or seq > 9 or b[j + 1] != 44:
                continue
            j += 1
        j += 1
        if b[j] != 44:
            channel = np.int64(b[j])
            if special[b[j]] or b[j + 1] != 44:
                continue
            j += 1
        ps = j + 1
        j = ps
        while j < e and not special[b[j]]:
            j += 1
        if j + 5 > e:  # room for ",f*hh"
            continue
        pl, fill, st2 = j - ps, np.int64(b[j + 1]) - 48, j + 2
        if b[j] != 44 or pl < 1 or pl > 200 or fill < 0 or fill > 5 or b[st2] != 42:
            continue
        h3, h4, end = hexv[b[st2 + 1]], hexv[b[st2 + 2]], st2 + 3
        if h3 == 255 or h4 == 255 or not (end == e or (end + 1 == e and b[end] == 13)):
            continue
        y = 0
        for k in range(t + 2, st2):
            y ^= np.int64(b[k])
        flags[i] = 1 if x != h1 * 16 + h2 else (2 if y != h3 * 16 + h4 else 0)
        if flags[i] == 0:
            cols[0, valid], cols[1, valid], cols[2, valid] = fc, fn, channel * 11 + seq + 1
            cols[3, valid], cols[4, valid], cols[5, valid], cols[6, valid] = ps, pl, fill, i
            num[valid] = epoch
            valid += 1
    return valid


@numba.jit(**_JIT)
def _char(b, p1, l1, p2, c):  # pragma: no cover - compiled
    """The 6-bit value of character ``c`` of a message (payload at ``p1``, length ``l1``,
    then its second part at ``p2``): '0'..'W' -> 0..39, '`'..'w' -> 40..63."""
    v = np.int64(b[p1 + c] if c < l1 else b[p2 + c - l1]) - 48
    return v - 8 if v > 40 else v


@numba.jit(**_JIT)
def _bits(b, p1, l1, p2, start, width, signed):  # pragma: no cover - compiled
    """Bits ``[start, start + width)`` of one armoured message (payload at ``p1``, length
    ``l1``, then its second part at ``p2``), as an integer."""
    c0, c1 = start // 6, (start + width - 1) // 6
    acc = 0
    for c in range(c0, c1 + 1):
        acc = (acc << 6) | _char(b, p1, l1, p2, c)
    acc = (acc >> ((c1 + 1) * 6 - start - width)) & ((1 << width) - 1)
    if signed and (acc >> (width - 1)) & 1:
        acc -= 1 << width
    return acc


@numba.jit(**_JIT)
def bit_fields(b, ps1, pl1, ps2, starts, widths, signed, out):  # pragma: no cover - compiled
    """Unsigned (or two's-complement where ``signed[f]``) bit fields of armoured messages.

    Message ``m`` is the payload bytes ``b[ps1[m]:ps1[m] + pl1[m]]`` followed by those at
    ``ps2[m]`` (its second sentence); ``out[f, m]`` receives bits
    ``[starts[f], starts[f] + widths[f])`` (widths up to 57), which must lie in the message.
    """
    for m in range(len(ps1)):
        for f in range(len(starts)):
            out[f, m] = _bits(b, ps1[m], pl1[m], ps2[m], starts[f], widths[f], signed[f])


@numba.jit(**_JIT)
def _word(b, p1, l1, p2, first):  # pragma: no cover - compiled
    """Ten 6-bit values from character ``first`` on, as one 60-bit integer."""
    acc = 0
    for c in range(first, first + 10):
        acc = (acc << 6) | _char(b, p1, l1, p2, c)
    return acc


@numba.jit(**_JIT)
def _get(w0, w1, w2, start, width, signed):  # pragma: no cover - compiled
    """Bits ``[start, start + width)`` (width <= 60) of the 180-bit string ``w0 w1 w2``."""
    k, end = start // 60, start + width
    words = (w0, w1, w2)
    if (end - 1) // 60 == k:
        acc = words[k] >> (60 * (k + 1) - end)
    else:
        acc = (words[k] << (end - 60 * (k + 1))) | (words[k + 1] >> (60 * (k + 2) - end))
    acc &= (1 << width) - 1
    if signed and (acc >> (width - 1)) & 1:
        acc -= 1 << width
    return acc


@numba.jit(**_JIT)
def position_fields(b, ps1, pl1, ps2, class_a, out):  # pragma: no cover - compiled
    """The position fields of types 1-3 (``class_a``) or 18/19, as pyais gives them:
    ``out[:, m]`` = (mmsi, lat, lon in degrees rounded to 6 decimals, sog and cog in
    tenths, heading, navigational status or NaN), float64. Each message must hold the 23
    characters (138 bits) of these fields."""
    o = 0 if class_a else -4  # the fields of types 18 and 19 sit 4 bits earlier
    for m in range(len(ps1)):
        p1, l1, p2 = ps1[m], pl1[m], ps2[m]
        w0, w1, w2 = _word(b, p1, l1, p2, 0), _word(b, p1, l1, p2, 10), 0
        for c in range(20, 23):  # characters 20-22 (bits 120-137)
            w2 = (w2 << 6) | _char(b, p1, l1, p2, c)
        w2 <<= 42
        out[0, m] = _get(w0, w1, w2, 8, 30, False)
        # 1/10 000 minutes to degrees: pyais's round(v / 600 000, 6), exactly
        out[1, m] = ((10 * _get(w0, w1, w2, 89 + o, 27, True) + 3) // 6) / 1e6
        out[2, m] = ((10 * _get(w0, w1, w2, 61 + o, 28, True) + 3) // 6) / 1e6
        out[3, m] = _get(w0, w1, w2, 50 + o, 10, False) / 10.0
        out[4, m] = _get(w0, w1, w2, 116 + o, 12, False) / 10.0
        out[5, m] = _get(w0, w1, w2, 128 + o, 9, False)
        out[6, m] = _get(w0, w1, w2, 38, 4, False) if class_a else np.nan


def warm_up() -> None:
    """Compile the kernels, or load them from Numba's cache, on tiny inputs: a process that
    decodes in parallel or is timed calls this first."""
    from tumen.ais import fast as ais_fast  # noqa: PLC0415 - fast imports this module lazily

    # a canonical line: a type 1 position (position_fields), a type 5 static split over two
    # sentences (bit_fields, two parts)
    lines = [
        b"\\c:1693526400*51\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24",
        b"\\c:1693526400*51\\!AIVDM,2,1,3,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5"
        b"Gf0NSQEp6ClRp8,0*1E",
        b"\\c:1693526400*51\\!AIVDM,2,2,3,A,88888888880,2*27",
    ]
    ais_fast.get_messages(b"\n".join(lines), "warm-up")
