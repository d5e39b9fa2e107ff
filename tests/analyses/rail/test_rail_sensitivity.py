"""Tests of tumen.analyses.rail.sensitivity: the variants on tiny.csv, computed by hand
(the series: tests/fixtures/railcars.py; the main analysis: test_rail_compute.py).
"""

import datetime as dt
import math

import pytest
from fixtures.railcars import poisson_tail, tiny
from numpy.testing import assert_allclose

from tumen.analyses.rail import compute, sensitivity, tables
from tumen.errors import DataError


def test_sensitivity_tiny_matches_hand_computation():
    table = sensitivity.sensitivity(tiny(), min_confidence="medium", max_gsd_m=1.0)
    assert list(table.index) == [
        "all",
        "confidence",
        "resolution",
        "both_filters",
        "shorter_baseline",
        "longer_baseline",
    ]
    assert (table["note"] == "").all()
    assert list(table["label"]) == [
        "all images",
        "confidence medium or higher",
        "resolution 1 m or finer",
        "both filters",
        "baseline 4 years",
        "baseline 6 years",
    ]
    row = table.loc["confidence"]  # drops T04: baseline 2 4 4 6
    # mean 4, variance 8/3 <= 4 -> Poisson(4); MAD 1 -> z = 36 / 1.4826; p95 4 + .85*2
    assert (row["n_images"], row["baseline_n_images"], row["baseline_max"]) == (7, 4, 6)
    assert row["count_model"] == "poisson" and row["baseline_mean"] == 4.0
    assert_allclose(row["baseline_p95"], 5.7)
    assert_allclose(row["robust_z"], 36 / 1.4826)
    assert_allclose(row["tail_probability"], poisson_tail(40, 4.0), rtol=1e-9)
    row = table.loc["resolution"]  # drops T04, T05: baseline 2 4 6, variance 4 -> Poisson
    assert (row["baseline_n_images"], row["baseline_mean"], row["count_model"]) == (
        3,
        4.0,
        "poisson",
    )
    assert table.loc["both_filters", "baseline_n_images"] == 3
    row = table.loc["shorter_baseline"]  # from 2019-10-05: 4 9 4 6, variance 5.583 <= 5.75
    assert (row["baseline_start"], row["baseline_n_images"]) == (dt.date(2019, 10, 5), 4)
    assert row["baseline_mean"] == 5.75 and row["count_model"] == "poisson"
    row = table.loc["longer_baseline"]  # from 2017-10-05: adds T01 (30)
    assert (row["baseline_n_images"], row["baseline_max"], row["baseline_median"]) == (6, 30, 5.0)
    assert_allclose(row["baseline_mean"], 55 / 6)
    assert_allclose(row["peak_to_baseline_max"], 40 / 30)


def test_sensitivity_notes_a_variant_that_cannot_be_computed():
    # [2022-11-01, 2023-08-01) holds T05 only (1.5 m): the resolution filters leave no image
    table = sensitivity.sensitivity(tiny(), baseline_start="2022-11-01", baseline_end="2023-08-01")
    assert table.loc["all", "note"] == "" and table.loc["all", "baseline_n_images"] == 1
    assert "holds no image" in table.loc["resolution", "note"]
    assert "holds no image" in table.loc["both_filters", "note"]
    # 2 years [2021-10-05, 2023-10-05): T05, T06; without coarse images only T06 is left,
    # which is compared without a count model
    table = sensitivity.sensitivity(tiny(), baseline_years=2)
    assert table.loc["resolution", "note"] == ""
    assert table.loc["resolution", "baseline_n_images"] == 1
    assert math.isnan(table.loc["resolution", "tail_probability"])
    # a start moved past the end of an explicit window is noted, not raised
    table = sensitivity.sensitivity(tiny(), baseline_start="2022-11-01")
    assert "is not before its end" in table.loc["shorter_baseline", "note"]
    assert table.loc["shorter_baseline", "label"] == "baseline from 2023-11-01"
    shown = tables.sensitivity_to_display(table)
    assert list(shown.columns) == [
        "variant",
        "baseline images",
        "baseline max",
        "baseline mean",
        "peak",
        "peak date",
        "P(X ≥ peak)",
        "robust z",
        "onset between",
    ]
    # both filters repeat the resolution variant, the longer window the main one: not shown
    assert list(shown["variant"]) == [
        "all images",
        "confidence medium or higher",
        "resolution 1 m or finer",
        "baseline from 2023-11-01",
    ]
    assert shown.loc[3, "baseline images"].startswith("baseline start 2023-11-01")
    assert list(shown.loc[3, "baseline max":]) == ["–"] * 7


def test_sensitivity_marks_variants_that_use_the_same_images():
    # tiny: the confidence filter drops T04; the resolution filter drops T04 and T05; both
    # drop T04 and T05 -> the same images as the resolution variant
    table = sensitivity.sensitivity(tiny())
    assert table.loc["both_filters", "same_as"] == "resolution"
    assert (table.drop(index="both_filters")["same_as"] == "").all()
    assert list(tables.sensitivity_to_display(table)["variant"]) == [
        "all images",
        "confidence medium or higher",
        "resolution 1 m or finer",
        "baseline 4 years",
        "baseline 6 years",
    ]
    # 6 years [2017-10-05, ...) holds T01 (2017-11-01), the first image: 7 years adds nothing
    table = sensitivity.sensitivity(tiny(), baseline_years=6)
    assert table.loc["longer_baseline", "label"] == "baseline 7 years"
    assert table.loc["longer_baseline", "same_as"] == "all"
    assert sensitivity.get_dropped_variants(table) == [
        ("both filters", "resolution 1 m or finer"),
        ("baseline 7 years", "all images"),
    ]


def test_sensitivity_check_can_say_either_way():
    # max rule: every variant keeps the onset 2023-09-01 .. 2023-10-05 (thresholds 9, 6, 6,
    # 9, 30; T06 = 6 is never above them) -> holds
    check = sensitivity.check_sensitivity(sensitivity.sensitivity(tiny()))
    assert check == {"holds": True, "changed": [], "how": []}
    # p95 rule: all 8.4 (T06 ordinary); confidence 2 4 4 6 -> 5.7 and resolution 2 4 6 -> 5.8
    # make T06 elevated, moving the onset earlier; shorter 8.55 and longer 24.75 keep it
    check = sensitivity.check_sensitivity(sensitivity.sensitivity(tiny(), elevated="p95"))
    assert check == {
        "holds": False,
        "changed": ["confidence medium or higher", "resolution 1 m or finer"],
        "how": ["moves the onset interval"] * 2,
    }
    # a count of 45 leaves the peak (40) ordinary in every variant: nothing to hold
    check = sensitivity.check_sensitivity(sensitivity.sensitivity(tiny(), elevated="45"))
    assert check == {"holds": False, "changed": [], "how": []}
    # without metadata the filters drop nothing, and T03..T08 all lie within 4 years of the
    # peak: every variant repeats the main analysis, so nothing was tested and nothing holds
    bare = tiny().drop_vars(["gsd_m", "confidence"]).isel(acquired=slice(2, None))
    bare["confidence"] = ("acquired", [""] * bare.sizes["acquired"])
    bare["gsd_m"] = ("acquired", [float("nan")] * bare.sizes["acquired"])
    table = sensitivity.sensitivity(bare, baseline_years=5)
    assert (table.drop(index="all")["same_as"] == "all").all()
    assert sensitivity.check_sensitivity(table) == {"holds": False, "changed": [], "how": []}


def test_sensitivity_raises_when_the_main_analysis_fails():
    with pytest.raises(DataError, match="holds no image"):
        sensitivity.sensitivity(tiny(), baseline_start="2023-09-02")


def test_sensitivity_without_any_model_records_none():
    table = sensitivity.sensitivity(tiny(), min_model_images=compute.MIN_MODEL_IMAGES)
    assert sensitivity.plain(table.loc["all", "tail_probability"]) is None
    assert tables.sensitivity_to_display(table).iloc[0]["P(X ≥ peak)"] == "–"
