"""Tests of tumen.analyses.rail.compute against hand-computed values on tests/fixtures/rail/
(the series: tests/fixtures/railcars.py).

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

import pandas as pd
import pytest
from fixtures.railcars import FIXTURES, nb_tail, poisson_tail, tiny
from numpy.testing import assert_allclose

from tumen.analyses.rail import compute, read
from tumen.errors import DataError, ParameterError


def test_analyse_tiny_matches_hand_computation():
    s = compute.analyse(tiny())
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
    ds = read.load(FIXTURES / "minimal.csv", "tumangang_rail")
    s = compute.analyse(ds)
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
    s = compute.analyse(ds, elevated="p95")
    assert s.elevated_rule == "p95" and s.onset_after == pd.Timestamp("2023-09-01 02:00")
    # fixed 5: T06 (6) elevated, T05 (4) ordinary -> onset between 2022-11-15 and 2023-09-01
    s = compute.analyse(ds, elevated=5)
    assert s.elevated_threshold == 5.0
    assert s.onset_after == pd.Timestamp("2022-11-15 02:00")
    assert s.onset_before == pd.Timestamp("2023-09-01 02:00")
    with pytest.raises(ParameterError):
        compute.analyse(ds, elevated="mean")


def test_explicit_window_and_peak_date():
    ds = tiny()
    # baseline 2020-01-01 .. 2023-01-01: T03 4, T04 9, T05 4 -> mean 17/3
    s = compute.analyse(ds, baseline_start="2020-01-01", baseline_end="2023-01-01")
    assert s.baseline_n_images == 3 and s.baseline_max == 9
    assert_allclose(s.baseline_mean, 17 / 3)
    # the count on 2023-11-20 (25) against the five years before it: T02..T07 with 40
    s = compute.analyse(ds, peak_date="2023-11-20")
    assert s.peak_railcars == 25 and s.baseline_max == 40 and s.baseline_n_images == 6
    assert (s.onset_after, s.onset_before) == (None, None)  # 25 is not above 40
    with pytest.raises(DataError, match="no image on 2023-11-21"):
        compute.analyse(ds, peak_date="2023-11-21")


def test_window_parameters_accept_dates_and_zoned_times():
    ds = tiny()
    a = compute.analyse(ds, baseline_start=dt.date(2020, 1, 1), baseline_end="2023-01-01")
    b = compute.analyse(
        ds,
        baseline_start="2020-01-01T09:00:00+09:00",
        baseline_end=pd.Timestamp("2023-01-01", tz="UTC"),
    )
    assert a.baseline_start == b.baseline_start == pd.Timestamp("2020-01-01")
    assert a.baseline_n_images == b.baseline_n_images == 3
    assert compute.analyse(ds, peak_date="2023-10-05T00:00Z").peak_railcars == 40
    with pytest.raises(ParameterError, match="baseline_start 'soon' is not a date"):
        compute.analyse(ds, baseline_start="soon")


def test_empty_baseline_is_a_data_error():
    with pytest.raises(DataError, match="holds no image"):
        compute.analyse(tiny(), baseline_start="2023-09-02")
    with pytest.raises(ParameterError):
        compute.analyse(tiny(), baseline_years=0)


def test_fit_count_model_and_robust_z_edge_cases():
    m = compute.fit_count_model([0, 0, 0])
    assert m.kind == "poisson" and m.sf(1) == 0.0 and m.sf(0) == 1.0
    # MAD 0: |x - 3| = 0 0 0 2 -> mean abs dev 0.5 -> z = 7 / (1.2533 * 0.5)
    assert_allclose(compute.robust_z(10, [3, 3, 3, 5]), 7 / (1.2533 * 0.5))
    assert compute.robust_z(10, [3, 3, 3]) is None


def test_peak_ties_go_to_the_earliest_image():
    ds = tiny().copy(deep=True)
    ds["railcars"][-1] = 40  # T08 ties the peak
    assert compute.get_peak(ds)[1] == pd.Timestamp("2023-10-05 02:00")


def test_short_baseline_falls_back_to_the_model_free_comparison():
    # baseline from 2023-01-01: only T06 (6 railcars); the peak is T07 (40)
    one = compute.analyse(tiny(), baseline_start="2023-01-01")
    assert one.baseline_n_images == 1 and one.baseline_max == 6
    assert not one.is_model_fitted and one.tail_probability is None and one.robust_z is None
    assert_allclose(one.peak_to_baseline_max, 40 / 6)
    assert one.baseline_variance is None
    # five baseline images, fewer than the report's 10: no model, same model-free numbers
    five = compute.analyse(tiny(), min_model_images=compute.MIN_MODEL_IMAGES)
    assert five.baseline_n_images == 5 and five.baseline_max == 9
    assert five.model is None and five.tail_probability is None and five.robust_z is None
    assert_allclose(five.peak_to_baseline_max, 40 / 9)
    row = compute.stats_row(five)
    assert row["count_model"] is None and row["tail_probability"] is None
    assert row["baseline_variance"] == 7.0  # (9 + 1 + 16 + 1 + 1) / 4, counts 2 4 9 4 6
    with pytest.raises(ParameterError):
        compute.analyse(tiny(), min_model_images=1)


def test_no_elevated_image_has_no_onset():
    s = compute.analyse(tiny(), elevated=50)  # no image above 50 railcars
    assert not s.is_elevated and s.onset_after is None and s.onset_before is None
    assert compute.stats_row(s)["onset_interval_days"] is None
    assert s.elevated_threshold == 50.0 and s.elevated_rule == "above 50"
    assert compute.analyse(tiny(), elevated="50").elevated_rule == "above 50"  # as in YAML
    with pytest.raises(ParameterError, match="is not 'max'"):
        compute.analyse(tiny(), elevated="fifty")


def test_tables_for_the_figures():
    ds = tiny()
    s = compute.analyse(ds)
    series = compute.get_series(ds)
    assert list(series.columns) == ["acquired", "railcars", "confidence"]
    assert list(series["railcars"]) == [30, 2, 4, 9, 4, 6, 40, 25]
    assert compute.stays_elevated(series, s)  # 40 then 25, both above 9
    assert not compute.stays_elevated(series, compute.analyse(ds, elevated=30))  # 25 <= 30
    hist = compute.get_baseline_histogram(ds, s)
    # baseline 2 4 9 4 6, counts 0 .. 41
    assert list(hist["railcars"]) == list(range(42))
    assert hist["images"].sum() == 5 and hist.loc[4, "images"] == 2
    assert hist["expected"].sum() == pytest.approx(5 * (1 - s.model.sf(42)))
    few = compute.analyse(ds, min_model_images=compute.MIN_MODEL_IMAGES)
    assert "expected" not in compute.get_baseline_histogram(ds, few)
