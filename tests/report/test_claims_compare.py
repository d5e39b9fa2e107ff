"""Comparisons of published claims with results (tumen.report.claims_compare)."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tumen.errors import ParameterError, ResultError
from tumen.report import claims_compare

ROOT = Path(__file__).resolve().parents[2]


def test_compare_every_kind(table):
    results = {
        "r.peak": 73,
        "r.max": 20,
        "r.day": "2023-10-05",
        "r.trips": 6,
        "r.boxes": 1000,
        "r.start": dt.date(2023, 8, 15),
        "r.count": 250,
        "r.km": {"value": 201.0, "unit": "km"},
        "r.area": np.float64(2.5),
    }
    tests = {
        "peak": {"result": "r.peak", "kind": "equal"},  # 73 == 73
        "base_max": ("r.max", "at_most"),  # 20 <= 20
        "peak_day": ("r.day", "equal"),  # same day
        "trips": ("r.trips", "at_least"),  # 6 >= 5
        "boxes": ("r.boxes", "above"),  # 1000 > 1000 is false
        "start": ("r.start", "contains"),  # 11 <= 15 <= 20 Aug
        "hundreds": ("r.count", "contains"),  # 200 <= 250 <= 999
        "dist_mi": ("r.km", "within", {"rtol": 0.01}),  # 201 km = 124.9 mi
        "area": ("r.area", "within", {"tol": 0.05}),  # |2.5 - 2.6| > 0.05
    }
    got = claims_compare.compare(table, results, tests)
    assert list(got.columns) == [
        "claim",
        "source",
        "statement",
        "published",
        "reproduced",
        "result",
        "kind",
        "agrees",
        "label",
    ]
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
    got = claims_compare.compare(
        table,
        {"d": pd.Timestamp("2023-10-07 23:00", tz="Asia/Seoul")},
        {"peak_day": ("d", "within", {"tol": 2})},
    )
    # 23:00 in Seoul is 14:00 UTC on 7 Oct: 2 days after 5 Oct
    assert got.loc[0, "reproduced"] == "2023-10-07" and bool(got.loc[0, "agrees"])
    assert got.loc[0, "published"] == "≈ 2023-10-05 (± 2 days)"


def test_compare_missing_result_value_is_not_applicable(table):
    got = claims_compare.compare(table, {"r.peak": None}, {"peak": ("r.peak", "equal")})
    assert got.loc[0, "reproduced"] == "n/a" and pd.isna(got.loc[0, "agrees"])
    verdict = claims_compare.assess(table, {"r.peak": None}, {"peak": ("r.peak", "equal")})
    assert verdict.loc["peak", "verdict"] == "indeterminate"
    assert verdict.loc["peak", "reason"] == "The analysis reproduced no value to compare."


def test_compare_takes_a_results_object(table, tmp_path):
    from tumen.engine.results import Results

    res = Results(tmp_path / "r.json")
    res.record("route.depot_km", 201.0, "km", "Distance")
    got = claims_compare.compare(table, res, {"dist_mi": ("route.depot_km", "within", {"tol": 1})})
    assert got.loc[0, "reproduced"] == "125 mi (201 km)" and bool(got.loc[0, "agrees"])


def test_assess_gives_a_claim_tested_twice_one_verdict(table):
    """A range whose low end is under the claim and high end over it: one verdict, not two."""
    tests = {
        "boxes": [
            {"result": "low", "kind": "above", "label": "low end"},
            {"result": "high", "kind": "above", "label": "high end"},
        ],
        "trips": ("n", "at_least"),
    }
    got = claims_compare.assess(table, {"low": 739, "high": 1960, "n": 6}, tests)
    assert list(got.index) == ["boxes", "trips"]
    assert got.loc["boxes", "verdict"] == "indeterminate"
    assert got.loc["boxes", "reproduced"] == "739 containers (low end); 1,960 containers (high end)"
    assert got.loc["boxes", "published"] == "> 1,000 containers"
    assert got.loc["trips", "label"] == "consistent"


@pytest.mark.parametrize(
    "tests, error, words",
    [
        ({"peek": ("r", "equal")}, ParameterError, "did you mean 'peak'"),
        ({"peak": ("r", "equals")}, ParameterError, "did you mean 'equal'"),
        ({"peak": ("r", "within")}, ParameterError, "needs tol or rtol"),
        ({"peak": ("r", "contains")}, ParameterError, "does not fit"),
        ({"start": ("r", "equal")}, ParameterError, "does not fit"),
        ({"tarps": ("r", "equal")}, ParameterError, "qualitative"),
        ({"peak": {"result": "r"}}, ParameterError, "needs 'result' and 'kind'"),
        (
            {"peak": {"result": "r", "kind": "equal", "tolerance": 1}},
            ParameterError,
            "unknown keys",
        ),
        ({"peak": ("r.peek", "equal")}, ResultError, "did you mean 'r.peak'"),
        ({"dist_mi": ("r.peak", "equal")}, ResultError, "do not convert"),
        ({"peak_day": ("r.text", "equal")}, ResultError, "is not a date"),
        ({"peak": ("r.text", "equal")}, ResultError, "is not a number"),
    ],
)
def test_compare_errors(table, tests, error, words):
    results = {"r": 1, "r.peak": {"value": 73, "unit": "railcars"}, "r.text": "soon"}
    with pytest.raises(error, match=words.replace("(", r"\(")):
        claims_compare.compare(table, results, tests)
