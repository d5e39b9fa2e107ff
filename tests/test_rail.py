"""Tests of tumen.analyses.rail.analysis against hand-computed values on tests/fixtures/rail/.

tiny.csv, site tumangang_rail, sorted by time (line in the file, UTC time, count, metadata):

    T01  line 3  2017-11-01 02:00   30   0.50 m  high
    T02  line 2  2019-03-10 02:00    2   0.50 m  high
    T03  line 5  2020-07-21 00:00    4   0.30 m  medium   (date only -> 00:00 UTC)
    T04  line 6  2021-05-02 02:00    9   3.00 m  low
    T05  line 7  2022-11-15 02:00    4   1.50 m  high
    T06  line 8  2023-09-01 02:00    6   0.50 m  high     (11:00+09:00 -> 02:00 UTC)
    T07  line 9  2023-10-05 02:00   40   0.30 m  high     peak
    T08  line 10 2023-11-20 02:00   25   (no gsd, no confidence)

(khasan_rail has two more rows, lines 4 and 11.)

Default baseline: the five years before the peak, [2018-10-05 02:00, 2023-10-05 02:00):
T02..T06 -> counts 2, 4, 9, 4, 6 (T01 is before it).
    n = 5; mean = 25 / 5 = 5; sorted 2 4 4 6 9 -> median 4, max 9
    p95 (linear): position 0.95 * 4 = 3.8 -> 6 + 0.8 * (9 - 6) = 8.4
    variance (n - 1): deviations -3 -1 -1 1 4 -> 9+1+1+1+16 = 28, / 4 = 7 > mean
    -> negative binomial by moments: n = 5² / (7 - 5) = 12.5, p = 12.5 / 17.5 = 5/7
    peak / max = 40 / 9 = 4.444..., peak / mean = 40 / 5 = 8
    robust z: |x - 4| = 2 0 0 2 5 -> MAD 2 -> (40 - 4) / (1.4826 * 2) = 12.14083...
    onset (rule max, threshold 9): T06 (6) is ordinary, so the elevated run holding the
    peak starts at T07: onset_after 2023-09-01, onset_before 2023-10-05, 34 days apart.
    span: 2019-03-10 02:00 -> 2023-10-05 02:00 = 1461 + 209 = 1670 days = 4.5722 years.
"""

import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from numpy.testing import assert_allclose

from tumen.analyses.rail import analysis as rail
from tumen.engine.results import Results
from tumen.errors import DataError, ParameterError
from tumen.report.claims import compare, read_claims

FIXTURES = Path(__file__).parent / "fixtures" / "rail"
ROOT = Path(__file__).resolve().parents[1]
SITES = ["tumangang_rail", "khasan_rail"]


def tiny(**kwargs):
    return rail.load(FIXTURES / "tiny.csv", "tumangang_rail", known_sites=SITES, **kwargs)


def nb_tail(k, n, p):
    """P(X >= k) for a negative binomial, summed term by term with lgamma (independent)."""
    return sum(
        math.exp(
            math.lgamma(j + n)
            - math.lgamma(n)
            - math.lgamma(j + 1)
            + n * math.log(p)
            + j * math.log(1 - p)
        )
        for j in range(k, 3000)
    )


def poisson_tail(k, mu):
    """P(X >= k) for a Poisson, summed term by term (independent of scipy)."""
    return sum(math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1)) for j in range(k, 3000))


# --- reading --------------------------------------------------------------------------


def test_read_railcars_types_order_and_time_zones():
    table = rail.read_railcars(FIXTURES / "tiny.csv", known_sites=SITES)
    # sorted by site then time: khasan first
    assert list(table["image_id"]) == [
        "K01",
        "K02",
        "T01",
        "T02",
        "T03",
        "T04",
        "T05",
        "T06",
        "T07",
        "T08",
    ]
    assert list(table["line"]) == [4, 11, 3, 2, 5, 6, 7, 8, 9, 10]
    assert table["railcars"].dtype == np.int64
    got = table.set_index("image_id")["acquired"]
    assert got["T03"] == pd.Timestamp("2020-07-21 00:00")  # date only
    assert got["T06"] == pd.Timestamp("2023-09-01 02:00")  # +09:00 -> UTC
    t08 = table.set_index("image_id").loc["T08"]
    assert math.isnan(t08["gsd_m"]) and math.isnan(t08["cloud_pct"])
    assert t08["confidence"] == "" and t08["notes"] == "no metadata"


def test_read_railcars_minimal_columns():
    table = rail.read_railcars(FIXTURES / "minimal.csv")
    assert list(table["railcars"]) == [4, 5, 6, 5, 30]
    assert (table["confidence"] == "").all() and table["gsd_m"].isna().all()


def test_to_dataset_is_indexed_by_time_with_metadata():
    ds = tiny()
    assert ds.attrs["site"] == "tumangang_rail"
    assert list(ds.dims) == ["acquired"] and ds.sizes["acquired"] == 8
    assert list(ds["railcars"].values) == [30, 2, 4, 9, 4, 6, 40, 25]
    assert list(ds["confidence"].values) == [
        "high",
        "high",
        "medium",
        "low",
        "high",
        "high",
        "high",
        "",
    ]
    assert_allclose(ds["gsd_m"].values[:3], [0.5, 0.5, 0.3])
    assert ds["railcars"].attrs["units"] == "railcars"
    assert ds["gsd_m"].attrs["units"] == "m"
    assert ds["acquired"].attrs["time_zone"] == "UTC"


def test_unknown_site_in_load_lists_close_match():
    with pytest.raises(DataError, match="did you mean 'tumangang_rail'"):
        rail.load(FIXTURES / "tiny.csv", "tumangang")


def test_naive_timestamps_can_be_taken_as_utc():
    table = rail.read_railcars(FIXTURES / "naive_timestamp.csv", naive="utc")
    assert table["acquired"].iloc[1] == pd.Timestamp("2023-02-01 02:00")


@pytest.mark.parametrize(
    "name, line, field, words",
    [
        ("missing_column.csv", 1, "railcars", "did you mean 'railcar'"),
        ("misspelt_optional.csv", 1, "confidance", "did you mean 'confidence'"),
        ("naive_timestamp.csv", 3, "acquired", "no time zone"),
        ("bad_timestamp.csv", 4, "acquired", "cannot read timestamp '5 Oct 2023'"),
        ("negative_count.csv", 2, "railcars", "negative"),
        ("fractional_count.csv", 3, "railcars", "not a whole number"),
        ("unknown_site.csv", 3, "site", "did you mean 'tumangang_rail'"),
        ("bad_confidence.csv", 2, "confidence", "'very high' is not one of"),
        ("bad_gsd.csv", 2, "gsd_m", "not a valid value"),
        ("extra_field.csv", 3, None, "4 fields, the header has 3"),
        ("multiline_note.csv", 4, "railcars", "negative"),  # the note spans lines 2-3
    ],
)
def test_errors_name_file_line_and_field(name, line, field, words):
    with pytest.raises(DataError) as info:
        rail.read_railcars(FIXTURES / name, known_sites=SITES)
    err = info.value
    assert (err.file, err.line, err.field) == (str(FIXTURES / name), line, field)
    assert words in str(err) and "hint:" in str(err)
    assert "\n" not in str(err)


def test_missing_file_is_a_data_error():
    with pytest.raises(DataError, match="file not found"):
        rail.read_railcars(FIXTURES / "nope.csv")


def test_bad_naive_policy_is_a_parameter_error():
    with pytest.raises(ParameterError):
        rail.read_railcars(FIXTURES / "tiny.csv", naive="local")


def test_parse_time_policy():
    assert rail.parse_time("2023-10-05T01:48:00Z") == dt.datetime(2023, 10, 5, 1, 48)
    assert rail.parse_time("2023-10-05") == dt.datetime(2023, 10, 5)
    assert rail.parse_time("2023-10-05T01:48:00", naive="utc") == dt.datetime(2023, 10, 5, 1, 48)
    with pytest.raises(DataError, match="no time zone"):
        rail.parse_time("2023-10-05T01:48:00")
    with pytest.raises(DataError, match="cannot read"):
        rail.parse_time("2023-02-30")


# --- filters --------------------------------------------------------------------------


def test_filter_images_keeps_unknown_metadata():
    ds = tiny()
    # confidence >= medium drops T04 only; T08 (no confidence) stays
    assert list(rail.filter_images(ds, min_confidence="medium")["image_id"].values) == [
        "T01",
        "T02",
        "T03",
        "T05",
        "T06",
        "T07",
        "T08",
    ]
    # gsd <= 1 m drops T04 (3 m) and T05 (1.5 m); T08 (no gsd) stays
    assert list(rail.filter_images(ds, max_gsd_m=1.0)["image_id"].values) == [
        "T01",
        "T02",
        "T03",
        "T06",
        "T07",
        "T08",
    ]
    assert list(rail.filter_images(ds, min_confidence="high")["image_id"].values) == [
        "T01",
        "T02",
        "T05",
        "T06",
        "T07",
        "T08",
    ]
    with pytest.raises(ParameterError):
        rail.filter_images(ds, min_confidence="certain")


# --- statistics -----------------------------------------------------------------------


def test_analyse_tiny_matches_hand_computation():
    s = rail.analyse(tiny())
    assert s.site == "tumangang_rail" and s.n_images == 8
    assert s.first_image == pd.Timestamp("2017-11-01 02:00")
    assert s.last_image == pd.Timestamp("2023-11-20 02:00")
    assert s.baseline_start == pd.Timestamp("2018-10-05 02:00")
    assert s.baseline_end == pd.Timestamp("2023-10-05 02:00")
    assert s.baseline_n_images == 5
    assert s.baseline_mean == 5.0 and s.baseline_median == 4.0 and s.baseline_max == 9
    assert_allclose(s.baseline_p95, 8.4)
    assert s.peak_railcars == 40 and s.peak_time == pd.Timestamp("2023-10-05 02:00")
    assert_allclose(s.peak_to_baseline_max, 40 / 9)
    assert s.peak_to_baseline_mean == 8.0
    assert s.model.kind == "negative binomial"
    assert_allclose([s.model.variance, s.model.n, s.model.p], [7.0, 12.5, 5 / 7])
    assert_allclose(s.tail_probability, nb_tail(40, 12.5, 5 / 7), rtol=1e-9)
    assert_allclose(s.robust_z, 36 / (1.4826 * 2))
    assert_allclose(s.robust_z, 12.14083, atol=1e-5)
    assert (s.elevated_rule, s.elevated_threshold) == ("max", 9.0)
    assert s.onset_after == pd.Timestamp("2023-09-01 02:00")
    assert s.onset_before == pd.Timestamp("2023-10-05 02:00")
    assert_allclose(s.baseline_span_years, 1670 / 365.25)


def test_analyse_minimal_uses_poisson_when_not_overdispersed():
    # baseline 4 5 6 5: mean 5, variance (1+0+1+0)/3 = 0.667 <= 5 -> Poisson(5)
    # sorted 4 5 5 6: median 5, p95 at 2.85 -> 5 + 0.85 * 1 = 5.85; max 6
    # |x - 5| = 1 0 1 0 -> MAD 0.5 -> z = (30 - 5) / (1.4826 * 0.5) = 33.7245
    ds = rail.load(FIXTURES / "minimal.csv", "tumangang_rail")
    s = rail.analyse(ds)
    assert s.model.kind == "poisson" and s.model.n is None
    assert (s.baseline_n_images, s.baseline_mean, s.baseline_median, s.baseline_max) == (
        4,
        5.0,
        5.0,
        6,
    )
    assert_allclose(s.baseline_p95, 5.85)
    assert_allclose(s.tail_probability, poisson_tail(30, 5.0), rtol=1e-9)
    assert_allclose(s.robust_z, 25 / 0.7413)
    assert s.onset_after == pd.Timestamp("2023-04-01") and s.onset_before == s.peak_time


def test_elevated_rules_move_the_onset():
    ds = tiny()
    # p95 = 8.4: T06 (6) ordinary -> same as max
    s = rail.analyse(ds, elevated="p95")
    assert s.elevated_rule == "p95" and s.onset_after == pd.Timestamp("2023-09-01 02:00")
    # fixed 5: T06 (6) elevated, T05 (4) ordinary -> onset between 2022-11-15 and 2023-09-01
    s = rail.analyse(ds, elevated=5)
    assert s.elevated_threshold == 5.0
    assert s.onset_after == pd.Timestamp("2022-11-15 02:00")
    assert s.onset_before == pd.Timestamp("2023-09-01 02:00")
    with pytest.raises(ParameterError):
        rail.analyse(ds, elevated="mean")


def test_explicit_window_and_peak_date():
    ds = tiny()
    # baseline 2020-01-01 .. 2023-01-01: T03 4, T04 9, T05 4 -> mean 17/3
    s = rail.analyse(ds, baseline_start="2020-01-01", baseline_end="2023-01-01")
    assert s.baseline_n_images == 3 and s.baseline_max == 9
    assert_allclose(s.baseline_mean, 17 / 3)
    # the count on 2023-11-20 (25) against the five years before it: T02..T07 with 40
    s = rail.analyse(ds, peak_date="2023-11-20")
    assert s.peak_railcars == 25 and s.baseline_max == 40 and s.baseline_n_images == 6
    assert (s.onset_after, s.onset_before) == (None, None)  # 25 is not above 40
    with pytest.raises(DataError, match="no image on 2023-11-21"):
        rail.analyse(ds, peak_date="2023-11-21")


def test_window_parameters_accept_dates_and_zoned_times():
    ds = tiny()
    a = rail.analyse(ds, baseline_start=dt.date(2020, 1, 1), baseline_end="2023-01-01")
    b = rail.analyse(
        ds,
        baseline_start="2020-01-01T09:00:00+09:00",
        baseline_end=pd.Timestamp("2023-01-01", tz="UTC"),
    )
    assert a.baseline_start == b.baseline_start == pd.Timestamp("2020-01-01")
    assert a.baseline_n_images == b.baseline_n_images == 3
    assert rail.analyse(ds, peak_date="2023-10-05T00:00Z").peak_railcars == 40
    with pytest.raises(ParameterError, match="baseline_start 'soon' is not a date"):
        rail.analyse(ds, baseline_start="soon")


def test_empty_baseline_is_a_data_error():
    with pytest.raises(DataError, match="holds no image"):
        rail.analyse(tiny(), baseline_start="2023-09-02")
    with pytest.raises(ParameterError):
        rail.analyse(tiny(), baseline_years=0)


def test_fit_count_model_and_robust_z_edge_cases():
    m = rail.fit_count_model([0, 0, 0])
    assert m.kind == "poisson" and m.sf(1) == 0.0 and m.sf(0) == 1.0
    # MAD 0: |x - 3| = 0 0 0 2 -> mean abs dev 0.5 -> z = 7 / (1.2533 * 0.5)
    assert_allclose(rail.robust_z(10, [3, 3, 3, 5]), 7 / (1.2533 * 0.5))
    assert rail.robust_z(10, [3, 3, 3]) is None


def test_peak_ties_go_to_the_earliest_image():
    ds = tiny().copy(deep=True)
    ds["railcars"][-1] = 40  # T08 ties the peak
    assert rail.get_peak(ds)[1] == pd.Timestamp("2023-10-05 02:00")


# --- sensitivity ----------------------------------------------------------------------


def test_sensitivity_tiny_matches_hand_computation():
    table = rail.sensitivity(tiny(), min_confidence="medium", max_gsd_m=1.0)
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
    table = rail.sensitivity(tiny(), baseline_start="2022-11-01", baseline_end="2023-08-01")
    assert table.loc["all", "note"] == "" and table.loc["all", "baseline_n_images"] == 1
    assert "holds no image" in table.loc["resolution", "note"]
    assert "holds no image" in table.loc["both_filters", "note"]
    # 2 years [2021-10-05, 2023-10-05): T05, T06; without coarse images only T06 is left,
    # which is compared without a count model
    table = rail.sensitivity(tiny(), baseline_years=2)
    assert table.loc["resolution", "note"] == ""
    assert table.loc["resolution", "baseline_n_images"] == 1
    assert math.isnan(table.loc["resolution", "tail_probability"])
    # a start moved past the end of an explicit window is noted, not raised
    table = rail.sensitivity(tiny(), baseline_start="2022-11-01")
    assert "is not before its end" in table.loc["shorter_baseline", "note"]
    assert table.loc["shorter_baseline", "label"] == "baseline from 2023-11-01"
    shown = rail.sensitivity_to_display(table)
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


def test_sensitivity_to_display_formats_values():
    shown = rail.sensitivity_to_display(rail.sensitivity(tiny()))
    first = shown.loc[0]
    assert list(first) == [
        "all images",
        "5",
        "9",
        "5.0",
        "40",
        "2023-10-05",
        f"{first['P(X ≥ peak)']}",
        "12.1",
        "2023-09-01 to 2023-10-05",
    ]
    assert float(first["P(X ≥ peak)"]) == pytest.approx(nb_tail(40, 12.5, 5 / 7), rel=0.05)


def test_sensitivity_marks_variants_that_use_the_same_images():
    # tiny: the confidence filter drops T04; the resolution filter drops T04 and T05; both
    # drop T04 and T05 -> the same images as the resolution variant
    table = rail.sensitivity(tiny())
    assert table.loc["both_filters", "same_as"] == "resolution"
    assert (table.drop(index="both_filters")["same_as"] == "").all()
    assert list(rail.sensitivity_to_display(table)["variant"]) == [
        "all images",
        "confidence medium or higher",
        "resolution 1 m or finer",
        "baseline 4 years",
        "baseline 6 years",
    ]
    # 6 years [2017-10-05, ...) holds T01 (2017-11-01), the first image: 7 years adds nothing
    table = rail.sensitivity(tiny(), baseline_years=6)
    assert table.loc["longer_baseline", "label"] == "baseline 7 years"
    assert table.loc["longer_baseline", "same_as"] == "all"
    assert rail.get_dropped_variants(table) == [
        ("both filters", "resolution 1 m or finer"),
        ("baseline 7 years", "all images"),
    ]


def test_sensitivity_check_can_say_either_way():
    # max rule: every variant keeps the onset 2023-09-01 .. 2023-10-05 (thresholds 9, 6, 6,
    # 9, 30; T06 = 6 is never above them) -> holds
    check = rail.check_sensitivity(rail.sensitivity(tiny()))
    assert check == {"holds": True, "changed": [], "how": []}
    # p95 rule: all 8.4 (T06 ordinary); confidence 2 4 4 6 -> 5.7 and resolution 2 4 6 -> 5.8
    # make T06 elevated, moving the onset earlier; shorter 8.55 and longer 24.75 keep it
    check = rail.check_sensitivity(rail.sensitivity(tiny(), elevated="p95"))
    assert check == {
        "holds": False,
        "changed": ["confidence medium or higher", "resolution 1 m or finer"],
        "how": ["moves the onset interval"] * 2,
    }
    # a count of 45 leaves the peak (40) ordinary in every variant: nothing to hold
    check = rail.check_sensitivity(rail.sensitivity(tiny(), elevated="45"))
    assert check == {"holds": False, "changed": [], "how": []}
    # without metadata the filters drop nothing, and T03..T08 all lie within 4 years of the
    # peak: every variant repeats the main analysis, so nothing was tested and nothing holds
    bare = tiny().drop_vars(["gsd_m", "confidence"]).isel(acquired=slice(2, None))
    bare["confidence"] = ("acquired", [""] * bare.sizes["acquired"])
    bare["gsd_m"] = ("acquired", [float("nan")] * bare.sizes["acquired"])
    table = rail.sensitivity(bare, baseline_years=5)
    assert (table.drop(index="all")["same_as"] == "all").all()
    assert rail.check_sensitivity(table) == {"holds": False, "changed": [], "how": []}


def test_sensitivity_raises_when_the_main_analysis_fails():
    with pytest.raises(DataError, match="holds no image"):
        rail.sensitivity(tiny(), baseline_start="2023-09-02")


# --- results --------------------------------------------------------------------------

ISSUE_NAMES = [
    "rail.n_images",
    "rail.baseline_start",
    "rail.baseline_end",
    "rail.baseline_n_images",
    "rail.baseline_mean",
    "rail.baseline_median",
    "rail.baseline_p95",
    "rail.baseline_max",
    "rail.peak_railcars",
    "rail.peak_date",
    "rail.peak_to_baseline_max",
    "rail.peak_to_baseline_mean",
    "rail.tail_probability",
    "rail.robust_z",
    "rail.onset_after",
    "rail.onset_before",
]


def test_record_results_names_values_units(tmp_path):
    res = Results(tmp_path / "01_rail_traffic.json")
    ds = tiny()
    rail.record_results(res, rail.analyse(ds), rail.sensitivity(ds))
    records = Results(tmp_path / "01_rail_traffic.json").records  # re-read from disk
    assert set(ISSUE_NAMES) <= set(records)
    assert records["rail.peak_railcars"] == {
        "value": 40,
        "unit": "railcars",
        "description": "Highest railcar count in one image",
    }
    assert records["rail.peak_date"]["value"] == "2023-10-05"
    assert records["rail.baseline_start"]["value"] == "2018-10-05"
    assert records["rail.first_image"]["value"] == "2017-11-01"
    assert records["rail.last_image"]["value"] == "2023-11-20"
    assert records["rail.onset_after"]["value"] == "2023-09-01"
    assert records["rail.onset_interval_days"]["value"] == 34.0
    assert records["rail.baseline_p95"]["value"] == pytest.approx(8.4)
    assert records["rail.count_model"]["value"] == "negative binomial"
    assert records["rail.sensitivity.confidence.baseline_max"]["value"] == 6
    assert records["rail.sensitivity.longer_baseline.baseline_max"]["value"] == 30
    # robust z per variant: all 36/(1.4826*2); confidence 36/1.4826; resolution and both
    # (2 4 6: MAD 2) 36/(1.4826*2); shorter (4 9 4 6: median 5, MAD 1) 35/1.4826; longer
    # (30 2 4 9 4 6: median 5, |x-5| 25 3 1 4 1 1 -> MAD 2) 35/(1.4826*2), the smallest
    assert records["rail.sensitivity_min_robust_z"]["value"] == pytest.approx(35 / 2.9652)
    assert all(r["unit"] is not None and r["description"] for r in records.values())


def test_rail_claims_reproduced_from_example_data(tmp_path):
    """The shipped synthetic data reproduce the CSIS figures (73 on 2023-10-05, <= 20)."""
    ds = rail.load(ROOT / "data" / "observations" / "railcars.csv", "tumangang_rail_facility")
    stats = rail.analyse(ds)
    assert (stats.peak_railcars, stats.peak_time.date(), stats.baseline_max) == (
        73,
        dt.date(2023, 10, 5),
        20,
    )
    res = Results(tmp_path / "r.json")
    rail.record_results(res, stats)
    table = compare(read_claims(ROOT / "data" / "claims.csv"), res.records, rail.CLAIM_TESTS)
    assert list(table["claim"]) == list(rail.CLAIM_TESTS)
    assert table["agrees"].all()


# --- figures --------------------------------------------------------------------------


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def test_plots_return_figures_deterministically(monkeypatch):
    import matplotlib

    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", "tumen")
    ds = tiny()
    s = rail.analyse(ds)
    fig = rail.plot_timeseries(ds, s)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "40 railcars\n5 Oct 2023" in texts
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "onset interval (1 Sep – 5 Oct 2023)" in labels
    assert "not recorded confidence" in labels
    assert _svg(fig) == _svg(rail.plot_timeseries(ds, s))
    hist = rail.plot_baseline_histogram(ds, s)
    assert isinstance(hist, Figure)
    assert _svg(hist) == _svg(rail.plot_baseline_histogram(ds, s))


def test_short_baseline_falls_back_to_the_model_free_comparison():
    # baseline from 2023-01-01: only T06 (6 railcars); the peak is T07 (40)
    one = rail.analyse(tiny(), baseline_start="2023-01-01")
    assert one.baseline_n_images == 1 and one.baseline_max == 6
    assert not one.is_model_fitted and one.tail_probability is None and one.robust_z is None
    assert_allclose(one.peak_to_baseline_max, 40 / 6)
    assert one.baseline_variance is None
    # five baseline images, fewer than the report's 10: no model, same model-free numbers
    five = rail.analyse(tiny(), min_model_images=rail.MIN_MODEL_IMAGES)
    assert five.baseline_n_images == 5 and five.baseline_max == 9
    assert five.model is None and five.tail_probability is None and five.robust_z is None
    assert_allclose(five.peak_to_baseline_max, 40 / 9)
    row = rail.stats_row(five)
    assert row["count_model"] is None and row["tail_probability"] is None
    assert row["baseline_variance"] == 7.0  # (9 + 1 + 16 + 1 + 1) / 4, counts 2 4 9 4 6
    with pytest.raises(ParameterError):
        rail.analyse(tiny(), min_model_images=1)


def test_no_elevated_image_has_no_onset():
    s = rail.analyse(tiny(), elevated=50)  # no image above 50 railcars
    assert not s.is_elevated and s.onset_after is None and s.onset_before is None
    assert rail.stats_row(s)["onset_interval_days"] is None
    assert s.elevated_threshold == 50.0 and s.elevated_rule == "above 50"
    assert rail.analyse(tiny(), elevated="50").elevated_rule == "above 50"  # as in YAML
    with pytest.raises(ParameterError, match="is not 'max'"):
        rail.analyse(tiny(), elevated="fifty")


def test_sensitivity_without_any_model_records_none():
    table = rail.sensitivity(tiny(), min_model_images=rail.MIN_MODEL_IMAGES)
    assert rail._plain(table.loc["all", "tail_probability"]) is None
    assert rail.sensitivity_to_display(table).iloc[0]["P(X ≥ peak)"] == "–"


def test_histogram_without_a_model_draws():
    ds = tiny()
    s = rail.analyse(ds, min_model_images=rail.MIN_MODEL_IMAGES)
    fig = rail.plot_baseline_histogram(ds, s)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("too few baseline images" in t for t in labels)


def test_timeseries_legend_gives_each_channel_one_meaning():
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ds = tiny()
    s = rail.analyse(ds)  # threshold: the baseline max, 9; 30, 40 and 25 railcars lie above it
    fig = rail.plot_timeseries(ds, s)
    assert all(a.get_legend() is None for a in fig.axes)  # the legend sits below the axes
    entries = dict(
        zip([t.get_text() for t in fig.legends[0].get_texts()], fig.legends[0].legend_handles)
    )
    shapes = {
        k: h
        for k, h in entries.items()
        if isinstance(h, Line2D) and h.get_marker() not in (None, "None", "", " ")
    }
    # every shape entry is a confidence level, drawn in the one neutral grey
    assert shapes and all(k.endswith("confidence") for k in shapes)
    assert {h.get_color() for h in shapes.values()} == {rail._GREY}
    # the elevated/ordinary entries are swatches (colour and fill only, no shape)
    assert isinstance(entries["open vermillion: elevated (> 9)"], Patch)
    assert isinstance(entries["filled blue: 9 railcars or fewer"], Patch)
    hist = rail.plot_baseline_histogram(ds, s)
    assert hist.axes[0].get_legend() is None and len(hist.legends) == 1
