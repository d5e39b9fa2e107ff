"""Load and validate the build parameters (``params.yaml`` or a variant of it).

The file has one ``report`` section (title, variant, the notebooks in order, ...) and one
section per notebook, named after the notebook without its number prefix
(``notebooks/01_rail_traffic.ipynb`` → ``rail_traffic``). A notebook's section may set only
the parameters its ``parameters`` cell declares, with the same types; every path must
exist (the rules of values: :mod:`tumen.engine.params_check`). Validation happens before
any notebook runs, and every mistake is reported as one line naming the file, line and key.

>>> cfg = load("params.yaml")                                    # doctest: +SKIP
>>> [nb.name for nb in cfg.notebooks]                            # doctest: +SKIP
['rail_traffic', 'vessel_shuttle', 'route_to_depot']
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tumen import paths
from tumen.engine import links, params_check
from tumen.errors import ParameterError, suggest

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
#: Parameters naming an input file or folder (checked to exist; a dependency of the notebook).
PATH_KEY_RE = re.compile(r"(_csv|_path|_file|_dir|_yaml|_json|_geojson|_nmea|_parquet|_glob)$")
#: Parameters that link a notebook to another notebook's results: :data:`tumen.engine.links.LINK_KEY_RE`.
LINK_KEY_RE = links.LINK_KEY_RE


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
            hint=suggest(name, [n.name for n in self.notebooks]),
        )


def short_name(stem: str) -> str:
    """Return a notebook's short name: the file stem without its ``NN_`` prefix.

    >>> short_name("02_vessel_shuttle")
    'vessel_shuttle'
    """
    return re.sub(r"^\d+[_-]", "", stem)


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
    text = _read(source, root)
    data = parse_yaml(text, source, ParameterError)
    if not isinstance(data, dict):
        raise ParameterError("expected a mapping of sections", file=source, line=1)

    def where(key: str) -> dict:
        key = str(key)
        return {"file": source, "line": params_check.line_of(text, key), "field": key}

    report = _report_section(data.get("report") or {}, root, where)
    stems = [str(s) for s in report["notebooks"]]
    names = [short_name(s) for s in stems]
    if len(set(names)) != len(names):
        raise ParameterError("a notebook is listed twice", **where("report.notebooks"))
    for key in data:
        if key != "report" and key not in names:
            raise ParameterError(
                f"section {key!r} matches no notebook in report.notebooks",
                **where(key),
                hint=suggest(key, names),
            )
    linked: list = []  # (reader, producer, where) of each link between notebooks of the build
    notebooks = [
        _notebook(report, stems, i, data.get(short_name(stem)) or {}, root, where, linked)
        for i, stem in enumerate(stems, start=1)
    ]
    links.check_no_cycle(linked)
    return Config(source=source, report=report, notebooks=tuple(notebooks))


def _read(source: Path, root: Path) -> str:
    """The text of a parameters file (relative to ``root``), or a ParameterError."""
    try:
        return (source if source.is_absolute() else root / source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"cannot read parameters: {exc.strerror}", file=source) from None
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"byte 0x{exc.object[exc.start]:02x} is not UTF-8",
            file=source,
            line=exc.object[: exc.start].count(b"\n") + 1,
            hint="save the file as UTF-8",
        ) from None


def _report_section(given: Any, root: Path, where) -> dict[str, Any]:
    """The ``report`` section checked and completed with the defaults of :data:`REPORT_KEYS`
    (``where``: key -> file, line and field for an error)."""
    report = dict((k, v[1]) for k, v in REPORT_KEYS.items())
    if not isinstance(given, dict):
        raise ParameterError("section 'report' must be a mapping", **where("report"))
    for key, value in given.items():
        if key not in REPORT_KEYS:
            raise ParameterError(
                f"unknown key {key!r}", **where(f"report.{key}"), hint=suggest(key, REPORT_KEYS)
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
    params_check.check_path(report["notebook_dir"], where("report.notebook_dir"), root)
    if report["judgments_yaml"]:
        params_check.check_path(report["judgments_yaml"], where("report.judgments_yaml"), root)
    if report["timeline"] or report["events"]:
        try:
            params_check.check_spec(report["timeline"])
            params_check.check_events(report["events"])
        except ParameterError as exc:
            at = where(exc.field.split("[")[0])
            raise ParameterError(
                exc.message, file=at["file"], line=at["line"], field=exc.field, hint=exc.hint
            ) from None
    return report


def _notebook(
    report: dict, stems: list[str], index: int, section: Any, root: Path, where, linked: list
) -> Notebook:
    """Notebook ``index`` (1-based) of the report with its checked parameter slice; its links
    to other notebooks of the build are added to ``linked`` as ``(reader, producer, where)``."""
    stem = stems[index - 1]
    name = short_name(stem)
    nb_dir = root / report["notebook_dir"]
    nb_path = nb_dir / f"{stem}.ipynb"
    if not nb_path.exists():
        raise ParameterError(
            f"notebook {stem!r} not found in {report['notebook_dir']}/",
            **where("report.notebooks"),
            hint=suggest(stem, [p.stem for p in nb_dir.glob("*.ipynb")]),
        )
    declared = declared_parameters(nb_path)
    if not isinstance(section, dict):
        raise ParameterError(f"section {name!r} must be a mapping", **where(name))
    for key, value in section.items():
        _check_key(stem, name, key, value, declared, where)
    merged = {k: v for k, v in declared.items() if k not in INJECTED}
    merged.update(section)
    for key, value in merged.items():
        at = (
            where(f"{name}.{key}")
            if key in section
            else {"file": nb_path.relative_to(root), "line": None, "field": key}
        )
        if PATH_KEY_RE.search(key):
            params_check.check_path(value, at, root)
        elif LINK_KEY_RE.search(key) and isinstance(value, str) and value:
            merged[key] = params_check.check_link(
                value.replace("{variant}", report["variant"]), at, root
            )
            results = paths.variant_dirs(report["variant"]).results
            linked += [(stem, s, at) for s in stems if Path(merged[key]) == results / f"{s}.json"]
    return Notebook(
        stem=stem,
        name=name,
        path=nb_path.relative_to(root),
        index=index,
        total=len(stems),
        params=merged,
        declared=declared,
    )


def _check_key(stem: str, name: str, key: str, value: Any, declared: dict, where) -> None:
    """A key of a notebook's section must be a parameter it declares, with its type."""
    if key in INJECTED:
        raise ParameterError(
            f"{key!r} is set by the runner, not by parameters", **where(f"{name}.{key}")
        )
    if key not in declared:
        raise ParameterError(
            f"unknown parameter {key!r} for notebook {stem}",
            **where(f"{name}.{key}"),
            hint=suggest(key, [d for d in declared if d not in INJECTED])
            or f"declared: {', '.join(sorted(set(declared) - set(INJECTED)))}",
        )
    if not params_check.type_ok(declared[key], value):
        raise ParameterError(
            f"expected {type(declared[key]).__name__} (like the default "
            f"{declared[key]!r}), got {type(value).__name__}",
            **where(f"{name}.{key}"),
            hint=f"write a {type(declared[key]).__name__} value, e.g. {declared[key]!r}",
        )


def dump_slice(values: dict[str, Any]) -> str:
    """Serialise a parameter slice canonically (sorted keys), for the per-notebook stamp files."""
    return yaml.safe_dump(values, sort_keys=True, allow_unicode=True, default_flow_style=False)
