"""Tests of tumen.analyses.rail.checks against hand-computed values on tests/fixtures/rail/.

second_count.csv recounts four tumangang_rail images of tiny.csv (see tests/fixtures/railcars.py):

    image  first  second  |difference|
    T02      2      3        1
    T03      4      4        0
    T06      6      8        2
    T07     40     39        1      (the peak)
    -> 4 images, mean absolute difference (1 + 0 + 2 + 1) / 4 = 1.0, largest 2;
       the peak is 39 to 40 railcars across the two counters. K01 is another site's image.

Zeros under a fitted model: the baseline 0 0 1 2 2 has mean 1 and variance
(1 + 1 + 0 + 1 + 1) / 4 = 1, not over-dispersed -> Poisson(1); P(0) = e^-1, so 5 images
expect 5 e^-1 = 1.839 zeros (sd sqrt(5 e^-1 (1 - e^-1)) = 1.078), and 2 are observed: a fit.
The baseline 0 0 0 0 0 0 5 9 has mean 14/8 = 1.75 and variance (6 * 1.75² + 3.25² +
7.25²) / 7 = 10.47 -> negative binomial n = 1.75² / (10.47 - 1.75) = 0.3512,
p = n / (n + 1.75); P(0) = p^n; 8 images expect 8 p^n zeros.
"""

import math

import pandas as pd
import pytest
from fixtures.railcars import FIXTURES, tiny
from numpy.testing import assert_allclose

from tumen.analyses.rail import checks as rail_checks
from tumen.analyses.rail import compute, read
from tumen.engine.results import Results
from tumen.errors import DataError


def test_two_counters_on_four_images():
    ds = tiny()
    second = rail_checks.read_second_count(FIXTURES / "second_count.csv")
    agreement = rail_checks.compare_counts(ds, second, compute.analyse(ds).peak_time)
    assert agreement.n_images == 4
    assert agreement.mean_abs_diff == 1.0 and agreement.max_abs_diff == 2
    assert (agreement.peak_low, agreement.peak_high) == (39, 40)
    assert agreement.is_peak_double_counted


def test_peak_counted_once_keeps_a_single_value(tmp_path):
    path = tmp_path / "second.csv"
    path.write_text("image_id,railcars\nT02,2\nT05,7\n", encoding="utf-8")
    ds = tiny()
    agreement = rail_checks.compare_counts(
        ds, rail_checks.read_second_count(path), compute.analyse(ds).peak_time
    )
    assert (agreement.n_images, agreement.mean_abs_diff, agreement.max_abs_diff) == (2, 1.5, 3)
    assert not agreement.is_peak_double_counted
    assert (agreement.peak_low, agreement.peak_high) == (40, 40)


def test_second_count_errors_name_file_and_line():
    with pytest.raises(DataError, match="T02") as err:
        rail_checks.read_second_count(FIXTURES / "second_count_duplicate.csv")
    assert "line 3" in str(err.value) or err.value.line == 3


def test_no_matching_image_is_an_error(tmp_path):
    path = tmp_path / "second.csv"
    path.write_text("image_id,railcars\nX1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="no image"):
        rail_checks.compare_counts(
            tiny(), rail_checks.read_second_count(path), compute.analyse(tiny()).peak_time
        )


def test_zeros_under_a_poisson_fit():
    base = [0, 0, 1, 2, 2]
    check = rail_checks.check_zeros(compute.fit_count_model(base), base)
    assert check.observed == 2
    assert_allclose(check.expected, 5 * math.exp(-1))
    assert check.verdict == "fits"


def test_zeros_under_a_negative_binomial_fit_and_a_misfit():
    base = [0, 0, 0, 0, 0, 0, 5, 9]
    model = compute.fit_count_model(base)
    var = (6 * 1.75**2 + 3.25**2 + 7.25**2) / 7
    n = 1.75**2 / (var - 1.75)
    p = n / (n + 1.75)
    check = rail_checks.check_zeros(model, base)
    assert model.kind == "negative binomial" and check.observed == 6
    assert_allclose(check.expected, 8 * p**n)
    # a Poisson fit to many zeros and a few large counts under-predicts the zeros
    poisson = compute.CountModel("poisson", 1.75, 1.75)
    check = rail_checks.check_zeros(poisson, base)
    assert_allclose(check.expected, 8 * math.exp(-1.75))
    assert check.verdict == "under-predicts"
    # and one with no zeros where many are expected over-predicts them
    check = rail_checks.check_zeros(compute.CountModel("poisson", 0.2, 0.2), [1] * 10)
    assert check.observed == 0 and check.verdict == "over-predicts"


def test_record_agreement_and_zeros(tmp_path):
    res = Results(tmp_path / "r.json")
    ds = tiny()
    second = rail_checks.read_second_count(FIXTURES / "second_count.csv")
    rail_checks.record_agreement(
        res, rail_checks.compare_counts(ds, second, compute.analyse(ds).peak_time)
    )
    assert res["rail.second_count_images"] == 4
    assert res["rail.second_count_mean_abs_diff"] == 1.0
    assert (res["rail.peak_railcars_low"], res["rail.peak_railcars_high"]) == (39, 40)
    base = [0, 0, 1, 2, 2]
    rail_checks.record_zeros(res, rail_checks.check_zeros(compute.fit_count_model(base), base))
    assert res["rail.baseline_zero_images"] == 2
    assert_allclose(res["rail.count_model_expected_zeros"], 5 * math.exp(-1))
    assert res["rail.count_model_zeros_fit"] == "fits"


def test_model_free_rarity_and_records(tmp_path):
    ds = tiny()
    stats = compute.analyse(ds, min_model_images=10)  # five baseline images: no model
    res = Results(tmp_path / "r.json")
    rarity = rail_checks.get_rarity(ds, stats)
    assert rarity.zeros is None
    assert rail_checks.record_rarity(res, rarity) == {"baseline_images_at_least_peak": 0}
    assert res["rail.baseline_images_at_least_peak"] == 0  # 40 above 2 4 9 4 6
    assert "rail.baseline_zero_images" not in res
    # 6 years: T01 (30) joins; a count of 30 is reached by one baseline image
    assert rail_checks.count_at_least([30, 2, 4, 9, 4, 6], 30) == 1


def test_same_season_before_a_date():
    # peak 2023-10-05; within 30 days of 5 October before 2021-01-01: T01 2017-11-01 (27
    # days, 30 railcars); T02 2019-03-10 and T03 2020-07-21 are out of season
    ds = tiny()
    peak = compute.analyse(ds).peak_time
    check = rail_checks.get_same_season(ds, peak, before="2021-01-01", days=30)
    assert (check.n_images, check.max_railcars) == (1, 30)
    check = rail_checks.get_same_season(ds, peak, before="2021-01-01", days=20)
    assert (check.n_images, check.max_railcars) == (0, None)
    # across the new year: 20 December is 16 days from 5 January
    two = read.to_dataset(
        pd.DataFrame(
            {
                "site": ["s", "s"],
                "acquired": pd.to_datetime(["2019-12-20", "2021-01-05"]),
                "railcars": [7, 50],
                "image_id": ["a", "b"],
                "provider": "",
                "analyst": "",
                "confidence": "",
                "notes": "",
                "gsd_m": float("nan"),
                "cloud_pct": float("nan"),
                "line": [2, 3],
            }
        ),
        "s",
    )
    check = rail_checks.get_same_season(
        two, pd.Timestamp("2021-01-05"), before="2020-06-01", days=20
    )
    assert (check.n_images, check.max_railcars) == (1, 7)
