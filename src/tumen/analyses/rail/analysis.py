"""Rail traffic at a border facility: how unusual a railcar count is, and when it changed.

Input is one row per satellite image with the number of freight railcars an analyst
counted (``observations/railcars.csv``: ``site,acquired,railcars`` required,
``image_id,provider,gsd_m,cloud_pct,analyst,confidence,notes`` optional). The module

- reads and validates the file (:func:`read_railcars`) and holds one site's images as an
  xarray Dataset indexed by acquisition time (:func:`to_dataset`, :func:`load`);
- compares the peak count with a baseline window, by default the five years before it
  (:func:`analyse`): baseline summary, peak ratios, the tail probability of the peak under
  a count model fitted to the baseline, a robust z-score, and the onset interval. With
  fewer than ``min_model_images`` baseline images (the report uses 10) no model is fitted and
  neither the tail probability nor the robust z-score is given: only the model-free
  comparison with the baseline maximum, mean and median remains;
- repeats that with stricter image filters and a shorter or longer baseline
  (:func:`sensitivity`), records every number (:func:`record_results`) and draws the
  figures (:func:`plot_timeseries`, :func:`plot_baseline_histogram`).

Timestamp policy
----------------
``acquired`` is ISO 8601. A timestamp with an offset (``Z``, ``+09:00``) is converted to
UTC. A date alone (``2023-10-05``) is taken as that UTC day at 00:00. A date and time
without an offset is ambiguous (local time? UTC?) and is an error unless the caller passes
``naive="utc"``. Times are held as UTC without a time zone (numpy ``datetime64``).

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
import difflib
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats as _stats

from tumen.errors import DataError, ParameterError
from tumen.report.tables import read_table

REQUIRED = ("site", "acquired", "railcars")
OPTIONAL = ("image_id", "provider", "gsd_m", "cloud_pct", "analyst", "confidence", "notes")
CONFIDENCE = ("low", "medium", "high")  # in increasing order
_TEXT = ("image_id", "provider", "analyst", "confidence", "notes")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNT = re.compile(r"^\d+$")
MAD_SCALE = 1.4826  # MAD -> standard deviation for normal data
MEANAD_SCALE = 1.2533  # mean absolute deviation -> standard deviation (MAD = 0 case)
MIN_MODEL_IMAGES = 10  # the report's default: fewest baseline images for a count model

# Claims of data/claims.csv that this analysis tests (see tumen.report.claims.compare).
CLAIM_TESTS = {
    "csis_tumangang_peak": {"result": "rail.peak_railcars", "kind": "equal"},
    "csis_tumangang_peak_date": {"result": "rail.peak_date", "kind": "equal"},
    "csis_tumangang_baseline_max": {"result": "rail.baseline_max", "kind": "at_most"},
}


# --- reading --------------------------------------------------------------------------


def read_railcars(
    path: str | os.PathLike, known_sites: Iterable[str] | None = None, naive: str = "error"
) -> pd.DataFrame:
    """Read and validate a railcar-count file (all sites).

    Parameters
    ----------
    path : str or path-like
        CSV with ``site,acquired,railcars`` and optionally
        ``image_id,provider,gsd_m,cloud_pct,analyst,confidence,notes``.
    known_sites : iterable of str, optional
        Site ids of the gazetteer (``data/sites.csv``); a row naming another site is an
        error. ``None`` accepts any site.
    naive : {"error", "utc"}
        What a date-time without a UTC offset means (see the module's timestamp policy).

    Returns
    -------
    pandas.DataFrame
        One row per image, sorted by site, time and line: ``acquired`` as UTC
        ``datetime64`` (no zone), ``railcars`` int64, ``gsd_m`` (metres) and ``cloud_pct``
        (percent) float with NaN when absent, text columns with ``""`` when absent,
        ``confidence`` lower-case, ``line`` the line in the file.

    Raises
    ------
    DataError
        Naming file, line and field: a missing column (with the closest name), an empty
        site, an unknown site, an unparseable or zone-less timestamp, a count that is not a
        whole number >= 0, a resolution <= 0, a cloud cover outside 0-100, an unknown
        confidence level.
    """
    if naive not in ("error", "utc"):
        raise ParameterError(f"naive must be 'error' or 'utc', not {naive!r}", field="naive")
    path = Path(path)
    table = read_table(path, REQUIRED, OPTIONAL)
    for col in _TEXT + ("gsd_m", "cloud_pct"):
        if col not in table:
            table[col] = ""
    known = None if known_sites is None else sorted(set(known_sites))
    parsed = [_parse_row(path, row, known, naive) for row in table.itertuples(index=False)]
    out = pd.DataFrame(
        parsed,
        columns=[
            "site",
            "acquired",
            "railcars",
            "image_id",
            "provider",
            "analyst",
            "confidence",
            "notes",
            "gsd_m",
            "cloud_pct",
            "line",
        ],
    )
    out["acquired"] = pd.to_datetime(out["acquired"]).astype("datetime64[ns]")
    out = out.astype(
        {"railcars": "int64", "gsd_m": "float64", "cloud_pct": "float64", "line": "int64"}
    )
    return out.sort_values(["site", "acquired", "line"], kind="stable").reset_index(drop=True)


def _parse_row(path: Path, row, known: list[str] | None, naive: str) -> tuple:
    """Validate one row; return its typed fields in the output column order."""
    line = row.line
    if not row.site:
        raise DataError(
            "site is empty",
            file=path,
            line=line,
            field="site",
            hint="give the site id of data/sites.csv",
        )
    if known is not None and row.site not in known:
        close = difflib.get_close_matches(row.site, known, n=1)
        raise DataError(
            f"unknown site {row.site!r}",
            file=path,
            line=line,
            field="site",
            hint=f"did you mean {close[0]!r}?" if close else "add it to data/sites.csv",
        )
    when = parse_time(row.acquired, naive=naive, file=path, line=line, field="acquired")
    count = _parse_count(path, line, row.railcars)
    gsd = _parse_float(
        path,
        line,
        "gsd_m",
        row.gsd_m,
        low=0.0,
        low_open=True,
        hint="ground sample distance in metres, e.g. 0.5",
    )
    cloud = _parse_float(
        path,
        line,
        "cloud_pct",
        row.cloud_pct,
        low=0.0,
        high=100.0,
        hint="cloud cover in percent, 0 to 100",
    )
    confidence = row.confidence.lower()
    if confidence and confidence not in CONFIDENCE:
        raise DataError(
            f"confidence {row.confidence!r} is not one of {', '.join(CONFIDENCE)}",
            file=path,
            line=line,
            field="confidence",
            hint="leave it empty when unknown",
        )
    return (
        row.site,
        when,
        count,
        row.image_id,
        row.provider,
        row.analyst,
        confidence,
        row.notes,
        gsd,
        cloud,
        line,
    )


def parse_time(
    text: str, *, naive: str = "error", file=None, line=None, field: str = "acquired"
) -> _dt.datetime:
    """Parse an ISO 8601 timestamp to a UTC ``datetime`` without zone (module policy).

    Parameters
    ----------
    text : str
        ``2023-10-05T01:48:00Z``, ``2023-10-05T10:48:00+09:00`` or ``2023-10-05``.
    naive : {"error", "utc"}
        Whether a date-time without offset is an error or taken as UTC.
    file, line, field : optional
        Where the text comes from, for the error message.

    >>> parse_time("2023-10-05T10:48:00+09:00")
    datetime.datetime(2023, 10, 5, 1, 48)
    """
    if _DATE_ONLY.match(text):
        try:
            return _dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    try:
        when = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise DataError(
            f"cannot read timestamp {text!r}",
            file=file,
            line=line,
            field=field,
            hint="write ISO 8601 UTC, e.g. 2023-10-05T01:48:00Z",
        ) from None
    if when.tzinfo is None:
        if naive != "utc":
            raise DataError(
                f"timestamp {text!r} has no time zone",
                file=file,
                line=line,
                field=field,
                hint="append Z for UTC (2023-10-05T01:48:00Z) or "
                "give the offset; naive='utc' takes zone-less times as UTC",
            )
        return when
    return when.astimezone(_dt.UTC).replace(tzinfo=None)


def _parse_count(path: Path, line: int, text: str) -> int:
    """Return a railcar count, or raise DataError when it is not a whole number >= 0."""
    if _COUNT.match(text):
        return int(text)
    if not text:
        problem = "railcars is empty"
    elif re.match(r"^-\d+$", text):
        problem = f"railcars {text} is negative"
    else:
        problem = f"railcars {text!r} is not a whole number"
    raise DataError(
        problem,
        file=path,
        line=line,
        field="railcars",
        hint="a count of whole railcars, 0 or more; leave out images where the "
        "facility cannot be counted",
    )


def _parse_float(
    path: Path,
    line: int,
    field: str,
    text: str,
    *,
    low: float,
    high: float = math.inf,
    low_open: bool = False,
    hint: str,
) -> float:
    """Return an optional number in [low, high] (or (low, high]), NaN when empty."""
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    bad_low = value <= low if low_open else value < low
    if not math.isfinite(value) or bad_low or value > high:
        raise DataError(
            f"{field} {text!r} is not a valid value", file=path, line=line, field=field, hint=hint
        )
    return value


def to_dataset(table: pd.DataFrame, site: str) -> xr.Dataset:
    """Return one site's images as a Dataset indexed by acquisition time.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`read_railcars`.
    site : str
        Site id.

    Returns
    -------
    xarray.Dataset
        Dimension ``acquired`` (UTC, sorted; two images may share a time); variables
        ``railcars`` (count), ``gsd_m`` (m), ``cloud_pct`` (%), ``image_id``, ``provider``,
        ``analyst``, ``confidence``, ``notes`` and ``line`` (line in the source file);
        attribute ``site``.

    Raises
    ------
    DataError
        When no image names ``site`` (the hint lists the sites present).
    """
    rows = table[table["site"] == site]
    if rows.empty:
        present = sorted(table["site"].unique())
        close = difflib.get_close_matches(site, present, n=1)
        raise DataError(
            f"no image of site {site!r}",
            field="site",
            hint=f"did you mean {close[0]!r}?"
            if close
            else f"sites in the file: {', '.join(present) or 'none'}",
        )
    units = {"railcars": "railcars", "gsd_m": "m", "cloud_pct": "%"}
    data = {
        name: ("acquired", rows[name].to_numpy(), {"units": units[name]} if name in units else {})
        for name in ["railcars", "gsd_m", "cloud_pct", *_TEXT, "line"]
    }
    ds = xr.Dataset(data, coords={"acquired": rows["acquired"].to_numpy()})
    ds["acquired"].attrs["time_zone"] = "UTC"
    ds.attrs["site"] = site
    return ds


def load(
    path: str | os.PathLike,
    site: str,
    known_sites: Iterable[str] | None = None,
    naive: str = "error",
) -> xr.Dataset:
    """Read a railcar-count file and return one site's Dataset (see :func:`to_dataset`)."""
    ds = to_dataset(read_railcars(path, known_sites=known_sites, naive=naive), site)
    ds.attrs["source"] = str(path)
    return ds


def filter_images(
    ds: xr.Dataset, min_confidence: str | None = None, max_gsd_m: float | None = None
) -> xr.Dataset:
    """Drop images below a confidence level or coarser than a resolution.

    Images whose confidence or resolution is not recorded are kept (nothing says they fail).

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images.
    min_confidence : {"low", "medium", "high"}, optional
        Keep images at this confidence or higher.
    max_gsd_m : float, optional
        Keep images with a ground sample distance of at most this many metres.
    """
    keep = np.ones(ds.sizes["acquired"], dtype=bool)
    if min_confidence is not None:
        if min_confidence not in CONFIDENCE:
            raise ParameterError(
                f"min_confidence {min_confidence!r} is not one of {', '.join(CONFIDENCE)}",
                field="min_confidence",
            )
        rank = {c: i for i, c in enumerate(CONFIDENCE)}
        levels = ds["confidence"].to_numpy()
        keep &= np.array([lv == "" or rank[lv] >= rank[min_confidence] for lv in levels])
    if max_gsd_m is not None:
        gsd = ds["gsd_m"].to_numpy()
        keep &= np.isnan(gsd) | (gsd <= max_gsd_m)
    return ds.isel(acquired=np.flatnonzero(keep))


# --- statistics -----------------------------------------------------------------------


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
        day = _utc(at, "peak_date").normalize()
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
    end = _utc(peak_time if end is None else end, "baseline_end")
    if start is None:
        if int(years) != years or years < 1:
            raise ParameterError(
                f"baseline years must be a whole number >= 1, not {years!r}", field="baseline_years"
            )
        start = end - pd.DateOffset(years=int(years))
    start = _utc(start, "baseline_start")
    if start >= end:
        raise ParameterError(
            f"baseline start {start} is not before its end {end}", field="baseline_start"
        )
    return start, end


def _utc(value, field: str) -> pd.Timestamp:
    """Return a date-like parameter as a zone-less UTC Timestamp (zone-less input is UTC)."""
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError):
        when = pd.NaT
    if when is pd.NaT:
        raise ParameterError(
            f"{field} {value!r} is not a date or time",
            field=field,
            hint="write an ISO 8601 date, e.g. 2018-10-05",
        )
    return when.tz_convert("UTC").tz_localize(None) if when.tzinfo else when


def _threshold(rule, baseline: np.ndarray) -> tuple[str, float]:
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

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images (:func:`load`), possibly filtered.
    baseline_years : int
        Length of the default baseline window, calendar years before the peak.
    baseline_start, baseline_end : date-like, optional
        Explicit baseline window [start, end), UTC.
    elevated : {"max", "p95"} or float
        Rule for an elevated image (module docstring, "Onset").
    peak_date : date-like, optional
        Evaluate the highest count on this UTC day instead of the overall highest.
    min_model_images : int
        Fewest baseline images to fit the count model and the robust z-score to (at least
        2; the report uses :data:`MIN_MODEL_IMAGES`); with fewer, ``model``,
        ``tail_probability`` and ``robust_z`` are ``None`` and only the model-free
        comparison (baseline max, mean, median, ratios) is made.

    Returns
    -------
    RailStats

    Raises
    ------
    DataError
        When the baseline window holds no image.

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
    rule, threshold = _threshold(elevated, base)
    fitted = base.size >= min_model_images
    model = fit_count_model(base) if fitted else None
    peak_index = int(np.flatnonzero((times == peak_time) & (counts == peak))[0])
    after, before = get_onset(counts, times, peak_index, threshold)
    bmax, bmean = int(base.max()), float(base.mean())
    return RailStats(
        site=ds.attrs.get("site", ""),
        n_images=int(counts.size),
        first_image=times[0],
        last_image=times[-1],
        baseline_start=start,
        baseline_end=end,
        baseline_n_images=int(base.size),
        baseline_mean=bmean,
        baseline_median=float(np.median(base)),
        baseline_p95=float(np.percentile(base, 95)),
        baseline_max=bmax,
        baseline_first_image=times[in_base][0],
        peak_railcars=peak,
        peak_time=peak_time,
        peak_to_baseline_max=peak / bmax if bmax else None,
        peak_to_baseline_mean=peak / bmean if bmean else None,
        model=model,
        tail_probability=model.sf(peak) if fitted else None,
        robust_z=robust_z(peak, base) if fitted else None,
        elevated_rule=rule,
        elevated_threshold=threshold,
        onset_after=after,
        onset_before=before,
        baseline_variance=float(np.asarray(base, dtype=float).var(ddof=1))
        if base.size > 1
        else None,
        min_model_images=int(min_model_images),
    )


# --- sensitivity ----------------------------------------------------------------------


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

    Raises
    ------
    DataError, ParameterError
        When the ``all`` variant (the main analysis) fails; other variants that fail (too
        few images left, a window that closes) get a ``note`` instead.
    """
    strict = {"min_confidence": min_confidence, "max_gsd_m": max_gsd_m}
    variants = [
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
        ("shorter_baseline", *_shift_baseline(ds, options, -years_delta)),
        ("longer_baseline", *_shift_baseline(ds, options, years_delta)),
    ]
    rows, seen = {}, {}
    for key, label, data, opts in variants:
        try:
            stats = analyse(data, **opts)
            images = _images_used(data, stats)
            row = {"label": label, **stats_row(stats), "note": "", "same_as": seen.get(images, "")}
            seen.setdefault(images, key)
        except (DataError, ParameterError) as exc:
            if key == "all":  # the main analysis itself fails: a user mistake
                raise
            row = {"label": label, "note": exc.message, "same_as": ""}
        rows[key] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def _images_used(ds: xr.Dataset, stats: RailStats) -> tuple:
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


def _distinct(table: pd.DataFrame) -> pd.DataFrame:
    """The variants computed and not repeating an earlier one."""
    keep = table["note"] == ""
    if "same_as" in table:
        keep &= table["same_as"] == ""
    return table[keep]


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
    done = _distinct(table)
    main = done.loc["all"]
    if _plain(main["onset_before"]) is None or len(done) < 2:
        return {"holds": False, "changed": [], "how": []}
    changed, how = [], []
    for key, row in done.iterrows():
        if key == "all":
            continue
        if _plain(row["onset_before"]) is None:
            how.append("loses the elevated peak")
        elif _plain(row["peak_date"]) != _plain(main["peak_date"]):
            how.append("moves the peak to another day")
        elif any(_plain(row[k]) != _plain(main[k]) for k in ("onset_after", "onset_before")):
            how.append("moves the onset interval")
        else:
            continue
        changed.append(row["label"])
    return {"holds": not changed, "changed": changed, "how": how}


def _shift_baseline(ds: xr.Dataset, options: dict, years: int) -> tuple:
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


# --- results --------------------------------------------------------------------------

# result name (after the prefix) -> (unit, description); values come from stats_row()
RESULTS = {
    "site": ("", "Site id of the rail facility analysed"),
    "n_images": ("images", "Images with a railcar count at the site"),
    "first_image": ("date", "Acquisition day of the earliest image (UTC)"),
    "last_image": ("date", "Acquisition day of the latest image (UTC)"),
    "baseline_start": ("date", "First day of the baseline window (UTC)"),
    "baseline_end": ("date", "Day the baseline window ends, excluded (UTC)"),
    "baseline_span_years": ("years", "Years from the first baseline image to the window end"),
    "baseline_n_images": ("images", "Images in the baseline window"),
    "baseline_mean": ("railcars", "Mean railcar count per baseline image"),
    "baseline_median": ("railcars", "Median railcar count per baseline image"),
    "baseline_p95": ("railcars", "95th percentile of baseline counts (linear interpolation)"),
    "baseline_max": ("railcars", "Highest railcar count in any baseline image"),
    "baseline_variance": ("railcars^2", "Sample variance of baseline counts (n - 1)"),
    "peak_railcars": ("railcars", "Highest railcar count in one image"),
    "peak_date": ("date", "Acquisition day of the peak image (UTC)"),
    "peak_to_baseline_max": ("1", "Peak count divided by the baseline maximum"),
    "peak_to_baseline_mean": ("1", "Peak count divided by the baseline mean"),
    "count_model": ("", "Count model fitted to the baseline (negative binomial or Poisson)"),
    "count_model_n": ("1", "Negative-binomial shape fitted by moments (none for Poisson)"),
    "count_model_p": ("1", "Negative-binomial probability fitted by moments (none for Poisson)"),
    "tail_probability": ("1", "Probability of a count at least the peak under the baseline model"),
    "robust_z": ("1", "Peak minus baseline median, over 1.4826 times the baseline MAD"),
    "elevated_rule": ("", "Rule for an elevated image (above the baseline max, p95 or a number)"),
    "elevated_threshold": ("railcars", "Count above which an image is elevated"),
    "onset_after": ("date", "Last ordinary image before the elevated run with the peak"),
    "onset_before": ("date", "First image of the elevated run with the peak"),
    "onset_interval_days": ("days", "Days between the last ordinary and the first elevated image"),
}
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


def _day(time: pd.Timestamp | None) -> _dt.date | None:
    """Return the UTC calendar day of a time, or None."""
    return None if time is None else pd.Timestamp(time).date()


def stats_row(stats: RailStats) -> dict:
    """Return the statistics as plain values keyed by the names of :data:`RESULTS`."""
    interval = None
    if stats.onset_after is not None and stats.onset_before is not None:
        interval = (stats.onset_before - stats.onset_after) / pd.Timedelta(days=1)
    return {
        "site": stats.site,
        "n_images": stats.n_images,
        "first_image": _day(stats.first_image),
        "last_image": _day(stats.last_image),
        "baseline_start": _day(stats.baseline_start),
        "baseline_end": _day(stats.baseline_end),
        "baseline_span_years": stats.baseline_span_years,
        "baseline_n_images": stats.baseline_n_images,
        "baseline_mean": stats.baseline_mean,
        "baseline_median": stats.baseline_median,
        "baseline_p95": stats.baseline_p95,
        "baseline_max": stats.baseline_max,
        "baseline_variance": stats.baseline_variance,
        "peak_railcars": stats.peak_railcars,
        "peak_date": _day(stats.peak_time),
        "peak_to_baseline_max": stats.peak_to_baseline_max,
        "peak_to_baseline_mean": stats.peak_to_baseline_mean,
        "count_model": stats.model.kind if stats.model else None,
        "count_model_n": stats.model.n if stats.model else None,
        "count_model_p": stats.model.p if stats.model else None,
        "tail_probability": stats.tail_probability,
        "robust_z": stats.robust_z,
        "elevated_rule": stats.elevated_rule,
        "elevated_threshold": stats.elevated_threshold,
        "onset_after": _day(stats.onset_after),
        "onset_before": _day(stats.onset_before),
        "onset_interval_days": interval,
    }


def record_results(
    results, stats: RailStats, sensitivity_table: pd.DataFrame | None = None, prefix: str = "rail"
) -> dict:
    """Record every number of the analysis under stable names.

    Parameters
    ----------
    results : tumen.engine.results.Results
        The notebook's results file.
    stats : RailStats
        From :func:`analyse` on all images.
    sensitivity_table : pandas.DataFrame, optional
        From :func:`sensitivity`; adds ``<prefix>.sensitivity.<variant>.<name>`` for the
        names in :data:`SENSITIVITY_RESULTS`, plus ``<prefix>.sensitivity_max_tail_probability``
        and ``<prefix>.sensitivity_min_robust_z`` across the variants computed.
    prefix : str
        First part of every name.

    Returns
    -------
    dict
        Name -> value of everything recorded.
    """
    recorded = {}
    for name, value in stats_row(stats).items():
        unit, description = RESULTS[name]
        recorded[f"{prefix}.{name}"] = results.record(f"{prefix}.{name}", value, unit, description)
    if sensitivity_table is not None:
        recorded.update(_record_sensitivity(results, sensitivity_table, prefix))
    return recorded


def _record_sensitivity(results, table: pd.DataFrame, prefix: str) -> dict:
    """Record the sensitivity variants and the extremes across them."""
    recorded = {}
    done = _distinct(table)
    for key, row in done.iterrows():
        for name in SENSITIVITY_RESULTS:
            unit, description = RESULTS[name]
            full = f"{prefix}.sensitivity.{key}.{name}"
            recorded[full] = results.record(
                full, _plain(row[name]), unit, f"{description} ({row['label']})"
            )
    if not done.empty:
        tails = [float(v) for v in done["tail_probability"] if _plain(v) is not None]
        zs = [float(v) for v in done["robust_z"] if _plain(v) is not None]
        recorded[f"{prefix}.sensitivity_max_tail_probability"] = results.record(
            f"{prefix}.sensitivity_max_tail_probability",
            max(tails) if tails else None,
            "1",
            "Largest tail probability of the peak across the sensitivity variants",
        )
        recorded[f"{prefix}.sensitivity_min_robust_z"] = results.record(
            f"{prefix}.sensitivity_min_robust_z",
            min(zs) if zs else None,
            "1",
            "Smallest robust z-score of the peak across the sensitivity variants",
        )
        recorded[f"{prefix}.sensitivity_max_robust_z"] = results.record(
            f"{prefix}.sensitivity_max_robust_z",
            max(zs) if zs else None,
            "1",
            "Largest robust z-score of the peak across the sensitivity variants",
        )
    check = check_sensitivity(table)
    dropped = get_dropped_variants(table)
    for name, value, unit, description in (
        (
            "sensitivity_holds",
            check["holds"],
            "",
            "Every distinct variant keeps the peak elevated on the same day with the same "
            "onset interval",
        ),
        (
            "sensitivity_changed",
            _listed([f"“{x}” {h}" for x, h in zip(check["changed"], check["how"])]),
            "",
            "Variants that lose the elevated peak or move it or its onset interval, and how",
        ),
        (
            "sensitivity_dropped",
            _listed([f"“{a}” (the same images as “{b}”)" for a, b in dropped]),
            "",
            "Variants left out because they use the same images as an earlier one",
        ),
        (
            "sensitivity_variants",
            len(done),
            "variants",
            "Distinct sensitivity variants computed, the main analysis included",
        ),
    ):
        recorded[f"{prefix}.{name}"] = results.record(f"{prefix}.{name}", value, unit, description)
    return recorded


def _listed(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``""`` for none)."""
    return " and ".join(filter(None, [", ".join(words[:-1]), "".join(words[-1:])]))


#: How the report words each elevated rule (``RailStats.elevated_rule``; others: a count).
_RULE_WORDS = {"max": "the highest count", "p95": "the 95th percentile of the counts"}


def get_methods(
    res, ds: xr.Dataset, *, site_name: str, baseline_years: int | None = None, prefix: str = "rail"
):
    """The methods box of the rail section: images, counters, resolution, elevated rule.

    Reads the providers, the analysts and the ground sample distances from the images
    (columns ``provider``, ``analyst``, ``gsd_m`` of the observations; a column left empty
    is said to be not recorded) and records the new numbers: ``<prefix>.gsd_min_m`` and
    ``<prefix>.gsd_max_m`` when any image has a resolution, ``<prefix>.baseline_years``
    when given. The other numbers are results :func:`record_results` recorded (and
    ``<prefix>.second_count_images`` when a second count was compared).

    Parameters
    ----------
    res : tumen.engine.results.Results
        The notebook's results, after :func:`record_results`.
    ds : xarray.Dataset
        The site's images (:func:`load`), all of them.
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
    from tumen.report import methods

    p = prefix
    providers = methods.distinct_words(ds["provider"].to_numpy())
    analysts = methods.distinct_words(ds["analyst"].to_numpy())
    has_gsd = methods.record_range(
        res, f"{p}.gsd", ds["gsd_m"].to_numpy(), "m", "ground sample distance of the images"
    )
    years = ""
    if baseline_years is not None:
        res.record(
            f"{p}.baseline_years",
            baseline_years,
            "years",
            "Length of the baseline window before the peak (parameter)",
        )
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
        f"more than {_RULE_WORDS[res[f'{p}.elevated_rule']]} in {window}: more than "
        if res[f"{p}.elevated_rule"] in _RULE_WORDS
        else "more than "
    )
    rows = (
        (
            "Observed",
            f"{{{p}.n_images}} satellite images of the {{site}}, from "
            f"{{{p}.first_image}} to {{{p}.last_image}}; "
            + (
                ("provider {providers}" if len(providers) == 1 else "providers {providers}")
                if providers
                else "provider not recorded"
            )
            + " (the observations file).",
        ),
        (
            "Counted by",
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
            ),
        ),
        (
            "Resolution",
            f"Ground sample distance {{{p}.gsd_min_m}} to {{{p}.gsd_max_m!u}}."
            if has_gsd
            else "Ground sample distance not recorded in the observations.",
        ),
        (
            "Rule",
            f"An image is elevated when it shows {rule}{{{p}.elevated_threshold:.0f}} "
            "railcars"
            + (
                "."
                if res[f"{p}.elevated_rule"] in _RULE_WORDS
                else f", a count set in the parameters; {window} is the comparison."
            ),
        ),
    )
    return methods.Box(
        rows, {"site": site_name, "providers": _listed(providers), "analysts": _listed(analysts)}
    )


def describe_methods(res, ds: xr.Dataset, *, site_name: str, baseline_years: int | None = None):
    """The methods box that opens the rail section, as a notebook output (:func:`get_methods`)."""
    from tumen.report import methods

    return methods.show(
        res, get_methods(res, ds, site_name=site_name, baseline_years=baseline_years)
    )


def _plain(value):
    """Return None for a missing table cell (NaN, NaT, None), else the value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value


# --- figures --------------------------------------------------------------------------

# Okabe & Ito colour-blind-safe palette
_BLUE, _SKY, _ORANGE, _VERMILLION, _GREY = "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#555555"
_MARKERS = {
    "high": ("o", "high"),
    "medium": ("s", "medium"),
    "low": ("^", "low"),
    "": ("D", "not recorded"),
}


def plot_timeseries(
    ds: xr.Dataset, stats: RailStats, title: str | None = None, zoom_days: int = 60
):
    """Draw railcars per image over time with the baseline, the peak and the onset interval.

    Each visual channel carries one meaning: marker shape is the analyst's confidence;
    colour and fill say whether the count is elevated (open vermillion markers, above
    ``stats.elevated_threshold``) or not (filled blue). The shaded block is the baseline
    window up to its maximum, the dashed line its mean; the orange band is the onset
    interval. A right-hand panel zooms on the weeks around the onset. The legend sits
    below the panels, never over the data. Colours are from the Okabe-Ito palette
    (colour-blind safe) and every distinction is also made by shape or fill.

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images (:func:`load`).
    stats : RailStats
        From :func:`analyse` on ``ds``.
    title : str, optional
        Figure title; default names the site.
    zoom_days : int
        Days shown in the zoom panel before and after the peak.

    Returns
    -------
    matplotlib.figure.Figure
        Not saved (``tumen.report.figures`` writes files).
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    from tumen.report.figures import CHART_FONT, PRINT_WIDTH_IN

    fig = Figure(figsize=(PRINT_WIDTH_IN, 4.1), layout="constrained")
    ax, zoom = fig.subplots(1, 2, sharey=True, width_ratios=[3, 1])
    for axis in (ax, zoom):
        _draw_series(axis, ds, stats)
        axis.tick_params(labelsize=CHART_FONT["tick"])
    day = f"{stats.peak_time.day} {stats.peak_time:%b %Y}"
    ax.annotate(
        f"{stats.peak_railcars} railcars\n{day}",
        xy=(stats.peak_time, stats.peak_railcars),
        xytext=(-60, -6),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=CHART_FONT["note"],
        arrowprops={"arrowstyle": "->", "color": _GREY},
    )
    ax.set_ylim(0, max(stats.peak_railcars * 1.12, 1))
    ax.set_ylabel("freight railcars counted per image", fontsize=CHART_FONT["label"])
    ax.set_xlabel("image acquisition date (UTC)", fontsize=CHART_FONT["label"])
    ax.set_title(
        title or f"Railcars per satellite image at {stats.site}",
        loc="left",
        fontsize=CHART_FONT["title"],
    )
    handles = _series_legend(ax, ds, stats)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=3,
        frameon=False,
        fontsize=CHART_FONT["legend"],
    )
    span = pd.Timedelta(days=zoom_days)
    zoom.set_xlim(stats.peak_time - span, stats.peak_time + span)
    zoom.xaxis.set_major_locator(mdates.MonthLocator())
    zoom.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    zoom.set_title("around the peak", loc="left", fontsize=CHART_FONT["title"])
    return fig


def _series_legend(ax, ds: xr.Dataset, stats: RailStats) -> list:
    """Legend entries of :func:`plot_timeseries`: one per meaning, shape apart from colour.

    Confidence is shown by grey shapes (shape only); whether a count is elevated by a
    coloured swatch (colour and fill only), so no entry shows a shape with a colour.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, _ = ax.get_legend_handles_labels()  # baseline window, mean, onset interval
    levels = set(ds["confidence"].to_numpy().tolist())
    handles += [
        Line2D([], [], ls="none", marker=marker, ms=5.5, color=_GREY, label=f"{label} confidence")
        for level, (marker, label) in _MARKERS.items()
        if level in levels
    ]
    counts = ds["railcars"].to_numpy()
    threshold = stats.elevated_threshold
    if (counts <= threshold).any():
        handles.append(
            Patch(
                facecolor=_BLUE,
                edgecolor=_BLUE,
                label=f"filled blue: {threshold:g} railcars or fewer",
            )
        )
    if (counts > threshold).any():
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=_VERMILLION,
                lw=1.2,
                label=f"open vermillion: elevated (> {threshold:g})",
            )
        )
    return handles


def _draw_series(ax, ds: xr.Dataset, stats: RailStats) -> None:
    """Draw baseline, onset band and the images (shape: confidence; colour, fill: elevated)."""
    times = pd.DatetimeIndex(ds["acquired"].to_numpy())
    counts = ds["railcars"].to_numpy()
    _draw_baseline(ax, stats)
    if stats.onset_after is not None and stats.onset_before is not None:
        after, before = stats.onset_after, stats.onset_before
        ax.axvspan(
            after,
            before,
            color=_ORANGE,
            alpha=0.35,
            lw=0,
            label=f"onset interval ({after.day} {after:%b} – {before.day} {before:%b %Y})",
        )
    elevated = counts > stats.elevated_threshold
    for level, (marker, label) in _MARKERS.items():
        mask = ds["confidence"].to_numpy() == level
        if not mask.any():
            continue
        ax.scatter(
            times[mask & ~elevated],
            counts[mask & ~elevated],
            marker=marker,
            s=18,
            color=_BLUE,
            zorder=3,
        )
        ax.scatter(
            times[mask & elevated],
            counts[mask & elevated],
            marker=marker,
            s=22,
            facecolors="white",
            edgecolors=_VERMILLION,
            linewidths=1.1,
            zorder=3,
        )
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_baseline(ax, stats: RailStats) -> None:
    """Shade the baseline window up to its maximum and draw its mean."""
    import matplotlib.dates as mdates
    from matplotlib.patches import Rectangle

    x0, x1 = mdates.date2num(stats.baseline_start), mdates.date2num(stats.baseline_end)
    ax.add_patch(
        Rectangle(
            (x0, 0),
            x1 - x0,
            stats.baseline_max,
            color=_SKY,
            alpha=0.25,
            lw=0,
            label=f"baseline window, up to its max ({stats.baseline_max})",
        )
    )
    ax.hlines(
        stats.baseline_mean,
        stats.baseline_start,
        stats.baseline_end,
        colors=_GREY,
        linestyles="--",
        lw=1,
        label=f"baseline mean ({stats.baseline_mean:.1f})",
    )


def plot_baseline_histogram(ds: xr.Dataset, stats: RailStats, title: str | None = None):
    """Draw the baseline counts, the fitted count model and the peak.

    Bars are the number of baseline images with each count; dots are what the fitted model
    (negative binomial or Poisson) expects for the same number of images; the vertical line
    is the peak, labelled with its tail probability. Without a fitted model (too few
    baseline images) the dots are left out and the peak line carries its count only.

    Parameters
    ----------
    ds : xarray.Dataset
        One site's images, the same as given to :func:`analyse`.
    stats : RailStats
        From :func:`analyse` on ``ds``.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    times = pd.DatetimeIndex(ds["acquired"].to_numpy())
    in_base = (times >= stats.baseline_start) & (times < stats.baseline_end)
    base = ds["railcars"].to_numpy()[in_base]
    k = np.arange(0, stats.peak_railcars + 2)
    observed = np.bincount(base, minlength=k.size)[: k.size]
    from tumen.report.figures import CHART_FONT, PRINT_WIDTH_IN

    fig = Figure(figsize=(PRINT_WIDTH_IN, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.bar(k, observed, width=0.85, color=_SKY, label=f"baseline images ({base.size})")
    if stats.model is not None:
        expected = stats.model.pmf(k) * base.size
        shown = expected >= 0.05  # no dots where the model expects nothing
        ax.plot(
            k[shown],
            expected[shown],
            "o",
            ms=3.5,
            color=_BLUE,
            label=f"fitted {stats.model.kind} (expected images)",
        )
        peak_label = f"peak: {stats.peak_railcars} (P(X ≥ peak) = {stats.tail_probability:.2g})"
    else:
        peak_label = f"peak: {stats.peak_railcars} (too few baseline images for a model)"
    ax.axvline(stats.peak_railcars, color=_VERMILLION, lw=1.5, label=peak_label)
    ax.set_xlabel("freight railcars counted per image", fontsize=CHART_FONT["label"])
    ax.set_ylabel("images", fontsize=CHART_FONT["label"])
    ax.tick_params(labelsize=CHART_FONT["tick"])
    ax.set_title(
        title
        or f"Baseline counts at {stats.site}, "
        f"{stats.baseline_start:%b %Y} – {stats.baseline_end:%b %Y}",
        loc="left",
        fontsize=CHART_FONT["title"],
    )
    ax.spines[["top", "right"]].set_visible(False)
    # below the axes: a legend inside would run into the bars or the peak line
    fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=CHART_FONT["legend"])
    return fig


def sensitivity_to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the sensitivity table with readable headers and formatted values, for the report.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`sensitivity`.

    Returns
    -------
    pandas.DataFrame
        One row per variant (its label), columns: baseline images, baseline max and mean
        (railcars), peak (railcars), peak date, P(X ≥ peak), robust z, onset interval; a
        variant that could not be computed shows its note in the first column.
    """
    from tumen.engine.results import format_value

    def fmt(value, spec=""):
        value = _plain(value)
        return "–" if value is None else format_value(value, spec)

    rows = []
    for _, row in table.iterrows():
        if row.get("same_as", ""):
            continue  # repeats an earlier variant (get_dropped_variants)
        if row["note"]:
            rows.append([row["label"], row["note"]] + ["–"] * 7)
            continue
        onset = (
            "–"
            if _plain(row["onset_after"]) is None
            else f"{row['onset_after']} to {row['onset_before']}"
        )
        rows.append(
            [
                row["label"],
                fmt(row["baseline_n_images"]),
                fmt(row["baseline_max"]),
                fmt(row["baseline_mean"], ".1f"),
                fmt(row["peak_railcars"]),
                fmt(row["peak_date"]),
                fmt(row["tail_probability"], ".2g"),
                fmt(row["robust_z"], ".1f"),
                onset,
            ]
        )
    columns = [
        "variant",
        "baseline images",
        "baseline max",
        "baseline mean",
        "peak",
        "peak date",
        "P(X ≥ peak)",
        "robust z",
        "onset between",
    ]
    return pd.DataFrame(rows, columns=columns)
