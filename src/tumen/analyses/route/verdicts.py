"""The verdict step of the route section: what each published distance measured.

:func:`distance_verdicts` sets each published distance beside the measures of
:mod:`.distances`, with the difference and every reading that fits it (and the readings
that could fit but are not measured), so no single explanation is given as *the* answer
when another fits. A published "about" figure is as loose as its rounding
(:func:`rounding_step`, :func:`tolerance`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import pandas as pd

from tumen.analyses.route.distances import KM_PER_MI, Measure
from tumen.errors import ParameterError


def rounding_step(value: float) -> float:
    """Return the step a published round figure was likely rounded to.

    The largest of 100, 50, 10, 5, 1 (or a decimal step for non-integers) that divides
    the figure: ``200`` → 100, ``290`` → 10, ``125`` → 5, ``73`` → 1, ``2.6`` → 0.1.

    >>> [rounding_step(v) for v in (200, 250, 290, 125, 120, 73, 2.6)]
    [100, 50, 10, 5, 10, 1, 0.1]
    """
    value = abs(float(value))
    if value == 0:
        return 1
    if value.is_integer():
        for step in (100, 50, 10, 5):
            if value % step == 0:
                return step
        return 1
    decimals = len(repr(value).split(".")[1].rstrip("0"))
    return 10.0**-decimals


def tolerance(value: float, rtol: float = 0.0) -> float:
    """Return how far a published "about" figure may be from the truth, in its unit.

    Half its rounding step (:func:`rounding_step`), or ``rtol`` times the figure when
    that is larger (an "about"/"roughly" figure is loose by a few per cent).

    >>> tolerance(290), tolerance(290, 0.05), tolerance(200, 0.05)
    (5.0, 14.5, 50.0)
    """
    if not rtol >= 0:
        raise ParameterError(f"rtol must be >= 0, got {rtol!r}", field="about_rtol")
    return max(rounding_step(value) / 2, rtol * abs(float(value)))


def to_km(value: float, unit: str) -> float:
    """Convert a distance in ``km``, ``m`` or ``mi`` to km.

    >>> to_km(125, "mi")
    201.168
    """
    factors = {"km": 1.0, "m": 1e-3, "mi": KM_PER_MI}
    if unit not in factors:
        raise ParameterError(
            f"unit {unit!r} is not a distance unit", field="unit", hint="one of km, m, mi"
        )
    return float(value) * factors[unit]


def converted_from(claims: pd.DataFrame, cid: str, ids: Sequence[str]) -> str:
    """Return the id of an earlier km claim that a miles claim equals once converted and rounded.

    A figure in miles "comes from" a figure in km published no later when the km figure,
    converted to miles and rounded to the miles figure's own step
    (:func:`rounding_step`), gives exactly the miles figure; ``""`` when none does.
    """
    row = claims.loc[cid]
    if row["unit"] != "mi":
        return ""
    step = rounding_step(row["value"])
    for other in ids:
        o = claims.loc[other]
        if other == cid or o["unit"] != "km" or _published(o) > _published(row):
            continue
        if round(o["value"] / KM_PER_MI / step) * step == row["value"]:
            return other
    return ""


def _published(row: pd.Series) -> str:
    """Return a claim's publication date padded for comparison (``2024`` → ``2024-00-00``)."""
    parts = str(row["published"]).split("-") + ["00", "00"]
    return "-".join(parts[:3])


def distance_verdicts(
    claims: pd.DataFrame,
    ids: Sequence[str],
    measures: Sequence[Measure],
    *,
    rtol: float = 0.05,
    unmeasured: Sequence[str] = (),
) -> pd.DataFrame:
    """Set each published distance beside the computed measures and explain any gap.

    For each claim the published figure is converted to km and compared with the
    headline measure (the first of ``measures``) and with the closest one. A figure
    agrees with a measure when their difference is within :func:`tolerance` (half the
    figure's rounding step, or ``rtol`` of it). The likely reason is: the headline
    agrees (naming the closest measure when it fits much better); else the reason
    attached to the closest measure that agrees; else no measure here fits. A miles
    figure that equals an earlier km figure converted and rounded (:func:`converted_from`)
    says so.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`tumen.report.claims.read_claims`.
    ids : sequence of str
        Claim ids of published distances (units km, m or mi).
    measures : sequence of Measure
        Computed distances; the first is the headline.
    rtol : float
        Relative looseness of an "about" figure.
    unmeasured : sequence of str
        Readings that could explain a figure but are not measured here (phrases, e.g.
        :data:`tumen.analyses.route.distances.LINE_OF_CONTACT_READING` when no line of
        contact is supplied); named for every figure that disagrees with the headline.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim``, ``source``, ``published`` (as written, with unit),
        ``published_km``, ``tolerance_km``, ``headline_km``, ``difference_km`` (published −
        headline), ``agrees`` (bool, with the headline), ``closest`` (label),
        ``closest_difference_km`` (published − closest), ``fits`` / ``fits_reason`` (key
        and reason of the closest measure within the tolerance, ``""`` when none),
        ``readings`` (tuple of the reasons of every measure within the tolerance, closest
        first), ``unmeasured`` (tuple: ``unmeasured`` for a figure that disagrees with the
        headline, else empty), ``converted_from`` (the claim id a miles figure was
        converted from, or ``""``), ``reason``.
    """
    if not measures:
        raise ParameterError("no measures to compare with", field="measures")
    rows = []
    for cid in ids:
        if cid not in claims.index:
            raise ParameterError(
                f"unknown claim {cid!r}", field=cid, hint="claim ids are in data/claims.csv"
            )
        rows.append(verdict_row(claims, cid, ids, measures, rtol=rtol, unmeasured=unmeasured))
    return pd.DataFrame(rows)


def verdict_row(
    claims: pd.DataFrame,
    cid: str,
    ids: Sequence[str],
    measures: Sequence[Measure],
    *,
    rtol: float = 0.05,
    unmeasured: Sequence[str] = (),
) -> dict:
    """One row of :func:`distance_verdicts`: published distance ``cid`` beside the measures
    (the first is the headline); ``ids`` are the distances it may have been converted from."""
    headline = measures[0]
    row = claims.loc[cid]
    if isinstance(row["value"], (tuple, _dt.date)) or row["value"] is None:
        raise ParameterError(f"claim {cid!r} is not a single distance", field=cid)
    km = to_km(row["value"], row["unit"])
    tol = to_km(tolerance(row["value"], rtol), row["unit"])
    closest = min(measures, key=lambda m: (abs(km - m.km), m.key))
    agrees = abs(km - headline.km) <= tol
    fitting = sorted(
        (m for m in measures if abs(km - m.km) <= tol), key=lambda m: (abs(km - m.km), m.key)
    )
    others = () if agrees else tuple(unmeasured)
    source = converted_from(claims, cid, ids)
    reason = _reason(km, tol, headline, closest, fitting, others)
    best = fitting[0] if fitting else None
    if source:
        reason += (
            f"; it is {claims.loc[source, 'source']}'s "
            f"{claims.loc[source, 'value_text']} {claims.loc[source, 'unit']} "
            f"converted to miles and rounded to the nearest "
            f"{rounding_step(row['value']):g}"
        )
    return {
        "claim": cid,
        "source": row["source"],
        "published": f"{row['value_text']} {row['unit']}",
        "published_km": km,
        "tolerance_km": tol,
        "headline_km": headline.km,
        "difference_km": km - headline.km,
        "agrees": bool(agrees),
        "closest": closest.label,
        "closest_difference_km": km - closest.km,
        "fits": "" if best is None else best.key,
        "fits_reason": "" if best is None else best.reason,
        "readings": tuple(m.reason for m in fitting),
        "unmeasured": others,
        "converted_from": source,
        "reason": reason,
    }


def _reason(
    km: float,
    tol: float,
    headline: Measure,
    closest: Measure,
    fitting: Sequence[Measure],
    unmeasured: Sequence[str] = (),
) -> str:
    """Return the likely reason for a published distance (see :func:`distance_verdicts`)."""
    gap = abs(km - headline.km)
    if gap <= tol:
        reason = "Agrees within its rounding"
        if closest is not headline and gap > tol / 2 and abs(km - closest.km) < gap / 2:
            reason += f", though it matches {closest.reason} best"
        return reason
    side = "longer" if km > headline.km else "shorter"
    if not fitting and not unmeasured:
        return f"Fits no measure here: {side} than {headline.reason}"
    return (
        f"Too far from {headline.reason}; it "
        if fitting
        else f"{side.capitalize()} than {headline.reason}; it "
    ) + describe_readings([m.reason for m in fitting], unmeasured)


def describe_readings(readings: Sequence[str], unmeasured: Sequence[str] = ()) -> str:
    """Words for every reading that fits a published figure, and those not measured: a
    verb phrase that never gives one reading as *the* answer when another may fit.

    >>> describe_readings(["the rail distance"])
    'fits the rail distance'
    >>> describe_readings(["the rail distance"], ["the line of contact"])
    'fits the rail distance; the line of contact could fit as well, but is not measured here'
    >>> describe_readings(["a", "b"])
    'fits more than one reading: a, or b'
    >>> describe_readings([], ["the line of contact"])
    'fits none of the distances measured here; the line of contact could fit, but is not measured here'
    """
    readings, unmeasured = list(readings), list(unmeasured)
    if not readings:
        text = "fits none of the distances measured here"
        return text + (
            "; "
            + " or ".join(unmeasured)
            + " could fit, but "
            + ("is" if len(unmeasured) == 1 else "are")
            + " not measured here"
            if unmeasured
            else ""
        )
    text = (
        "fits " + readings[0]
        if len(readings) == 1
        else "fits more than one reading: " + ", or ".join(readings)
    )
    if unmeasured:
        text += (
            "; "
            + " or ".join(unmeasured)
            + " could fit as well, but "
            + ("is" if len(unmeasured) == 1 else "are")
            + " not measured here"
        )
    return text
