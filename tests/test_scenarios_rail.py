"""Scenario matrix, rail half: the rail notebook on invented series, against hand-worked answers.

Four invented sites in one railcars file (required columns only) and their own gazetteer
(``tests/fixtures/scenarios.py``); each scenario builds ``01_rail_traffic`` as its own
variant through the runner and checks the key ``rail.*`` results and the sentences that
depend on the shape of the series. Dates are 00:00 UTC; the baseline is the five years
before the peak image (excluded), and "max" elevates an image above the baseline maximum.
"""

import pytest
from fixtures import scenarios
from numpy.testing import assert_allclose
from scipy import stats

from tumen.engine import rebuild

pytestmark = pytest.mark.slow

NB = "01_rail_traffic"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A clean copy of the project holding the scenario inputs; TUMEN_ROOT points at it."""
    copy = rebuild.copy_tree(tmp_path_factory.mktemp("scenarios-rail") / "tree")
    scenarios.write_rail_inputs(copy)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUMEN_ROOT", str(copy))
        mp.setenv("PYTHONPATH", str(copy / "src"))
        yield copy


def section(site, **extra):
    return {
        "observations_csv": "scenarios/railcars.csv",
        "sites_csv": "scenarios/rail_sites.csv",
        "site": site,
        "claim_tests": {},
        **extra,
    }


def no_example_names(text):
    for word in ("tumangang", "khasan", "csis", "2023-10-05"):
        assert word not in text.lower(), word


def test_no_spike(root):
    # Ostrov yard, alert level 10 railcars: counts 4 6 5 7 5 6 4 5 6 5 4 | 8.
    # Peak 8 on 2021-10-15 (the last image); baseline 2016-10-15 to 2021-10-15: the eleven
    # earlier images, max 7, sum 57, median 5; ratio 8/7. Nothing exceeds 10: no onset.
    r = scenarios.build(root, "rail-no-spike", NB, section("ostrov_yard", elevated="10"))
    assert r["rail.site"] == "ostrov_yard" and r["rail.n_images"] == 12
    assert r["rail.peak_railcars"] == 8 and r["rail.peak_date"] == "2021-10-15"
    assert r["rail.baseline_start"] == "2016-10-15" and r["rail.baseline_n_images"] == 11
    assert r["rail.baseline_max"] == 7 and r["rail.baseline_median"] == 5
    assert_allclose(r["rail.baseline_mean"], 57 / 11)
    assert_allclose(r["rail.peak_to_baseline_max"], 8 / 7)
    assert r["rail.elevated_threshold"] == 10 and r["rail.elevated_rule"] == "above 10"
    assert r["rail.onset_after"] is None and r["rail.onset_before"] is None
    assert r["rail.onset_interval_days"] is None
    assert r["rail.count_model"] is not None  # eleven images: the model is fitted
    text = scenarios.prose(root, "rail-no-spike", NB)
    assert "No image exceeded 10 railcars, so the series shows no change to date" in text
    assert "no image exceeded 10 railcars, so there is no change to date" in text
    assert "the change began" not in text and "onset interval (" not in text
    assert "No published claim about the Ostrov yard is tested" in text
    assert (root / "figures/scn-rail-no-spike/ostrov_railcars_timeseries.png").exists()
    no_example_names(text)


def test_short_baseline(root):
    # Kordon yard: 3 5 2 6 4 4 | 45 38. Peak 45 on 2022-08-20; baseline: six images, max 6,
    # mean 24/6 = 4, median 4; ratios 45/6 = 7.5 and 45/4 = 11.25. Six < 10 images: no
    # count model, no tail probability, no robust z. Elevated above 6: 2022-08-20 follows
    # the ordinary 2022-06-01, so the onset is 2022-06-01 .. 2022-08-20, 30 + 31 + 19 = 80 d.
    r = scenarios.build(root, "rail-short-baseline", NB, section("kordon_yard"))
    assert r["rail.peak_railcars"] == 45 and r["rail.peak_date"] == "2022-08-20"
    assert r["rail.baseline_n_images"] == 6 and r["rail.baseline_max"] == 6
    assert r["rail.baseline_mean"] == 4.0 and r["rail.baseline_median"] == 4.0
    assert r["rail.peak_to_baseline_max"] == 7.5 and r["rail.peak_to_baseline_mean"] == 11.25
    assert r["rail.count_model"] is None and r["rail.tail_probability"] is None
    assert r["rail.robust_z"] is None and r["rail.min_model_images"] == 10
    assert r["rail.onset_after"] == "2022-06-01" and r["rail.onset_before"] == "2022-08-20"
    assert r["rail.onset_interval_days"] == 80
    assert r["rail.sensitivity_max_tail_probability"] is None
    text = scenarios.prose(root, "rail-short-baseline", NB)
    assert "fewer than 10 images, too few to fit a count model" in text
    assert "too few for a count model" in text
    # no metadata and no image before the shortest window: every variant repeats the main one
    assert r["rail.sensitivity_variants"] == 1 and r["rail.sensitivity_holds"] is False
    assert "so the check tests nothing here" in text and "does not hinge" not in text
    assert "the change began between 2022-06-01 and 2022-08-20" in text
    no_example_names(text)


def test_clear_spike(root):
    # Kamen junction: thirteen baseline images 10 12 9 11 14 10 13 12 11 9 10 12 11 (sum
    # 144, max 14, median 11; sum of squares 1622, variance (1622 - 144²/13)/12 ≈ 2.24 <
    # mean: Poisson), then 61 on 2022-02-14 (peak), 56, 50. Ratio 61/14; elevated above 14
    # from 2022-02-14, after the ordinary 2022-01-20: onset interval 25 days.
    r = scenarios.build(root, "rail-clear-spike", NB, section("kamen_junction"))
    assert r["rail.peak_railcars"] == 61 and r["rail.peak_date"] == "2022-02-14"
    assert r["rail.baseline_start"] == "2017-02-14" and r["rail.baseline_n_images"] == 13
    assert r["rail.baseline_max"] == 14 and r["rail.baseline_median"] == 11
    assert_allclose(r["rail.baseline_mean"], 144 / 13)
    assert_allclose(r["rail.baseline_variance"], (1622 - 144**2 / 13) / 12)
    assert_allclose(r["rail.peak_to_baseline_max"], 61 / 14)
    assert r["rail.count_model"] == "poisson"
    assert_allclose(r["rail.tail_probability"], stats.poisson(144 / 13).sf(60))
    assert r["rail.onset_after"] == "2022-01-20" and r["rail.onset_before"] == "2022-02-14"
    assert r["rail.onset_interval_days"] == 25
    text = scenarios.prose(root, "rail-clear-spike", NB)
    assert "the change began between 2022-01-20 and 2022-02-14" in text
    assert "that stays elevated afterwards" in text
    # model-free first: 61 is above all 13 baseline counts; then the model, with its caveat
    # and its zeros check: no empty image, 13·e^(-144/13) expected
    assert r["rail.baseline_images_at_least_peak"] == 0 and r["rail.baseline_zero_images"] == 0
    assert_allclose(r["rail.count_model_expected_zeros"], 13 * stats.poisson(144 / 13).pmf(0))
    assert r["rail.count_model_zeros_fit"] == "fits"
    assert "is above all 13 baseline images" in text
    assert text.index("is above all 13 baseline images") < text.index("count model fitted")
    assert "independent draws" in text
    # the generic closing names the strongest alternative; no season is compared unasked
    assert "The strongest alternative to a new kind of traffic is ordinary traffic" in text
    assert "rail.season_images" not in r and "calendar day" not in text
    assert (
        "Each image was counted once, by one analyst, so the counts carry no measured "
        "counting error" in text
    )
    assert (root / "figures/scn-rail-clear-spike/kamen_baseline_histogram.svg").exists()
    no_example_names(text)


def test_other_site_p95_rule(root):
    # Lesnoy siding, rule p95: baseline 20 22 25 21 23 24 22 20 26 21 (ten images: just
    # enough for the model), sorted 20 20 21 21 22 22 23 24 25 26, p95 at rank 0.95·9 =
    # 8.55: 25 + 0.55 = 25.55; max 26, mean 22.4, median 22. Peak 70 on 2020-11-05,
    # ratio 70/26; onset 2020-10-05 .. 2020-11-05 (31 days); 65 then 24, back to ordinary.
    r = scenarios.build(root, "rail-other-site", NB, section("lesnoy_siding", elevated="p95"))
    assert r["rail.site"] == "lesnoy_siding" and r["rail.n_images"] == 13
    assert r["rail.peak_railcars"] == 70 and r["rail.peak_date"] == "2020-11-05"
    assert r["rail.baseline_n_images"] == 10 and r["rail.baseline_max"] == 26
    assert_allclose(r["rail.baseline_p95"], 25.55)
    assert_allclose(r["rail.elevated_threshold"], 25.55)
    assert_allclose(r["rail.baseline_mean"], 22.4)
    assert r["rail.baseline_median"] == 22
    assert_allclose(r["rail.peak_to_baseline_max"], 70 / 26)
    assert r["rail.count_model"] == "poisson"  # variance 38.4/9 < mean 22.4
    assert r["rail.onset_after"] == "2020-10-05" and r["rail.onset_before"] == "2020-11-05"
    assert r["rail.onset_interval_days"] == 31
    text = scenarios.prose(root, "rail-other-site", NB)
    assert "after which counts fall back to ordinary levels" in text
    assert "images of the Lesnoy siding" in text
    no_example_names(text)
