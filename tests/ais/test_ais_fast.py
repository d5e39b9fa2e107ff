"""Tests for tumen.ais.fast: the vectorised NMEA decoder gives what pyais gives, field for field.

Two levels of equivalence, on the example files, on the test fixtures, on a synthetic
archive like the benchmark's and on hypothesis-generated lines (random payloads of every
length, fill bits, bad checksums, broken tag blocks, truncated and multi-part sentences):

- messages: every decoded message (:func:`tumen.ais.fast.get_messages`) against the rows
  the line-by-line pyais decoder of :mod:`tumen.ais.sentences` collects (mmsi, lat/lon including the
  91/181 "not available" values, speed, course, heading, status, name, call sign, IMO,
  ship type, time) and every skipped line with its category;
- tables: ``read_nmea`` / ``decode_nmea_lines`` with ``engine="numpy"`` and
  ``engine="pyais"`` give identical positions, vessels and skipped tables.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tumen.ais import chunks as ais_chunks
from tumen.ais import fast as ais_fast
from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.ais import sentences as ais_sentences
from tumen.ais import synth as ais_synth
from tumen.ais import synth_nmea as ais_synth_nmea
from tumen.ais import timecols as ais_timecols
from tumen.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [ROOT / "data" / "ais" / "terrestrial.nmea", ROOT / "data" / "ais" / "satellite.nmea"]
FIX = Path(__file__).parents[1] / "fixtures" / "ais"
ARMOR = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"


def reference_messages(raw: bytes, max_fragment_lines: int = 10):
    """The message rows of the pyais decoder of tumen.ais.sentences, as get_messages returns them."""
    dec = ais_sentences.LineDecoder("f", max_fragment_lines)
    for number, line in enumerate(raw.split(b"\n"), 1):
        dec.feed(number, line)
    skipped = dec.skipped + [(p["lines"][0], "multipart_incomplete") for p in dec.pending.values()]
    pos = pd.DataFrame(
        dec.positions,
        columns=[
            "mmsi",
            "lat",
            "lon",
            "sog",
            "cog",
            "heading",
            "nav_status",
            "time",
            "source_line",
        ],
    )
    sta = pd.DataFrame(
        dec.statics, columns=["mmsi", "name", "imo", "callsign", "ship_type", "time", "source_line"]
    )
    return pos, sta, sorted(skipped)


def assert_same_messages(raw: bytes, max_fragment_lines: int = 10) -> None:
    pos, sta, skipped = ais_fast.get_messages(raw, "f", max_fragment_lines=max_fragment_lines)
    ref_pos, ref_sta, ref_skipped = reference_messages(raw, max_fragment_lines)
    assert sorted(zip(skipped["source_line"], skipped["category"])) == ref_skipped
    for new, ref, numeric in (
        (pos, ref_pos, ["mmsi", "lat", "lon", "sog", "cog", "heading", "nav_status"]),
        (sta, ref_sta, ["mmsi", "imo"]),
    ):
        new = new.sort_values("source_line", ignore_index=True)
        ref = ref.sort_values("source_line", ignore_index=True)
        assert new["source_line"].tolist() == ref["source_line"].tolist()
        for c in numeric:  # exact: the same float64 values (None and 0 IMO as NaN)
            want = pd.to_numeric(ref[c], errors="coerce").to_numpy(float, na_value=np.nan)
            if c == "imo":
                want = np.where(want > 0, want, np.nan)
            np.testing.assert_array_equal(new[c].to_numpy(float), want, err_msg=c)
        for c in set(new.columns) & {"name", "callsign", "ship_type"}:
            assert new[c].tolist() == [v or None for v in ref[c].tolist()], c
        times = ais_timecols.parse_times(ref["time"])
        assert new["time"].astype("datetime64[ns, UTC]").tolist() == times.tolist()
        assert new["time_missing"].tolist() == ref["time"].isna().tolist()


def assert_same_tables(a: ais_records.AisData, b: ais_records.AisData) -> None:
    for name in ("positions", "vessels", "skipped"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


@pytest.mark.parametrize(
    "path", EXAMPLES + [FIX / "shuttle.nmea", FIX / "leading_time.nmea"], ids=lambda p: p.name
)
def test_example_files_decode_as_pyais(path):
    assert_same_messages(path.read_bytes())
    assert_same_tables(ais_nmea.read_nmea(path), ais_nmea.read_nmea(path, engine="pyais"))


def test_synthetic_archive_like_the_benchmark_decodes_as_pyais(tmp_path):
    traffic = ais_synth.get_traffic(6000, 3, seed=5)
    raw = ais_synth_nmea.to_nmea(traffic, seed=5, noise_rate=0.01)
    assert_same_messages(raw)
    path = tmp_path / "decode.nmea"
    path.write_bytes(raw)
    assert_same_tables(ais_nmea.read_nmea(path), ais_nmea.read_nmea(path, engine="pyais"))


def test_chunked_reading_equals_one_reading(tmp_path):
    path = tmp_path / "a.nmea"
    path.write_bytes(b"".join(p.read_bytes() for p in EXAMPLES))
    whole = ais_nmea.read_nmea(path, engine="pyais")
    assert_same_tables(
        ais_chunks.read_ais(path, chunk_bytes=200_000, dask_scheduler="sync", progress=False), whole
    )


def test_crlf_blank_and_str_lines():
    lines = (FIX / "shuttle.nmea").read_text().splitlines()
    crlf = "\r\n".join(lines).encode()
    assert_same_messages(crlf)
    assert_same_tables(
        ais_nmea.decode_nmea_lines(lines + ["", "  "], "x"),
        ais_nmea.decode_nmea_lines(lines + ["", "  "], "x", engine="pyais"),
    )


def test_unknown_engine_is_a_user_error():
    with pytest.raises(DataError):
        ais_nmea.read_nmea(FIX / "shuttle.nmea", engine="fast")


# --- hypothesis: random sentences ------------------------------------------------------


def _xor(text: str) -> int:
    out = 0
    for ch in text.encode("latin-1"):
        out ^= ch
    return out


_TYPE_CHARS = "12358CDGH4@0`wK"  # 1 2 3 5 8 18 19 23 24 4 16 0 40 63 27


@st.composite
def payloads(draw):
    """A payload starting with a chosen type, of a length around the full ones."""
    first = draw(st.sampled_from(_TYPE_CHARS))
    size = draw(
        st.sampled_from([1, 2, 6, 7, 22, 23, 27, 28, 29, 45, 46, 52, 53, 70, 71, 72])
        | st.integers(1, 90)
    )
    rest = draw(st.text(ARMOR, min_size=size - 1, max_size=size - 1))
    return first + rest


@st.composite
def sentence_lines(draw):
    """One message as one or more lines, each possibly damaged."""
    payload = draw(payloads())
    parts = draw(st.integers(1, 4)) if len(payload) > 4 else 1
    cuts = (
        sorted(
            draw(
                st.lists(
                    st.integers(1, len(payload) - 1),
                    min_size=parts - 1,
                    max_size=parts - 1,
                    unique=True,
                )
            )
        )
        if parts > 1
        else []
    )
    pieces = [payload[i:j] for i, j in zip([0] + cuts, cuts + [len(payload)])]
    seq = (
        draw(st.sampled_from(["", "1", "2", "9"]))
        if parts > 1
        else draw(st.sampled_from(["", "", "3"]))
    )
    channel = draw(st.sampled_from(["A", "B", "", "1"]))
    epoch = draw(
        st.sampled_from(["1693526400", "1693526400123", "99", "0", "4102444800", "16935264001234"])
    )
    lines = []
    for n, piece in enumerate(pieces, 1):
        fill = draw(st.integers(0, 5)) if n == len(pieces) else 0
        body = f"AIVDM,{len(pieces)},{n},{seq},{channel},{piece},{fill}"
        check = _xor(body) ^ draw(st.sampled_from([0] * 6 + [1]))
        tag = draw(st.sampled_from(["s:RX1,c:", "c:", "g:1-2-3,c:", "c:1,c:"])) + epoch
        tag_check = _xor(tag) ^ draw(st.sampled_from([0] * 8 + [4]))
        hexfmt = draw(st.sampled_from(["02X"] * 4 + ["02x", "X"]))
        line = f"\\{tag}*{tag_check:{hexfmt}}\\!AIVDM,{body[6:]}*{check:{hexfmt}}"
        if draw(st.integers(0, 9)) == 0:
            line = f"2023-09-01T00:00:{n:02d}Z !{body}*{check:02X}"
        if draw(st.integers(0, 14)) == 0:
            line = line[: draw(st.integers(0, len(line)))]
        if draw(st.integers(0, 14)) == 0:
            i = draw(st.integers(0, len(line)))
            line = (
                line[:i] + draw(st.sampled_from(["*", ",", "\\", " ", "é", "\x00", "!"])) + line[i:]
            )
        lines.append(line + draw(st.sampled_from(["", "", "", "\r"])))
    return lines


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(sentence_lines(), max_size=10), st.randoms(use_true_random=False), st.integers(1, 4)
)
def test_random_sentences_decode_as_pyais(messages, rnd, max_fragment_lines):
    lines = [line for msg in messages for line in msg]
    if rnd.random() < 0.3:  # interleave the parts of different messages
        rnd.shuffle(lines)
    raw = "\n".join(lines).encode("utf-8")
    assert_same_messages(raw, max_fragment_lines)
    assert_same_tables(
        ais_fast.decode_buffer(raw, "f", max_fragment_lines=max_fragment_lines),
        ais_nmea.decode_nmea_lines(
            raw.split(b"\n"), "f", engine="pyais", max_fragment_lines=max_fragment_lines
        ),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=90), max_size=8))
def test_random_bytes_decode_as_pyais(lines):
    raw = b"\n".join(line.replace(b"\n", b"") for line in lines)
    assert_same_messages(raw)


def test_canonical_lines_take_the_vectorised_path():
    raw = EXAMPLES[0].read_bytes()
    b = np.frombuffer(raw + b"\n" * 256, np.uint8)
    nl = np.flatnonzero(b[: len(raw)] == 10)
    starts, ends = np.r_[0, nl + 1], np.r_[nl, len(raw)]
    flags, _ = ais_fast.scan(b, starts, ends)
    assert (flags != 3).sum() >= len(starts) - 10  # all but the junk, cut and $GP lines


def test_a_short_tag_block_on_the_first_line():
    # found by hypothesis: the tag time of a line starting less than 12 bytes into the
    # buffer was read from a misplaced window
    raw = (
        b"\\s:RX1,c:0*37\\!AIVDM,2,1,,A,1,0*14\n"
        b"2023-09-01T00:00:02Z !AIVDM,2,2,,A,000000000000000000000,0*16"
    )
    assert_same_messages(raw, 1)
