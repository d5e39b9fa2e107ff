"""Record every number a notebook cites, and render prose from those records.

A notebook opens its results file (the path is a parameter the runner injects), records
each number with a stable name, a unit and a one-line description, and writes its prose
through :meth:`Results.md`, which substitutes ``{name}`` placeholders with the recorded
values. No number in the report is typed by hand.

The file ``build/<variant>/results/<notebook>.json`` maps result names to records::

    {"rail.peak_railcars": {"value": 73, "unit": "railcars",
                            "description": "Highest count in any image"}}

>>> import tempfile, os
>>> res = Results(os.path.join(tempfile.mkdtemp(), "demo.json"))
>>> res.record("demo.peak", 73, "railcars", "Highest count in any image")
73
>>> render("Peak: {demo.peak} railcars.", res.records, html=False)
'Peak: 73 railcars.'
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import json
import math
import numbers
import os
import re
import string
from pathlib import Path
from typing import Any

from IPython.display import Markdown

from tumen import paths
from tumen.errors import ResultError

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_PLACEHOLDER = re.compile(
    r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?:!(u|ceil|floor))?(?::([^{}]*))?\}"
)
_DECIMALS = re.compile(r"\.(\d+)f$")
_XREF = re.compile(r"\{(fig|tab):([a-z0-9][a-z0-9_]*)\}")
_ANY_PLACEHOLDER = re.compile(
    "|".join([_PLACEHOLDER.pattern, r"\{([a-z][a-z0-9_]*)\}", _XREF.pattern])
)
_SCI = re.compile(r"^(-?\d+(?:\.\d+)?)e([+-]\d+)$")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~>-])")
_PUNCTUATION = frozenset(string.punctuation)


def _to_json_value(name: str, value: Any) -> Any:
    """Convert numpy/pandas scalars and dates to plain JSON values (dates as ISO strings)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()  # numpy scalar -> Python scalar
    if isinstance(value, bool):
        return value
    if hasattr(value, "isoformat"):
        if isinstance(value, _dt.datetime) or type(value).__name__ == "Timestamp":
            value = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
            if value.tzinfo is not None:
                value = value.astimezone(_dt.UTC).replace(tzinfo=None)
            if value.time() == _dt.time(0):
                return value.date().isoformat()
            return value.isoformat(timespec="seconds") + "Z"
        return value.isoformat()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ResultError(
                f"result {name!r} is {value}; record a finite number or None", field=name
            )
        return value
    raise ResultError(
        f"result {name!r} has unsupported type {type(value).__name__}",
        field=name,
        hint="record a number, a string, a bool, a date or None",
    )


class Results:
    """The result records of one notebook, kept in one JSON file.

    Parameters
    ----------
    path : str or pathlib.Path
        The JSON file; created (empty) when it does not exist.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.records: dict[str, dict] = load(self.path) if self.path.exists() else {}
        if not self.path.exists():
            self._write()

    def record(
        self, name: str, value: Any, unit: str, description: str, *, ref: int | None = None
    ) -> Any:
        """Record one result and return its value unchanged.

        Parameters
        ----------
        name : str
            Stable dotted name, lower case, e.g. ``"rail.peak_railcars"``.
        value : int, float, str, bool, date, datetime or None
            The number (numpy scalars and pandas timestamps are converted; dates are stored
            as ISO 8601 strings, UTC).
        unit : str
            Unit spelled out (``"railcars"``, ``"km"``, ``"1"`` for dimensionless).
        description : str
            One line saying what the number is.
        ref : int, optional
            For a published figure: the number of its reference (:mod:`tumen.report.claims`);
            prose citing it is followed by "[ref]", a link to the reference list.
        """
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ResultError(
                f"result name {name!r} is not dotted lower-case (e.g. 'rail.peak')", field=str(name)
            )
        if not description or "\n" in description:
            raise ResultError(f"result {name!r} needs a one-line description", field=name)
        self.records[name] = {
            "value": _to_json_value(name, value),
            "unit": str(unit),
            "description": str(description),
        }
        if ref is not None:
            self.records[name]["ref"] = int(ref)
        self._write()
        return value

    def recorder(self, prefix: str) -> tuple[dict, Any]:
        """``(out, rec)`` for a section's ``record_*`` function: ``rec(name, value, unit,
        description)`` records ``<prefix>.<name>``, keeps the value in the dict ``out``
        under ``name`` and returns it."""
        out: dict = {}

        def rec(name: str, value: Any, unit: str, description: str) -> Any:
            out[name] = self.record(f"{prefix}.{name}", value, unit, description)
            return out[name]

        return out, rec

    def __getitem__(self, name: str) -> Any:
        return self.records[name]["value"]

    def __contains__(self, name: str) -> bool:
        return name in self.records

    def md(self, template: str, **text):
        """Return an IPython Markdown object with ``{name}`` placeholders filled in.

        ``{name}`` gives the value, ``{name:,.1f}`` a formatted value, ``{name!u}`` the value
        followed by its unit. In the HTML report each value links to its record.
        ``{name!ceil:.0f}`` / ``{name!floor:.1f}`` round up / down at the precision shown,
        for a bound ("at most 25 hours" when the value is 24.1, "at least 4.3 knots" for
        4.37): a rounded bound must still hold.
        ``{fig:name}`` and ``{tab:name}`` become "Figure N" / "Table N" in the report.
        Words that come from data (a vessel or site name) go in as keyword arguments and
        ``{keyword}`` placeholders, never by formatting the template: they are shown as
        literal text, whatever markup they hold.

        >>> res.md("{vessel} called at {port}.", vessel=name, port=site)  # doctest: +SKIP
        """
        return Markdown(render(template, self.records, html=True, text=text))

    def _write(self) -> None:
        save(self.path, self.records)


def save(path: str | os.PathLike, records: dict) -> None:
    """Write records as sorted, indented JSON, atomically (:func:`tumen.paths.atomic_write`)."""
    paths.atomic_write(
        Path(path), json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


def load(path: str | os.PathLike) -> dict[str, dict]:
    """Read one results file; raise ``ResultError`` when it is not a results mapping."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultError(f"cannot read results: {exc}", file=path) from None
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and "value" in v for v in data.values()
    ):
        raise ResultError(
            "not a results file (expected name -> {value, unit, description})", file=path
        )
    return data


def load_linked(path: str | os.PathLike) -> dict[str, dict] | None:
    """Read another notebook's results file (a linked section); None when ``path`` is
    ``""`` or the file does not exist, ``ResultError`` when it is not a results file."""
    if not str(path) or not Path(path).is_file():
        return None
    return load(path)


def load_all(results_dir: str | os.PathLike) -> dict[str, dict]:
    """Read every ``*.json`` in a results folder; each record gains a ``notebook`` key."""
    merged: dict[str, dict] = {}
    for f in sorted(Path(results_dir).glob("*.json")):
        for name, rec in load(f).items():
            merged[name] = dict(rec, notebook=f.stem)
    return merged


def _round_bound(value: Any, how: str | None, spec: str, name: str) -> Any:
    """``value`` rounded up (``ceil``) or down (``floor``) to the decimals of ``spec``.

    >>> _round_bound(24.1, "ceil", ".0f", "x"), _round_bound(4.37, "floor", ".1f", "x")
    (25.0, 4.3)
    """
    if how not in ("ceil", "floor") or value is None:
        return value
    m = _DECIMALS.search(spec)
    if not m or isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResultError(
            f"!{how} of {name!r} needs a number and a fixed-point format such as :.0f", field=name
        )
    scale = 10 ** int(m.group(1))
    step = math.ceil if how == "ceil" else math.floor
    return step(round(value * scale, 9)) / scale


def format_value(value: Any, spec: str = "") -> str:
    """Format a result value for prose.

    Integers get thousands separators (``1,234``); floats get ``spec`` if given, else three
    significant figures without scientific notation for ordinary magnitudes; strings and
    dates are returned as they are.

    >>> format_value(1234), format_value(0.04567), format_value(1234.5), format_value(3.0)
    ('1,234', '0.0457', '1,234', '3')
    """
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError) as exc:
            raise ResultError(f"format {spec!r} does not apply to {value!r}: {exc}") from None
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0:
            return "0"
        mag = abs(value)
        if mag >= 1000:
            return f"{value:,.0f}"
        if mag < 1e-3:
            return f"{value:.2g}"
        text = f"{value:.3g}"
        return text
    return str(value)


def unit_text(unit: Any) -> str:
    """A unit as printed beside a value: "" for none and for the dimensionless "1".

    >>> unit_text("km"), unit_text("1"), unit_text(None)
    ('km', '', '')
    """
    return "" if unit in (None, "", "1") else str(unit)


def intro(title: str, background: str = "", level: int = 1):
    """A heading (shown literally, ``level`` 1 for a section) and the author's Markdown under it.

    The title is built from the data (a place name from the gazetteer); ``background`` is a
    notebook parameter, so the example's narrative is a default an author replaces.

    >>> intro("Rail traffic at <X>", "Counts *per image*.").data
    '# Rail traffic at &#60;X&#62;\\n\\nCounts *per image*.'
    """
    text = f"{'#' * level} {escape_text(title)}"
    return Markdown(text + (f"\n\n{background.strip()}" if background.strip() else ""))


def escape_text(text: Any) -> str:
    """Return ``text`` as Markdown that shows it literally: no HTML, emphasis or placeholder.

    >>> escape_text("<b>{x}</b>")
    '&#60;b&#62;&#123;x&#125;&#60;&#47;b&#62;'
    """
    # every ASCII punctuation mark as a character reference: Markdown (emphasis, links,
    # lists, $math$), HTML and {placeholders} all need punctuation to act
    return "".join(f"&#{ord(c)};" if c in _PUNCTUATION else c for c in " ".join(str(text).split()))


def _cited(records: dict[str, dict], name: str) -> dict:
    """The record prose cites as ``name``, or a ResultError naming what was recorded."""
    if name not in records:
        close = [n for n in records if n.split(".")[0] == name.split(".")[0]]
        raise ResultError(
            f"prose cites {name!r}, which was not recorded",
            field=name,
            hint=f"recorded here: {', '.join(sorted(close)[:5]) or 'none'}",
        )
    return records[name]


def _value_html(name: str, rec: dict, value: str, unit: str) -> str:
    """A cited value as the report shows it: a ``span.result`` naming its result."""
    # words (string values, units) are shown literally; numbers need no escaping
    safe = _html.escape(value, quote=False)
    if isinstance(rec["value"], str):  # no Markdown either ($ starts math in nbconvert)
        safe = _MD_SPECIAL.sub(r"\\\1", safe).replace("$", "&#36;")
    sci = None if unit else _SCI.match(value)
    if sci:  # 1.2e-09 -> 1.2 × 10⁻⁹ (as HTML superscript)
        safe = f"{sci.group(1)} × 10<sup>{int(sci.group(2))}</sup>".replace("<sup>-", "<sup>−")
    safe += f" {escape_text(unit)}" if unit else ""
    shown = f" [{unit_text(rec.get('unit'))}]" if unit_text(rec.get("unit")) else ""
    title = _html.escape(f"{name}: {rec.get('description', '')}{shown}", quote=True)
    return f'<span class="result" data-result="{name}" title="{title}">{safe}</span>'


def render(
    template: str,
    records: dict[str, dict],
    *,
    html: bool = True,
    text: dict[str, Any] | None = None,
) -> str:
    """Fill ``{name}``, ``{name:spec}`` and ``{name!u}`` placeholders from result records.

    Parameters
    ----------
    template : str
        Markdown prose with placeholders; any other braces are left alone.
    records : dict
        Result records, name -> ``{"value", "unit", "description"}``.
    html : bool
        Wrap each value in ``<span class="result" data-result=name title=...>`` so the
        report can show where it comes from; values that are strings are escaped. A
        published figure (a record with a ``ref``) is followed by its citation "[n]",
        once per sentence.
    text : dict, optional
        Words from data for ``{keyword}`` placeholders (a bare name, no dot), inserted
        as literal text (escaped with :func:`escape_text` when ``html``).

    Raises
    ------
    ResultError
        When a placeholder names a result that was not recorded.
    """
    words = text or {}
    cited = {"ref": None, "end": 0}  # the last citation: one per reference and sentence

    def cite(rec: dict, m: re.Match) -> str:
        """ "[n]" after a published figure, unless the same sentence just cited it."""
        ref = rec.get("ref")
        if not html or ref is None:
            return ""
        between = template[cited["end"] : m.start()]
        if cited["ref"] == ref and not re.search(r"[.;]\s", between):
            return ""
        cited.update(ref=ref, end=m.end())
        return f' <a class="cite" href="#ref-{int(ref)}">[{int(ref)}]</a>'

    def sub(m: re.Match) -> str:
        if m.group(5) is not None:  # {fig:name}: the assembly makes the text "Figure 3"
            kind = "Figure" if m.group(5) == "fig" else "Table"
            return f'<a class="xref" href="#{m.group(5)}-{m.group(6)}">{kind}</a>' if html else kind
        if m.group(4) is not None:  # {keyword}: a word from data
            if m.group(4) not in words:
                return m.group(0)
            return escape_text(words[m.group(4)]) if html else str(words[m.group(4)])
        name, with_unit, spec = m.group(1), m.group(2), m.group(3) or ""
        rec = _cited(records, name)
        value = format_value(_round_bound(rec["value"], with_unit, spec, name), spec)
        unit = unit_text(rec.get("unit")) if with_unit == "u" else ""
        if not html:
            return f"{value} {unit}" if unit else value
        return _value_html(name, rec, value, unit) + cite(rec, m)

    return _ANY_PLACEHOLDER.sub(sub, template)  # one pass: inserted text is never re-read
