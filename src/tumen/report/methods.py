"""The methods box that opens each analysis section: what was observed, how, by which rule.

Each analysis section (rail, shuttle, route) opens with a short box of three to six lines:
what was observed, by whom or by which sensor, at what resolution or reception, and with
what counting or detection rule. Its lines are templates like any other prose of the report
(:func:`tumen.engine.results.render`): every number is a recorded result, so it links to its
provenance row, and every word taken from data (a provider, a file name) goes in as a
keyword and is shown literally. This module only lays the lines out; the functions that
choose them live beside each section's other prose (:func:`tumen.analyses.rail.methods.describe_methods`,
:func:`tumen.analyses.shuttle.methods.describe_methods`, :func:`tumen.analyses.route.methods.describe_methods`).

The box is Markdown holding an HTML skeleton (``<aside class="methods">`` with a definition
list), so the report's Markdown renderer fills each ``<dd>`` and the stylesheet
(``templates/report.css``, ``aside.methods``) keeps it compact and on one page.

>>> box = Box((("Observed", "{demo.n} images"), ("Rule", "more than {demo.k} is {word}"),
...            ("Source", "one provider")), {"word": "elevated"})
>>> box.lines({"demo.n": {"value": 3, "unit": "images", "description": "d"},
...            "demo.k": {"value": 2, "unit": "", "description": "d"}})[:2]
['Observed: 3 images', 'Rule: more than 2 is elevated']
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from IPython.display import Markdown

from tumen.engine.results import render
from tumen.errors import ResultError

#: Fewest and most lines a methods box may hold.
MIN_LINES, MAX_LINES = 3, 6
#: Class of the box's element in the report (the stylesheet and the tests use it).
CSS_CLASS = "methods"


@dataclass(frozen=True)
class Box:
    """The lines of one methods box.

    Parameters
    ----------
    rows : tuple of (str, str)
        ``(label, template)`` pairs in display order; the label is plain text ("Observed",
        "Rule"), the template prose with ``{result.name}`` and ``{keyword}`` placeholders.
    text : mapping of str to str
        Words from data for the ``{keyword}`` placeholders, shown literally.

    Raises
    ------
    ResultError
        When the box has fewer than 3 or more than 6 rows, or a row has no label or text.
    """

    rows: tuple[tuple[str, str], ...]
    text: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not MIN_LINES <= len(self.rows) <= MAX_LINES:
            raise ResultError(
                f"a methods box holds {MIN_LINES} to {MAX_LINES} lines, not {len(self.rows)}"
            )
        for label, template in self.rows:
            if not str(label).strip() or not str(template).strip():
                raise ResultError(f"methods line {label!r} needs a label and a text")

    def lines(self, records: Mapping[str, dict]) -> list[str]:
        """The box as plain text, one ``"Label: text"`` per line (numbers without links)."""
        return [
            f"{label}: {render(t, dict(records), html=False, text=dict(self.text))}"
            for label, t in self.rows
        ]

    def to_markdown(self, records: Mapping[str, dict]) -> str:
        """The box as Markdown: an ``<aside class="methods">`` holding a definition list.

        Each line's text is a Markdown paragraph between blank lines inside its ``<dd>``,
        so numbers become links to their provenance like the rest of the prose.
        """
        out = [
            f'<aside class="{CSS_CLASS}" aria-label="Methods">',
            '<p class="methods-title">Methods</p>',
            "<dl>",
        ]
        for label, template in self.rows:
            line = render(template, dict(records), html=True, text=dict(self.text))
            out += [
                f"<dt>{html.escape(str(label))}</dt>",
                "<dd>",
                "",
                " ".join(line.split()),
                "",
                "</dd>",
            ]
        return "\n".join(out + ["</dl>", "</aside>"])


def show(res, box: Box):
    """Return the box as an IPython Markdown object (the notebook cell's output).

    Parameters
    ----------
    res : tumen.engine.results.Results
        The notebook's results: the records the box's templates cite.
    box : Box
        The lines.
    """
    return Markdown(box.to_markdown(res.records))


def distinct_words(values: Iterable) -> list[str]:
    """The distinct non-empty texts among ``values`` (blanks collapsed), sorted.

    >>> distinct_words(["B", "", None, "A", "B", float("nan")])
    ['A', 'B']
    """
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        word = " ".join(str(v).split())
        if word and word not in out:
            out.append(word)
    return sorted(out)


def get_range(values: Iterable) -> tuple[float, float] | None:
    """``(smallest, largest)`` of the finite numbers among ``values``; None when there is none.

    >>> get_range([0.5, float("nan"), 0.3]), get_range([float("nan")])
    ((0.3, 0.5), None)
    """
    finite = [
        float(v)
        for v in values
        if v is not None and not isinstance(v, str) and math.isfinite(float(v))
    ]
    return (min(finite), max(finite)) if finite else None


def record_range(res, name: str, values: Iterable, unit: str, what: str) -> bool:
    """Record ``<name>_min_<unit>`` and ``<name>_max_<unit>`` of ``values``; False when empty.

    Parameters
    ----------
    res : tumen.engine.results.Results
        Where to record.
    name : str
        Dotted stem, e.g. ``"rail.gsd"``.
    values : iterable of float
        The numbers (NaN and None are skipped).
    unit : str
        Unit, also the last part of the names (``"m"``).
    what : str
        What the numbers are, for the descriptions ("ground sample distance of the images").
    """
    span = get_range(values)
    if span is None:
        return False
    res.record(f"{name}_min_{unit}", span[0], unit, f"Smallest {what}")
    res.record(f"{name}_max_{unit}", span[1], unit, f"Largest {what}")
    return True
