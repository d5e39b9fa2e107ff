"""The bad-input catalogue (issue 9): every kind of bad input, one test each.

Each input kind has its catalogue below; every fatal case must raise a
``tumen.errors.TumenError`` subclass whose ``file``, ``line`` and ``field`` point at the
problem and whose message is one line with a hint. Row noise in AIS is never fatal: it is
counted in the data-quality table, and every input line is either kept or counted.

Timestamp policy (documented in the modules): a railcar ``acquired`` time without a UTC
offset is an error unless ``naive="utc"`` (the rail notebook's ``naive_timestamps``
parameter); a sightings ``observed`` time without an offset is taken as UTC.

A few cases exist elsewhere and are not repeated here: rail fixture files in
tests/analyses/rail/test_rail_read.py (``test_errors_name_file_line_and_field``), sighting status and
``site``/``lat``/``lon`` presence in tests/test_shuttle.py, and for parameters the unknown
key, wrong type, missing path and path outside the project in tests/test_params.py
(``test_unknown_parameter_suggests_the_declared_one``, ``test_wrong_type``,
``test_missing_path``, ``test_path_outside_project``); the parameter cases here cover
other spellings of the same faults.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pyais.encode import encode_dict
from pyais.util import checksum

from tumen.ais import clean as ais_clean
from tumen.ais import nmea as ais_nmea
from tumen.analyses.rail import read as rail_read
from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.engine import params
from tumen.errors import DataError, ParameterError, TumenError
from tumen.geo import gazetteer

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def sites():
    return gazetteer.load_sites()


def write(tmp_path, name, content) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def check_error(err: TumenError, path: Path, line, field, *words):
    """The error names file, line and field, is one line, has a hint and the words."""
    assert isinstance(err, TumenError)
    assert err.file == str(path)
    assert err.line == line
    assert err.field == field
    text = str(err)
    assert "\n" not in text and "\r" not in text
    assert err.hint and "(hint: " in text
    where = f"{path}:{line}" + (f" [{field}]" if field else "")
    assert text.startswith(where + ": "), text
    for word in words:
        assert word in text, text


# --- railcars -------------------------------------------------------------------------

RH = "site,acquired,railcars\n"
ROW = "tumangang_rail_facility,2023-01-01T00:00:00Z,4\n"
ROW2 = "tumangang_rail_facility,2023-02-01T00:00:00Z,5\n"

# (id, content, line, field, words in the message)
RAIL_FATAL = [
    (
        "missing_column",
        "site,acquired\ntumangang_rail_facility,2023-01-01T00:00:00Z\n",
        1,
        "railcars",
        ["required column 'railcars' is missing"],
    ),
    (
        "misspelt_required",
        "site,aquired,railcars\n" + ROW,
        1,
        "acquired",
        ["did you mean 'aquired'", "rename that column to 'acquired'"],
    ),
    (
        "misspelt_optional",
        RH.strip() + ",confidnce\n" + ROW.strip() + ",high\n",
        1,
        "confidnce",
        ["did you mean 'confidence'"],
    ),
    (
        "unparseable_timestamp",
        RH + ROW + "tumangang_rail_facility,5 Oct 2023,5\n",
        3,
        "acquired",
        ["cannot read timestamp", "ISO 8601"],
    ),
    (
        "impossible_date",
        RH + ROW + "tumangang_rail_facility,2023-02-30,5\n",
        3,
        "acquired",
        ["cannot read timestamp"],
    ),
    (
        "naive_timestamp",
        RH + ROW + "tumangang_rail_facility,2023-02-01T10:00:00,5\n",
        3,
        "acquired",
        ["no time zone", "naive='utc'"],
    ),
    (
        "negative_count",
        RH + ROW + "tumangang_rail_facility,2023-02-01T00:00:00Z,-5\n",
        3,
        "railcars",
        ["negative"],
    ),
    (
        "fractional_count",
        RH + "tumangang_rail_facility,2023-02-01T00:00:00Z,4.5\n",
        2,
        "railcars",
        ["not a whole number"],
    ),
    (
        "text_count",
        RH + "tumangang_rail_facility,2023-02-01T00:00:00Z,many\n",
        2,
        "railcars",
        ["not a whole number"],
    ),
    (
        "empty_count",
        RH + "tumangang_rail_facility,2023-02-01T00:00:00Z,\n",
        2,
        "railcars",
        ["empty"],
    ),
    (
        "unknown_site",
        RH + ROW + "tumangang_rail_facilty,2023-02-01T00:00:00Z,5\n",
        3,
        "site",
        ["unknown site", "did you mean 'tumangang_rail_facility'"],
    ),
    ("empty_site", RH + ",2023-02-01T00:00:00Z,5\n", 2, "site", ["site is empty"]),
    ("duplicate_row", RH + ROW + ROW2 + ROW, 4, None, ["repeats line 2"]),
    ("empty_file", "", 1, None, ["file is empty", "site,acquired,railcars"]),
    ("header_only_blank_lines", "\n\n  \n", 1, None, ["file is empty"]),
    (
        "too_many_fields",
        RH + ROW + "tumangang_rail_facility,2023-02-01T00:00:00Z,5,extra\n",
        3,
        None,
        ["row has 4 fields", "quote fields"],
    ),
    ("bad_gsd", RH.strip() + ",gsd_m\n" + ROW.strip() + ",-1\n", 2, "gsd_m", ["not a valid value"]),
    (
        "bad_cloud",
        RH.strip() + ",cloud_pct\n" + ROW.strip() + ",140\n",
        2,
        "cloud_pct",
        ["not a valid value"],
    ),
    (
        "bad_confidence",
        RH.strip() + ",confidence\n" + ROW.strip() + ",sure\n",
        2,
        "confidence",
        ["not one of low, medium, high"],
    ),
    (
        "nul_bytes",
        RH + ROW + "tumangang_rail_facility,2023-02-01T00:00:00Z,5\0\n",
        3,
        None,
        ["NUL"],
    ),
    (
        "unclosed_quote",
        RH + ROW + 'tumangang_rail_facility,"2023-02-01T00:00:00Z,5\n',
        3,
        None,
        ["fields"],
    ),
]
# Latin-1: "Tumangang Gare à marchandises" in the notes, saved in Latin-1, on line 3.
LATIN1 = (
    RH.strip() + ",notes\n" + ROW.strip() + ",ok\n"
).encode() + "tumangang_rail_facility,2023-02-01T00:00:00Z,5,gare à marchandises\n".encode(
    "latin-1"
)
RAIL_FATAL += [
    ("latin1_bytes", LATIN1, 3, None, ["byte 0xe0 is not UTF-8", "save the file as UTF-8"])
]


@pytest.mark.parametrize(
    "case, content, line, field, words", RAIL_FATAL, ids=[c[0] for c in RAIL_FATAL]
)
def test_railcars_fatal(tmp_path, sites, case, content, line, field, words):
    path = write(tmp_path, f"{case}.csv", content)
    with pytest.raises(DataError) as exc:
        rail_read.read_railcars(path, known_sites=list(sites["id"]))
    check_error(exc.value, path, line, field, *words)


def test_railcars_unclosed_quote_is_one_error(tmp_path):
    """An unclosed quote swallows the rest of the file: the row is then too short."""
    path = write(tmp_path, "q.csv", RH + ROW + 'tumangang_rail_facility,"2023,5\n' + ROW2)
    with pytest.raises(DataError) as exc:
        rail_read.read_railcars(path)
    assert exc.value.line == 3


@pytest.mark.parametrize(
    "case, content",
    [
        ("utf8_bom", "\ufeff" + RH + ROW + ROW2),
        ("crlf", (RH + ROW + ROW2).replace("\n", "\r\n")),
        ("bom_and_crlf", "\ufeff" + (RH + ROW + ROW2).replace("\n", "\r\n")),
        ("no_final_newline", RH + ROW + ROW2.rstrip("\n")),
        ("blank_lines_between_rows", RH + "\n" + ROW + "\n\n" + ROW2),
        (
            "spaces_around_fields",
            "site , acquired , railcars\n"
            " tumangang_rail_facility , 2023-01-01T00:00:00Z , 4\n" + ROW2,
        ),
        ("offset_timestamp", RH + "tumangang_rail_facility,2023-01-01T09:00:00+09:00,4\n" + ROW2),
        ("date_only", RH + "tumangang_rail_facility,2023-01-01,4\n" + ROW2),
    ],
)
def test_railcars_accepted(tmp_path, sites, case, content):
    path = write(tmp_path, f"{case}.csv", content)
    table = rail_read.read_railcars(path, known_sites=list(sites["id"]))
    assert table["railcars"].tolist() == [4, 5]
    assert table["acquired"].tolist() == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-02-01")]
    assert table["site"].unique().tolist() == ["tumangang_rail_facility"]


def test_railcars_line_numbers_survive_blank_lines_and_crlf(tmp_path):
    path = write(
        tmp_path,
        "l.csv",
        (RH + "\n" + ROW + "\n" + "x,2023-01-01T00:00:00Z,4\n").replace("\n", "\r\n"),
    )
    with pytest.raises(DataError) as exc:
        rail_read.read_railcars(path, known_sites=["tumangang_rail_facility"])
    assert exc.value.line == 5 and exc.value.field == "site"


def test_railcars_naive_timestamps_policy(tmp_path):
    """Zone-less date-times are an error by default and UTC when the parameter says so."""
    path = write(tmp_path, "n.csv", RH + "tumangang_rail_facility,2023-02-01T10:00:00,5\n")
    with pytest.raises(DataError):
        rail_read.read_railcars(path)
    table = rail_read.read_railcars(path, naive="utc")
    assert table["acquired"].tolist() == [pd.Timestamp("2023-02-01T10:00:00")]


def test_railcars_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(DataError) as exc:
        rail_read.read_railcars(path)
    assert exc.value.file == str(path) and "not found" in str(exc.value) and exc.value.hint


# --- sightings ------------------------------------------------------------------------

SH = "vessel,observed,site,lat,lon,containers\n"
SROW = "Angara,2023-09-03T03:00:00Z,rajin_port,,,120\n"
SROW2 = "Maria,2023-09-05T10:00:00Z,dunai_port,,,80\n"

SIGHTING_FATAL = [
    (
        "missing_column",
        "vessel,site\nAngara,rajin_port\n",
        1,
        "observed",
        ["required column 'observed' is missing"],
    ),
    (
        "misspelt_required",
        "vessel,observd,site\nAngara,2023-09-03T03:00:00Z,rajin_port\n",
        1,
        "observed",
        ["did you mean 'observd'", "rename that column to 'observed'"],
    ),
    (
        "misspelt_optional",
        "vessel,observed,site,contaners\nAngara,2023-09-03T03:00:00Z,rajin_port,120\n",
        1,
        "contaners",
        ["did you mean 'containers'"],
    ),
    (
        "unparseable_timestamp",
        SH + SROW + "Maria,yesterday noon,dunai_port,,,80\n",
        3,
        "observed",
        ["cannot read time", "ISO 8601"],
    ),
    (
        "negative_count",
        SH + SROW + "Maria,2023-09-05T10:00:00Z,dunai_port,,,-80\n",
        3,
        "containers",
        ["not a whole number >= 0"],
    ),
    (
        "fractional_count",
        SH + "Maria,2023-09-05T10:00:00Z,dunai_port,,,80.5\n",
        2,
        "containers",
        ["not a whole number >= 0"],
    ),
    (
        "text_count",
        SH + "Maria,2023-09-05T10:00:00Z,dunai_port,,,lots\n",
        2,
        "containers",
        ["not a whole number >= 0"],
    ),
    ("latitude_91", SH + SROW + "Maria,2023-09-05T10:00:00Z,,91,130.3,\n", 3, "lat", ["-90..90"]),
    (
        "latitude_minus_90_5",
        SH + "Maria,2023-09-05T10:00:00Z,,-90.5,130.3,\n",
        2,
        "lat",
        ["-90..90"],
    ),
    ("latitude_text", SH + "Maria,2023-09-05T10:00:00Z,,north,130.3,\n", 2, "lat", ["-90..90"]),
    (
        "longitude_181",
        SH + SROW + "Maria,2023-09-05T10:00:00Z,,42.2,181,\n",
        3,
        "lon",
        ["-180..180"],
    ),
    (
        "longitude_minus_200",
        SH + "Maria,2023-09-05T10:00:00Z,,42.2,-200,\n",
        2,
        "lon",
        ["-180..180"],
    ),
    (
        "unknown_site",
        SH + SROW + "Maria,2023-09-05T10:00:00Z,duani_port,,,80\n",
        3,
        "site",
        ["unknown site 'duani_port'", "did you mean 'dunai_port'"],
    ),
    (
        "empty_vessel",
        SH + ",2023-09-05T10:00:00Z,dunai_port,,,80\n",
        2,
        "vessel",
        ["vessel name is empty"],
    ),
    (
        "unknown_status",
        "vessel,observed,site,status\nAngara,2023-09-03T03:00:00Z,rajin_port,docked\n",
        2,
        "status",
        ["unknown status 'docked'"],
    ),
    (
        "no_place",
        SH + "Maria,2023-09-05T10:00:00Z,,42.2,,\n",
        2,
        "site",
        ["neither a site nor lat and lon"],
    ),
    ("duplicate_row", SH + SROW + SROW2 + SROW, 4, None, ["repeats line 2"]),
    ("empty_file", "", 1, None, ["file is empty", "vessel,observed"]),
    (
        "latin1_bytes",
        (SH.strip() + ",notes\n" + SROW.strip() + ",ok\n").encode()
        + "Maria,2023-09-05T10:00:00Z,dunai_port,,,80,déchargement\n".encode("latin-1"),
        3,
        None,
        ["byte 0xe9 is not UTF-8"],
    ),
    ("too_few_fields", SH + SROW + "Maria,2023-09-05T10:00:00Z\n", 3, None, ["row has 2 fields"]),
]


@pytest.mark.parametrize(
    "case, content, line, field, words", SIGHTING_FATAL, ids=[c[0] for c in SIGHTING_FATAL]
)
def test_sightings_fatal(tmp_path, sites, case, content, line, field, words):
    path = write(tmp_path, f"{case}.csv", content)
    with pytest.raises(DataError) as exc:
        shuttle_observations.read_sightings(path, sites)
    check_error(exc.value, path, line, field, *words)


@pytest.mark.parametrize(
    "case, content",
    [
        ("utf8_bom", "\ufeff" + SH + SROW + SROW2),
        ("crlf", (SH + SROW + SROW2).replace("\n", "\r\n")),
        ("bom_and_crlf", "\ufeff" + (SH + SROW + SROW2).replace("\n", "\r\n")),
        (
            "naive_timestamp_is_utc",
            SH
            + SROW.replace("03:00:00Z", "03:00:00")
            + SROW2.replace("10:00:00Z", "19:00:00+09:00"),
        ),
        ("spaces_and_case", SH + " Angara , 2023-09-03T03:00:00Z , rajin_port ,,, 120 \n" + SROW2),
    ],
)
def test_sightings_accepted(tmp_path, sites, case, content):
    path = write(tmp_path, f"{case}.csv", content)
    table = shuttle_observations.read_sightings(path, sites)
    assert table["vessel"].tolist() == ["Angara", "Maria"]
    assert table["observed"].tolist() == [
        pd.Timestamp("2023-09-03T03:00:00Z"),
        pd.Timestamp("2023-09-05T10:00:00Z"),
    ]
    assert table["containers"].tolist() == [120, 80]
    assert table["site"].tolist() == ["rajin_port", "dunai_port"]


def test_sightings_header_only_is_an_empty_table(tmp_path, sites):
    table = shuttle_observations.read_sightings(write(tmp_path, "h.csv", SH), sites)
    assert len(table) == 0 and "observed" in table


# --- AIS ------------------------------------------------------------------------------

EPOCH = 1693526400  # 2023-09-01T00:00:00Z


def tag(epoch: int) -> str:
    body = f"c:{epoch}"
    return f"\\{body}*{checksum(body.encode()):02X}\\"


def nmea(msg_type: int, fields: dict, epoch: int = EPOCH, seq=None) -> list[str]:
    parts = encode_dict(
        dict(fields, type=msg_type),
        talker_id="AI",
        sentence_type="VDM",
        radio_channel="A",
        seq_id=seq,
    )
    return [tag(epoch) + p for p in parts]


def pos(lat=42.24, lon=130.29, epoch=EPOCH, mmsi=273000001) -> str:
    return nmea(
        1, dict(mmsi=mmsi, lat=lat, lon=lon, speed=0, course=0, heading=90, status=5), epoch
    )[0]


STATIC = nmea(
    5, dict(mmsi=273000001, imo=9000001, callsign="UBAA1", shipname="ANGARA", ship_type=70), seq=1
)
GOOD = [pos(epoch=EPOCH), pos(epoch=EPOCH + 3600)]
HALF_A = nmea(
    5, dict(mmsi=273000002, imo=9000002, callsign="UBAA2", shipname="MARIA", ship_type=70), seq=2
)[0]
HALF_B = nmea(
    5, dict(mmsi=273000002, imo=9000002, callsign="UBAA2", shipname="MARIA", ship_type=70), seq=3
)[1]


def _bad_checksum():
    line = pos(epoch=EPOCH + 7200)
    return line[:-2] + ("00" if line[-2:] != "00" else "11")


def _unknown_type():
    body = "!AIVDM,1,1,,A," + "h" + pos()[len(tag(EPOCH)) + 15 :].split(",")[0][1:] + ",0"
    return tag(EPOCH) + body + f"*{checksum(body[1:].encode()):02X}"


# (id, extra lines as str or bytes, expected {category: count} among them)
AIS_CASES = [
    ("bad_checksum", [_bad_checksum()], {"bad_checksum": 1}),
    ("truncated_sentence", [pos(epoch=EPOCH + 7200)[:40]], {"malformed": 1}),
    (
        "truncated_payload",
        [tag(EPOCH) + "!AIVDM,1,1,,A,144FV@EP,0*" + f"{checksum(b'AIVDM,1,1,,A,144FV@EP,0'):02X}"],
        {"truncated_payload": 1},
    ),
    ("first_half_of_type5_only", [HALF_A], {"multipart_incomplete": 1}),
    ("second_half_of_type5_only", [HALF_B], {"multipart_orphan": 1}),
    ("unknown_message_type", [_unknown_type()], {"unknown_type": 1}),
    ("binary_junk", [bytes(range(0, 256, 7)), b"\xff\xfe\x00\x01garbage"], {"junk": 2}),
    (
        "not_ais",
        ["$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"],
        {"not_ais": 1},
    ),
    ("position_91_181", [pos(lat=91, lon=181, epoch=EPOCH + 7200)], {"position_not_available": 1}),
    (
        "latitude_91_only",
        [pos(lat=91, lon=130.29, epoch=EPOCH + 7200)],
        {"position_not_available": 1},
    ),
    (
        "longitude_181_only",
        [pos(lat=42.24, lon=181, epoch=EPOCH + 7200)],
        {"position_not_available": 1},
    ),
    ("no_timestamp", [pos()[len(tag(EPOCH)) :]], {"no_timestamp": 1}),
    ("bad_tag_block", ["\\c:1693526400*00\\" + pos()[len(tag(EPOCH)) :]], {"bad_tag_block": 1}),
    ("mmsi_zero", [pos(mmsi=0, epoch=EPOCH + 7200)], {"mmsi_invalid": 1}),
    (
        "other_type_base_station",
        nmea(4, dict(mmsi=2730000, lat=42.2, lon=130.3)),
        {"other_type": 1},
    ),
    (
        "timestamps_out_of_order",
        [pos(epoch=EPOCH + 9000), pos(epoch=EPOCH + 5400)],
        {"position": 2},
    ),
    ("text_line", ["this is not AIS at all"], {"junk": 1}),
]


@pytest.mark.parametrize("case, extra, expected", AIS_CASES, ids=[c[0] for c in AIS_CASES])
def test_ais_row_noise_is_counted_never_fatal_never_dropped(tmp_path, case, extra, expected):
    lines = [s.encode() if isinstance(s, str) else s for s in GOOD + extra + STATIC]
    path = write(tmp_path, f"{case}.nmea", b"\n".join(lines) + b"\n")
    data = ais_nmea.read_nmea(path)
    table = ais_clean.get_quality_table(data).set_index("category")
    counts = table["records"].to_dict()
    # the good lines around the noise are kept ...
    base = {"position": 2, "static": 1}
    for cat, n in expected.items():
        base[cat] = base.get(cat, 0) + n
    assert counts == base, (case, counts)
    # ... and every input line is a kept record or counted (the type 5 is 2 lines, 1 record)
    n_lines = sum(1 for s in lines if s.strip())
    assert ais_clean.count_records(data)["records"] == n_lines - 1
    seen = set(data.positions["source_line"]) | set(data.skipped["source_line"])
    assert seen == set(range(1, n_lines + 1)) - {n_lines}  # line n is part 2 of the type 5


def test_ais_positions_out_of_order_are_sorted_and_kept(tmp_path):
    path = write(tmp_path, "o.nmea", "\n".join([pos(epoch=EPOCH + 7200), pos(epoch=EPOCH)]))
    data = ais_nmea.read_nmea(path)
    assert data.positions["source_line"].tolist() == [2, 1]
    assert data.positions["time"].is_monotonic_increasing


def test_ais_not_available_positions_stay_out_of_the_analysis(tmp_path):
    path = write(tmp_path, "na.nmea", "\n".join([pos(), pos(lat=91, lon=181, epoch=EPOCH + 60)]))
    data = ais_nmea.read_nmea(path)
    assert data.positions["lat"].tolist() == [pytest.approx(42.24, abs=1e-4)]


def test_ais_empty_file_is_an_empty_tally(tmp_path):
    data = ais_nmea.read_nmea(write(tmp_path, "e.nmea", b""))
    assert len(data.positions) == 0 and len(ais_clean.get_quality_table(data)) == 0


def test_ais_missing_file_is_fatal(tmp_path):
    with pytest.raises(DataError) as exc:
        ais_nmea.read_nmea(tmp_path / "none.nmea")
    assert exc.value.file == str(tmp_path / "none.nmea") and exc.value.hint


def test_ais_whole_catalogue_in_one_file_adds_up(tmp_path):
    """All the noise at once: the tally accounts for every line."""
    extra = [line for _, lines, _ in AIS_CASES for line in lines]
    lines = [s.encode() if isinstance(s, str) else s for s in GOOD + extra + STATIC]
    data = ais_nmea.read_nmea(write(tmp_path, "all.nmea", b"\n".join(lines)))
    n_lines = sum(1 for s in lines if s.strip())
    assert ais_clean.count_records(data)["records"] == n_lines - 1
    expected = {"position": 2, "static": 1}
    for _, _, exp in AIS_CASES:
        for cat, n in exp.items():
            expected[cat] = expected.get(cat, 0) + n
    table = ais_clean.get_quality_table(data).set_index("category")["records"].to_dict()
    assert table == expected


# --- parameters -----------------------------------------------------------------------

BASE = """report:
  title: T
  variant: v1
  notebook_dir: tests/fixtures/notebooks
  notebooks: [01_harbour, 02_rail]
"""


@pytest.fixture
def proj(tmp_path):
    shutil.copytree(FIX / "notebooks", tmp_path / "tests/fixtures/notebooks")
    shutil.copytree(FIX / "data", tmp_path / "tests/fixtures/data")
    return tmp_path


# (id, text appended to BASE or a replacement, line, field, words)
PARAM_FATAL = [
    ("unknown_notebook_key", BASE + "rail:\n  widnow: 3\n", 7, "rail.widnow", []),
    (
        "unknown_section",
        BASE + "harbor:\n  threshold: 3\n",
        6,
        "harbor",
        ["did you mean 'harbour'"],
    ),
    (
        "unknown_report_key",
        BASE.replace("variant: v1", "varient: v1"),
        3,
        "report.varient",
        ["did you mean 'variant'"],
    ),
    (
        "wrong_type_list_for_int",
        BASE + "harbour:\n  threshold: [1, 2]\n",
        7,
        "harbour.threshold",
        ["expected int"],
    ),
    (
        "wrong_type_bool_for_int",
        BASE + "harbour:\n  threshold: true\n",
        7,
        "harbour.threshold",
        ["expected int"],
    ),
    (
        "path_does_not_exist",
        BASE + "harbour:\n  counts_csv: tests/fixtures/data/nope.csv\n",
        7,
        "harbour.counts_csv",
        [],
    ),
    (
        "path_absolute_outside",
        BASE + "harbour:\n  counts_csv: /etc/passwd\n",
        7,
        "harbour.counts_csv",
        [],
    ),
    (
        "output_dir_outside_project",
        BASE.replace("variant: v1", "variant: ../../escape"),
        3,
        "report.variant",
        [],
    ),
    (
        "notebook_dir_outside_project",
        BASE.replace("tests/fixtures/notebooks", "../.."),
        4,
        "report.notebook_dir",
        [],
    ),
]


@pytest.mark.parametrize(
    "case, text, line, field, words", PARAM_FATAL, ids=[c[0] for c in PARAM_FATAL]
)
def test_parameters_fatal(proj, case, text, line, field, words):
    path = proj / "p.yaml"
    path.write_text(text)
    with pytest.raises(ParameterError) as exc:
        params.load(path, root=proj)
    err = exc.value
    assert err.file == str(path)
    assert err.field == field, str(err)
    assert err.line == line, str(err)
    assert "\n" not in str(err) and err.hint, str(err)
    for word in words:
        assert word in str(err)


def test_parameters_empty_file(proj):
    path = proj / "p.yaml"
    path.write_text("")
    with pytest.raises(ParameterError) as exc:
        params.load(path, root=proj)
    assert exc.value.file == str(path) and "\n" not in str(exc.value)


# --- end to end: a bad railcars row stops the build -----------------------------------

RAIL_PARAMS = """report:
  title: Bad input
  variant: badinput
  notebooks: [01_rail_traffic]
rail_traffic:
  observations_csv: {csv}
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    from tumen.engine import rebuild

    return rebuild.copy_tree(tmp_path_factory.mktemp("badinput") / "tree")


def run_rail(copy, csv_text, name):
    csv = copy / "data" / "observations" / f"{name}.csv"
    csv.write_text(csv_text)
    p = copy / f"{name}.yaml"
    p.write_text(RAIL_PARAMS.format(csv=csv.relative_to(copy).as_posix()))
    env = dict(os.environ, TUMEN_ROOT=str(copy), PYTHONPATH=str(copy / "src"))
    proc = subprocess.run(
        [sys.executable, "-m", "tumen", "run", "--params", p.name, "--notebook", "rail_traffic"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return proc, csv.relative_to(copy).as_posix()


def bad_copy_of_railcars(copy, line_no, replace):
    lines = (copy / "data/observations/railcars.csv").read_text().splitlines(keepends=True)
    old = lines[line_no - 1]
    lines[line_no - 1] = replace(old)
    return "".join(lines)


def _negative(row: str) -> str:
    fields = row.rstrip("\r\n").split(",")
    fields[2] = "-" + fields[2]
    return ",".join(fields) + "\n"


def _naive(row: str) -> str:
    fields = row.rstrip("\r\n").split(",")
    fields[1] = "2023-10-05T10:00:00"
    return ",".join(fields) + "\n"


def _unknown_site(row: str) -> str:
    fields = row.rstrip("\r\n").split(",")
    fields[0] = fields[0][:-1]
    return ",".join(fields) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, change, field",
    [
        ("negative", _negative, "railcars"),
        ("naive", _naive, "acquired"),
        ("unknown_site", _unknown_site, "site"),
    ],
)
def test_cli_bad_railcars_row_exits_2_with_one_line_and_writes_nothing(copy, name, change, field):
    header = (copy / "data/observations/railcars.csv").read_text().splitlines()[0]
    assert header.split(",")[:3] == ["site", "acquired", "railcars"]
    text = bad_copy_of_railcars(copy, 5, change)
    proc, rel = run_rail(copy, text, f"rail_{name}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, proc.stderr
    assert f"{rel}:5 [{field}]" in err and "hint:" in err, err
    assert "Traceback" not in proc.stderr
    assert not (copy / "report" / "badinput").exists()
