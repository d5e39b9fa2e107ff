"""Load and validate the build parameters (``params.yaml`` or a variant of it).

The file has one ``report`` section (title, variant, the notebooks in order, ...) and one
section per notebook, named after the notebook without its number prefix
(``notebooks/01_rail_traffic.ipynb`` → ``rail_traffic``). A notebook's section may set only
the parameters its ``parameters`` cell declares, with the same types; every path must
exist. Validation happens before any notebook runs, and every mistake is reported as one
line naming the file, line and key.

>>> cfg = load("params.yaml")                                    # doctest: +SKIP
>>> [nb.name for nb in cfg.notebooks]                            # doctest: +SKIP
['rail_traffic', 'vessel_shuttle', 'route_to_depot']
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tumen import paths
from tumen.engine import links
from tumen.errors import ParameterError

#: Parameters the runner injects (results_path always; the others where a notebook declares
#: them); a params file may not set them. tables_dir: data tables for reviewers (CSV), installed
#: beside the results in build/<variant>/results/.
INJECTED = ("results_path", "figures_dir", "tables_dir", "variant", links.LINKS_DIR)

#: Keys of the ``report`` section: name -> (type, default, help).
REPORT_KEYS: dict[str, tuple[type | tuple, Any, str]] = {
    "title": (str, "Untitled report", "title on the first page and in the running header"),
    "subtitle": (str, "", "line under the title"),
    "authors": (list, [], "author names, in order"),
    "variant": (
        str,
        "default",
        "output folder name: build/<variant>, figures/<variant>, report/<variant>",
    ),
    "notebook_dir": (str, "notebooks", "folder holding the notebooks"),
    "notebooks": (
        list,
        [],
        "notebook file stems in report order; each runs after the notebooks it links to",
    ),
    "show_code": (bool, False, "show code cells in the report"),
    "abstract": (str, "", "Markdown paragraph under the title (no numbers: cite results instead)"),
    "judgments_yaml": (
        str,
        "",
        "register of key judgments shown in the report's opening "
        '(tumen.report.judgments); "": none',
    ),
    "aliases": (
        dict,
        {},
        "other names of places (name -> other name), given once in brackets "
        "where the text first names the place",
    ),
    "timeline": (
        list,
        [],
        "lanes of the opening timeline: [{lane, items: [{at, to, label}], "
        "claims}] naming dated results (tumen.report.timeline); []: no timeline",
    ),
    "events": (list, [], "dated context on the timeline: [{date, label, source}]"),
}

_VARIANT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: A value that starts with a date (YYYY-MM-DD).
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_PATH_KEY_RE = re.compile(r"(_csv|_path|_file|_dir|_yaml|_json|_geojson|_nmea|_parquet|_glob)$")
#: Parameters that link a notebook to another notebook's results (``shuttle_results:
#: build/{variant}/results/02_vessel_shuttle.json``): ``{variant}`` becomes the build's
#: variant, ``""`` means not linked. The producing notebook runs first
#: (:func:`tumen.engine.links.execution_order`) and a rerun of it reruns the reader
#: (:func:`tumen.engine.plan.makefile`); links may not form a cycle.
LINK_KEY_RE = re.compile(r"_results$")


@dataclass(frozen=True)
class Notebook:
    """One notebook of the report: its file, its position and its parameter slice."""

    stem: str  # "01_rail_traffic"
    name: str  # "rail_traffic" (section key and progress-line name)
    path: Path  # notebook file, relative to the project root
    index: int  # 1-based position in the report
    total: int  # number of notebooks in the report
    params: dict[str, Any] = field(default_factory=dict)
    declared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """Validated parameters of one build variant."""

    source: Path
    report: dict[str, Any]
    notebooks: tuple[Notebook, ...]

    @property
    def variant(self) -> str:
        return self.report["variant"]

    @property
    def dirs(self) -> paths.VariantDirs:
        return paths.variant_dirs(self.variant)

    def producer(self, results_file: str) -> Notebook | None:
        """Return the notebook of this build whose results file is ``results_file``."""
        for nb in self.notebooks:
            if Path(results_file) == self.dirs.results / f"{nb.stem}.json":
                return nb
        return None

    def notebook(self, name: str) -> Notebook:
        """Return the notebook called ``name`` (short name or file stem)."""
        for nb in self.notebooks:
            if name in (nb.name, nb.stem):
                return nb
        raise ParameterError(
            f"no notebook {name!r} in report.notebooks",
            file=self.source,
            field="report.notebooks",
            hint=_suggest(name, [n.name for n in self.notebooks]),
        )


def short_name(stem: str) -> str:
    """Return a notebook's short name: the file stem without its ``NN_`` prefix.

    >>> short_name("02_vessel_shuttle")
    'vessel_shuttle'
    """
    return re.sub(r"^\d+[_-]", "", stem)


def _suggest(word: str, options) -> str | None:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _line_of(text: str, dotted: str) -> int | None:
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


def parse_yaml(text: str, source, error: type = ParameterError):
    """Parse YAML safely; a syntax error becomes ``error`` naming the file and line."""
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise error(
            f"not valid YAML: {problem}",
            file=source,
            line=mark.line + 1 if mark else None,
            hint="check the indentation and quoting on this line",
        ) from None


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Return the parameters a notebook declares in its cell tagged ``parameters``.

    Parameters
    ----------
    notebook : pathlib.Path
        The ``.ipynb`` file.

    Returns
    -------
    dict
        Name -> default value (literals only: numbers, strings, lists, dicts, None).
    """
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"cannot read notebook: {exc}", file=notebook) from None
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out: dict[str, Any] = {}
            for node in ast.parse(src).body:
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            try:
                                out[t.id] = ast.literal_eval(node.value)
                            except ValueError:
                                raise ParameterError(
                                    f"parameter {t.id!r} default is not a literal",
                                    file=notebook,
                                    line=node.lineno,
                                    field=t.id,
                                ) from None
            return out
    raise ParameterError(
        "notebook has no cell tagged 'parameters'",
        file=notebook,
        hint="tag the first code cell 'parameters' (View > Cell Toolbar > Tags)",
    )


def _type_ok(default: Any, value: Any) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


def _check_path(value: Any, where: dict, root: Path) -> None:
    """Check that a path-like parameter exists and stays inside the project."""
    values = value if isinstance(value, list) else [value]
    for v in values:
        if not isinstance(v, str) or not v:  # "": an optional file not given
            continue
        p = _check_path_inside(v, where, root)
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
                hint=_suggest(
                    Path(v).name, [q.name for q in p.parent.glob("*")] if p.parent.exists() else []
                )
                or "give a path relative to the project root",
            )


def _check_link(value: str, where: dict, root: Path) -> str:
    """Check a linked-results parameter (see :data:`LINK_KEY_RE`); return the path.

    It must stay inside the project and name a ``.json`` file. A file that no notebook of
    the build writes need not exist: the reading notebook says the link is missing. Links
    between notebooks of the build may not form a cycle (:func:`tumen.engine.links.check_no_cycle`).
    """
    _check_path_inside(value, where, root)
    if not value.endswith(".json"):
        raise ParameterError(
            f"linked results {value!r} is not a results file (.json)",
            **where,
            hint="e.g. build/{variant}/results/02_vessel_shuttle.json",
        )
    return value


def _check_path_inside(value: str, where: dict, root: Path) -> Path:
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


def load(path: str | Path, *, root: Path | None = None) -> Config:
    """Load, validate and return the parameters of one build variant.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file (``params.yaml`` or a variant).
    root : pathlib.Path, optional
        Project root that relative paths refer to; defaults to :func:`tumen.paths.root`.

    Raises
    ------
    ParameterError
        On any unknown key (with a suggestion), wrong type, missing notebook or path.
    """
    root = (root or paths.root()).resolve()
    source = Path(path)
    try:
        text = (source if source.is_absolute() else root / source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"cannot read parameters: {exc.strerror}", file=source) from None
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"byte 0x{exc.object[exc.start]:02x} is not UTF-8",
            file=source,
            line=exc.object[: exc.start].count(b"\n") + 1,
            hint="save the file as UTF-8",
        ) from None
    data = parse_yaml(text, source, ParameterError)
    if not isinstance(data, dict):
        raise ParameterError("expected a mapping of sections", file=source, line=1)

    def where(key: str) -> dict:
        key = str(key)
        return {"file": source, "line": _line_of(text, key), "field": key}

    report = dict((k, v[1]) for k, v in REPORT_KEYS.items())
    given = data.get("report") or {}
    if not isinstance(given, dict):
        raise ParameterError("section 'report' must be a mapping", **where("report"))
    for key, value in given.items():
        if key not in REPORT_KEYS:
            raise ParameterError(
                f"unknown key {key!r}", **where(f"report.{key}"), hint=_suggest(key, REPORT_KEYS)
            )
        typ = REPORT_KEYS[key][0]
        if not isinstance(value, typ) or (typ is not bool and isinstance(value, bool)):
            raise ParameterError(
                f"expected {typ.__name__}, got {type(value).__name__}",
                **where(f"report.{key}"),
                hint=f"write a {typ.__name__} value",
            )
        report[key] = value
    if not _VARIANT_RE.match(report["variant"]):
        raise ParameterError(
            f"variant {report['variant']!r} is not a plain folder name",
            **where("report.variant"),
            hint="letters, digits, '-', '_', '.'",
        )
    nb_dir = root / report["notebook_dir"]
    _check_path(report["notebook_dir"], where("report.notebook_dir"), root)
    if report["judgments_yaml"]:
        _check_path(report["judgments_yaml"], where("report.judgments_yaml"), root)
    if report["timeline"] or report["events"]:
        try:
            check_spec(report["timeline"])
            check_events(report["events"])
        except ParameterError as exc:
            key = exc.field.split("[")[0]
            raise ParameterError(
                exc.message, file=source, line=_line_of(text, key), field=exc.field, hint=exc.hint
            ) from None

    stems = [str(s) for s in report["notebooks"]]
    names = [short_name(s) for s in stems]
    if len(set(names)) != len(names):
        raise ParameterError("a notebook is listed twice", **where("report.notebooks"))
    for key in data:
        if key != "report" and key not in names:
            raise ParameterError(
                f"section {key!r} matches no notebook in report.notebooks",
                **where(key),
                hint=_suggest(key, names),
            )

    notebooks, linked = [], []  # linked: (reader, producer, where) of each link in the build
    for i, (stem, name) in enumerate(zip(stems, names), start=1):
        nb_path = nb_dir / f"{stem}.ipynb"
        if not nb_path.exists():
            raise ParameterError(
                f"notebook {stem!r} not found in {report['notebook_dir']}/",
                **where("report.notebooks"),
                hint=_suggest(stem, [p.stem for p in nb_dir.glob("*.ipynb")]),
            )
        declared = declared_parameters(nb_path)
        section = data.get(name) or {}
        if not isinstance(section, dict):
            raise ParameterError(f"section {name!r} must be a mapping", **where(name))
        for key, value in section.items():
            if key in INJECTED:
                raise ParameterError(
                    f"{key!r} is set by the runner, not by parameters", **where(f"{name}.{key}")
                )
            if key not in declared:
                raise ParameterError(
                    f"unknown parameter {key!r} for notebook {stem}",
                    **where(f"{name}.{key}"),
                    hint=_suggest(key, [d for d in declared if d not in INJECTED])
                    or f"declared: {', '.join(sorted(set(declared) - set(INJECTED)))}",
                )
            if not _type_ok(declared[key], value):
                raise ParameterError(
                    f"expected {type(declared[key]).__name__} (like the default "
                    f"{declared[key]!r}), got {type(value).__name__}",
                    **where(f"{name}.{key}"),
                    hint=f"write a {type(declared[key]).__name__} value, e.g. {declared[key]!r}",
                )
        merged = {k: v for k, v in declared.items() if k not in INJECTED}
        merged.update(section)
        for key, value in merged.items():
            at = (
                where(f"{name}.{key}")
                if key in section
                else {"file": nb_path.relative_to(root), "line": None, "field": key}
            )
            if _PATH_KEY_RE.search(key):
                _check_path(value, at, root)
            elif LINK_KEY_RE.search(key) and isinstance(value, str) and value:
                merged[key] = _check_link(value.replace("{variant}", report["variant"]), at, root)
                results = paths.variant_dirs(report["variant"]).results
                linked += [
                    (stem, s, at) for s in stems if Path(merged[key]) == results / f"{s}.json"
                ]
        notebooks.append(
            Notebook(
                stem=stem,
                name=name,
                path=nb_path.relative_to(root),
                index=i,
                total=len(stems),
                params=merged,
                declared=declared,
            )
        )
    links.check_no_cycle(linked)
    return Config(source=source, report=report, notebooks=tuple(notebooks))


def dump_slice(values: dict[str, Any]) -> str:
    """Serialise a parameter slice canonically (sorted keys), for the per-notebook stamp files."""
    return yaml.safe_dump(values, sort_keys=True, allow_unicode=True, default_flow_style=False)
