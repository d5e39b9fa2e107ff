"""The containers of the shuttle section: the total delivered as a range over the deliveries,
with what each end assumes (:func:`get_container_range`), and where a published figure lies
against that range (:func:`describe_range`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def describe_range(low: float | None, high: float | None, value: float) -> str:
    """Where a published figure lies against a range, in words.

    >>> describe_range(700, 1900, 1000)
    'between the low and the high end'
    """
    if low is not None and value < low:
        return "below the low end"
    if high is not None and value > high:
        return "above the high end"
    if low is None or high is None:
        return "beside a range with an unknown end"
    return "between the low and the high end"


def get_container_range(deliveries: pd.DataFrame, *, capacity: float | None = None) -> dict:
    """Total containers delivered as a range over the deliveries, with what each end assumes.

    The low end is the sum, over deliveries, of the most containers counted on any image of
    the delivery (what the imagery shows; a delivery without a count adds nothing). The high
    end adds, for each delivery without a count, a per-delivery figure that is an
    assumption: ``capacity`` when given (then every delivery is taken at its capacity, or
    at its count when that is larger), else the mean plus one standard deviation of the
    counted deliveries. The per-delivery figure is rounded to a whole container *before*
    it is multiplied, so ``high = low + uncounted × estimate`` (or, with a capacity, the
    sum of whole per-delivery figures) checks by hand.

    Neither end bounds the containers actually delivered: deliveries the evidence missed
    are in neither. Only the capacity reading makes the high end a bound (on what the
    deliveries found could carry), and only if the capacity is right.

    Parameters
    ----------
    deliveries : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.trips.get_deliveries` (or any table with
        ``containers_max``).
    capacity : float, optional
        Most containers one delivery can carry (an assumption, a parameter), containers.

    Returns
    -------
    dict
        ``low``, ``high`` (int containers; ``high`` None when nothing can be estimated),
        ``deliveries``, ``counted``, ``uncounted`` (int), ``estimate`` (int containers the
        high end assumes per delivery without a count, or per delivery with ``capacity``;
        None when nothing can be estimated), ``high_is_bound`` (bool), and in words:
        ``method`` (how the high end was found, one phrase), ``low_basis`` and
        ``high_basis`` (what each end assumes, one sentence each, no numbers).

    >>> d = pd.DataFrame({"containers_max": pd.array([100, 140, pd.NA], dtype="Int64")})
    >>> r = get_container_range(d)
    >>> r["low"], r["estimate"], r["high"]        # mean 120 + sd 28.28 = 148.28 -> 148
    (240, 148, 388)
    """
    seen = deliveries["containers_max"].astype("Float64").to_numpy(float, na_value=np.nan)
    counted = seen[~np.isnan(seen)]
    low = int(round(float(counted.sum())))
    n_uncounted = int(np.isnan(seen).sum())
    high = _high_end(seen, counted, low, n_uncounted, capacity)
    return {
        "low": low,
        "high": high["high"],
        "deliveries": len(seen),
        "counted": len(counted),
        "uncounted": n_uncounted,
        "estimate": high["estimate"],
        "high_is_bound": high["high_is_bound"],
        "method": high["method"],
        "low_basis": _low_basis(seen, counted),
        "high_basis": high["high_basis"],
    }


def _low_basis(seen: np.ndarray, counted: np.ndarray) -> str:
    """What the low end of :func:`get_container_range` assumes, one sentence."""
    if not len(seen):
        return "no delivery was found, so nothing is counted"
    if not len(counted):
        return "no image of any delivery has a container count, so the images show none"
    return (
        "the largest count on any image of each delivery, summed over the "
        "deliveries with a count; deliveries without a count add nothing, so it "
        "is a floor on what the deliveries found carried if every count is right"
    )


def _high_end(
    seen: np.ndarray, counted: np.ndarray, low: int, n_uncounted: int, capacity: float | None
) -> dict:
    """The high end of :func:`get_container_range`: ``high``, ``estimate``,
    ``high_is_bound``, ``method``, ``high_basis``."""
    if capacity is not None:
        estimate = _whole(capacity)
        return {
            "high": int(np.fmax(np.nan_to_num(seen), estimate).round().sum()) if len(seen) else 0,
            "estimate": estimate,
            "high_is_bound": True,
            "method": f"{capacity:g} containers per delivery (capacity assumption) for every delivery",
            "high_basis": (
                "every delivery carried its capacity, or its count where that is larger: "
                "a bound on what the deliveries found could carry if the capacity is "
                "right, not on deliveries the evidence missed"
            ),
        }
    if len(counted) and n_uncounted:
        spread = float(counted.std(ddof=1)) if len(counted) > 1 else 0.0
        estimate = _whole(float(counted.mean()) + spread)
        return {
            "high": low + n_uncounted * estimate,
            "estimate": estimate,
            "high_is_bound": False,
            "method": (
                "counted deliveries as seen, plus mean + 1 standard deviation of the counted "
                "deliveries, rounded to a whole container, for each delivery without a count"
            ),
            "high_basis": (
                "each delivery without a count carried "
                + (
                    "the mean of the counted deliveries plus one standard deviation"
                    if len(counted) > 1
                    else "as much as the one counted delivery"
                )
                + ", rounded to a whole container: an assumption, not a bound; nothing in "
                "the images supports or rules out lighter or heavier loads"
            ),
        }
    if len(counted):
        return {
            "high": low,
            "estimate": None,
            "high_is_bound": False,
            "method": "every delivery has a count, so the high end is the low end",
            "high_basis": (
                "every delivery has a count, so nothing is assumed; deliveries the "
                "evidence missed are in neither end"
            ),
        }
    return {
        "high": None,
        "estimate": None,
        "high_is_bound": False,
        "method": "no delivery has a container count",
        "high_basis": "with no count there is nothing to extrapolate from: no high end is given",
    }


def _whole(value: float) -> int:
    """Round half up to a whole container (``round`` would round 0.5 to even).

    >>> _whole(148.5), _whole(148.49)
    (149, 148)
    """
    return int(math.floor(float(value) + 0.5))
