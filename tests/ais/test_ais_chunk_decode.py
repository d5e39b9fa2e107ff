"""Tests for tumen.ais.chunk_decode: decoding one chunk's lines, keeping only the records
that begin in its range (the lines around it are context), on both decoders.

tests/fixtures/scale/split.nmea (see make_split_nmea.py there) holds multi-sentence
messages with other sentences between their parts.
"""

from pathlib import Path

import numpy as np
from test_ais_chunks import assert_same_data

from tumen.ais import chunk_decode as ais_chunk_decode

FIX = Path(__file__).parents[1] / "fixtures"
SPLIT = FIX / "scale" / "split.nmea"


def test_decode_nmea_range_keeps_only_its_lines():
    lines = SPLIT.read_bytes().split(b"\n")[:29]
    part = ais_chunk_decode.decode_nmea_range(lines, "x", start_line=1, keep=(6, 12))
    # line 6 ends a message that began on line 2: not this range's; 7 (begun here) is
    assert part.skipped["source_line"].tolist() == [7]
    assert part.positions["source_line"].tolist() == [8, 10]


def test_range_keeps_the_records_of_its_lines_as_the_pyais_path():
    lines = (FIX / "ais" / "shuttle.nmea").read_bytes().split(b"\n")
    for keep in ((1, 10), (10, 17), (15, 40)):
        new = ais_chunk_decode.decode_nmea_range(lines, "x", start_line=1, keep=keep)
        old = ais_chunk_decode.decode_nmea_range(
            lines, "x", start_line=1, keep=keep, engine="pyais"
        )
        assert_same_data(new, old)


def test_to_texts_looks_codes_up_in_the_words():
    texts = ais_chunk_decode.to_texts(np.array([1, 0, 1]), ["static", "junk"])
    assert texts.tolist() == ["junk", "static", "junk"]
    assert all(isinstance(t, str) for t in texts)
