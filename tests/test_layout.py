"""The package layout holds: rooms import one way, modules and functions stay small, tests use
only public names, ``__init__.py`` files stay empty (see ``docs/architecture.md``).

The rules are read from the source with :mod:`ast`, so they hold for every import, including
one inside a function body.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tumen import paths

SRC = paths.PACKAGE
TESTS = paths.root() / "tests"

#: room -> the rooms its modules may import (a room may always import itself and the core).
ALLOWED = {
    "core": set(),
    "engine": set(),
    "geo": {"engine"},
    "ais": {"engine", "geo"},
    "report": {"engine", "geo"},
    "analyses": {"engine", "geo", "ais", "report"},
    "cli": {"engine", "geo", "ais", "report", "analyses"},
}
CORE = {"tumen", "tumen.errors", "tumen.paths", "tumen.times"}

#: the size guidance: modules up to ~500 lines, functions up to ~60
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
#: modules and functions allowed past the guidance, each with the reason
LONG_MODULES: dict[str, str] = {}
LONG_FUNCTIONS: dict[str, str] = {
    "tumen.geo.sea.sea_route": "41 lines of docstring (method and 7 parameters); code 30",
    "tumen.geo.rail.rail_route_to_border": "34 lines of docstring for 7 parameters; code 40",
    "tumen.geo.maps.depot.map_depot_distance": "13 parameters, each documented; code 41, "
    "drawing in helpers",
    "tumen.geo.maps.overview.map_overview": "16 parameters, each documented; code 54, "
    "drawing in helpers",
    "tumen.ais.kernels.scan_lines": "a Numba kernel: one compiled pass over every line, kept "
    "whole for speed (no calls between the checks of a line)",
    "tumen.ais.silences.explain_silences": "the docstring states the classification rule and "
    "its eight thresholds (75 lines); the code is 15",
    "tumen.ais.transmitters.split_transmitters": "the docstring states the splitting method "
    "and its six thresholds (75 lines); the code is 35",
    "tumen.ais.store.ingest": "the docstring documents ten reading and caching parameters "
    "(50 lines); the code is 30",
    "tumen.ais.tracks_dask.get_shuttle_tables": "the docstring documents thirteen parameters "
    "(45 lines); the code is 35",
    "tumen.analyses.shuttle.analysis.analyse": "14 parameters documented one by one; the body"
    " is 20 lines of calls to the steps",
    "tumen.analyses.shuttle.record.record_results": "the section's one recording call: 16"
    " keyword parameters; the body computes (summary) then records (record_*)",
    "tumen.analyses.shuttle.route_map.plot_route_map": "13 parameters documented one by one;"
    " the body is 30 lines of calls to its drawing helpers",
}


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def room(name: str) -> str:
    if name in CORE:
        return "core"
    part = name.split(".")[1]
    if part in ("cli", "__main__"):
        return "cli"
    return part


def imported(path: Path) -> set[str]:
    """The ``tumen`` modules (or names) a file imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "tumen"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "tumen":
                found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def target(name: str) -> str:
    """``tumen.geo.earth.KM_PER_NM`` -> its module's room key ``tumen.ais``."""
    parts = name.split(".")
    if len(parts) == 2:  # from tumen import paths
        return name if name in CORE else f"tumen.{parts[1]}"
    return ".".join(parts[:2])


def test_rooms_are_known():
    rooms = {room(module_name(p)) for p in modules()}
    assert rooms <= set(ALLOWED), rooms - set(ALLOWED)


@pytest.mark.parametrize("path", modules(), ids=lambda p: module_name(p))
def test_imports_go_one_way(path):
    """The engine imports no domain room, the data layers (geo, ais) import no analysis and
    no report, and no analysis imports another analysis."""
    me = module_name(path)
    mine = room(me)
    bad = []
    for name in sorted(imported(path)):
        key = target(name)
        other = room(key) if key not in CORE else "core"
        if other in ("core", mine) and other != "analyses":
            continue
        if other == "analyses" and mine == "analyses":
            if name.split(".")[2] != me.split(".")[2]:
                bad.append(f"{name} (another analysis)")
            continue
        if other not in ALLOWED[mine]:
            bad.append(name)
    assert not bad, f"{me} ({mine}) imports {bad}; allowed rooms: {sorted(ALLOWED[mine])}"


def test_init_files_are_empty():
    """Importing ``tumen.ais.store`` runs ``tumen/__init__`` and ``tumen/ais/__init__``: empty,
    they add nothing to a notebook's module dependencies (``tumen plan``)."""
    full = [str(p.relative_to(SRC)) for p in SRC.rglob("__init__.py") if p.read_text().strip()]
    assert not full


def test_module_sizes():
    long = {
        module_name(p): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and module_name(p) not in LONG_MODULES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, node.end_lineno - first + 1


def test_function_sizes():
    long = {}
    for p in modules():
        for name, n in functions(p):
            key = f"{module_name(p)}.{name}"
            if n > MAX_FUNCTION_LINES and key not in LONG_FUNCTIONS:
                long[key] = n
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_exceptions_are_still_needed():
    """A listed exception that no longer applies is removed from the list."""
    sizes = {module_name(p): len(p.read_text().splitlines()) for p in modules()}
    stale = [m for m in LONG_MODULES if sizes.get(m, 0) <= MAX_MODULE_LINES]
    funcs = {f"{module_name(p)}.{n}": k for p in modules() for n, k in functions(p)}
    stale += [f for f in LONG_FUNCTIONS if funcs.get(f, 0) <= MAX_FUNCTION_LINES]
    assert not stale


def private_uses(path: Path) -> list[str]:
    """Private names of ``tumen`` a test imports or reaches through a module alias."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tumen"):
            for a in node.names:
                if a.name.startswith("_"):
                    found.append(f"{node.module}.{a.name}")
                aliases.add(a.asname or a.name)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("tumen"):
                    aliases.add(a.asname or a.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            found.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", sorted(TESTS.rglob("test_*.py")), ids=lambda p: p.name)
def test_tests_use_public_names(path):
    assert not private_uses(path)
