"""Tests for tumen.ais.nmea on the hand-made NMEA files of tests/fixtures/ais/ (see
tests/fixtures/ais_files.py for what each line of shuttle.nmea holds)."""

import numpy as np
import pytest
from fixtures.ais_files import FIX, NMEA, categories, h
from hypothesis import given, settings
from hypothesis import strategies as st

from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.errors import DataError, TumenError


def test_nmea_positions_schema_and_values():
    pos = ais_nmea.read_nmea(NMEA).positions
    assert list(pos.columns) == ais_records.POSITION_COLUMNS
    assert str(pos["time"].dtype) == "datetime64[ns, UTC]"
    assert pos["mmsi"].dtype == np.int64 and pos["nav_status"].dtype == np.int64
    # 8 ANGARA + 4 MARIA + 5 SEA STAR (line 21 is 91/181)
    assert len(pos) == 17
    first = pos.iloc[0]
    assert (first["mmsi"], first["time"], first["lat"], first["lon"]) == (
        273000001,
        h(0),
        42.89,
        132.35,
    )
    assert (first["sog"], first["cog"], first["heading"], first["nav_status"]) == (
        0.0,
        0.0,
        90.0,
        5,
    )
    assert first["source_line"] == 1
    # type 18 has no navigational status: 15 = not defined
    assert set(pos.loc[pos["mmsi"] == 440000003, "nav_status"]) == {15}
    # type 3 (line 13) is read like type 1
    assert pos.loc[pos["source_line"] == 13, "time"].item() == h(30)


def test_every_noisy_line_is_counted_in_its_category():
    data = ais_nmea.read_nmea(NMEA)
    assert categories(data) == {
        9: "static",
        14: "static",
        23: "static",
        24: "static",
        21: "position_not_available",
        25: "bad_checksum",
        26: "other_type",
        27: "unknown_type",
        28: "multipart_incomplete",
        29: "multipart_orphan",
        30: "no_timestamp",
        31: "not_ais",
        32: "junk",
        33: "malformed",
        34: "truncated_payload",
    }


def test_two_sentence_type5_is_assembled_even_with_a_sentence_between_its_parts():
    v = ais_nmea.read_nmea(NMEA).vessels.set_index("name")
    assert v.loc["ANGARA", "mmsi"] == 273000001
    assert v.loc["ANGARA", "imo"] == 9000001 and v.loc["ANGARA", "callsign"] == "UBAA1"
    assert v.loc["ANGARA", "ship_type"] == "70"
    assert v.loc["ANGARA", "first_seen"] == h(0.5)
    assert v.loc["MARIA", "imo"] == 9000002  # parts on lines 14 and 16, line 15 between
    assert v.loc["SEA STAR", "mmsi"] == 440000003  # type 24 part A


def test_leading_timestamps_iso_epoch_offset_and_milliseconds():
    data = ais_nmea.read_nmea(FIX / "leading_time.nmea")
    angara = data.positions[data.positions["mmsi"] == 273000001]
    # lines 1-5: ISO Z, epoch s, ISO with space and comma, ISO +09:00 (12:00+09 = 03:00Z),
    # epoch ms; line 23 a tag block
    assert list(angara["time"]) == [h(0), h(1), h(2), h(3), h(4), h(6)]
    assert list(angara["source_line"]) == [1, 2, 3, 4, 5, 23]
    cats = categories(data)
    assert cats[9] == cats[10] == "bad_timestamp"  # "notatime", month 13
    # type 5 on lines 11 and 22: 11 lines apart > max_fragment_lines = 10
    assert (cats[11], cats[22]) == ("multipart_incomplete", "multipart_orphan")
    assert cats[6] == "static"  # lines 6 and 8, a position (7) between
    assert data.vessels["name"].tolist() == ["MARIA"]
    wide = ais_nmea.read_nmea(FIX / "leading_time.nmea", max_fragment_lines=11)
    assert sorted(wide.vessels["name"]) == ["ANGARA", "MARIA"]


def test_binary_junk_is_counted_not_fatal(tmp_path):
    good = NMEA.read_bytes().splitlines()[0]
    path = tmp_path / "junk.nmea"
    path.write_bytes(
        b"\x00\x01\xff\xfe binary\n"
        + good
        + b"\n\xff"
        + good[1:]
        + b"\n"
        + good.replace(b"144F", b"1\xe44F")
        + b"\n"
    )
    data = ais_nmea.read_nmea(path)
    assert len(data.positions) == 1
    assert categories(data) == {1: "junk", 3: "junk", 4: "malformed"}


def test_gzip_and_missing_file(tmp_path):
    import gzip

    path = tmp_path / "a.nmea.gz"
    path.write_bytes(gzip.compress(NMEA.read_bytes()))
    assert len(ais_nmea.read_nmea(path).positions) == 17
    with pytest.raises(DataError) as err:
        ais_nmea.read_nmea(tmp_path / "missing.nmea")
    assert "missing.nmea" in str(err.value) and "hint" in str(err.value)


_SENTENCES = [line for line in NMEA.read_text().splitlines() if line]


@st.composite
def nmea_like(draw):
    """Real sentences, mutated: cut, characters replaced, or arbitrary text."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.text(max_size=120))
    line = draw(st.sampled_from(_SENTENCES))
    if kind == 1:
        return line[: draw(st.integers(0, len(line)))]
    i = draw(st.integers(0, len(line) - 1))
    return line[:i] + draw(st.text(min_size=1, max_size=3)) + line[i + 1 :]


@settings(max_examples=300, deadline=None)
@given(st.lists(nmea_like(), max_size=12))
def test_any_text_never_raises_anything_but_tumen_errors(lines):
    try:
        data = ais_nmea.decode_nmea_lines(lines, "fuzz.nmea")
    except TumenError:
        return
    assert list(data.positions.columns) == ais_records.POSITION_COLUMNS
    assert set(data.skipped["category"]) <= set(ais_records.CATEGORIES)
    assert data.positions["lat"].abs().le(90).all() and data.positions["lon"].abs().le(180).all()
    # every record is in exactly one place
    places = list(data.positions["source_line"]) + list(data.skipped["source_line"])
    assert len(places) == len(set(places))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=80), max_size=8))
def test_any_bytes_never_raise(lines):
    ais_nmea.decode_nmea_lines(lines, "fuzz.nmea")
