"""Published claims, and the table that sets each beside what an analysis reproduces.

``data/claims.csv`` holds the figures public reporting published (one row a claim:
``id,source,published,statement,value,unit,citation``). Each analysis maps some claim ids to
the results it computed and calls :func:`compare`, which returns one standard table
(claim, published, reproduced, agrees) for the report.

The file format
---------------
``id``         stable lower-case snake-case name, e.g. ``csis_tumangang_peak``
``source``     who published the figure (the original publisher, not an aggregator)
``published``  publication date, ISO 8601 at the precision known: ``2023-10-06``,
               ``2024-02`` or ``2024``
``statement``  the claim in our words, one sentence
``value``      the figure: a number (``73``, ``2.6``), a date (``2023-10-05``), an interval
               ``low/high`` of numbers or dates (``2023-08-11/2023-08-20`` for "mid-August"),
               or empty for a qualitative claim that no number can test
``unit``       unit of ``value`` spelled out (``railcars``, ``km``, ``mi``, ``km2``, ``date``)
``citation``   where it was published, enough to find it again

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
import difflib
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tumen.errors import DataError, ParameterError, ResultError
from tumen.tables import read_table
from tumen.results import format_value

COLUMNS = ("id", "source", "published", "statement", "value", "unit", "citation")
KINDS = ("equal", "at_least", "at_most", "above", "below", "within", "contains")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PUBLISHED_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# unit -> (dimension, factor to the dimension's base unit)
_UNITS = {"km": ("length", 1.0), "m": ("length", 1e-3), "mi": ("length", 1.609344),
          "km2": ("area", 1.0), "km²": ("area", 1.0), "m2": ("area", 1e-6),
          "m²": ("area", 1e-6), "mi2": ("area", 1.609344 ** 2)}
_RELATION = {"equal": "", "at_least": "≥ ", "at_most": "≤ ", "above": "> ", "below": "< ",
             "within": "≈ ", "contains": ""}


# --- claims.csv -----------------------------------------------------------------------

def read_claims(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate a claims file.

    Parameters
    ----------
    path : str or path-like
        A CSV with the columns of :data:`COLUMNS` (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Indexed by claim ``id``; ``value`` holds parsed values (``int``, ``float``,
        ``datetime.date``, a ``(low, high)`` tuple, or ``None``); ``value_text`` the value
        as written; ``line`` the line in the file.

    Raises
    ------
    DataError
        Naming file, line and field: a missing column, a bad or duplicate id, an empty
        source/statement/citation, a bad publication date, an unparseable value, or a
        value without a unit.
    """
    path = Path(path)
    table = read_table(path, COLUMNS, allow_duplicates=True)  # duplicate ids: own message
    seen: dict[str, int] = {}
    values = []
    for row in table.itertuples(index=False):
        _check_claim_row(path, row, seen)
        values.append(parse_value(row.value, file=path, line=row.line))
    table = table.rename(columns={"value": "value_text"})
    table["value"] = values
    table = table[["id", "source", "published", "statement", "value", "value_text", "unit",
                   "citation", "line"]]
    return table.set_index("id")


def _check_claim_row(path: Path, row, seen: dict[str, int]) -> None:
    """Raise DataError when one claims row breaks the format."""
    if not ID_RE.match(row.id):
        raise DataError(f"claim id {row.id!r} is not lower-case snake_case", file=path,
                        line=row.line, field="id", hint="e.g. csis_tumangang_peak")
    if row.id in seen:
        raise DataError(f"claim id {row.id!r} repeats line {seen[row.id]}", file=path,
                        line=row.line, field="id", hint="claim ids must be unique")
    seen[row.id] = row.line
    for col in ("source", "statement", "citation"):
        if not getattr(row, col):
            raise DataError(f"{col} is empty", file=path, line=row.line, field=col,
                            hint="every claim says who published it, what and where")
    if not _PUBLISHED_RE.match(row.published) or not _valid_partial_date(row.published):
        raise DataError(f"publication date {row.published!r} is not ISO 8601", file=path,
                        line=row.line, field="published",
                        hint="write YYYY-MM-DD, or YYYY-MM / YYYY when the day is unknown")
    if row.value and not row.unit:
        raise DataError("value has no unit", file=path, line=row.line, field="unit",
                        hint="spell the unit out (railcars, km, mi, date, ...)")


def _valid_partial_date(text: str) -> bool:
    """Return True when a YYYY, YYYY-MM or YYYY-MM-DD string names a real date."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        _dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def parse_value(text: str, *, file=None, line=None) -> Any:
    """Parse a claim value: number, ISO date, interval ``low/high``, or empty.

    Parameters
    ----------
    text : str
        The field as written.
    file, line : optional
        Where the field comes from, for the error message.

    Returns
    -------
    int, float, datetime.date, tuple or None
        ``None`` for an empty field; a ``(low, high)`` tuple for an interval.

    >>> parse_value("73"), parse_value("2.6"), parse_value("2023-09-07/2023-09-08")
    (73, 2.6, (datetime.date(2023, 9, 7), datetime.date(2023, 9, 8)))
    """
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        low, high = (_parse_scalar(p.strip(), file, line) for p in text.split("/", 1))
        if isinstance(low, _dt.date) != isinstance(high, _dt.date):
            raise DataError(f"interval {text!r} mixes a date and a number", file=file,
                            line=line, field="value", hint="write low/high of one kind")
        if low > high:
            raise DataError(f"interval {text!r} has low > high", file=file, line=line,
                            field="value", hint="write the interval as low/high")
        return (low, high)
    return _parse_scalar(text, file, line)


def _parse_scalar(text: str, file, line) -> Any:
    """Parse one number or ISO date, or raise DataError."""
    if _NUMBER_RE.match(text):
        number = float(text)
        return int(number) if re.match(r"^[+-]?\d+$", text) else number
    if _DATE_RE.match(text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise DataError(f"value {text!r} is not a number, an ISO date or an interval low/high",
                    file=file, line=line, field="value",
                    hint="write 73, 2.6, 2023-10-05 or 2023-09-07/2023-10-01; no thousands "
                         "separators")


# --- comparison -----------------------------------------------------------------------

def compare(claims: pd.DataFrame, results: Mapping[str, Any],
            tests: Mapping[str, Any]) -> pd.DataFrame:
    """Set each tested claim beside the result that reproduces it.

    Parameters
    ----------
    claims : pandas.DataFrame
        As returned by :func:`read_claims`.
    results : mapping or tumen.results.Results
        Result name -> value (taken to be in the claim's unit), or result name -> record
        ``{"value": ..., "unit": ...}`` as in ``Results.records`` (converted to the claim's
        unit when the units differ and are convertible); a ``Results`` object stands for
        its records.
    tests : mapping
        Claim id -> test: ``{"result": name, "kind": kind}`` with ``tol`` or ``rtol`` for
        ``within``; a tuple ``(name, kind)`` or ``(name, kind, options)`` also works. The
        semantics of each kind are in the module docstring.

    Returns
    -------
    pandas.DataFrame
        One row per test, in the order of ``tests``: ``claim`` (id), ``source``,
        ``statement``, ``published`` (the claim's figure with its relation, e.g.
        ``"≤ 20 railcars"``), ``reproduced`` (formatted, in the claim's unit), ``result``
        (name), ``kind``, ``agrees`` (nullable boolean).

    Raises
    ------
    ParameterError
        When a test names an unknown claim, an unknown kind, or lacks what its kind needs.
    ResultError
        When a test names a result that is not in ``results``, or units cannot convert.
    """
    results = getattr(results, "records", results)
    rows = [_compare_one(claims, results, claim_id, _normalise_test(claim_id, test))
            for claim_id, test in tests.items()]
    columns = ["claim", "source", "statement", "published", "reproduced", "result", "kind",
               "agrees"]
    table = pd.DataFrame(rows, columns=columns)
    table["agrees"] = table["agrees"].astype("boolean")
    return table


def _normalise_test(claim_id: str, test: Any) -> dict:
    """Return a test as a dict with ``result``, ``kind`` and options, or raise."""
    if isinstance(test, (tuple, list)):
        if len(test) not in (2, 3):
            raise ParameterError(f"test of {claim_id!r} must be (result, kind[, options])",
                                 field=f"claims.{claim_id}")
        test = {"result": test[0], "kind": test[1], **(dict(test[2]) if len(test) == 3 else {})}
    if not isinstance(test, Mapping) or "result" not in test or "kind" not in test:
        raise ParameterError(f"test of {claim_id!r} needs 'result' and 'kind'",
                             field=f"claims.{claim_id}",
                             hint="e.g. {result: rail.peak_railcars, kind: equal}")
    extra = set(test) - {"result", "kind", "tol", "rtol"}
    if extra:
        raise ParameterError(f"test of {claim_id!r} has unknown keys {sorted(extra)}",
                             field=f"claims.{claim_id}", hint="keys: result, kind, tol, rtol")
    if test["kind"] not in KINDS:
        close = difflib.get_close_matches(str(test["kind"]), KINDS, n=1)
        raise ParameterError(f"unknown comparison kind {test['kind']!r}",
                             field=f"claims.{claim_id}.kind",
                             hint=f"did you mean {close[0]!r}?" if close
                             else f"one of {', '.join(KINDS)}")
    if test["kind"] == "within" and test.get("tol") is None and test.get("rtol") is None:
        raise ParameterError(f"test 'within' of {claim_id!r} needs tol or rtol",
                             field=f"claims.{claim_id}",
                             hint="tol in the claim's unit (days for dates), rtol a fraction")
    return dict(test)


def _compare_one(claims: pd.DataFrame, results: Mapping[str, Any], claim_id: str,
                 test: dict) -> dict:
    """Return one row of the comparison table."""
    if claim_id not in claims.index:
        close = difflib.get_close_matches(claim_id, list(claims.index), n=1)
        raise ParameterError(f"unknown claim {claim_id!r}", field=f"claims.{claim_id}",
                             hint=f"did you mean {close[0]!r}?" if close
                             else "claim ids are in data/claims.csv")
    claim = claims.loc[claim_id]
    published, kind = claim["value"], test["kind"]
    if published is None:
        raise ParameterError(f"claim {claim_id!r} is qualitative (no value); it cannot be "
                             "tested", field=f"claims.{claim_id}")
    if (kind == "contains") != isinstance(published, tuple):
        raise ParameterError(f"kind {kind!r} does not fit claim {claim_id!r} "
                             f"({claim['value_text']})", field=f"claims.{claim_id}.kind",
                             hint="use 'contains' exactly for interval values low/high")
    name = test["result"]
    if name not in results:
        close = difflib.get_close_matches(name, list(results), n=1)
        raise ResultError(f"claim {claim_id!r} is tested against {name!r}, which was not "
                          "recorded", field=name,
                          hint=f"did you mean {close[0]!r}?" if close else None)
    value, shown = _reproduced(results[name], claim, name)
    return {"claim": claim_id, "source": claim["source"], "statement": claim["statement"],
            "published": _format_published(claim, test), "reproduced": shown,
            "result": name, "kind": kind, "agrees": _agrees(published, value, test)}


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
        raise ResultError(f"result {name!r} is in {unit!r}, the claim in {target!r}; they do "
                          "not convert", field=name,
                          hint="record the result in the claim's unit")
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
            raise ResultError(f"result {name!r} = {value!r} is not a date",
                              field=name) from None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC")
        return value.date()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
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
    return bool({"at_least": value >= published, "at_most": value <= published,
                 "above": value > published, "below": value < published}[kind])


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


def to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the comparison table with ``agrees`` as words, for the report.

    ``True`` → ``"yes"``, ``False`` → ``"no"``, missing → ``"n/a"``; the columns shown are
    claim source, statement, published, reproduced and agrees.
    """
    shown = table[["source", "statement", "published", "reproduced"]].copy()
    shown["agrees"] = [("n/a" if pd.isna(a) else "yes" if a else "no")
                       for a in table["agrees"]]
    shown.index = table["claim"]
    return shown


def record_published(results, claims: pd.DataFrame, ids: Iterable[str],
                     prefix: str = "claim") -> dict:
    """Record published claim values as results, so prose can cite them without typing them.

    Each claim becomes ``<prefix>.<id>`` with the claim's value and unit and its statement
    as the description; an interval is recorded as ``<prefix>.<id>_low`` / ``_high``.
    Claims without a value are skipped.

    Parameters
    ----------
    results : tumen.results.Results
        The notebook's results file.
    claims : pandas.DataFrame
        From :func:`read_claims`.
    ids : iterable of str
        Claim ids to record.

    Returns
    -------
    dict
        Name -> value of everything recorded.
    """
    recorded = {}
    for cid in ids:
        if cid not in claims.index:
            raise ResultError(f"no claim {cid!r} in the claims table", field=cid,
                              hint=_suggest(cid, claims.index))
        row = claims.loc[cid]
        value, unit = row["value"], row["unit"] or ""
        description = f"Published ({row['source']}, {row['published']}): {row['statement']}"
        if value is None:
            continue
        if isinstance(value, tuple):
            for part, v in zip(("low", "high"), value):
                name = f"{prefix}.{cid}_{part}"
                recorded[name] = results.record(name, v, unit, description)
        else:
            recorded[f"{prefix}.{cid}"] = results.record(f"{prefix}.{cid}", value, unit,
                                                         description)
    return recorded


def _suggest(word: str, options) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"did you mean {close[0]!r}?" if close else None
