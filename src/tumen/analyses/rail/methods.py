"""The rail section's methods box: images, counters, resolution and the elevated rule.

:func:`get_methods` builds the box (:class:`tumen.report.methods.Box`) from the images and
the recorded results; :func:`describe_methods` shows it in the notebook.
"""

from __future__ import annotations

import xarray as xr

from tumen.report import methods
from tumen.report.words import join_words

#: How the report words each elevated rule (``RailStats.elevated_rule``; others: a count).
RULE_WORDS = {"max": "the highest count", "p95": "the 95th percentile of the counts"}


def get_methods(
    res, ds: xr.Dataset, *, site_name: str, baseline_years: int | None = None, prefix: str = "rail"
):
    """The methods box of the rail section: images, counters, resolution, elevated rule.

    Reads the providers, the analysts and the ground sample distances from the images
    (columns ``provider``, ``analyst``, ``gsd_m`` of the observations; a column left empty
    is said to be not recorded) and records the new numbers (:func:`record_methods`). The
    other numbers are results :func:`tumen.analyses.rail.record.record_results` recorded
    (and ``<prefix>.second_count_images`` when a second count was compared).

    Parameters
    ----------
    res : tumen.engine.results.Results
        The notebook's results, after :func:`tumen.analyses.rail.record.record_results`.
    ds : xarray.Dataset
        The site's images (:func:`tumen.analyses.rail.read.load`), all of them.
    site_name : str
        The site's name as the prose gives it (a word from data: shown literally).
    baseline_years : int, optional
        The baseline window's length in years (parameter); None: the window's dates only.
    prefix : str
        First part of the result names.

    Returns
    -------
    tumen.report.methods.Box
    """
    p = prefix
    providers = methods.distinct_words(ds["provider"].to_numpy())
    analysts = methods.distinct_words(ds["analyst"].to_numpy())
    has_gsd = record_methods(res, ds, baseline_years=baseline_years, prefix=p)
    rows = (
        ("Observed", observed_line(providers, p)),
        ("Counted by", counted_line(res, analysts, p)),
        (
            "Resolution",
            f"Ground sample distance {{{p}.gsd_min_m}} to {{{p}.gsd_max_m!u}}."
            if has_gsd
            else "Ground sample distance not recorded in the observations.",
        ),
        ("Rule", rule_line(res, baseline_years, p)),
    )
    return methods.Box(
        rows,
        {"site": site_name, "providers": join_words(providers), "analysts": join_words(analysts)},
    )


def record_methods(
    res, ds: xr.Dataset, *, baseline_years: int | None = None, prefix: str = "rail"
) -> bool:
    """Record ``<prefix>.gsd_min_m`` and ``<prefix>.gsd_max_m`` when any image has a
    resolution, ``<prefix>.baseline_years`` when given; return whether a resolution is known."""
    p = prefix
    has_gsd = methods.record_range(
        res, f"{p}.gsd", ds["gsd_m"].to_numpy(), "m", "ground sample distance of the images"
    )
    if baseline_years is not None:
        _, rec = res.recorder(p)
        rec(
            "baseline_years",
            baseline_years,
            "years",
            "Length of the baseline window before the peak (parameter)",
        )
    return has_gsd


def observed_line(providers: list[str], p: str = "rail") -> str:
    """The "Observed" line: how many images, when, from which providers."""
    return (
        f"{{{p}.n_images}} satellite images of the {{site}}, from "
        f"{{{p}.first_image}} to {{{p}.last_image}}; "
        + (
            ("provider {providers}" if len(providers) == 1 else "providers {providers}")
            if providers
            else "provider not recorded"
        )
        + " (the observations file)."
    )


def counted_line(res, analysts: list[str], p: str = "rail") -> str:
    """The "Counted by" line: the analysts and the second count, if any."""
    return (
        "Freight railcars visible in each image, counted by "
        + (
            ("analyst " if len(analysts) == 1 else "analysts ") + "{analysts}"
            if analysts
            else "an analyst the observations do not name"
        )
        + (
            f"; a second, independent count of {{{p}.second_count_images}} images."
            if f"{p}.second_count_images" in res
            else "; no second count, so the counts carry no measured counting error."
        )
    )


def rule_line(res, baseline_years: int | None, p: str = "rail") -> str:
    """The "Rule" line: when an image is elevated, against which baseline window."""
    years = ""
    if baseline_years is not None:
        years = (
            f"the {{{p}.baseline_years}} "
            + ("year" if baseline_years == 1 else "years")
            + " before the peak, "
        )
    window = (
        f"the baseline window ({years}{{{p}.baseline_start}} to {{{p}.baseline_end}}, "
        f"{{{p}.baseline_n_images}} images)"
    )
    rule = (
        f"more than {RULE_WORDS[res[f'{p}.elevated_rule']]} in {window}: more than "
        if res[f"{p}.elevated_rule"] in RULE_WORDS
        else "more than "
    )
    return f"An image is elevated when it shows {rule}{{{p}.elevated_threshold:.0f}} railcars" + (
        "."
        if res[f"{p}.elevated_rule"] in RULE_WORDS
        else f", a count set in the parameters; {window} is the comparison."
    )


def describe_methods(res, ds: xr.Dataset, *, site_name: str, baseline_years: int | None = None):
    """The methods box that opens the rail section, as a notebook output (:func:`get_methods`)."""
    return methods.show(
        res, get_methods(res, ds, site_name=site_name, baseline_years=baseline_years)
    )
