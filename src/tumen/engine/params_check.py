"""Check parameter values: the room of the rules a value of ``params.yaml`` must follow.

A notebook parameter's value has the type of its default; a path exists and stays inside
the project; a linked-results path names the results of a notebook that runs earlier; the
``timeline`` and ``events`` report parameters have their shape. Each check raises
:class:`~tumen.errors.ParameterError` naming the key (``where``: file, line and field);
:func:`tumen.engine.params.load` runs them all before any notebook runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tumen.errors import ParameterError, suggest

#: A value that starts with a date (YYYY-MM-DD).
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def line_of(text: str, dotted: str) -> int | None:
    """Best-effort 1-based line number of a (possibly nested) key in YAML text."""
    keys = dotted.split(".")
    line_no, depth_indent = None, -1
    lines = text.splitlines()
    start = 0
    for key in keys:
        pat = re.compile(rf"^(\s*){re.escape(key)}\s*:")
        for i in range(start, len(lines)):
            m = pat.match(lines[i])
            if m and len(m.group(1)) > depth_indent:
                line_no, depth_indent, start = i + 1, len(m.group(1)), i + 1
                break
        else:
            return line_no
    return line_no


def type_ok(default: Any, value: Any) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


def check_path(value: Any, where: dict, root: Path) -> None:
    """Check that a path-like parameter exists and stays inside the project."""
    values = value if isinstance(value, list) else [value]
    for v in values:
        if not isinstance(v, str) or not v:  # "": an optional file not given
            continue
        p = check_path_inside(v, where, root)
        if "*" in v:
            if not list(root.glob(v)):
                raise ParameterError(
                    f"pattern {v!r} matches no file",
                    **where,
                    hint="check the folder and the pattern",
                )
        elif not p.exists():
            raise ParameterError(
                f"path {v!r} does not exist",
                **where,
                hint=suggest(
                    Path(v).name, [q.name for q in p.parent.glob("*")] if p.parent.exists() else []
                )
                or "give a path relative to the project root",
            )


def check_link(value: str, where: dict, root: Path) -> str:
    """Check a linked-results parameter (see :data:`LINK_KEY_RE`); return the path.

    It must stay inside the project and name a ``.json`` file. A file that no notebook of
    the build writes need not exist: the reading notebook says the link is missing. Links
    between notebooks of the build may not form a cycle (:func:`tumen.engine.links.check_no_cycle`).
    """
    check_path_inside(value, where, root)
    if not value.endswith(".json"):
        raise ParameterError(
            f"linked results {value!r} is not a results file (.json)",
            **where,
            hint="e.g. build/{variant}/results/02_vessel_shuttle.json",
        )
    return value


def check_path_inside(value: str, where: dict, root: Path) -> Path:
    """Return the resolved path of ``value`` (relative to ``root``); raise when it is
    unusable or outside the project."""
    try:
        p = (root / value).resolve()
        p.exists()
    except (ValueError, OSError) as exc:  # NUL byte, name too long, ...
        raise ParameterError(
            f"path {value!r} is not a usable file name",
            **where,
            hint=f"give a path relative to the project root "
            f"({getattr(exc, 'strerror', None) or exc})",
        ) from None
    try:
        p.relative_to(root)
    except ValueError:
        raise ParameterError(
            f"path {value!r} is outside the project",
            **where,
            hint="use a path relative to the project root",
        ) from None
    return p


def check_spec(spec, *, where: str = "report.timeline") -> list[dict]:
    """Check the ``timeline`` report parameter (:mod:`tumen.report.timeline`); return it.

    >>> check_spec([{"lane": "Rail", "items": [{"at": "rail.peak_date", "label": "peak"}]}])
    [{'lane': 'Rail', 'items': [{'at': 'rail.peak_date', 'label': 'peak'}]}]
    """
    if not isinstance(spec, list):
        raise ParameterError(
            "the timeline must be a list of lanes",
            field=where,
            hint='e.g. [{lane: "Rail", items: [{at: rail.peak_date, label: peak}]}]',
        )
    for i, lane in enumerate(spec):
        at = f"{where}[{i}]"
        if (
            not isinstance(lane, dict)
            or not isinstance(lane.get("lane"), str)
            or not isinstance(lane.get("items", []), list)
            or set(lane) - {"lane", "items", "claims"}
        ):
            raise ParameterError(
                "a timeline lane needs a name (lane) and a list of items",
                field=at,
                hint="keys: lane, items, claims (true: the lane of the published statements)",
            )
        for j, item in enumerate(lane.get("items", [])):
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("at"), str)
                or not isinstance(item.get("label"), str)
                or set(item) - {"at", "to", "label"}
            ):
                raise ParameterError(
                    "a timeline item needs at (a result name), label and "
                    "optionally to (a result name)",
                    field=f"{at}.items[{j}]",
                )
    return spec


def check_events(events, *, where: str = "report.events") -> list[dict]:
    """Check the ``events`` parameter: dated context marks with their source."""
    if not isinstance(events, list):
        raise ParameterError("events must be a list", field=where)
    for i, e in enumerate(events):
        ok = (
            isinstance(e, dict)
            and set(e) <= {"date", "label", "source"}
            and isinstance(e.get("label"), str)
            and isinstance(e.get("source"), str)
            and DATE_RE.match(str(e.get("date", "")))
        )
        if not ok:
            raise ParameterError(
                "an event needs date (YYYY-MM-DD), label and source",
                field=f"{where}[{i}]",
                hint='e.g. {date: "2023-01-31", label: "Talks", source: "Agency, 31 January 2023"}',
            )
    return events
