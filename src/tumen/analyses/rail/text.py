"""The rail section's sentences: which words the report uses for which result.

Each function returns a template for ``res.md`` (``{rail.name}`` placeholders filled from
the results; words from data go in as keyword arguments, e.g. ``{site}``, ``{place}``) or a
plain caption. They read the results :mod:`tumen.analyses.rail.record` and
:mod:`tumen.analyses.rail.checks` recorded and the statistics
(:class:`tumen.analyses.rail.compute.RailStats`); the notebook only shows them.
"""

from __future__ import annotations

import pandas as pd

from tumen.analyses.rail.compute import RailStats, stays_elevated
from tumen.report.words import join_words

#: what the zeros check of the count model says, by its verdict
ZEROS_FIT = {
    "fits": "; it fits on that count.",
    "under-predicts": ": it under-predicts empty images, so its tail is not to be relied on.",
    "over-predicts": ": it over-predicts empty images, so its tail is not to be relied on.",
}


def changed_variants(check: dict) -> str:
    """The variants that change the result and how (:func:`tumen.analyses.rail.sensitivity.check_sensitivity`)."""
    return join_words([f"“{x}” {h}" for x, h in zip(check["changed"], check["how"])])


def dropped_variants(dropped: list[tuple[str, str]]) -> str:
    """The variants left out as repeats (:func:`tumen.analyses.rail.sensitivity.get_dropped_variants`)."""
    return join_words([f"“{a}” (the same images as “{b}”)" for a, b in dropped])


def is_above_all(res) -> bool:
    """True when no baseline image reaches the peak count."""
    return res["rail.baseline_images_at_least_peak"] == 0


def has_two_counts(res) -> bool:
    """True when a second count was compared and the two counters read the peak differently."""
    return "rail.peak_railcars_low" in res and (
        res["rail.peak_railcars_low"] != res["rail.peak_railcars_high"]
    )


def summary(res, stats: RailStats) -> str:
    """The section's summary: the peak, how it compares with the baseline, when it began.

    Fill ``{place}``.
    """
    return (
        "**Rail traffic at {place}.** The peak of {rail.peak_railcars!u} on {rail.peak_date} "
        + (
            "({rail.peak_railcars_low} to {rail.peak_railcars_high} across two counters) "
            if has_two_counts(res)
            else ""
        )
        + (
            "is above all {rail.baseline_n_images} baseline images"
            if is_above_all(res)
            else "is reached by {rail.baseline_images_at_least_peak} of the {rail.baseline_n_images} "
            "baseline images"
        )
        + (
            ", {rail.peak_to_baseline_max:.1f} times the most any of them showed"
            if stats.peak_to_baseline_max is not None
            else ", none of which showed a railcar"
        )
        + ("" if stats.is_model_fitted else ", too few for a count model")
        + (
            "; the change began between {rail.onset_after} and {rail.onset_before}."
            if stats.is_elevated and stats.onset_after is not None
            else "; counts were elevated from the first image, on {rail.onset_before}."
            if stats.is_elevated
            else "; no image exceeded {rail.elevated_threshold:.0f} railcars, so there is no change to date."
        )
    )


def counted(res, fig_stem: str) -> str:
    """What was counted, and by how many counters. Fill ``{site}``."""
    return (
        "The series holds {rail.n_images} images of the {site}, from {rail.first_image} "
        "to {rail.last_image}; an analyst counted the freight railcars visible in each "
        f"({{fig:{fig_stem}_railcars_timeseries}}). Revisits are irregular and some images are coarse "
        "or partly clouded, so each row also records the ground sample distance, cloud cover and "
        "the analyst's confidence. "
        + (
            "A second analyst counted {rail.second_count_images} of the images independently: the two "
            "counts differ by {rail.second_count_mean_abs_diff:.1f} railcars on average and by at most "
            "{rail.second_count_max_abs_diff!u} on one image; "
            + (
                "the peak image reads {rail.peak_railcars_low} to {rail.peak_railcars_high} railcars "
                "across the two counters."
                if has_two_counts(res)
                else "both counters agree on the peak image."
                if res["rail.peak_double_counted"]
                else "the peak image was counted once."
            )
            if "rail.second_count_images" in res
            else "Each image was counted once, by one analyst, so the counts carry no measured counting "
            "error."
        )
    )


def series_alt(res, series: pd.DataFrame, stats: RailStats) -> str:
    """The time-series figure's alt text: the shape of the series in words."""
    return "Time series of railcar counts: " + (
        f"low and flat through the baseline window, then a sharp spike on {res['rail.peak_date']} "
        + (
            "that stays elevated afterwards."
            if stays_elevated(series, stats)
            else "after which counts fall back to ordinary levels."
        )
        if stats.is_elevated
        else f"no image rises above {stats.elevated_threshold:.0f} railcars; the highest count, "
        f"{stats.peak_railcars}, is on {res['rail.peak_date']}."
    )


def timeseries_caption(site_name: str, stats: RailStats) -> str:
    """The time-series figure's caption."""
    return (
        f"Freight railcars counted per image at the {site_name}. The band spans the "
        "baseline window; marker shape gives the analyst's confidence, colour and fill whether "
        "the count is elevated"
        + (
            "; the shaded interval bounds when the change began."
            if stats.onset_after is not None
            else "."
        )
    )


def ratios(stats: RailStats) -> str:
    """The peak over the baseline maximum and mean."""
    text = (
        "{rail.peak_to_baseline_max:.1f} times the baseline maximum and "
        if stats.peak_to_baseline_max is not None
        else "above a baseline maximum of zero and "
    )
    return text + (
        "{rail.peak_to_baseline_mean:.0f} times its mean. "
        if stats.peak_to_baseline_mean is not None
        else "its mean. "
    )


def rarity(res, stats: RailStats) -> str:
    """How many baseline images reach the peak, then the ratios (model-free)."""
    return (
        "The peak of {rail.peak_railcars!u} on {rail.peak_date} is above all "
        "{rail.baseline_n_images} baseline images, "
        if is_above_all(res)
        else "{rail.baseline_images_at_least_peak} of the {rail.baseline_n_images} baseline images "
        "reached the peak of {rail.peak_railcars!u} on {rail.peak_date}; the peak is "
    ) + ratios(stats)


def count_model(res, stats: RailStats, fig_stem: str) -> str:
    """The count model's tail probability with its caveats and fit, and the robust z-score;
    or why there is no model."""
    hist = f"{{fig:{fig_stem}_baseline_histogram}}"
    if not stats.is_model_fitted:
        return (
            "The baseline holds fewer than {rail.min_model_images} images, too few to fit a "
            "count model or a robust z-score, so the comparison rests on the baseline "
            f"maximum and mean alone ({hist})."
        )
    return (
        "A {rail.count_model} count model fitted to the baseline "
        f"({hist}) puts the probability of a single image showing at least that many railcars "
        "at {rail.tail_probability:.1e}. That figure assumes the baseline images are "
        "independent draws from one unchanging distribution, which images days apart (the "
        "same trains, backlogs and seasons) are not: the baseline holds less information than "
        "its image count suggests, and so small a probability says only that the peak lies far "
        "outside the baseline, not how often such a count occurs. The model's fit is checked "
        "on the empty images: it expects {rail.count_model_expected_zeros:.1f} baseline images "
        "with no railcar, and the baseline has {rail.baseline_zero_images}"
        + ZEROS_FIT[res["rail.count_model_zeros_fit"]]
        + " "
        + (
            "The robust z-score (distance from the baseline median in units of the scaled "
            "median absolute deviation), which needs no model, is {rail.robust_z:.1f}."
            if stats.robust_z is not None
            else "The robust z-score is undefined, because the baseline counts do not vary."
        )
    )


def how_unusual(res, stats: RailStats, fig_stem: str) -> str:
    """The baseline, the peak's rarity without a model, then the count model."""
    return (
        "In the baseline window ({rail.baseline_start} to {rail.baseline_end}, "
        "{rail.baseline_n_images} images) the facility held on average {rail.baseline_mean:.1f} "
        "railcars (median {rail.baseline_median}, 95th percentile {rail.baseline_p95}) and never more "
        "than {rail.baseline_max!u}. " + rarity(res, stats) + count_model(res, stats, fig_stem)
    )


def histogram_caption(stats: RailStats) -> str:
    """The baseline histogram's caption."""
    return (
        "Railcar counts in the baseline window, with the count model fitted to them "
        "and the peak count for comparison."
        if stats.is_model_fitted
        else "Railcar counts in the baseline window and the peak count for comparison "
        "(too few images to fit a count model)."
    )


def histogram_alt(stats: RailStats) -> str:
    """The baseline histogram's alt text."""
    return (
        "Histogram of baseline counts"
        + (
            " concentrated at low values, with the fitted model curve"
            if stats.is_model_fitted
            else ""
        )
        + (
            "; the peak lies far to the right of every baseline count."
            if stats.is_elevated
            else "; the peak is not above the elevated threshold."
        )
    )


def onset(stats: RailStats) -> str:
    """The elevated rule and when the change began."""
    rule = (
        "baseline {rail.elevated_rule}"
        if stats.elevated_rule in ("max", "p95")
        else "a count set in the parameters"
    )
    rule_text = (
        "An image counts as elevated when it shows more than {rail.elevated_threshold:.0f} railcars "
        f"(rule: {rule}). "
    )
    if stats.is_elevated and stats.onset_after is not None:
        return rule_text + (
            "The last ordinary image before the elevated run was "
            "taken on {rail.onset_after} and the first elevated one on {rail.onset_before}: the change "
            "began somewhere in those {rail.onset_interval_days:.0f} days. Imagery cannot narrow it "
            "further; only more frequent revisits could."
        )
    if stats.is_elevated:
        return rule_text + (
            "Every image up to the peak is elevated, from the first one on {rail.onset_before}: "
            "the change, if there was one, began before the series starts."
        )
    return rule_text + (
        "No image exceeded {rail.elevated_threshold:.0f} railcars, so the series shows no "
        "change to date and there is no onset interval."
    )


def sensitivity_lead(res, stats: RailStats) -> str:
    """Whether the result holds across the sensitivity variants."""
    if res["rail.sensitivity_variants"] < 2:
        return (
            "Each sensitivity variant uses the same images as the main analysis (the image "
            "filters remove none, and a shorter or longer baseline window adds or removes none), "
            "so the check tests nothing here ({tab:rail_sensitivity})."
        )
    if stats.is_elevated and res["rail.sensitivity_holds"]:
        return (
            "Every variant keeps the peak elevated on the same day with the same onset interval, so "
            "the conclusion does not hinge on image quality or on the baseline window "
            "({tab:rail_sensitivity}); "
        )
    if stats.is_elevated:
        return (
            "The result depends in part on the choices, because not every variant keeps the "
            "peak elevated on the same day with the same onset interval: "
            "{rail.sensitivity_changed} ({tab:rail_sensitivity}); "
        )
    return (
        "Stricter image filters and a shorter or longer baseline window give "
        "({tab:rail_sensitivity}): "
    )


def sensitivity(res, stats: RailStats) -> str:
    """The sensitivity paragraph: whether the result holds, the extremes, the repeats."""
    lead = sensitivity_lead(res, stats)
    if res["rail.sensitivity_variants"] < 2:
        return lead
    extremes = (
        "across the variants the largest tail probability of the peak is "
        "{rail.sensitivity_max_tail_probability:.1e} and the robust z-score runs from "
        "{rail.sensitivity_min_robust_z:.1f} to {rail.sensitivity_max_robust_z:.1f}."
        if res["rail.sensitivity_max_tail_probability"] is not None
        and res["rail.sensitivity_min_robust_z"] is not None
        else "no variant has enough baseline images for a count model, so the table compares "
        "the peak with the baseline maximum and mean only."
    )
    repeats = (
        " Left out as repeats, because they use the same images as a variant shown: "
        "{rail.sensitivity_dropped}."
        if res["rail.sensitivity_dropped"]
        else ""
    )
    return lead + extremes + repeats


def sensitivity_caption(min_confidence: str, max_gsd_m: float, years_delta: int) -> str:
    """The sensitivity table's caption, naming the filters and the baseline change."""
    return (
        f"The same statistics with stricter image filters (confidence at least "
        f"{min_confidence}, ground sample distance at most {max_gsd_m} m) and with "
        f"the baseline window shortened or lengthened by {years_delta} year"
        + ("s" if years_delta != 1 else "")
        + "; a variant that "
        "uses the same images as one shown is left out and named in the text."
    )


def claims_caption(place: str, synthetic: bool) -> str:
    """The published-claims table's caption (example data: a calibration check)."""
    return f"Published claims about {place} beside what this analysis reproduces from the " + (
        "example observations; they were generated to match these figures, so each "
        "verdict is a calibration check, not evidence."
        if synthetic
        else "observations."
    )


def season(res) -> str:
    """The peak beside the same season in earlier years ("" when no season was compared)."""
    if "rail.season_images" not in res:
        return ""
    peak_name = (
        "rail.peak_railcars_low" if "rail.peak_railcars_low" in res else "rail.peak_railcars"
    )
    if res["rail.season_images"] == 0:
        return (
            "The series holds no image within {rail.season_days} days of the peak's calendar "
            "day before {rail.season_before}, so the same season before then cannot be "
            "compared."
        )
    return (
        "Before {rail.season_before} the series holds {rail.season_images} images within "
        "{rail.season_days} days of the peak's calendar day; the most any shows is "
        "{rail.season_max!u}, "
        + (
            "fewer than the peak's {%s}: in those images the same weeks were not as busy "
            "before then, so a return to that level alone would not reach the peak." % peak_name
            if res["rail.season_max"] < res[peak_name]
            else "as many as the peak: the season alone could account for it."
        )
    )
