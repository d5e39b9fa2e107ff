"""How far a railcar result can be trusted: a second counter, the rarity without a model, the
count model's fit.

The analysis (:mod:`tumen.analyses.rail.compute`) turns one analyst's counts into a peak, a baseline and a tail probability.
This module states the uncertainty around them:

- **counting error**: a second, independent count of some images
  (``image_id,railcars`` required, ``analyst,notes`` optional; :func:`read_second_count`) is
  set beside the first (:func:`compare_counts`): the mean and largest absolute difference
  over the images counted twice, and the peak's range across the two counters;
- **rarity without a model**: how many baseline images reached the peak
  (:func:`count_at_least`), said before any model probability;
- **the model's fit**: the number of baseline images with no railcar against the number the
  fitted count model expects (:func:`check_zeros`). The model also treats images as
  independent draws, which images days apart (the same trains, backlogs, seasons) are not;
  the report says so wherever it gives a tail probability.

>>> second = read_second_count("data/observations/railcars_second_count.csv")  # doctest: +SKIP
>>> compare_counts(ds, second, stats.peak_time).mean_abs_diff                   # doctest: +SKIP
1.4
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from tumen.analyses.rail.compute import get_baseline_counts
from tumen.analyses.rail.read import parse_count
from tumen.errors import DataError
from tumen.report.tables import read_table

SECOND_REQUIRED = ("image_id", "railcars")
SECOND_OPTIONAL = ("analyst", "notes")
ZERO_FIT_SD = 2.0  # observed zeros farther than this many binomial sds from the expected: a misfit


def read_second_count(path: str | os.PathLike) -> pd.DataFrame:
    """Read a second count: one row per recounted image.

    Parameters
    ----------
    path : str or path-like
        CSV with ``image_id,railcars`` (the image ids of the first count's file) and
        optionally ``analyst,notes``.

    Returns
    -------
    pandas.DataFrame
        ``image_id`` (str), ``railcars`` (int64, railcars), ``line``.

    Raises
    ------
    DataError
        Naming file, line and field: a missing column, an empty image id, an image id
        given twice, a count that is not a whole number >= 0.
    """
    path = Path(path)
    table = read_table(path, SECOND_REQUIRED, SECOND_OPTIONAL)
    seen: dict[str, int] = {}
    counts = []
    for row in table.itertuples(index=False):
        image = row.image_id.strip()
        if not image:
            raise DataError(
                "image_id is empty",
                file=path,
                line=row.line,
                field="image_id",
                hint="the id of an image of the first count's file",
            )
        if image in seen:
            raise DataError(
                f"image {image} is counted twice (first on line {seen[image]})",
                file=path,
                line=row.line,
                field="image_id",
                hint="one second count per image",
            )
        seen[image] = row.line
        counts.append((image, parse_count(path, row.line, row.railcars.strip()), row.line))
    return pd.DataFrame(counts, columns=["image_id", "railcars", "line"]).astype(
        {"railcars": "int64", "line": "int64"}
    )


@dataclasses.dataclass(frozen=True)
class CountAgreement:
    """Two counters over the images both counted (counts in railcars)."""

    n_images: int
    mean_abs_diff: float
    max_abs_diff: int
    peak_low: int
    peak_high: int
    is_peak_double_counted: bool


def compare_counts(ds: xr.Dataset, second: pd.DataFrame, peak_time) -> CountAgreement:
    """Set a second count beside the first, image by image.

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images (:func:`tumen.analyses.rail.read.load`), with ``image_id``.
    second : pandas.DataFrame
        From :func:`read_second_count`; rows of images not in ``ds`` (another site's) are
        left out.
    peak_time : pandas.Timestamp
        Acquisition time of the peak image (:attr:`tumen.analyses.rail.compute.RailStats.peak_time`).

    Returns
    -------
    CountAgreement
        The peak's range is its two counts when it was counted twice, else its one count.

    Raises
    ------
    DataError
        When no image of the second count is an image of the site.
    """
    first = pd.DataFrame(
        {
            "image_id": ds["image_id"].to_numpy(),
            "first": ds["railcars"].to_numpy(),
            "acquired": ds["acquired"].to_numpy(),
        }
    )
    both = first.merge(second[["image_id", "railcars"]], on="image_id", how="inner")
    both = both[both["image_id"] != ""]
    if both.empty:
        raise DataError(
            f"no image of the second count is an image of site {ds.attrs.get('site')!r}",
            field="image_id",
            hint="the second count names images by the image_id of the first",
        )
    diff = (both["first"] - both["railcars"]).abs()
    peak = first[first["acquired"] == pd.Timestamp(peak_time)]
    peak_count = int(peak["first"].max())
    at_peak = both[both["image_id"].isin(peak["image_id"]) & (both["first"] == peak_count)]
    values = [peak_count] + [int(v) for v in at_peak["railcars"]]
    return CountAgreement(
        n_images=len(both),
        mean_abs_diff=float(diff.mean()),
        max_abs_diff=int(diff.max()),
        peak_low=min(values),
        peak_high=max(values),
        is_peak_double_counted=not at_peak.empty,
    )


def record_agreement(results, agreement: CountAgreement, prefix: str = "rail") -> dict:
    """Record the second counter's agreement under ``<prefix>.second_count_*`` and the
    peak's range across counters (``<prefix>.peak_railcars_low``/``_high``)."""
    out, rec = results.recorder(prefix)
    rec(
        "second_count_images",
        agreement.n_images,
        "images",
        "Images counted by a second, independent counter",
    )
    rec(
        "second_count_mean_abs_diff",
        agreement.mean_abs_diff,
        "railcars",
        "Mean absolute difference between the two counts of the images counted twice",
    )
    rec(
        "second_count_max_abs_diff",
        agreement.max_abs_diff,
        "railcars",
        "Largest absolute difference between the two counts of one image",
    )
    rec(
        "peak_railcars_low",
        agreement.peak_low,
        "railcars",
        "Lowest count of the peak image across the counters",
    )
    rec(
        "peak_railcars_high",
        agreement.peak_high,
        "railcars",
        "Highest count of the peak image across the counters",
    )
    rec(
        "peak_double_counted",
        agreement.is_peak_double_counted,
        "",
        "The peak image was counted by both counters",
    )
    return out


def count_at_least(baseline, peak: int) -> int:
    """Return how many baseline images show at least ``peak`` railcars (model-free rarity).

    >>> count_at_least([2, 9, 40, 4], 40)
    1
    """
    return int((np.asarray(baseline) >= peak).sum())


@dataclasses.dataclass(frozen=True)
class ZerosCheck:
    """Baseline images with no railcar: observed and expected under the fitted model."""

    observed: int
    expected: float
    sd: float
    verdict: str  # "fits", "under-predicts" or "over-predicts"


def check_zeros(model, baseline) -> ZerosCheck:
    """Compare the baseline's zero-count images with the number the count model expects.

    The expected number is ``n · P(X = 0)`` for ``n`` baseline images; its spread is the
    binomial ``sqrt(n · P0 · (1 − P0))``. Observed zeros more than :data:`ZERO_FIT_SD` of
    these above the expected number: the model *under-predicts* zeros (the baseline is
    emptier, more often, than the model allows, so its tail is not to be trusted); as far
    below: it *over-predicts* them; else it *fits* on zeros.

    Parameters
    ----------
    model : tumen.analyses.rail.compute.CountModel
        Fitted to ``baseline``.
    baseline : array-like of int
        Baseline railcar counts.

    >>> from tumen.analyses.rail.compute import fit_count_model
    >>> check_zeros(fit_count_model([0, 0, 1, 2, 2]), [0, 0, 1, 2, 2]).verdict
    'fits'
    """
    x = np.asarray(baseline)
    p0 = float(model.pmf(0))
    expected = x.size * p0
    sd = math.sqrt(x.size * p0 * (1 - p0))
    observed = int((x == 0).sum())
    if observed > expected + ZERO_FIT_SD * sd:
        verdict = "under-predicts"
    elif observed < expected - ZERO_FIT_SD * sd:
        verdict = "over-predicts"
    else:
        verdict = "fits"
    return ZerosCheck(observed, expected, sd, verdict)


def record_zeros(results, check: ZerosCheck, prefix: str = "rail") -> dict:
    """Record the zeros check under ``<prefix>.baseline_zero_images`` and
    ``<prefix>.count_model_expected_zeros`` / ``_zeros_fit``."""
    out, rec = results.recorder(prefix)
    rec("baseline_zero_images", check.observed, "images", "Baseline images with no railcar")
    rec(
        "count_model_expected_zeros",
        check.expected,
        "images",
        "Baseline images with no railcar that the fitted count model expects",
    )
    rec(
        "count_model_zeros_fit",
        check.verdict,
        "",
        "Whether the count model fits the number of empty baseline images "
        f"(within {ZERO_FIT_SD:g} binomial standard deviations)",
    )
    return out


@dataclasses.dataclass(frozen=True)
class Rarity:
    """How rare the peak is in the baseline: without a model, and the model's zeros check."""

    at_least_peak: int  # baseline images showing at least the peak count
    zeros: ZerosCheck | None  # None without a fitted count model


def get_rarity(ds: xr.Dataset, stats) -> Rarity:
    """The model-free rarity of the peak (:func:`count_at_least`) and, when ``stats`` has a
    count model, its zeros check (:func:`check_zeros`)."""
    baseline = get_baseline_counts(ds, stats)
    zeros = None if stats.model is None else check_zeros(stats.model, baseline)
    return Rarity(count_at_least(baseline, stats.peak_railcars), zeros)


def record_rarity(results, rarity: Rarity, prefix: str = "rail") -> dict:
    """Record the model-free rarity of the peak and, with a fitted model, its zeros check.

    Records ``<prefix>.baseline_images_at_least_peak`` (how many baseline images show at
    least the peak count: 0 means the peak is above all of them) and, when there is a
    zeros check, :func:`record_zeros`.
    """
    out, rec = results.recorder(prefix)
    rec(
        "baseline_images_at_least_peak",
        rarity.at_least_peak,
        "images",
        "Baseline images showing at least the peak count",
    )
    if rarity.zeros is not None:
        out.update(record_zeros(results, rarity.zeros, prefix))
    return out


@dataclasses.dataclass(frozen=True)
class SeasonCheck:
    """Images of the peak's season in years before a date (counts in railcars)."""

    n_images: int
    max_railcars: int | None


def get_same_season(ds: xr.Dataset, peak_time, *, before, days: int = 30) -> SeasonCheck:
    """Images taken before ``before`` within ``days`` of the peak's calendar day, any year.

    The comparison that tells a seasonal rise, or ordinary traffic coming back after a
    closure, from a new kind of traffic: what the same weeks of the year looked like before.

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images.
    peak_time : pandas.Timestamp
        The peak image's time (UTC).
    before : date-like
        Only images before this day (UTC), e.g. the start of a border closure.
    days : int
        Half-width of the season around the peak's day of the year (days).

    >>> get_same_season(ds, pd.Timestamp("2023-10-05"), before="2020-02-01")  # doctest: +SKIP
    SeasonCheck(n_images=4, max_railcars=11)
    """
    times = pd.DatetimeIndex(ds["acquired"].to_numpy())
    peak = pd.Timestamp(peak_time)
    cut = pd.Timestamp(before)
    counts = ds["railcars"].to_numpy()
    keep = np.zeros(len(times), dtype=bool)
    for i, t in enumerate(times):
        if t >= cut:
            continue
        same_day = pd.Timestamp(
            year=t.year, month=peak.month, day=min(peak.day, 28) if peak.month == 2 else peak.day
        )
        offsets = [
            abs((t.normalize() - same_day.replace(year=t.year + k)).days) for k in (-1, 0, 1)
        ]
        keep[i] = min(offsets) <= days
    inside = counts[keep]
    return SeasonCheck(int(inside.size), int(inside.max()) if inside.size else None)


def record_season(results, check: SeasonCheck, *, before, days: int, prefix: str = "rail") -> dict:
    """Record the same-season comparison under ``<prefix>.season_*``."""
    out, rec = results.recorder(prefix)
    rec(
        "season_before",
        pd.Timestamp(before).date(),
        "date",
        "Images of the peak's season are compared from before this day (UTC)",
    )
    rec(
        "season_days",
        int(days),
        "days",
        "The peak's season: within this many days of its calendar day",
    )
    rec(
        "season_images",
        check.n_images,
        "images",
        "Images of the peak's season taken before season_before",
    )
    rec(
        "season_max",
        check.max_railcars,
        "railcars",
        "Highest count in an image of the peak's season before season_before",
    )
    return out
