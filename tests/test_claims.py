"""Tests of tumen.claims: the shipped claims file, its validation and the comparison table."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tumen import claims
from tumen.errors import DataError, ParameterError, ResultError

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,source,published,statement,value,unit,citation\n"


def write(tmp_path, body, header=HEADER, name="claims.csv"):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path):
    body = ("peak,CSIS,2023-10-06,About 73 railcars.,73,railcars,c\n"
            "base_max,CSIS,2023-10-06,No more than 20.,20,railcars,c\n"
            "peak_day,CSIS,2023-10-06,On 5 Oct.,2023-10-05,date,c\n"
            "trips,RUSI,2023-10-16,At least five round trips.,5,round trips,c\n"
            "boxes,White House,2023-10-13,More than 1000 containers.,1000,containers,c\n"
            "start,RUSI,2023-10-16,Mid-August.,2023-08-11/2023-08-20,date,c\n"
            "hundreds,RUSI,2023-10-16,Hundreds.,200/999,containers,c\n"
            "dist_mi,NYT,2023-10-16,125 miles.,125,mi,c\n"
            "area,CSIS,2024,About 2.6 km2.,2.6,km2,c\n"
            "tarps,CSIS,2023-10-06,Tarps hide the cargo.,,,c\n")
    return claims.read_claims(write(tmp_path, body))


# --- the shipped file -----------------------------------------------------------------

EXPECTED = {   # every published figure of CLAIMS.md: id -> (value, unit)
    "csis_tumangang_peak": (73, "railcars"),
    "csis_tumangang_peak_date": (dt.date(2023, 10, 5), "date"),
    "csis_tumangang_baseline_max": (20, "railcars"),
    "csis_tumangang_baseline_years": (5, "years"),
    "rusi_shuttle_round_trips": (5, "round trips"),
    "rusi_shuttle_round_trips_early": (4, "round trips"),
    "rusi_shuttle_start": ((dt.date(2023, 8, 11), dt.date(2023, 8, 20)), "date"),
    "rusi_shuttle_end": (dt.date(2023, 10, 14), "date"),
    "rusi_shuttle_containers": ((200, 999), "containers"),
    "rusi_dunai_fokino": (9, "km"),
    "rusi_depot_distance": (200, "km"),
    "rusi_depot_imagery_date": (dt.date(2023, 9, 28), "date"),
    "rusi_depot_growth_start": ((dt.date(2023, 8, 1), dt.date(2023, 8, 31)), "date"),
    "whitehouse_containers": (1000, "containers"),
    "whitehouse_angara_first": (dt.date(2023, 9, 7), "date"),
    "whitehouse_angara_last": (dt.date(2023, 10, 1), "date"),
    "whitehouse_najin_containers": (300, "containers"),
    "whitehouse_najin_containers_dates": ((dt.date(2023, 9, 7), dt.date(2023, 9, 8)), "date"),
    "whitehouse_depot_distance": (290, "km"),
    "rusi_angara_deliveries": (11, "deliveries"),
    "rusi_angara_zhoushan_arrival": (dt.date(2024, 2, 9), "date"),
    "csis_depot_area": (2.6, "km2"),
    "nyt_depot_distance": (125, "mi"),
    "seed_depot_distance": (120, "mi"),
}


def test_shipped_claims_hold_every_published_figure():
    shipped = claims.read_claims(ROOT / "data" / "claims.csv")
    for claim_id, (value, unit) in EXPECTED.items():
        assert shipped.loc[claim_id, "value"] == value, claim_id
        assert shipped.loc[claim_id, "unit"] == unit, claim_id
    qualitative = shipped[shipped["value"].isna()].index
    assert set(qualitative) == {"csis_tumangang_cargo_hidden", "rusi_shuttle_vessels",
                                "csis_depot_unit"}
    assert shipped.loc["csis_tumangang_peak", "published"] == "2023-10-06"
    assert shipped.loc["whitehouse_containers", "published"] == "2023-10-13"


def test_shipped_claims_file_is_plain_utf8_lf():
    raw = (ROOT / "data" / "claims.csv").read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    raw.decode("utf-8")


# --- reading --------------------------------------------------------------------------

def test_read_claims_parses_values(table):
    assert list(table.columns) == ["source", "published", "statement", "value",
                                   "value_text", "unit", "citation", "line"]
    assert table.loc["peak", "value"] == 73 and isinstance(table.loc["peak", "value"], int)
    assert table.loc["area", "value"] == 2.6
    assert table.loc["peak_day", "value"] == dt.date(2023, 10, 5)
    assert table.loc["start", "value"] == (dt.date(2023, 8, 11), dt.date(2023, 8, 20))
    assert table.loc["hundreds", "value"] == (200, 999)
    assert table.loc["tarps", "value"] is None
    assert table.loc["start", "value_text"] == "2023-08-11/2023-08-20"
    assert table.loc["peak", "line"] == 2 and table.loc["tarps", "line"] == 11


@pytest.mark.parametrize("body, line, field, words", [
    ("Peak,CSIS,2023-10-06,s,73,railcars,c\n", 2, "id", "snake_case"),
    ("a,CSIS,2023-10-06,s,1,x,c\nb,CSIS,2023-10-06,s,1,x,c\na,CSIS,2023-10-06,s,1,x,c\n",
     4, "id", "repeats line 2"),
    ("a,,2023-10-06,s,1,x,c\n", 2, "source", "source is empty"),
    ("a,CSIS,2023-10-06,,1,x,c\n", 2, "statement", "statement is empty"),
    ("a,CSIS,2023-10-06,s,1,x,\n", 2, "citation", "citation is empty"),
    ("a,CSIS,6 Oct 2023,s,1,x,c\n", 2, "published", "not ISO 8601"),
    ("a,CSIS,2023-02-30,s,1,x,c\n", 2, "published", "not ISO 8601"),
    ("a,CSIS,2023-10-06,s,\"1,000\",x,c\n", 2, "value", "no thousands separators"),
    ("a,CSIS,2023-10-06,s,about 73,x,c\n", 2, "value", "not a number"),
    ("a,CSIS,2023-10-06,s,9/3,x,c\n", 2, "value", "low > high"),
    ("a,CSIS,2023-10-06,s,2023-09-07/5,x,c\n", 2, "value", "mixes a date and a number"),
    ("a,CSIS,2023-10-06,s,73,,c\n", 2, "unit", "no unit"),
])
def test_claim_errors_name_file_line_and_field(tmp_path, body, line, field, words):
    path = write(tmp_path, body)
    with pytest.raises(DataError) as info:
        claims.read_claims(path)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert words in str(err)


def test_missing_claim_column_suggests_the_misspelling(tmp_path):
    path = write(tmp_path, "a,CSIS,2023,s,1,x,c\n",
                 header="id,source,published,statment,value,unit,citation\n")
    with pytest.raises(DataError, match="did you mean 'statment'") as info:
        claims.read_claims(path)
    assert (info.value.line, info.value.field) == (1, "statement")


def test_read_table_rejects_empty_and_duplicate_headers(tmp_path):
    with pytest.raises(DataError, match="empty"):
        claims.read_table(write(tmp_path, "", header=""), ["a"])
    with pytest.raises(DataError, match="appears twice"):
        claims.read_table(write(tmp_path, "1,2\n", header="a,a\n"), ["a"])


def test_read_table_keeps_unknown_columns_and_skips_blank_lines(tmp_path):
    path = write(tmp_path, "1,x\n\n2,y\n", header="a,comment\n")
    got = claims.read_table(path, ["a"])
    assert list(got["a"]) == ["1", "2"] and list(got["comment"]) == ["x", "y"]
    assert list(got["line"]) == [2, 4]


# --- comparison -----------------------------------------------------------------------

def test_compare_every_kind(table):
    results = {"r.peak": 73, "r.max": 20, "r.day": "2023-10-05", "r.trips": 6,
               "r.boxes": 1000, "r.start": dt.date(2023, 8, 15), "r.count": 250,
               "r.km": {"value": 201.0, "unit": "km"}, "r.area": np.float64(2.5)}
    tests = {
        "peak": {"result": "r.peak", "kind": "equal"},            # 73 == 73
        "base_max": ("r.max", "at_most"),                         # 20 <= 20
        "peak_day": ("r.day", "equal"),                           # same day
        "trips": ("r.trips", "at_least"),                         # 6 >= 5
        "boxes": ("r.boxes", "above"),                            # 1000 > 1000 is false
        "start": ("r.start", "contains"),                         # 11 <= 15 <= 20 Aug
        "hundreds": ("r.count", "contains"),                      # 200 <= 250 <= 999
        "dist_mi": ("r.km", "within", {"rtol": 0.01}),            # 201 km = 124.9 mi
        "area": ("r.area", "within", {"tol": 0.05}),              # |2.5 - 2.6| > 0.05
    }
    got = claims.compare(table, results, tests)
    assert list(got.columns) == ["claim", "source", "statement", "published", "reproduced",
                                 "result", "kind", "agrees"]
    assert str(got["agrees"].dtype) == "boolean"
    assert list(got["agrees"]) == [True, True, True, True, False, True, True, True, False]
    shown = dict(zip(got["claim"], zip(got["published"], got["reproduced"])))
    assert shown["peak"] == ("73 railcars", "73 railcars")
    assert shown["base_max"] == ("≤ 20 railcars", "20 railcars")
    assert shown["trips"] == ("≥ 5 round trips", "6 round trips")
    assert shown["boxes"] == ("> 1,000 containers", "1,000 containers")
    assert shown["start"] == ("2023-08-11 – 2023-08-20", "2023-08-15")
    assert shown["hundreds"] == ("200 – 999 containers", "250 containers")
    assert shown["dist_mi"] == ("≈ 125 mi (± 1%)", "125 mi (201 km)")
    assert shown["area"] == ("≈ 2.6 km2 (± 0.05)", "2.5 km2")


def test_compare_dates_within_days_and_datetimes(table):
    got = claims.compare(table, {"d": pd.Timestamp("2023-10-07 23:00", tz="Asia/Seoul")},
                         {"peak_day": ("d", "within", {"tol": 2})})
    # 23:00 in Seoul is 14:00 UTC on 7 Oct: 2 days after 5 Oct
    assert got.loc[0, "reproduced"] == "2023-10-07" and bool(got.loc[0, "agrees"])
    assert got.loc[0, "published"] == "≈ 2023-10-05 (± 2 days)"


def test_compare_missing_result_value_is_not_applicable(table):
    got = claims.compare(table, {"r.peak": None}, {"peak": ("r.peak", "equal")})
    assert got.loc[0, "reproduced"] == "n/a" and pd.isna(got.loc[0, "agrees"])
    assert list(claims.to_display(got)["agrees"]) == ["n/a"]


def test_compare_takes_a_results_object(table, tmp_path):
    from tumen.results import Results

    res = Results(tmp_path / "r.json")
    res.record("route.depot_km", 201.0, "km", "Distance")
    got = claims.compare(table, res, {"dist_mi": ("route.depot_km", "within", {"tol": 1})})
    assert got.loc[0, "reproduced"] == "125 mi (201 km)" and bool(got.loc[0, "agrees"])


def test_to_display_words(table):
    got = claims.compare(table, {"a": 73, "b": 21}, {"peak": ("a", "equal"),
                                                     "base_max": ("b", "at_most")})
    shown = claims.to_display(got)
    assert list(shown.index) == ["peak", "base_max"]
    assert list(shown["agrees"]) == ["yes", "no"]


@pytest.mark.parametrize("tests, error, words", [
    ({"peek": ("r", "equal")}, ParameterError, "did you mean 'peak'"),
    ({"peak": ("r", "equals")}, ParameterError, "did you mean 'equal'"),
    ({"peak": ("r", "within")}, ParameterError, "needs tol or rtol"),
    ({"peak": ("r", "contains")}, ParameterError, "does not fit"),
    ({"start": ("r", "equal")}, ParameterError, "does not fit"),
    ({"tarps": ("r", "equal")}, ParameterError, "qualitative"),
    ({"peak": {"result": "r"}}, ParameterError, "needs 'result' and 'kind'"),
    ({"peak": {"result": "r", "kind": "equal", "tolerance": 1}}, ParameterError,
     "unknown keys"),
    ({"peak": ("r.peek", "equal")}, ResultError, "did you mean 'r.peak'"),
    ({"dist_mi": ("r.peak", "equal")}, ResultError, "do not convert"),
    ({"peak_day": ("r.text", "equal")}, ResultError, "is not a date"),
    ({"peak": ("r.text", "equal")}, ResultError, "is not a number"),
])
def test_compare_errors(table, tests, error, words):
    results = {"r": 1, "r.peak": {"value": 73, "unit": "railcars"}, "r.text": "soon"}
    with pytest.raises(error, match=words.replace("(", r"\(")):
        claims.compare(table, results, tests)


def test_parse_value_examples():
    assert claims.parse_value("") is None
    assert claims.parse_value("-3") == -3 and claims.parse_value("1e3") == 1000.0
    assert claims.parse_value(" 2.5/4 ") == (2.5, 4)


def test_record_published_records_values_and_interval_bounds(tmp_path):
    from tumen.results import Results

    table = claims.read_claims(ROOT / "data" / "claims.csv")
    res = Results(tmp_path / "r.json")
    got = claims.record_published(res, table, ["csis_tumangang_peak", "rusi_shuttle_start",
                                               "csis_tumangang_cargo_hidden"])
    assert got["claim.csis_tumangang_peak"] == 73
    assert res.records["claim.csis_tumangang_peak"]["unit"] == "railcars"
    assert "claim.rusi_shuttle_start_low" in got and "claim.rusi_shuttle_start_high" in got
    assert not any("cargo_hidden" in k for k in got)  # qualitative claim: nothing to record
    with pytest.raises(ResultError, match="did you mean"):
        claims.record_published(res, table, ["csis_tumangang_peek"])
