"""Published claims, their references, and the verdict on each claim an analysis tests.

``data/claims.csv`` holds the figures public reporting published (one row a claim:
``id,source,published,statement,value,unit,citation`` and, optionally,
``author,title,url``). Each analysis maps some claim ids to the results it computed;
:func:`compare` sets each published figure beside a reproduced one, and :func:`assess`
gives every tested claim exactly one verdict (:func:`get_verdict`) with its reason in
words, shown by :func:`to_html` in the section's claims table. The publications behind the
claims form the report's numbered reference list (:func:`get_references`).

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
``citation``   where it was published, enough to find it again; with ``title`` it may be
               empty or a note on the figure (e.g. "as given in press accounts")
``author``     optional: the author(s) as the publication names them; empty when unknown
``title``      optional: the publication's title, as published
``publisher``  optional: who published that publication, when it is not ``source`` (a news
               agency reporting a think tank's findings); empty: ``source``
``url``        optional: its web address (``http://`` or ``https://``); the publisher's
               site when the publication's own address is not known

References
----------
Claims from one publication cite one reference: rows with the same ``source``, ``author``,
``title``, ``published`` and ``url`` (or, without a title, the same ``source``,
``published`` and ``citation``) share a reference. References are numbered 1, 2, ... in
the order they first appear in the file, so a notebook and the assembly number them alike;
:func:`read_claims` gives each claim its number in the column ``ref``. Prose cites a
published figure through its ``claim.<id>`` result (:func:`record_published`), which
carries the number, and :func:`tumen.engine.results.render` follows it with "[n]".

Verdicts
--------
A claim tested against one result or more (each a comparison below) gets one verdict
(:func:`get_verdict`): ``consistent`` when every comparison holds, ``inconsistent`` when
none does, ``indeterminate`` when they split (a claim inside a reproduced range whose ends
disagree) or nothing was reproduced. When the observations behind the reproduced value are
synthetic (``data/sources.yaml``), the verdict is a *calibration check*: shown as
"reproduced (calibration)", "not reproduced (calibration)" or "indeterminate
(calibration)", never as support, since the example data were generated to match the
published figures. A comparison that only reads back a parameter is no test at all: such a
claim is listed as not tested (:func:`get_coverage`), with the reason.

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
import html
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from tumen.engine.results import format_value
from tumen.errors import DataError, ParameterError, ResultError, suggest
from tumen.report.tables import read_table

COLUMNS = ("id", "source", "published", "statement", "value", "unit", "citation")
#: Optional columns: the reference behind a claim (module docstring, "References").
REFERENCE_COLUMNS = ("author", "title", "publisher", "url")
VERDICTS = ("consistent", "inconsistent", "indeterminate")
#: What a verdict is shown as: (kind, calibration) -> label.
LABELS = {
    ("consistent", False): "consistent",
    ("inconsistent", False): "inconsistent",
    ("indeterminate", False): "indeterminate",
    ("consistent", True): "reproduced (calibration)",
    ("inconsistent", True): "not reproduced (calibration)",
    ("indeterminate", True): "indeterminate (calibration)",
}
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
KINDS = ("equal", "at_least", "at_most", "above", "below", "within", "contains")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PUBLISHED_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
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
    table = read_table(
        path, COLUMNS, REFERENCE_COLUMNS, allow_duplicates=True
    )  # duplicate ids: own message
    for col in REFERENCE_COLUMNS:
        if col not in table.columns:
            table[col] = ""
    seen: dict[str, int] = {}
    values = []
    for row in table.itertuples(index=False):
        _check_claim_row(path, row, seen)
        values.append(parse_value(row.value, file=path, line=row.line))
    table = table.rename(columns={"value": "value_text"})
    table["value"] = pd.Series(values, index=table.index, dtype=object)  # None stays None
    keys = [_reference_key(row) for row in table.itertuples(index=False)]
    numbers: dict[tuple, int] = {}
    table["ref"] = [numbers.setdefault(k, len(numbers) + 1) for k in keys]
    table = table[
        [
            "id",
            "source",
            "published",
            "statement",
            "value",
            "value_text",
            "unit",
            "citation",
            *REFERENCE_COLUMNS,
            "ref",
            "line",
        ]
    ]
    return table.set_index("id")


def _reference_key(row) -> tuple:
    """What makes two claims cite the same publication (module docstring, "References")."""
    publisher = row.publisher or row.source
    if row.title:
        return (publisher, row.author, row.title, row.published, row.url)
    return (publisher, row.author, row.published, row.url, row.citation)


def get_references(claims: pd.DataFrame) -> pd.DataFrame:
    """The numbered reference list behind a claims table.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`read_claims`.

    Returns
    -------
    pandas.DataFrame
        Indexed by reference number (1, 2, ...): ``publisher``, ``author``, ``title``,
        ``published`` (date as written), ``url``, ``note`` (the claims' citations: once
        when all share it, else each as ``on <ids>: <citation>``) and
        ``claims`` (the ids citing it, in file order).

    >>> refs = get_references(read_claims("data/claims.csv"))   # doctest: +SKIP
    >>> refs.loc[1, "publisher"]                                 # doctest: +SKIP
    'CSIS Beyond Parallel'
    """
    rows = {}
    for cid, row in claims.iterrows():
        entry = rows.setdefault(
            int(row["ref"]),
            {
                "publisher": row["publisher"] or row["source"],
                "author": row["author"],
                "title": row["title"],
                "published": row["published"],
                "url": row["url"],
                "notes": [],
                "claims": [],
            },
        )
        entry["claims"].append(cid)
        entry["notes"].append((cid, row["citation"]))
    if not rows:
        return pd.DataFrame(
            columns=["publisher", "author", "title", "published", "url", "note", "claims"]
        )
    for entry in rows.values():
        entry["note"] = _join_notes(entry.pop("notes"))
    table = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    table.index.name = "ref"
    return table[["publisher", "author", "title", "published", "url", "note", "claims"]]


def _join_notes(notes: list[tuple[str, str]]) -> str:
    """The notes of one reference: a note all its claims share once, others with their ids."""
    by_text: dict[str, list[str]] = {}
    for cid, text in notes:
        if text:
            by_text.setdefault(text, []).append(cid)
    if len(by_text) == 1 and len(next(iter(by_text.values()))) == len(notes):
        return next(iter(by_text))
    return "; ".join(f"on {', '.join(ids)}: {text}" for text, ids in by_text.items())


def format_reference(ref: pd.Series) -> str:
    """One entry of the reference list as plain text (the caller escapes it).

    >>> format_reference(pd.Series({"publisher": "RUSI", "author": "", "title": "T",
    ...                             "published": "2023-10-16", "url": "", "note": "n"}))
    'RUSI. “T”. 2023-10-16. N.'
    """
    parts = [ref["author"], ref["publisher"]] if ref["author"] else [ref["publisher"]]
    if ref["title"]:
        parts.append(f"“{ref['title']}”")
    parts.append(ref["published"])
    if ref["note"]:
        parts.append(ref["note"][0].upper() + ref["note"][1:])
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def _check_claim_row(path: Path, row, seen: dict[str, int]) -> None:
    """Raise DataError when one claims row breaks the format."""
    if not ID_RE.match(row.id):
        raise DataError(
            f"claim id {row.id!r} is not lower-case snake_case",
            file=path,
            line=row.line,
            field="id",
            hint="e.g. csis_tumangang_peak",
        )
    if row.id in seen:
        raise DataError(
            f"claim id {row.id!r} repeats line {seen[row.id]}",
            file=path,
            line=row.line,
            field="id",
            hint="claim ids must be unique",
        )
    seen[row.id] = row.line
    for col in ("source", "statement", "citation"):
        if not getattr(row, col) and not (col == "citation" and row.title):
            raise DataError(
                f"{col} is empty",
                file=path,
                line=row.line,
                field=col,
                hint="every claim says who published it, what and where "
                "(a citation, or the publication's title)",
            )
    if not _PUBLISHED_RE.match(row.published) or not _valid_partial_date(row.published):
        raise DataError(
            f"publication date {row.published!r} is not ISO 8601",
            file=path,
            line=row.line,
            field="published",
            hint="write YYYY-MM-DD, or YYYY-MM / YYYY when the day is unknown",
        )
    if row.value and not row.unit:
        raise DataError(
            "value has no unit",
            file=path,
            line=row.line,
            field="unit",
            hint="spell the unit out (railcars, km, mi, date, ...)",
        )
    if row.url and not _URL_RE.match(row.url):
        raise DataError(
            f"url {row.url!r} is not a web address",
            file=path,
            line=row.line,
            field="url",
            hint="write it in full: https://host/path, or leave it empty",
        )


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
            raise DataError(
                f"interval {text!r} mixes a date and a number",
                file=file,
                line=line,
                field="value",
                hint="write low/high of one kind",
            )
        if low > high:
            raise DataError(
                f"interval {text!r} has low > high",
                file=file,
                line=line,
                field="value",
                hint="write the interval as low/high",
            )
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
    raise DataError(
        f"value {text!r} is not a number, an ISO date or an interval low/high",
        file=file,
        line=line,
        field="value",
        hint="write 73, 2.6, 2023-10-05 or 2023-09-07/2023-10-01; no thousands separators",
    )


# --- comparison -----------------------------------------------------------------------


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


#: Relation of a reproduced figure to the published one, for a verdict's reason.
_HOLDS = {
    "equal": ("matches", "does not match"),
    "at_least": ("is at least", "is less than"),
    "at_most": ("is at most", "is more than"),
    "above": ("is more than", "is not more than"),
    "below": ("is less than", "is not less than"),
    "within": ("is within the tolerance of", "is outside the tolerance of"),
    "contains": ("lies inside", "lies outside"),
}


class Verdict(NamedTuple):
    """The one verdict on a tested claim (module docstring, "Verdicts")."""

    kind: str  #: consistent, inconsistent or indeterminate
    calibration: bool  #: the reproduced value rests on synthetic observations
    reason: str  #: why, in words

    @property
    def label(self) -> str:
        """What the report shows: the kind, or its calibration-check wording."""
        return LABELS[(self.kind, self.calibration)]


def get_verdict(rows: Iterable[Mapping], *, synthetic: bool = False) -> Verdict:
    """The one verdict on a claim from its comparisons, with the reason in words.

    Parameters
    ----------
    rows : iterable of mapping
        The claim's rows of :func:`compare` (``published``, ``reproduced``, ``kind``,
        ``agrees``, ``label``).
    synthetic : bool
        The observations behind the reproduced values are synthetic: the verdict is a
        calibration check, never support (its label says so; the reason is the comparison).

    Returns
    -------
    Verdict
        ``consistent`` when every comparison holds, ``inconsistent`` when none does,
        ``indeterminate`` when they split or no value was reproduced.

    >>> get_verdict([{"published": "> 1,000", "reproduced": "739", "kind": "above",
    ...               "agrees": False, "label": "low end"},
    ...              {"published": "> 1,000", "reproduced": "1,960", "kind": "above",
    ...               "agrees": True, "label": "high end"}]).kind
    'indeterminate'
    """
    rows = list(rows)
    known = [r for r in rows if not pd.isna(r["agrees"])]
    if not known:
        kind = "indeterminate"
        reason = "the analysis reproduced no value to compare"
    else:
        held = [bool(r["agrees"]) for r in known]
        kind = "consistent" if all(held) else "inconsistent" if not any(held) else "indeterminate"
        name = _named if len(rows) > 1 else (lambda r: r["reproduced"])
        parts = [
            f"{name(r)} {_HOLDS[r['kind']][0 if r['agrees'] else 1]} {_bare(r['published'])}"
            for r in known
        ]
        reason = "; ".join(parts)
        if kind == "indeterminate":
            reason = "the reproduced values disagree among themselves: " + reason
        if len(known) < len(rows):
            reason += "; " + ", ".join(_named(r) for r in rows if pd.isna(r["agrees"]))
            reason += " not reproduced"
    return Verdict(kind, bool(synthetic), reason[0].upper() + reason[1:] + ".")


def _named(row: Mapping) -> str:
    """A reproduced figure with what it is: "739 containers (low end)"."""
    return row["reproduced"] + (f" ({row['label']})" if row.get("label") else "")


def _bare(published: str) -> str:
    """A published figure without its relation sign ("> 1,000" -> "1,000")."""
    for sign in ("≥ ", "≤ ", "> ", "< ", "≈ "):
        if published.startswith(sign):
            return published[len(sign) :]
    return published


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
                "reproduced": "; ".join(_named(r) for r in mine),
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


def to_display(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a claims table shows (plain text): claim, source [n], statement,
    published, reproduced, verdict (its label) and why."""
    return pd.DataFrame(
        {
            "source": [f"{s} [{r}]" for s, r in zip(table["source"], table["ref"])],
            "statement": table["statement"],
            "published": table["published"],
            "reproduced": table["reproduced"],
            "verdict": table["label"],
            "why": table["reason"],
        },
        index=table.index,
    )


def to_html(table: pd.DataFrame, name: str, caption: str):
    """Display an :func:`assess` table as a numbered report table.

    Each source cites its reference ("[n]", a link to the reference list); each verdict
    cell has the class ``verdict verdict-<kind>``, plus ``verdict-calibration`` for a
    calibration check, so the stylesheet shows calibration visibly apart. All text from
    data is escaped.
    """
    from IPython.display import HTML

    esc = html.escape
    head = ["claim", "source", "statement", "published", "reproduced", "verdict", "why"]
    body = []
    for cid, row in table.iterrows():
        cls = f"verdict verdict-{row['verdict']}" + (
            " verdict-calibration" if row["calibration"] else ""
        )
        body.append(
            f'<tr class="claim-row" data-claim="{esc(str(cid))}"><td>{esc(str(cid))}</td>'
            f"<td>{esc(row['source'])} {cite_html(row['ref'])}</td>"
            + "".join(
                f"<td>{esc(str(row[c]))}</td>" for c in ("statement", "published", "reproduced")
            )
            + f'<td class="{cls}">{esc(row["label"])}</td><td>{esc(row["reason"])}</td></tr>'
        )
    ident = re.sub(r"[^a-z0-9_]", "_", name.lower())
    return HTML(
        f'<div class="table-wrap"><table class="tumen-table claims-table" '
        f'id="tab-{ident}"><caption>{esc(caption)}</caption><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
    )


def cite_html(ref: int) -> str:
    """The citation of reference ``ref``: "[n]", linked to the reference list."""
    return f'<a class="cite" href="#ref-{int(ref)}">[{int(ref)}]</a>'


def record_verdicts(results, table: pd.DataFrame) -> None:
    """Record each verdict as ``verdict.<claim id>`` (value: its label; description: why),
    so the assembly knows which claims were tested and every claim keeps one verdict."""
    for cid, row in table.iterrows():
        results.record(f"verdict.{cid}", row["label"], "", row["reason"])


def record_not_tested(results, claims: pd.DataFrame, reasons: Mapping[str, str]) -> None:
    """Record why a claim a section could cite is not tested (``untested.<claim id>``).

    Parameters
    ----------
    reasons : mapping
        Claim id -> the reason in words, e.g. "reads back the parameter baseline_years,
        not an observation".
    """
    for cid, why in reasons.items():
        if cid not in claims.index:
            raise ParameterError(
                f"unknown claim {cid!r}",
                field=f"claims_not_tested.{cid}",
                hint=suggest(cid, claims.index) or "claim ids are in the claims file",
            )
        if not str(why).strip() or "\n" in str(why):
            raise ParameterError(
                f"the reason claim {cid!r} is not tested must be one line",
                field=f"claims_not_tested.{cid}",
            )
        results.record(f"untested.{cid}", str(why).strip(), "", "Why this claim is not tested")


def merge_sections(per_notebook: Mapping[str, Mapping[str, Mapping]]) -> dict[str, dict]:
    """Merge the results of each notebook (file stem -> records), each record gaining its
    ``notebook``; a claim with a verdict in two notebooks is an error: one claim, one
    verdict in the whole report.

    Raises
    ------
    ResultError
        Naming the claim and both notebooks.
    """
    merged: dict[str, dict] = {}
    for stem, records in per_notebook.items():
        for name, rec in records.items():
            if name.startswith("verdict.") and name in merged:
                raise ResultError(
                    f"claim {name[len('verdict.') :]!r} has a verdict in "
                    f"{merged[name]['notebook']} and in {stem}: one claim, one "
                    "verdict",
                    field=name,
                    hint="test each claim in one section only",
                )
            merged[name] = dict(rec, notebook=stem)
    return merged


#: Reason shown for a qualitative claim nobody tested.
QUALITATIVE = "qualitative: it states no figure a measurement could test"
#: Reason shown for a claim no section of the build accounts for (a test fails on it).
UNACCOUNTED = "no section of this build tests it"


def get_coverage(claims: pd.DataFrame, records: Mapping[str, Mapping]) -> pd.DataFrame:
    """Every claim, tested or not: its verdict, or why it is not tested.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`read_claims`.
    records : mapping
        All result records of the build (:func:`tumen.engine.results.load_all`): ``verdict.<id>``
        and ``untested.<id>``.

    Returns
    -------
    pandas.DataFrame
        Indexed by claim id in file order: ``source``, ``ref``, ``statement``, ``verdict``
        (label, or "" when not tested), ``section`` (the notebook), ``why_not`` (the
        recorded reason; :data:`QUALITATIVE` for a claim without a value; else
        :data:`UNACCOUNTED`).
    """
    rows = []
    for cid, claim in claims.iterrows():
        v = records.get(f"verdict.{cid}")
        u = records.get(f"untested.{cid}")
        why = (
            "" if v else u["value"] if u else QUALITATIVE if claim["value"] is None else UNACCOUNTED
        )
        rows.append(
            {
                "claim": cid,
                "source": claim["source"],
                "ref": int(claim["ref"]),
                "statement": claim["statement"],
                "verdict": v["value"] if v else "",
                "section": (v or u or {}).get("notebook", ""),
                "why_not": why,
            }
        )
    return pd.DataFrame(
        rows, columns=["claim", "source", "ref", "statement", "verdict", "section", "why_not"]
    ).set_index("claim")


def record_published(
    results, claims: pd.DataFrame, ids: Iterable[str], prefix: str = "claim"
) -> dict:
    """Record published claim values as results, so prose can cite them without typing them.

    Each claim becomes ``<prefix>.<id>`` with the claim's value and unit, its statement
    as the description and its reference number (prose citing it cites "[n]"); an interval
    is recorded as ``<prefix>.<id>_low`` / ``_high``.
    Claims without a value are skipped.

    Parameters
    ----------
    results : tumen.engine.results.Results
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
            raise ResultError(
                f"no claim {cid!r} in the claims table", field=cid, hint=suggest(cid, claims.index)
            )
        row = claims.loc[cid]
        value, unit = row["value"], row["unit"] or ""
        description = f"Published ({row['source']}, {row['published']}): {row['statement']}"
        if value is None:
            continue
        if isinstance(value, tuple):
            for part, v in zip(("low", "high"), value):
                name = f"{prefix}.{cid}_{part}"
                recorded[name] = results.record(name, v, unit, description, ref=int(row["ref"]))
        else:
            recorded[f"{prefix}.{cid}"] = results.record(
                f"{prefix}.{cid}", value, unit, description, ref=int(row["ref"])
            )
    return recorded
