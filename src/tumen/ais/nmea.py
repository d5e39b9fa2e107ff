"""Read raw NMEA 0183 AIS files: ``!AIVDM``/``!AIVDO`` sentences into an :class:`AisData`.

This module owns reading NMEA: a file (:func:`read_nmea`, ``.gz`` too) or lines already read
(:func:`decode_nmea_lines`), timed by NMEA 4 tag blocks (``\\c:<epoch>*hh\\``) or by a
leading ISO 8601 / epoch field; multi-sentence messages (type 5) are assembled by channel
and sequence id. By default the vectorised decoder of :mod:`tumen.ais.fast` decodes them
(handing pyais what it does not vectorise); ``engine="pyais"`` decodes line by line with
pyais (:mod:`tumen.ais.sentences`), with identical tables (see :mod:`tumen.ais.records`).

>>> data = read_nmea("tests/fixtures/ais/shuttle.nmea")        # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable

from tumen.ais import fast as ais_fast
from tumen.ais.records import AisData
from tumen.ais.sentences import LineDecoder
from tumen.errors import DataError


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
        return ais_fast.decode_buffer(raw, str(path), max_fragment_lines=max_fragment_lines)
    return decode_nmea_lines(
        raw.split(b"\n"),
        str(path),
        max_fragment_lines=max_fragment_lines,
        engine=check_engine(engine),
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
    if check_engine(engine) == "numpy" and lines and not any(b"\n" in line for line in lines):
        return ais_fast.decode_buffer(
            b"\n".join(lines),
            source_file,
            start_line=start_line,
            max_fragment_lines=max_fragment_lines,
        )
    decoder = LineDecoder(source_file, max_fragment_lines)
    for number, line in enumerate(lines, start_line):
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogateescape")
        decoder.feed(number, line)
    return decoder.finish()


def check_engine(engine: str) -> str:
    if engine not in ("numpy", "pyais"):
        raise DataError(
            f"unknown NMEA decoder engine {engine!r}", field="engine", hint="use numpy or pyais"
        )
    return engine
