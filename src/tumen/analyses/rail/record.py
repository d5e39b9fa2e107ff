"""Recording the rail results: every number of the analysis under a stable ``rail.*`` name.

Each ``record_*`` function records values already computed (:func:`tumen.analyses.rail.compute.stats_row`,
:func:`tumen.analyses.rail.sensitivity.sensitivity`) through
``out, rec = results.recorder(prefix)`` and returns ``out`` (name after the prefix -> value).
:func:`record_results` records the whole analysis; the checks record theirs in
:mod:`tumen.analyses.rail.checks`.
"""

from __future__ import annotations

import pandas as pd

from tumen.analyses.rail.compute import RailStats, stats_row
from tumen.analyses.rail.sensitivity import (
    check_sensitivity,
    get_distinct_variants,
    get_dropped_variants,
    get_extremes,
    plain,
)
from tumen.analyses.rail.text import changed_variants, dropped_variants

#: the results recorded again for each sensitivity variant
SENSITIVITY_RESULTS = (
    "baseline_n_images",
    "baseline_max",
    "baseline_mean",
    "peak_railcars",
    "peak_date",
    "tail_probability",
    "robust_z",
    "onset_after",
    "onset_before",
)


def record_results(
    results, stats: RailStats, sensitivity_table: pd.DataFrame | None = None, prefix: str = "rail"
) -> dict:
    """Record every number of the analysis under stable names.

    Parameters
    ----------
    results : tumen.engine.results.Results
        The notebook's results file.
    stats : RailStats
        From :func:`tumen.analyses.rail.compute.analyse` on all images.
    sensitivity_table : pandas.DataFrame, optional
        From :func:`tumen.analyses.rail.sensitivity.sensitivity`; adds
        ``<prefix>.sensitivity.<variant>.<name>`` for the names in
        :data:`SENSITIVITY_RESULTS`, the extremes across the variants and the check
        (:func:`record_sensitivity`).
    prefix : str
        First part of every name.

    Returns
    -------
    dict
        Name after the prefix -> value of everything recorded.
    """
    row = stats_row(stats)
    out = {}
    for record in (record_series, record_baseline, record_peak, record_model, record_onset):
        out.update(record(results, row, prefix))
    if sensitivity_table is not None:
        out.update(record_sensitivity(results, sensitivity_table, prefix))
    return out


def record_series(results, row: dict, prefix: str = "rail") -> dict:
    """Record the site and its images (``row``: :func:`tumen.analyses.rail.compute.stats_row`)."""
    out, rec = results.recorder(prefix)
    rec("site", row["site"], "", "Site id of the rail facility analysed")
    rec("n_images", row["n_images"], "images", "Images with a railcar count at the site")
    rec("first_image", row["first_image"], "date", "Acquisition day of the earliest image (UTC)")
    rec("last_image", row["last_image"], "date", "Acquisition day of the latest image (UTC)")
    return out


def record_baseline(results, row: dict, prefix: str = "rail") -> dict:
    """Record the baseline window and the summary of its counts."""
    out, rec = results.recorder(prefix)
    rec("baseline_start", row["baseline_start"], "date", "First day of the baseline window (UTC)")
    rec(
        "baseline_end",
        row["baseline_end"],
        "date",
        "Day the baseline window ends, excluded (UTC)",
    )
    rec(
        "baseline_span_years",
        row["baseline_span_years"],
        "years",
        "Years from the first baseline image to the window end",
    )
    rec("baseline_n_images", row["baseline_n_images"], "images", "Images in the baseline window")
    rec(
        "baseline_mean",
        row["baseline_mean"],
        "railcars",
        "Mean railcar count per baseline image",
    )
    rec(
        "baseline_median",
        row["baseline_median"],
        "railcars",
        "Median railcar count per baseline image",
    )
    rec(
        "baseline_p95",
        row["baseline_p95"],
        "railcars",
        "95th percentile of baseline counts (linear interpolation)",
    )
    rec(
        "baseline_max",
        row["baseline_max"],
        "railcars",
        "Highest railcar count in any baseline image",
    )
    rec(
        "baseline_variance",
        row["baseline_variance"],
        "railcars^2",
        "Sample variance of baseline counts (n - 1)",
    )
    return out


def record_peak(results, row: dict, prefix: str = "rail") -> dict:
    """Record the peak and its ratios to the baseline."""
    out, rec = results.recorder(prefix)
    rec("peak_railcars", row["peak_railcars"], "railcars", "Highest railcar count in one image")
    rec("peak_date", row["peak_date"], "date", "Acquisition day of the peak image (UTC)")
    rec(
        "peak_to_baseline_max",
        row["peak_to_baseline_max"],
        "1",
        "Peak count divided by the baseline maximum",
    )
    rec(
        "peak_to_baseline_mean",
        row["peak_to_baseline_mean"],
        "1",
        "Peak count divided by the baseline mean",
    )
    return out


def record_model(results, row: dict, prefix: str = "rail") -> dict:
    """Record the count model fitted to the baseline, the peak's tail probability under it
    and the robust z-score."""
    out, rec = results.recorder(prefix)
    rec(
        "count_model",
        row["count_model"],
        "",
        "Count model fitted to the baseline (negative binomial or Poisson)",
    )
    rec(
        "count_model_n",
        row["count_model_n"],
        "1",
        "Negative-binomial shape fitted by moments (none for Poisson)",
    )
    rec(
        "count_model_p",
        row["count_model_p"],
        "1",
        "Negative-binomial probability fitted by moments (none for Poisson)",
    )
    rec(
        "tail_probability",
        row["tail_probability"],
        "1",
        "Probability of a count at least the peak under the baseline model",
    )
    rec(
        "robust_z",
        row["robust_z"],
        "1",
        "Peak minus baseline median, over 1.4826 times the baseline MAD",
    )
    return out


def record_onset(results, row: dict, prefix: str = "rail") -> dict:
    """Record the elevated rule and the onset interval."""
    out, rec = results.recorder(prefix)
    rec(
        "elevated_rule",
        row["elevated_rule"],
        "",
        "Rule for an elevated image (above the baseline max, p95 or a number)",
    )
    rec(
        "elevated_threshold",
        row["elevated_threshold"],
        "railcars",
        "Count above which an image is elevated",
    )
    rec(
        "onset_after",
        row["onset_after"],
        "date",
        "Last ordinary image before the elevated run with the peak",
    )
    rec(
        "onset_before", row["onset_before"], "date", "First image of the elevated run with the peak"
    )
    rec(
        "onset_interval_days",
        row["onset_interval_days"],
        "days",
        "Days between the last ordinary and the first elevated image",
    )
    return out


def record_model_floor(
    results, stats: RailStats, min_model_images: int, prefix: str = "rail"
) -> dict:
    """Record ``<prefix>.min_model_images`` when the baseline was too small for a count
    model (the text then says how many images a model needs); nothing otherwise."""
    out, rec = results.recorder(prefix)
    if not stats.is_model_fitted:
        rec(
            "min_model_images",
            min_model_images,
            "images",
            "Fewest baseline images a count model is fitted to",
        )
    return out


def record_sensitivity(results, table: pd.DataFrame, prefix: str = "rail") -> dict:
    """Record the sensitivity variants, the extremes across them and whether the result holds.

    Each distinct variant's :data:`SENSITIVITY_RESULTS` are recorded as
    ``<prefix>.sensitivity.<variant>.<name>`` with the unit and description of the main
    result ``<prefix>.<name>`` (recorded first, :func:`record_results`) and the variant's
    label.
    """
    out, rec = results.recorder(prefix)
    done = get_distinct_variants(table)
    for key, row in done.iterrows():
        for name in SENSITIVITY_RESULTS:
            main = results.records[f"{prefix}.{name}"]
            description = f"{main['description']} ({row['label']})"
            rec(f"sensitivity.{key}.{name}", plain(row[name]), main["unit"], description)
    if not done.empty:
        out.update(record_extremes(results, get_extremes(done), prefix))
    check, dropped = check_sensitivity(table), get_dropped_variants(table)
    out.update(record_check(results, check, dropped, len(done), prefix))
    return out


def record_extremes(results, extremes: dict, prefix: str = "rail") -> dict:
    """Record the extremes across the variants (:func:`tumen.analyses.rail.sensitivity.get_extremes`)."""
    out, rec = results.recorder(prefix)
    rec(
        "sensitivity_max_tail_probability",
        extremes["max_tail_probability"],
        "1",
        "Largest tail probability of the peak across the sensitivity variants",
    )
    rec(
        "sensitivity_min_robust_z",
        extremes["min_robust_z"],
        "1",
        "Smallest robust z-score of the peak across the sensitivity variants",
    )
    rec(
        "sensitivity_max_robust_z",
        extremes["max_robust_z"],
        "1",
        "Largest robust z-score of the peak across the sensitivity variants",
    )
    return out


def record_check(
    results, check: dict, dropped: list[tuple[str, str]], n_variants: int, prefix: str = "rail"
) -> dict:
    """Record whether the result holds in every distinct variant (``check``:
    :func:`tumen.analyses.rail.sensitivity.check_sensitivity`), which variants change it,
    which were left out as repeats (``dropped``:
    :func:`tumen.analyses.rail.sensitivity.get_dropped_variants`) and how many distinct
    variants were computed."""
    out, rec = results.recorder(prefix)
    rec(
        "sensitivity_holds",
        check["holds"],
        "",
        "Every distinct variant keeps the peak elevated on the same day with the same "
        "onset interval",
    )
    rec(
        "sensitivity_changed",
        changed_variants(check),
        "",
        "Variants that lose the elevated peak or move it or its onset interval, and how",
    )
    rec(
        "sensitivity_dropped",
        dropped_variants(dropped),
        "",
        "Variants left out because they use the same images as an earlier one",
    )
    rec(
        "sensitivity_variants",
        n_variants,
        "variants",
        "Distinct sensitivity variants computed, the main analysis included",
    )
    return out
