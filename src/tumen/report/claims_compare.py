"""Test published claims against results: the room of comparisons and verdicts.

A section maps claim ids to tests (``{claim_id: test or [test, ...]}``, each test a dict
with ``result``, ``kind`` and options); :func:`compare` sets each published figure beside
the result that reproduces it, and :func:`assess` gives every tested claim exactly one
verdict (:func:`tumen.report.claims_verdict.get_verdict`) with its reason in words. The claims come from
:func:`tumen.report.claims.read_claims`.

Comparison semantics
--------------------
A test is ``{"result": name, "kind": kind}`` plus options; ``reproduced`` is the result's
value converted to the claim's unit (``mi``/``km``/``m`` and ``km2``/``m2`` convert; any
other pair of different units is an error). With ``published`` the claim's value:

``equal``     reproduced == published (dates: the same UTC day; floats: to 1e-9 relative)
``at_least``  reproduced >= published   ("at least five round trips")
``at_most``   reproduced <= published   ("no more than 20 railcars")
``above``     reproduced >  published   ("more than 1,000 containers")
``below``     reproduced <  published
``within``    |reproduced - published| <= tol  (``tol`` in the claim's unit, days for dates)
              or <= rtol * |published|        (``rtol`` a fraction, e.g. 0.1)
``contains``  low <= reproduced <= high, the claim's value being an interval ``low/high``

``agrees`` is ``True`` or ``False``, or missing (``pd.NA``) when the result is ``None``.

>>> claims = read_claims("data/claims.csv")                   # doctest: +SKIP
>>> compare(claims, {"rail.peak_railcars": 73},
...         {"csis_tumangang_peak": {"result": "rail.peak_railcars", "kind": "equal"}})
...                                                            # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from tumen.engine.results import format_value
from tumen.errors import ParameterError, ResultError, suggest
from tumen.report.claims_verdict import get_verdict, named

KINDS = ("equal", "at_least", "at_most", "above", "below", "within", "contains")


# unit -> (dimension, factor to the dimension's base unit)
_UNITS = {
    "km": ("length", 1.0),
    "m": ("length", 1e-3),
    "mi": ("length", 1.609344),
    "km2": ("area", 1.0),
    "km²": ("area", 1.0),
    "m2": ("area", 1e-6),
    "m²": ("area", 1e-6),
    "mi2": ("area", 1.609344**2),
}


_RELATION = {
    "equal": "",
    "at_least": "≥ ",
    "at_most": "≤ ",
    "above": "> ",
    "below": "< ",
    "within": "≈ ",
    "contains": "",
}


def compare(
    claims: pd.DataFrame, results: Mapping[str, Any], tests: Mapping[str, Any]
) -> pd.DataFrame:
    """Set each tested claim beside the result that reproduces it.

    Parameters
    ----------
    claims : pandas.DataFrame
        As returned by :func:`read_claims`.
    results : mapping or tumen.engine.results.Results
        Result name -> value (taken to be in the claim's unit), or result name -> record
        ``{"value": ..., "unit": ...}`` as in ``Results.records`` (converted to the claim's
        unit when the units differ and are convertible); a ``Results`` object stands for
        its records.
    tests : mapping
        Claim id -> test: ``{"result": name, "kind": kind}`` with ``tol`` or ``rtol`` for
        ``within`` and an optional ``label`` (what the reproduced figure is, e.g. "low
        end"); a tuple ``(name, kind)`` or ``(name, kind, options)`` also works; a list of
        tests sets one claim beside several results. The semantics of each kind are in the
        module docstring.

    Returns
    -------
    pandas.DataFrame
        One row per test, in the order of ``tests``: ``claim`` (id), ``source``,
        ``statement``, ``published`` (the claim's figure with its relation, e.g.
        ``"≤ 20 railcars"``), ``reproduced`` (formatted, in the claim's unit), ``result``
        (name), ``kind``, ``agrees`` (nullable boolean: this one comparison holds),
        ``label``. :func:`assess` turns the rows of a claim into its one verdict.

    Raises
    ------
    ParameterError
        When a test names an unknown claim, an unknown kind, or lacks what its kind needs.
    ResultError
        When a test names a result that is not in ``results``, or units cannot convert.
    """
    results = getattr(results, "records", results)
    rows = [
        dict(
            _compare_one(claims, results, claim_id, _normalise_test(claim_id, test)),
            label=test.get("label", "") if isinstance(test, Mapping) else "",
        )
        for claim_id, one in tests.items()
        for test in _as_list(one)
    ]
    columns = [
        "claim",
        "source",
        "statement",
        "published",
        "reproduced",
        "result",
        "kind",
        "agrees",
        "label",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table["agrees"] = table["agrees"].astype("boolean")
    return table


def _as_list(test: Any) -> list:
    """A claim's tests as a list: several results (a list of tests) or one."""
    if isinstance(test, list) and test and all(isinstance(t, (Mapping, tuple)) for t in test):
        return test
    return [test]


def _normalise_test(claim_id: str, test: Any) -> dict:
    """Return a test as a dict with ``result``, ``kind`` and options, or raise."""
    if isinstance(test, (tuple, list)):
        if len(test) not in (2, 3):
            raise ParameterError(
                f"test of {claim_id!r} must be (result, kind[, options])",
                field=f"claims.{claim_id}",
            )
        test = {"result": test[0], "kind": test[1], **(dict(test[2]) if len(test) == 3 else {})}
    if not isinstance(test, Mapping) or "result" not in test or "kind" not in test:
        raise ParameterError(
            f"test of {claim_id!r} needs 'result' and 'kind'",
            field=f"claims.{claim_id}",
            hint="e.g. {result: rail.peak_railcars, kind: equal}",
        )
    extra = set(test) - {"result", "kind", "tol", "rtol", "label"}
    if extra:
        raise ParameterError(
            f"test of {claim_id!r} has unknown keys {sorted(extra)}",
            field=f"claims.{claim_id}",
            hint="keys: result, kind, tol, rtol, label",
        )
    if test["kind"] not in KINDS:
        raise ParameterError(
            f"unknown comparison kind {test['kind']!r}",
            field=f"claims.{claim_id}.kind",
            hint=suggest(test["kind"], KINDS) or f"one of {', '.join(KINDS)}",
        )
    if test["kind"] == "within" and test.get("tol") is None and test.get("rtol") is None:
        raise ParameterError(
            f"test 'within' of {claim_id!r} needs tol or rtol",
            field=f"claims.{claim_id}",
            hint="tol in the claim's unit (days for dates), rtol a fraction",
        )
    return dict(test)


def _compare_one(
    claims: pd.DataFrame, results: Mapping[str, Any], claim_id: str, test: dict
) -> dict:
    """Return one row of the comparison table."""
    if claim_id not in claims.index:
        raise ParameterError(
            f"unknown claim {claim_id!r}",
            field=f"claims.{claim_id}",
            hint=suggest(claim_id, claims.index) or "claim ids are in data/claims.csv",
        )
    claim = claims.loc[claim_id]
    published, kind = claim["value"], test["kind"]
    if published is None:
        raise ParameterError(
            f"claim {claim_id!r} is qualitative (no value); it cannot be tested",
            field=f"claims.{claim_id}",
        )
    if (kind == "contains") != isinstance(published, tuple):
        raise ParameterError(
            f"kind {kind!r} does not fit claim {claim_id!r} ({claim['value_text']})",
            field=f"claims.{claim_id}.kind",
            hint="use 'contains' exactly for interval values low/high",
        )
    name = test["result"]
    if name not in results:
        raise ResultError(
            f"claim {claim_id!r} is tested against {name!r}, which was not recorded",
            field=name,
            hint=suggest(name, results),
        )
    value, shown = _reproduced(results[name], claim, name)
    return {
        "claim": claim_id,
        "source": claim["source"],
        "statement": claim["statement"],
        "published": _format_published(claim, test),
        "reproduced": shown,
        "result": name,
        "kind": kind,
        "agrees": _agrees(published, value, test),
    }


def _reproduced(entry: Any, claim: pd.Series, name: str) -> tuple[Any, str]:
    """Return a result's value in the claim's unit, and its display text."""
    value, unit = entry, None
    if isinstance(entry, Mapping):
        value, unit = entry.get("value"), entry.get("unit")
    if value is None:
        return None, "n/a"
    target = claim["unit"]
    if _is_date_claim(claim["value"]):
        day = _to_date(value, name)
        return day, day.isoformat()
    value = value.item() if hasattr(value, "item") else value  # numpy scalar -> Python
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResultError(f"result {name!r} = {value!r} is not a number", field=name)
    if unit is None or unit == target:
        return value, _format_amount(value, target)
    converted = _convert(value, unit, target, name)
    return converted, f"{_format_amount(converted, target)} ({_format_amount(value, unit)})"


def _convert(value: float, unit: str, target: str, name: str) -> float:
    """Convert a value between two units of the same dimension, or raise ResultError."""
    src, dst = _UNITS.get(unit), _UNITS.get(target)
    if src is None or dst is None or src[0] != dst[0]:
        raise ResultError(
            f"result {name!r} is in {unit!r}, the claim in {target!r}; they do not convert",
            field=name,
            hint="record the result in the claim's unit",
        )
    return value * src[1] / dst[1]


def _is_date_claim(value: Any) -> bool:
    """Return True when a claim value is a date or an interval of dates."""
    first = value[0] if isinstance(value, tuple) else value
    return isinstance(first, _dt.date)


def _to_date(value: Any, name: str) -> _dt.date:
    """Return the UTC calendar day of a date, datetime, timestamp or ISO string."""
    if isinstance(value, str):
        try:
            value = pd.Timestamp(value)
        except ValueError:
            raise ResultError(f"result {name!r} = {value!r} is not a date", field=name) from None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC")
        return value.date()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC)
        return value.date()
    if isinstance(value, _dt.date):
        return value
    raise ResultError(f"result {name!r} = {value!r} is not a date", field=name)


def _agrees(published: Any, value: Any, test: dict) -> bool | None:
    """Apply a comparison kind (module docstring) to a published and reproduced value."""
    if value is None:
        return None
    kind = test["kind"]
    if kind == "contains":
        return bool(published[0] <= value <= published[1])
    if kind == "within":
        diff = abs(_difference(value, published))
        limit = math.inf if test.get("tol") is None else float(test["tol"])
        if test.get("rtol") is not None:
            limit = min(limit, float(test["rtol"]) * abs(float(published)))
        return bool(diff <= limit)
    if kind == "equal":
        if isinstance(value, float) or isinstance(published, float):
            return math.isclose(value, published, rel_tol=1e-9, abs_tol=0.0)
        return bool(value == published)
    return bool(
        {
            "at_least": value >= published,
            "at_most": value <= published,
            "above": value > published,
            "below": value < published,
        }[kind]
    )


def _difference(value: Any, published: Any) -> float:
    """Return value - published (in days for dates)."""
    if isinstance(value, _dt.date):
        return float((value - published).days)
    return float(value) - float(published)


def _format_amount(value: Any, unit: str) -> str:
    """Format a number with its unit for the table (dates as ISO)."""
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = format_value(value)
    return text if unit in ("", "1", "date") else f"{text} {unit}"


def _format_published(claim: pd.Series, test: dict) -> str:
    """Return the claim's figure with the relation its test reads it with."""
    value, unit = claim["value"], claim["unit"]
    if isinstance(value, tuple):
        low, high = (_format_amount(v, "date" if unit == "date" else "") for v in value)
        return f"{low} – {high}" + ("" if unit in ("date", "1") else f" {unit}")
    text = _RELATION[test["kind"]] + _format_amount(value, unit)
    if test["kind"] == "within":
        bounds = []
        if test.get("tol") is not None:
            bounds.append(f"± {format_value(test['tol'])}" + (" days" if unit == "date" else ""))
        if test.get("rtol") is not None:
            bounds.append(f"± {format_value(100 * float(test['rtol']))}%")
        text += " (" + ", ".join(bounds) + ")"
    return text


def assess(
    claims: pd.DataFrame,
    results: Mapping[str, Any],
    tests: Mapping[str, Any],
    *,
    synthetic: bool = False,
) -> pd.DataFrame:
    """Give every tested claim its one verdict.

    Parameters
    ----------
    claims, results, tests
        As for :func:`compare`; a claim with a list of tests gets one verdict from all.
    synthetic : bool
        The observations behind the results are synthetic (:func:`tumen.engine.sources.is_synthetic`).

    Returns
    -------
    pandas.DataFrame
        Indexed by claim id, in the order of ``tests``: ``source``, ``ref``, ``statement``,
        ``published``, ``reproduced`` (several joined by "; "), ``results``, ``verdict``
        (kind), ``calibration`` (bool), ``label`` (what the report shows), ``reason``.
    """
    table = compare(claims, results, tests)
    rows = []
    for cid in dict.fromkeys(table["claim"]):
        mine = table[table["claim"] == cid].to_dict("records")
        v = get_verdict(mine, synthetic=synthetic)
        rows.append(
            {
                "claim": cid,
                "source": claims.loc[cid, "source"],
                "ref": int(claims.loc[cid, "ref"]),
                "statement": claims.loc[cid, "statement"],
                "published": "; ".join(dict.fromkeys(r["published"] for r in mine)),
                "reproduced": "; ".join(named(r) for r in mine),
                "results": ", ".join(r["result"] for r in mine),
                "verdict": v.kind,
                "calibration": v.calibration,
                "label": v.label,
                "reason": v.reason,
            }
        )
    columns = [
        "claim",
        "source",
        "ref",
        "statement",
        "published",
        "reproduced",
        "results",
        "verdict",
        "calibration",
        "label",
        "reason",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("claim")
