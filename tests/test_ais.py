"""Tests for tumen.ais.decode on tiny hand-made AIS files (tests/fixtures/ais/).

shuttle.nmea, line by line (sentences built with tests/fixtures/ais/encode.py; times are
tag blocks, h = hours after 2023-09-01T00:00Z = epoch 1693526400):

 1-7  ANGARA 273000001 type 1 at h 0, 2, 4, 6, 102, 104, 108
 8    line 7 again from a second receiver (\\s:rx2): an exact duplicate
 9-10 ANGARA type 5, two sentences (seq 1, channel A), h 0.5
11,12 MARIA 273000002 type 1 at h 0, 1 (channel B);  13: type 3 at h 30
14,16 MARIA type 5 (seq 2, channel B) with 15, a MARIA position at h 0.3, between its parts
17-22 SEA STAR 440000003 type 18 at h 10, 11, 11.5 (45 N: a jump), 12, 12.5 (91/181), 13
23,24 SEA STAR type 24 parts A (name) and B (call sign, ship type)
25 bad checksum   26 type 4 (base station)   27 type 40 (undefined)
28 first half of a type 5 whose second half never comes   29 a second half without first
30 no time   31 $GPGGA   32 garbage text   33 sentence cut short   34 payload cut short
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.ais import readers as ais_readers
from tumen.ais import records as ais_records
from tumen.ais import timecols as ais_timecols
from tumen.errors import DataError, TumenError
from tumen.geo import earth

FIX = Path(__file__).parent / "fixtures" / "ais"
NMEA = FIX / "shuttle.nmea"
GENERIC_MAP = {
    "time": "BaseDateTime",
    "mmsi": "MMSI",
    "lat": "LAT",
    "lon": "LON",
    "sog": "SOG",
    "cog": "COG",
    "heading": "Heading",
    "nav_status": "Status",
    "name": "VesselName",
    "imo": "IMO",
    "callsign": "CallSign",
    "ship_type": "VesselType",
}
VALUES = [c for c in ais_records.POSITION_COLUMNS if not c.startswith("source")]
T0 = pd.Timestamp("2023-09-01", tz="UTC")


def h(hours):
    return T0 + pd.Timedelta(hours=hours)


def categories(data):
    return dict(zip(data.skipped["source_line"], data.skipped["category"]))


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


def test_nmea_dma_and_generic_csv_give_identical_positions():
    nmea = ais_nmea.read_nmea(NMEA)
    dma = ais_readers.read_dma_csv(FIX / "shuttle_dma.csv")
    generic = ais_readers.read_csv(FIX / "shuttle_generic.csv", GENERIC_MAP)
    for other in (dma, generic):
        pd.testing.assert_frame_equal(nmea.positions[VALUES], other.positions[VALUES])
        # the 91/181 row is rejected the same way (CSV header is line 1, row 17 is line 18)
        assert categories(other)[18] == "position_not_available"
        a = nmea.vessels.dropna(subset=["imo"])[["mmsi", "name", "imo", "callsign"]]
        b = other.vessels.dropna(subset=["imo"])[["mmsi", "name", "imo", "callsign"]]
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    # the DMA base station row is not a vessel
    assert categories(dma)[20] == "other_type"
    # the same analysis after cleaning, too
    for other in (dma, generic):
        pd.testing.assert_frame_equal(
            ais_clean.clean(nmea).positions.drop(columns=["source_file", "source_line"]),
            ais_clean.clean(other).positions.drop(columns=["source_file", "source_line"]),
        )


def test_read_ais_dispatches_and_concatenates():
    both = ais_readers.read_ais([NMEA, FIX / "leading_time.nmea"], "nmea")
    assert len(both.positions) == 17 + 17
    assert both.positions["source_file"].nunique() == 2
    assert len(ais_readers.read_ais(FIX / "shuttle_dma.csv", "dma").positions) == 17
    assert (
        len(ais_readers.read_ais(FIX / "shuttle_generic.csv", "csv", GENERIC_MAP).positions) == 17
    )
    with pytest.raises(DataError, match="column map"):
        ais_readers.read_ais(FIX / "shuttle_generic.csv", "csv")
    with pytest.raises(DataError, match="unknown AIS format"):
        ais_readers.read_ais(NMEA, "kml")


def test_csv_structure_errors_name_file_line_and_field(tmp_path):
    with pytest.raises(DataError) as err:
        ais_readers.read_csv(FIX / "shuttle_generic.csv", dict(GENERIC_MAP, lat="Latitude"))
    e = err.value
    assert (e.line, e.field) == (1, "Latitude") and "shuttle_generic.csv" in str(e)
    assert "LAT" in e.hint
    with pytest.raises(DataError, match="unknown key 'speed'"):
        ais_readers.read_csv(FIX / "shuttle_generic.csv", dict(GENERIC_MAP, speed="SOG"))
    with pytest.raises(DataError, match="no 'lon'"):
        ais_readers.read_csv(
            FIX / "shuttle_generic.csv", {"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT"}
        )


def test_csv_row_noise_is_counted(tmp_path):
    path = tmp_path / "noisy.csv"
    path.write_text(
        "MMSI,BaseDateTime,LAT,LON\n"
        "273000001,2023-09-01T00:00:00,42.5,131.0\n"
        "273000001,yesterday,42.5,131.0\n"
        "273000001,,42.5,131.0\n"
        "abc,2023-09-01T00:00:00,42.5,131.0\n"
        "273000001,2023-09-01T01:00:00,north,131.0\n"
        "273000001,2023-09-01T01:00:00,0,0\n"
        "\n"
        "273000001,1693530000,42.6,131.0\n"
    )
    data = ais_readers.read_csv(
        path, {"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT", "lon": "LON"}
    )
    assert list(data.positions["time"]) == [h(0), h(1)]
    assert categories(data) == {
        3: "bad_timestamp",
        4: "no_timestamp",
        5: "mmsi_invalid",
        6: "position_invalid",
        7: "position_invalid",
    }
    assert data.positions["sog"].isna().all() and (data.positions["nav_status"] == 15).all()


def test_drop_duplicates_moves_the_repeat_to_skipped():
    data = ais_clean.drop_duplicates(ais_nmea.read_nmea(NMEA))
    assert len(data.positions) == 16
    assert categories(data)[8] == "duplicate"  # line 8 repeats line 7; the first is kept
    assert 7 in set(data.positions["source_line"])


def test_jump_flag_marks_only_the_impossible_fix():
    pos = ais_clean.clean(ais_nmea.read_nmea(NMEA), max_speed_kn=50.0).positions
    star = pos[pos["mmsi"] == 440000003].set_index("source_line")
    # 42.10 N -> 45.00 N along 131.5 E in 0.5 h: 2.90 deg * 111.1951 km/deg = 322.4657 km
    # = 174.1175 nmi, / 0.5 h = 348.235 kn; back to 42.20 N: 2.80 deg -> 336.227 kn
    assert star.loc[19, "implied_speed_kn"] == pytest.approx(348.235, abs=1e-3)
    assert star.loc[20, "implied_speed_kn"] == pytest.approx(336.227, abs=1e-3)
    assert star["is_jump"].to_dict() == {17: False, 18: False, 19: True, 20: False, 22: False}
    # 0.10 deg in 1 h = 11.1195 km = 6.004 kn
    assert star.loc[18, "implied_speed_kn"] == pytest.approx(6.004, abs=1e-3)
    assert not pos.loc[pos["mmsi"] != 440000003, "is_jump"].any()


@pytest.mark.parametrize(
    "lats, expected",
    [
        ([45.0, 42.0, 42.1, 42.2], [True, False, False, False]),  # first fix is the outlier
        ([42.0, 45.0, 42.1, 42.2], [False, True, False, False]),  # not the first fix as well
        ([42.0, 42.1, 42.2, 45.0], [False, False, False, True]),  # last fix is the outlier
        ([42.0, 45.0], [False, False]),  # two fixes: cannot tell
        ([42.0, 42.1, 42.2, 42.3], [False, False, False, False]),  # 0.1 deg/h = 6 kn
    ],
)
def test_jump_flag_at_track_ends(lats, expected):
    n = len(lats)
    pos = pd.DataFrame(
        {
            "mmsi": [1] * n + [2] * 2,
            "time": [h(i) for i in range(n)] + [h(0), h(1)],
            "lat": lats + [42.0, 45.0],
            "lon": 131.0,
        }
    )
    assert ais_clean.add_jump_flag(pos)["is_jump"].tolist() == expected + [False, False]


def test_quality_table_and_counts():
    data = ais_clean.clean(ais_nmea.read_nmea(NMEA))
    table = ais_clean.get_quality_table(data).set_index("category")
    assert table.loc["position", "records"] == 16
    assert table.loc["static", "records"] == 4
    assert table.loc["duplicate", "status"] == "removed"
    assert table.loc["bad_checksum", "examples"].endswith("shuttle.nmea:25")
    # 34 lines, two type 5 messages of two lines each: 32 records;
    # rejected = 10 (lines 21, 25, 27-34); other_type and duplicate are neither
    assert ais_clean.count_records(data) == {"records": 32, "kept": 20, "rejected": 10}


def test_parse_times():
    text = pd.Series(
        [
            "1693526400",
            "1693526400000",
            "2023-09-01T09:00:00+09:00",
            "2023-09-01 00:00",
            "nonsense",
            None,
            "9999-01-01T00:00:00Z",
            "-5",
            "1693526400.5",
        ]
    )
    out = ais_timecols.parse_times(text)
    assert list(out[:4]) == [T0] * 4
    assert out[4:8].isna().all()
    assert out[8] == T0 + pd.Timedelta(milliseconds=500)
    dma = ais_timecols.parse_times(
        pd.Series(["01/09/2023 00:00:00", "31/02/2023 00:00:00"]), ais_readers.DMA_TIME_FORMAT
    )
    assert dma[0] == T0 and pd.isna(dma[1])


def test_haversine_one_degree_of_latitude():
    # pi/180 * 6371.0088 km = 111.1951 km
    assert earth.haversine_km(42.0, 130.0, 43.0, 130.0) == pytest.approx(111.1951, abs=1e-4)


def test_fleet_matches_names_case_insensitively_and_shows_shared_names():
    vessels = ais_nmea.read_nmea(NMEA).vessels
    fleet = ais_fleet.get_fleet(vessels, ["Angara", "maria "])
    assert fleet[["vessel", "mmsi"]].values.tolist() == [
        ["Angara", 273000001],
        ["maria ", 273000002],
    ]
    # a second transmitter broadcasting the same name is listed, not hidden
    spoof = pd.concat(
        [vessels, vessels.iloc[[0]].assign(mmsi=999000001, imo=pd.NA, name="angara ")],
        ignore_index=True,
    )
    fleet = ais_fleet.get_fleet(spoof, ["Angara"], imos={"Angara": 9000001})
    assert fleet.values.tolist() == [
        ["Angara", 273000001, "imo+name"],
        ["Angara", 999000001, "name"],
    ]


def test_add_vessel():
    data = ais_nmea.read_nmea(NMEA)
    fleet = pd.DataFrame({"vessel": ["Angara"], "mmsi": [273000001]})
    pos = ais_fleet.add_vessel(data.positions, fleet)
    assert (pos["vessel"] == "Angara").sum() == 8 and pos["vessel"].isna().sum() == 9
    with pytest.raises(DataError, match="two vessels"):
        ais_fleet.add_vessel(data.positions, pd.DataFrame({"vessel": ["A", "B"], "mmsi": [1, 1]}))


def test_ship_names_are_kept_as_raw_text(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        "MMSI,BaseDateTime,LAT,LON,VesselName\n"
        "273000009,2023-09-01T00:00:00,42.5,131.0,\"=cmd|' /c calc'!A0\"\n"
        "273000010,2023-09-01T00:00:00,42.5,131.0,\"__import__('os')\"\n"
    )
    data = ais_readers.read_csv(
        path,
        {"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT", "lon": "LON", "name": "VesselName"},
    )
    assert data.vessels["name"].tolist() == ["=cmd|' /c calc'!A0", "__import__('os')"]


def test_density_grid_counts_positions_per_cell():
    pos = ais_nmea.read_nmea(NMEA).positions
    grid = ais_clean.to_density_grid(pos, [42.0, 42.5, 43.0], [130.0, 131.25, 132.5])
    # lat 42.0-42.5: MARIA 42.40, 42.49, 42.20 (lon 131.0) and SEA STAR 42.0, 42.1, 42.2,
    # 42.3 (131.5); 42.50 N is in the upper row. 42.5-43.0: ANGARA x8 (132.35), MARIA 42.50.
    assert grid.sel(lat=42.25).values.tolist() == [3, 4]
    assert grid.sel(lat=42.75).values.tolist() == [1, 8]
    assert int(grid.sum()) == 16  # 45.0 N is outside the grid


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


def test_quality_table_lists_flagged_jumps_without_counting_them_twice():
    data = ais_clean.clean(ais_nmea.read_nmea(NMEA))
    table = ais_clean.get_quality_table(data).set_index("category")
    # SEA STAR at 45 N on line 19 between fixes near 42 N: flagged, still a position
    assert table.loc["jump", ["status", "records"]].tolist() == ["flagged", 1]
    assert table.loc["jump", "examples"].endswith("shuttle.nmea:19")
    assert table.index.tolist().index("jump") == 2  # after position and static
    assert ais_clean.count_records(data) == {"records": 32, "kept": 20, "rejected": 10}
    assert "jump" not in ais_clean.get_quality_table(ais_nmea.read_nmea(NMEA))["category"].tolist()


def test_summary_counts_positions_jumps_and_ships():
    data = ais_clean.clean(ais_nmea.read_nmea(NMEA))
    assert ais_clean.get_summary(data) == {
        "records": 32,
        "kept": 20,
        "rejected": 10,
        "positions": 16,
        "jumps": 1,
        "vessels": 3,
    }
    assert ais_clean.get_summary(ais_nmea.read_nmea(NMEA))["jumps"] == 0


def test_vessel_entries_name_mmsi_imo():
    assert ais_fleet.parse_vessel_entry("Sparta IV") == ("name", "Sparta IV")
    assert ais_fleet.parse_vessel_entry("mmsi:273111111") == ("mmsi", 273111111)
    assert ais_fleet.parse_vessel_entry(" IMO: 9154517 ") == ("imo", 9154517)
    for bad in ("mmsi:27311111", "mmsi:2731111111", "imo:91545x7", "imo:", "  "):
        with pytest.raises(DataError) as exc:
            ais_fleet.parse_vessel_entry(bad)
        assert exc.value.field == "vessels"


def test_fleet_by_mmsi_and_imo_entries():
    vessels = ais_nmea.read_nmea(NMEA).vessels
    # an MMSI entry needs no static report; an IMO entry matches the MMSI broadcasting it;
    # an entry nobody broadcasts has no row (a ship never heard)
    fleet = ais_fleet.get_fleet(vessels, ["mmsi:555000001", "imo:9000001", "Nobody"])
    assert fleet.values.tolist() == [
        ["imo:9000001", 273000001, "imo"],
        ["mmsi:555000001", 555000001, "mmsi"],
    ]


def test_csv_with_a_wrong_time_format_stops_with_a_hint(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Time,MMSI,Lat,Lon\n31/12/2023 23:59,273000001,42.0,131.0\n"
        "31/12/2023 23:58,273000001,42.0,131.0\n"
    )
    cols = {"time": "Time", "mmsi": "MMSI", "lat": "Lat", "lon": "Lon"}
    with pytest.raises(DataError) as exc:
        ais_readers.read_ais(path, "csv", cols)  # ISO 8601 expected: no row parses
    assert exc.value.line == 2 and exc.value.field == "time" and "ais_time_format" in str(exc.value)
    data = ais_readers.read_ais(path, "csv", cols, time_format="%d/%m/%Y %H:%M")
    assert data.positions["time"].dt.strftime("%H:%M").tolist() == ["23:58", "23:59"]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 400), st.sampled_from([3, 300, 70_000]), st.integers(0, 2**31), st.booleans())
def test_position_order_is_the_lexsort_of_mmsi_time_and_minor_keys(n, vessels, seed, minor2):
    rng = np.random.default_rng(seed)
    mmsi = rng.integers(1, vessels + 1, n) * 1000
    time_ns = rng.integers(0, 5, n) * 10**9  # many ties
    line = rng.permutation(n) // 2  # ties too: then the input order decides
    rank = rng.integers(0, 3, n)
    minor = (rank, line) if minor2 else (line,)
    want = np.lexsort((*reversed(minor), time_ns, mmsi))
    np.testing.assert_array_equal(ais_records.position_order(mmsi, time_ns, *minor), want)


def test_position_order_with_more_vessels_than_16_bit_ranks():
    rng = np.random.default_rng(1)
    mmsi, time_ns = rng.permutation(70_000), rng.integers(0, 3, 70_000)
    np.testing.assert_array_equal(
        ais_records.position_order(mmsi, time_ns), np.lexsort((time_ns, mmsi))
    )
