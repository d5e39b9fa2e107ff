"""Time columns of AIS tables: parsing time texts, and times as numbers for arithmetic.

This module owns the one way the AIS layer turns a time column into integers
(:func:`to_ns`: int64 nanoseconds since 1970-01-01T00:00Z, zone-less times read as UTC) and
into hours (:func:`to_hours`), and how time texts of AIS files are read
(:func:`parse_times`). A single time value (a parameter, a window edge) is read by
:func:`tumen.times.to_utc`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Epoch seconds of 2100-01-01T00:00:00Z: later times are implausible.
EPOCH_MAX = 4102444800.0
#: ``NaT`` as an int64 (what :func:`to_ns` gives for a missing time).
NAT = np.iinfo(np.int64).min


def to_ns(times) -> np.ndarray:
    """Times as int64 nanoseconds since 1970-01-01T00:00Z (``NaT`` as the int64 minimum).

    ``times`` is anything :class:`pandas.DatetimeIndex` takes (a Series, an array, a
    ``DatetimeArray``); zone-less times are UTC.
    """
    index = pd.DatetimeIndex(times)
    if index.tz is None:
        index = index.tz_localize("UTC")
    return index.as_unit("ns").asi8


def to_hours(times: pd.Series) -> np.ndarray:
    """Times as float64 hours since 1970-01-01T00:00Z (NaN for NaT), for vectorised arithmetic."""
    ns = to_ns(times)
    return np.where(ns == NAT, np.nan, ns / 3.6e12)


def parse_times(text: pd.Series, time_format: str | None = None) -> pd.Series:
    """Parse time texts to ``datetime64[ns, UTC]``; unreadable or implausible ones are NaT.

    Parameters
    ----------
    text : pandas.Series of str
        Epoch seconds (``1693526400``, milliseconds when above 1e11), ISO 8601
        (``2023-09-01T00:00:00Z``; no offset means UTC), or ``time_format``.
    time_format : str, optional
        A ``strftime`` format (e.g. ``"%d/%m/%Y %H:%M:%S"``); times are then UTC.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]``; NaT where the text is missing, unreadable or outside
        1970-01-01 .. 2099-12-31.
    """
    text = pd.Series(text, dtype=object).where(lambda s: s.notna(), None)
    text = text.map(lambda v: v.strip() if isinstance(v, str) else v)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    if text.empty:
        return out
    if time_format is None:
        num = pd.to_numeric(text, errors="coerce")
        num = num.where(num.abs() < 1e11, num / 1000.0)
        ok = num.notna() & (num >= 0) & (num < EPOCH_MAX)
        secs = np.floor(num[ok].to_numpy(float))
        nanos = secs.astype("int64") * 1_000_000_000 + np.round(
            (num[ok].to_numpy(float) - secs) * 1e9
        ).astype("int64")
        out[ok] = pd.to_datetime(nanos, unit="ns", utc=True)
        rest = num.isna() & text.notna()
        parsed = pd.to_datetime(text[rest], format="ISO8601", utc=True, errors="coerce")
    else:
        rest = text.notna()
        parsed = pd.to_datetime(text[rest], format=time_format, utc=True, errors="coerce")
    if rest.any():
        parsed = plausible(parsed)
        out[rest] = parsed
    return out


def plausible(times: pd.Series) -> pd.Series:
    """Blank out times outside 1970..2099 and convert to nanoseconds."""
    times = pd.Series(times)
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        return pd.Series(pd.NaT, index=times.index, dtype="datetime64[ns, UTC]")
    lo = pd.Timestamp("1970-01-01", tz="UTC")
    hi = pd.Timestamp("2100-01-01", tz="UTC")
    times = times.where((times >= lo) & (times < hi))
    return times.astype("datetime64[ns, UTC]")
