"""Published claims: the room of the claims file, its references and what a section records
about the claims (the comparison and verdicts are :mod:`tumen.report.claims_compare`, the
claims table :mod:`tumen.report.claims_html`).

``data/claims.csv`` holds the figures public reporting published (one row a claim:
``id,source,published,statement,value,unit,citation`` and, optionally,
``author,title,url``). Each analysis maps some claim ids to the results it computed;
:func:`~tumen.report.claims_compare.compare` sets each published figure beside a
reproduced one, and :func:`~tumen.report.claims_compare.assess` gives every tested claim
exactly one verdict (:func:`~tumen.report.claims_verdict.get_verdict`) with its reason in
words, shown by :func:`~tumen.report.claims_html.to_html` in the section's claims table.
The publications behind the claims form the report's numbered reference list
(:func:`get_references`).

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

A section calls ``claims.read_claims``, ``claims.assess``, ``claims.record_*`` and
``claims.to_html``: :func:`assess`, :func:`compare`, :func:`get_verdict` and :func:`to_html`
are defined in those modules (and :mod:`tumen.report.claims_verdict`) and named here too:
one entry point for the sections.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from tumen.errors import DataError, ParameterError, ResultError, suggest
from tumen.report.claims_compare import assess, compare  # noqa: F401 - entry point
from tumen.report.claims_html import to_html  # noqa: F401 - entry point of the sections
from tumen.report.claims_verdict import get_verdict  # noqa: F401 - entry point
from tumen.report.tables import read_table

COLUMNS = ("id", "source", "published", "statement", "value", "unit", "citation")
#: Optional columns: the reference behind a claim (module docstring, "References").
REFERENCE_COLUMNS = ("author", "title", "publisher", "url")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PUBLISHED_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


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
