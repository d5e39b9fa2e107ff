"""Computing one site's railcar statistics: the peak, its baseline, the count model, the onset.

:func:`analyse` compares the peak count with a baseline window, by default the five years
before it: baseline summary, peak ratios, the tail probability of the peak under a count
model fitted to the baseline (:func:`fit_count_model`), a robust z-score (:func:`robust_z`)
and the onset interval (:func:`get_onset`). With fewer than ``min_model_images`` baseline
images (the report uses :data:`MIN_MODEL_IMAGES`) no model is fitted and neither the tail
probability nor the robust z-score is given: only the model-free comparison with the
baseline maximum, mean and median remains. :func:`stats_row` gives the statistics as the
plain values the results record (:mod:`tumen.analyses.rail.record`).

Onset
-----
An image is *elevated* when its count is above a threshold set by a rule: ``"max"`` (the
baseline maximum, default), ``"p95"`` (the baseline 95th percentile) or a number of
railcars (in a parameters file a count is written as text, ``"30"``). The change began
after the last ordinary image before the run of elevated images
that contains the peak (``onset_after``) and no later than the first image of that run
(``onset_before``); image cadence bounds what can be known in between.

>>> ds = load("data/observations/railcars.csv", "tumangang_rail")    # doctest: +SKIP
>>> stats = analyse(ds)                                              # doctest: +SKIP
>>> stats.peak_railcars, stats.baseline_max                          # doctest: +SKIP
(73, 20)
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats as _stats

from tumen.errors import DataError, ParameterError
from tumen.times import to_utc

MAD_SCALE = 1.4826  # MAD -> standard deviation for normal data
MEANAD_SCALE = 1.2533  # mean absolute deviation -> standard deviation (MAD = 0 case)
MIN_MODEL_IMAGES = 10  # the report's default: fewest baseline images for a count model
#: how a date parameter that is not a date is to be written
DATE_HINT = "write an ISO 8601 date, e.g. 2018-10-05"


@dataclasses.dataclass(frozen=True)
class CountModel:
    """A count distribution fitted to baseline counts by the method of moments.

    ``kind`` is ``"negative binomial"`` when the sample variance exceeds the mean (shape
    ``n = mean² / (variance − mean)``, probability ``p = n / (n + mean)``), else
    ``"poisson"`` with rate ``mean``.
    """

    kind: str
    mean: float
    variance: float
    n: float | None = None
    p: float | None = None

    def _dist(self):
        if self.kind == "poisson":
            return _stats.poisson(self.mean)
        return _stats.nbinom(self.n, self.p)

    def sf(self, k: int) -> float:
        """Return P(X >= k), the probability of a count of at least ``k`` railcars."""
        return float(self._dist().sf(k - 1))

    def pmf(self, k) -> np.ndarray:
        """Return P(X = k) for counts ``k``."""
        return self._dist().pmf(k)


def fit_count_model(counts) -> CountModel:
    """Fit a negative binomial (Poisson when not over-dispersed) by the method of moments.

    Parameters
    ----------
    counts : array-like of int
        Baseline railcar counts, at least two.

    >>> fit_count_model([2, 4, 4, 6, 9])
    CountModel(kind='negative binomial', mean=5.0, variance=7.0, n=12.5, p=0.7142857142857143)
    """
    x = np.asarray(counts, dtype=float)
    mean, var = float(x.mean()), float(x.var(ddof=1))
    if var > mean > 0:
        n = mean * mean / (var - mean)
        return CountModel("negative binomial", mean, var, n=n, p=n / (n + mean))
    return CountModel("poisson", mean, var)


def robust_z(value: float, counts) -> float | None:
    """Return the robust z-score (value − median) / (1.4826 · MAD) of ``value``.

    When the MAD is zero (more than half the counts equal), the mean absolute deviation
    around the median, times 1.2533, stands in; when that is zero too, ``None``.

    >>> round(robust_z(40, [2, 4, 4, 6, 9]), 4)
    12.1408
    """
    x = np.asarray(counts, dtype=float)
    median = float(np.median(x))
    scale = MAD_SCALE * float(np.median(np.abs(x - median)))
    if scale == 0:
        scale = MEANAD_SCALE * float(np.mean(np.abs(x - median)))
    return None if scale == 0 else (value - median) / scale


@dataclasses.dataclass(frozen=True)
class RailStats:
    """Everything :func:`analyse` computes for one site (counts in railcars, times UTC)."""

    site: str
    n_images: int
    first_image: pd.Timestamp
    last_image: pd.Timestamp
    baseline_start: pd.Timestamp
    baseline_end: pd.Timestamp
    baseline_n_images: int
    baseline_mean: float
    baseline_median: float
    baseline_p95: float
    baseline_max: int
    baseline_first_image: pd.Timestamp
    peak_railcars: int
    peak_time: pd.Timestamp
    peak_to_baseline_max: float | None
    peak_to_baseline_mean: float | None
    model: CountModel | None
    tail_probability: float | None
    robust_z: float | None
    elevated_rule: str
    elevated_threshold: float
    onset_after: pd.Timestamp | None
    onset_before: pd.Timestamp | None
    baseline_variance: float | None = None
    min_model_images: int = 2

    @property
    def is_model_fitted(self) -> bool:
        """True when the baseline held enough images for the count model."""
        return self.model is not None

    @property
    def is_elevated(self) -> bool:
        """True when the peak is above the elevated threshold (there is an onset)."""
        return self.onset_before is not None

    @property
    def baseline_span_years(self) -> float:
        """Years from the first baseline image to the end of the window (365.25-day years)."""
        return (self.baseline_end - self.baseline_first_image) / pd.Timedelta(days=365.25)


def get_peak(ds: xr.Dataset, at=None) -> tuple[int, pd.Timestamp]:
    """Return (count, time) of the highest count, or of the highest on the UTC day ``at``.

    Ties go to the earliest image.
    """
    counts, times = ds["railcars"].to_numpy(), pd.DatetimeIndex(ds["acquired"].to_numpy())
    if at is not None:
        day = to_utc(at, "peak_date", naive=True, error=ParameterError, hint=DATE_HINT)
        day = day.normalize()
        idx = np.flatnonzero(times.normalize() == day)
        if idx.size == 0:
            raise DataError(
                f"no image on {day.date()} at site {ds.attrs.get('site')!r}",
                file=ds.attrs.get("source"),
                field="peak_date",
                hint="give a day with an image, or none for the highest count",
            )
        i = idx[np.argmax(counts[idx])]
    else:
        i = int(np.argmax(counts))
    return int(counts[i]), times[i]


def get_baseline_window(
    peak_time: pd.Timestamp, years: int = 5, start=None, end=None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the baseline window [start, end): by default the ``years`` before the peak.

    Parameters
    ----------
    peak_time : pandas.Timestamp
        Acquisition time of the peak image (UTC).
    years : int
        Window length in calendar years when ``start`` is not given.
    start, end : date-like, optional
        Explicit window bounds (UTC); ``end`` defaults to the peak time (excluded).
    """
    end = peak_time if end is None else end
    end = to_utc(end, "baseline_end", naive=True, error=ParameterError, hint=DATE_HINT)
    if start is None:
        if int(years) != years or years < 1:
            raise ParameterError(
                f"baseline years must be a whole number >= 1, not {years!r}", field="baseline_years"
            )
        start = end - pd.DateOffset(years=int(years))
    start = to_utc(start, "baseline_start", naive=True, error=ParameterError, hint=DATE_HINT)
    if start >= end:
        raise ParameterError(
            f"baseline start {start} is not before its end {end}", field="baseline_start"
        )
    return start, end


def get_threshold(rule, baseline: np.ndarray) -> tuple[str, float]:
    """Return (rule name, threshold in railcars) of an elevated-image rule."""
    if rule == "max":
        return "max", float(baseline.max())
    if rule == "p95":
        return "p95", float(np.percentile(baseline, 95))
    if isinstance(rule, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", rule):
        rule = float(rule) if "." in rule else int(rule)  # a count written as text ("30")
    if isinstance(rule, (int, float)) and not isinstance(rule, bool):
        return f"above {rule}", float(rule)
    raise ParameterError(
        f"elevated rule {rule!r} is not 'max', 'p95' or a number",
        field="elevated",
        hint='a count goes in quotes in params.yaml: "30"',
    )


def get_onset(counts, times, peak_index: int, threshold: float):
    """Return (onset_after, onset_before) around the elevated run that holds the peak.

    Parameters
    ----------
    counts, times : array-like
        Counts and acquisition times in time order.
    peak_index : int
        Position of the peak image.
    threshold : float
        An image is elevated when its count is strictly above this (railcars).

    Returns
    -------
    tuple
        The time of the last ordinary image before the run (``None`` if there is none) and
        the time of the run's first image; ``(None, None)`` when the peak itself is not
        elevated (no change to date).
    """
    counts = np.asarray(counts)
    if counts[peak_index] <= threshold:
        return None, None
    first = peak_index
    while first > 0 and counts[first - 1] > threshold:
        first -= 1
    before = times[first]
    after = times[first - 1] if first > 0 else None
    return after, before


def analyse(
    ds: xr.Dataset,
    *,
    baseline_years: int = 5,
    baseline_start=None,
    baseline_end=None,
    elevated="max",
    peak_date=None,
    min_model_images: int = 2,
) -> RailStats:
    """Compare the peak railcar count of one site with its baseline.

    ``ds`` holds one site's images (:func:`tumen.analyses.rail.read.load`), possibly
    filtered. The baseline window is ``baseline_years`` calendar years before the peak, or
    [``baseline_start``, ``baseline_end``) (UTC) when given. ``elevated`` is the rule for an
    elevated image (``"max"``, ``"p95"`` or a count; module docstring, "Onset"). With
    ``peak_date`` the highest count on that UTC day is the peak instead of the overall
    highest. ``min_model_images`` is the fewest baseline images to fit the count model and
    the robust z-score to (at least 2; the report uses :data:`MIN_MODEL_IMAGES`); with
    fewer, ``model``, ``tail_probability`` and ``robust_z`` are ``None`` and only the
    model-free comparison (baseline max, mean, median, ratios) is made.

    Raises DataError when the baseline window holds no image.

    >>> ds = load("tests/fixtures/rail/tiny.csv", "tumangang_rail")  # doctest: +SKIP
    >>> s = analyse(ds, min_model_images=10)                        # doctest: +SKIP
    >>> s.baseline_max, s.is_model_fitted, s.tail_probability       # doctest: +SKIP
    (9, False, None)
    """
    peak, peak_time = get_peak(ds, peak_date)
    start, end = get_baseline_window(peak_time, baseline_years, baseline_start, baseline_end)
    times = pd.DatetimeIndex(ds["acquired"].to_numpy())
    counts = ds["railcars"].to_numpy()
    in_base = (times >= start) & (times < end)
    base = counts[in_base]
    check_baseline(ds, base, start, end, min_model_images)
    rule, threshold = get_threshold(elevated, base)
    peak_index = int(np.flatnonzero((times == peak_time) & (counts == peak))[0])
    after, before = get_onset(counts, times, peak_index, threshold)
    return RailStats(
        site=ds.attrs.get("site", ""),
        n_images=int(counts.size),
        first_image=times[0],
        last_image=times[-1],
        baseline_start=start,
        baseline_end=end,
        baseline_first_image=times[in_base][0],
        peak_railcars=peak,
        peak_time=peak_time,
        elevated_rule=rule,
        elevated_threshold=threshold,
        onset_after=after,
        onset_before=before,
        min_model_images=int(min_model_images),
        **summarise_baseline(base),
        **compare_peak(peak, base, min_model_images),
    )


def check_baseline(ds: xr.Dataset, base: np.ndarray, start, end, min_model_images) -> None:
    """Raise when the baseline window holds no image or ``min_model_images`` is not >= 2."""
    if base.size < 1:
        raise DataError(
            f"the baseline {start.date()} to {end.date()} holds no image of "
            f"site {ds.attrs.get('site')!r}; at least 1 is needed",
            file=ds.attrs.get("source"),
            field="baseline",
            hint="widen the baseline window or relax the image filters",
        )
    if int(min_model_images) != min_model_images or min_model_images < 2:
        raise ParameterError(
            f"min_model_images must be a whole number >= 2, not {min_model_images!r}",
            field="min_model_images",
        )


def summarise_baseline(base: np.ndarray) -> dict:
    """The baseline counts' summary, keyed by the :class:`RailStats` fields it fills."""
    return {
        "baseline_n_images": int(base.size),
        "baseline_mean": float(base.mean()),
        "baseline_median": float(np.median(base)),
        "baseline_p95": float(np.percentile(base, 95)),
        "baseline_max": int(base.max()),
        "baseline_variance": float(np.asarray(base, dtype=float).var(ddof=1))
        if base.size > 1
        else None,
    }


def compare_peak(peak: int, base: np.ndarray, min_model_images: int) -> dict:
    """The peak beside the baseline: ratios and, with enough images, the count model's tail
    probability and the robust z-score (:class:`RailStats` fields)."""
    fitted = base.size >= min_model_images
    model = fit_count_model(base) if fitted else None
    bmax, bmean = int(base.max()), float(base.mean())
    return {
        "peak_to_baseline_max": peak / bmax if bmax else None,
        "peak_to_baseline_mean": peak / bmean if bmean else None,
        "model": model,
        "tail_probability": model.sf(peak) if fitted else None,
        "robust_z": robust_z(peak, base) if fitted else None,
    }


def as_day(time: pd.Timestamp | None) -> _dt.date | None:
    """Return the UTC calendar day of a time, or None."""
    return None if time is None else pd.Timestamp(time).date()


def stats_row(stats: RailStats) -> dict:
    """Return the statistics as plain values keyed by the result names of :mod:`tumen.analyses.rail.record`."""
    interval = None
    if stats.onset_after is not None and stats.onset_before is not None:
        interval = (stats.onset_before - stats.onset_after) / pd.Timedelta(days=1)
    return {
        "site": stats.site,
        "n_images": stats.n_images,
        "first_image": as_day(stats.first_image),
        "last_image": as_day(stats.last_image),
        "baseline_start": as_day(stats.baseline_start),
        "baseline_end": as_day(stats.baseline_end),
        "baseline_span_years": stats.baseline_span_years,
        "baseline_n_images": stats.baseline_n_images,
        "baseline_mean": stats.baseline_mean,
        "baseline_median": stats.baseline_median,
        "baseline_p95": stats.baseline_p95,
        "baseline_max": stats.baseline_max,
        "baseline_variance": stats.baseline_variance,
        "peak_railcars": stats.peak_railcars,
        "peak_date": as_day(stats.peak_time),
        "peak_to_baseline_max": stats.peak_to_baseline_max,
        "peak_to_baseline_mean": stats.peak_to_baseline_mean,
        "count_model": stats.model.kind if stats.model else None,
        "count_model_n": stats.model.n if stats.model else None,
        "count_model_p": stats.model.p if stats.model else None,
        "tail_probability": stats.tail_probability,
        "robust_z": stats.robust_z,
        "elevated_rule": stats.elevated_rule,
        "elevated_threshold": stats.elevated_threshold,
        "onset_after": as_day(stats.onset_after),
        "onset_before": as_day(stats.onset_before),
        "onset_interval_days": interval,
    }


def get_series(ds: xr.Dataset) -> pd.DataFrame:
    """The series the time-series figure draws: one row per image, in time order.

    Columns ``acquired`` (UTC), ``railcars`` and ``confidence`` (``""`` when not recorded).
    """
    return pd.DataFrame(
        {
            "acquired": ds["acquired"].to_numpy(),
            "railcars": ds["railcars"].to_numpy(),
            "confidence": ds["confidence"].to_numpy(),
        }
    )


def get_baseline_counts(ds: xr.Dataset, stats) -> np.ndarray:
    """Return the counts of the images in the baseline window of ``stats`` (railcars)."""
    times = pd.DatetimeIndex(ds["acquired"].to_numpy())
    inside = (times >= stats.baseline_start) & (times < stats.baseline_end)
    return ds["railcars"].to_numpy()[inside]


def get_baseline_histogram(ds: xr.Dataset, stats: RailStats) -> pd.DataFrame:
    """Baseline images per railcar count, from 0 to one above the peak, beside the count
    model's expectation.

    Columns ``railcars``, ``images`` (baseline images with that count) and ``expected``
    (the number the fitted model expects for the baseline's image count; absent without a
    model). ``ds`` is the Dataset given to :func:`analyse` for ``stats``.
    """
    base = get_baseline_counts(ds, stats)
    k = np.arange(0, stats.peak_railcars + 2)
    table = pd.DataFrame({"railcars": k, "images": np.bincount(base, minlength=k.size)[: k.size]})
    if stats.model is not None:
        table["expected"] = stats.model.pmf(k) * base.size
    return table


def stays_elevated(series: pd.DataFrame, stats: RailStats) -> bool:
    """True when every image from the start of the elevated run on is elevated (False when
    the peak is not elevated). ``series``: :func:`get_series`."""
    if not stats.is_elevated:
        return False
    after_run = series["railcars"].to_numpy()[series["acquired"].to_numpy() >= stats.onset_before]
    return bool((after_run > stats.elevated_threshold).all())
