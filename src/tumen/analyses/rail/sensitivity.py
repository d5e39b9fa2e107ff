"""Sensitivity of the rail result: the statistics again with stricter images and another baseline.

:func:`sensitivity` repeats :func:`tumen.analyses.rail.compute.analyse` with stricter image
filters (confidence, resolution) and a shorter or longer baseline window; a variant that uses
the same images as an earlier one is marked and left out (:func:`get_dropped_variants`).
:func:`check_sensitivity` says whether the result holds in every distinct variant.
"""

from __future__ import annotations

import math

import pandas as pd
import xarray as xr

from tumen.analyses.rail.compute import RailStats, analyse, stats_row
from tumen.analyses.rail.read import filter_images
from tumen.errors import DataError, ParameterError


def sensitivity(
    ds: xr.Dataset,
    *,
    min_confidence: str = "medium",
    max_gsd_m: float = 1.0,
    years_delta: int = 1,
    **options,
) -> pd.DataFrame:
    """Recompute the statistics with stricter images and a shorter or longer baseline.

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images, unfiltered.
    min_confidence : {"low", "medium", "high"}
        The confidence filter of the ``confidence`` and ``both_filters`` variants.
    max_gsd_m : float
        The resolution filter (metres) of the ``resolution`` and ``both_filters`` variants.
    years_delta : int
        How many years the ``shorter_baseline`` and ``longer_baseline`` variants move the
        baseline start (the end stays put).
    **options
        Passed to :func:`analyse` for every variant (``baseline_years``,
        ``baseline_start``, ``baseline_end``, ``elevated``, ``peak_date``).

    Returns
    -------
    pandas.DataFrame
        Indexed by variant key (``all``, ``confidence``, ``resolution``, ``both_filters``,
        ``shorter_baseline``, ``longer_baseline``) with a ``label``, the columns of
        :func:`stats_row`, ``note`` (why a variant could not be computed, else ``""``) and
        ``same_as``: the key of an earlier variant that uses exactly the same images (the
        same images in the series and the same in the baseline window), else ``""``. Such a
        duplicate tests nothing new: it is left out of the results, the displayed table and
        :func:`check_sensitivity` (:func:`get_dropped_variants` names it).

    Raises DataError or ParameterError when the ``all`` variant (the main analysis) fails;
    other variants that fail (too few images left, a window that closes) get a ``note``.
    """
    variants = get_variants(
        ds,
        min_confidence=min_confidence,
        max_gsd_m=max_gsd_m,
        years_delta=years_delta,
        options=options,
    )
    rows, seen = {}, {}
    for key, label, data, opts in variants:
        try:
            stats = analyse(data, **opts)
            images = get_images_used(data, stats)
            row = {"label": label, **stats_row(stats), "note": "", "same_as": seen.get(images, "")}
            seen.setdefault(images, key)
        except (DataError, ParameterError) as exc:
            if key == "all":  # the main analysis itself fails: a user mistake
                raise
            row = {"label": label, "note": exc.message, "same_as": ""}
        rows[key] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def get_variants(
    ds: xr.Dataset, *, min_confidence: str, max_gsd_m: float, years_delta: int, options: dict
) -> list[tuple]:
    """The variants of :func:`sensitivity`: (key, label, images, :func:`analyse` options)."""
    strict = {"min_confidence": min_confidence, "max_gsd_m": max_gsd_m}
    return [
        ("all", "all images", ds, options),
        (
            "confidence",
            f"confidence {min_confidence} or higher",
            filter_images(ds, min_confidence=min_confidence),
            options,
        ),
        (
            "resolution",
            f"resolution {max_gsd_m:g} m or finer",
            filter_images(ds, max_gsd_m=max_gsd_m),
            options,
        ),
        ("both_filters", "both filters", filter_images(ds, **strict), options),
        ("shorter_baseline", *shift_baseline(ds, options, -years_delta)),
        ("longer_baseline", *shift_baseline(ds, options, years_delta)),
    ]


def get_images_used(ds: xr.Dataset, stats: RailStats) -> tuple:
    """The images a variant uses: (every image of the series, the baseline window's)."""
    times = pd.DatetimeIndex(ds["acquired"].to_numpy())
    key = ds["image_id"].to_numpy() if "image_id" in ds else times
    ids = [f"{t.isoformat()}|{k}" for t, k in zip(times, key)]
    base = (times >= stats.baseline_start) & (times < stats.baseline_end)
    return tuple(ids), tuple(i for i, b in zip(ids, base) if b)


def get_dropped_variants(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Return (label, label of the variant it repeats) for each duplicate variant.

    >>> get_dropped_variants(sensitivity(ds))   # doctest: +SKIP
    [('baseline 6 years', 'all images')]
    """
    if "same_as" not in table:
        return []
    return [
        (row["label"], table.loc[row["same_as"], "label"])
        for _, row in table.iterrows()
        if row["same_as"]
    ]


def get_distinct_variants(table: pd.DataFrame) -> pd.DataFrame:
    """The variants computed and not repeating an earlier one."""
    keep = table["note"] == ""
    if "same_as" in table:
        keep &= table["same_as"] == ""
    return table[keep]


def get_extremes(done: pd.DataFrame) -> dict:
    """The largest tail probability and the smallest and largest robust z-score across the
    distinct variants ``done`` (:func:`get_distinct_variants`); None where no variant has one."""
    tails = [float(v) for v in done["tail_probability"] if plain(v) is not None]
    zs = [float(v) for v in done["robust_z"] if plain(v) is not None]
    return {
        "max_tail_probability": max(tails) if tails else None,
        "min_robust_z": min(zs) if zs else None,
        "max_robust_z": max(zs) if zs else None,
    }


def check_sensitivity(table: pd.DataFrame) -> dict:
    """Does the result hold in every variant? A check that can answer either way.

    The result holds when the main analysis (``all``) finds the peak elevated, at least one
    other distinct variant was computed (:func:`sensitivity`, duplicates left out) and every
    one finds the same peak day elevated with the same onset interval.

    Returns
    -------
    dict
        ``holds`` (bool), ``changed``: the labels of the variants that lose the elevated
        peak, move its day or move the onset interval, and ``how``: which, for each
        (``"loses the elevated peak"`` …). Both are empty when the main
        analysis finds no elevated peak, or no other distinct variant: then nothing was
        tested and nothing holds).
    """
    done = get_distinct_variants(table)
    main = done.loc["all"]
    if plain(main["onset_before"]) is None or len(done) < 2:
        return {"holds": False, "changed": [], "how": []}
    changed, how = [], []
    for key, row in done.iterrows():
        if key == "all":
            continue
        if plain(row["onset_before"]) is None:
            how.append("loses the elevated peak")
        elif plain(row["peak_date"]) != plain(main["peak_date"]):
            how.append("moves the peak to another day")
        elif any(plain(row[k]) != plain(main[k]) for k in ("onset_after", "onset_before")):
            how.append("moves the onset interval")
        else:
            continue
        changed.append(row["label"])
    return {"holds": not changed, "changed": changed, "how": how}


def shift_baseline(ds: xr.Dataset, options: dict, years: int) -> tuple:
    """Return (label, images, analyse() options) with the baseline start moved ``years``.

    Positive ``years`` move the start earlier (a longer window), negative ones later.
    """
    opts = dict(options)
    if opts.get("baseline_start") is not None:
        start = pd.Timestamp(opts["baseline_start"]) - pd.DateOffset(years=years)
        opts["baseline_start"] = start
        return f"baseline from {start.date()}", ds, opts
    opts["baseline_years"] = max(1, opts.get("baseline_years", 5) + years)
    return f"baseline {opts['baseline_years']} years", ds, opts


def plain(value):
    """Return None for a missing table cell (NaN, NaT, None), else the value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value
