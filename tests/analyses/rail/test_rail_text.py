"""Tests of tumen.analyses.rail.text: the sentences the rail section builds from its results
(tiny.csv, described in tests/fixtures/railcars.py; the whole section on invented series:
tests/test_scenarios_rail.py)."""

import pytest
from fixtures.railcars import tiny

from tumen.analyses.rail import checks, compute, record, sensitivity, text
from tumen.engine.results import Results


@pytest.fixture
def section(tmp_path):
    """The results of tiny.csv as the notebook records them, and the statistics."""
    ds = tiny()
    stats = compute.analyse(ds)
    res = Results(tmp_path / "01_rail_traffic.json")
    record.record_results(res, stats, sensitivity.sensitivity(ds))
    checks.record_rarity(res, checks.get_rarity(ds, stats))
    return res, ds, stats


def test_variants_are_listed_in_words():
    check = {"changed": ["x", "y"], "how": ["moves the onset interval"] * 2}
    assert text.changed_variants(check) == (
        "“x” moves the onset interval and “y” moves the onset interval"
    )
    assert text.dropped_variants([("b", "a")]) == "“b” (the same images as “a”)"


def test_summary_and_onset_follow_the_series(section):
    res, _, stats = section
    assert text.is_above_all(res) and not text.has_two_counts(res)
    summary = text.summary(res, stats)
    assert summary.startswith("**Rail traffic at {place}.**")
    assert "is above all {rail.baseline_n_images} baseline images" in summary
    assert summary.endswith("the change began between {rail.onset_after} and {rail.onset_before}.")
    assert "(rule: baseline {rail.elevated_rule})" in text.onset(stats)
    assert "those {rail.onset_interval_days:.0f} days" in text.onset(stats)
    quiet = compute.analyse(tiny(), elevated=50)
    assert "(rule: a count set in the parameters)" in text.onset(quiet)
    assert text.onset(quiet).endswith("there is no onset interval.")


def test_how_unusual_gives_rarity_before_the_model(section):
    res, _, stats = section
    words = text.how_unusual(res, stats, "tumangang")
    assert words.index("is above all") < words.index("count model fitted")
    assert "({fig:tumangang_baseline_histogram})" in words
    assert "{rail.robust_z:.1f}" in words
    few = compute.analyse(tiny(), min_model_images=compute.MIN_MODEL_IMAGES)
    assert "fewer than {rail.min_model_images} images" in text.count_model(res, few, "x")


def test_figure_words(section):
    res, ds, stats = section
    series = compute.get_series(ds)
    # T08 (25) after the peak is above the threshold 9: the series stays elevated
    assert text.series_alt(res, series, stats).endswith("that stays elevated afterwards.")
    assert text.timeseries_caption("yard", stats).endswith("when the change began.")
    assert text.histogram_alt(stats).endswith("right of every baseline count.")
    assert text.histogram_caption(stats).startswith("Railcar counts in the baseline window, with")


def test_sensitivity_words(section):
    res, _, stats = section
    words = text.sensitivity(res, stats)
    assert words.startswith("Every variant keeps the peak elevated")
    assert "Left out as repeats" in words  # both filters repeat the resolution variant
    caption = text.sensitivity_caption("medium", 1.0, 2)
    assert "at most 1.0 m" in caption and "by 2 years;" in caption
    assert "by 1 year;" in text.sensitivity_caption("medium", 1.0, 1)


def test_claims_caption_says_when_the_data_are_examples():
    assert text.claims_caption("Tumangang", True).endswith("a calibration check, not evidence.")
    assert text.claims_caption("Tumangang", False).endswith("reproduces from the observations.")


def test_season_is_empty_unless_compared(section):
    res, ds, stats = section
    assert text.season(res) == ""
    check = checks.get_same_season(ds, stats.peak_time, before="2021-01-01", days=30)
    checks.record_season(res, check, before="2021-01-01", days=30)
    assert (
        "the most any shows is {rail.season_max!u}, fewer than the peak's {rail.peak_railcars}"
        in (text.season(res))
    )
