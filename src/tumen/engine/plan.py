"""The build graph: what each notebook and the report depend on, written for ``make``.

``python -m tumen plan --params params.yaml`` validates the parameters, writes each
notebook's parameter slice to ``build/<variant>/params/<notebook>.yaml`` (only when its
content changed, so its timestamp moves only then) and writes a Makefile fragment with one
rule per executed notebook. A notebook depends on

- its ``.ipynb`` file,
- the data files its parameters name (any parameter ending ``_csv``, ``_path``, ``_dir``, …),
- the executed notebook whose results it reads (a parameter ending ``_results``, see
  :data:`tumen.engine.links.LINK_KEY_RE`), so the producer runs first and a rerun of the
  producer reruns the reader (or the results file itself when no notebook of the build
  writes it),
- the ``tumen`` modules it imports, followed transitively, plus the runner's own modules,
- its parameter slice and the installed environment.

The report depends on every executed notebook, the ``report`` slice, ``data/sources.yaml``,
the key judgments register (``report.judgments_yaml``) and the assembly code. So editing one analysis's data reruns that notebook and the
assembly only, and a second ``make report`` does nothing.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from tumen import paths
from tumen.engine import links
from tumen.engine import params as _params

#: Modules every notebook run depends on (they inject parameters and write outputs).
RUNNER_MODULES = ("tumen.engine.runner", "tumen.engine.params", "tumen.paths", "tumen.errors")
#: Modules the assembly depends on.
ASSEMBLY_MODULES = (
    "tumen.report.assemble",
    "tumen.report.pdf",  # the PDF rule depends on the HTML only
    "tumen.engine.params",
    "tumen.paths",
    "tumen.engine.sources",
    "tumen.engine.results",
)


def _module_file(name: str, src: Path) -> Path | None:
    rel = Path(*name.split("."))
    for cand in (src / rel.with_suffix(".py"), src / rel / "__init__.py"):
        if cand.exists():
            return cand
    return None


def imports_of(code: str, src: Path) -> set[str]:
    """Names of ``tumen`` modules imported by a piece of Python source."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "tumen")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "tumen":
                continue
            found.add(node.module)
            for alias in node.names:  # `from tumen import rail` imports a module
                sub = f"{node.module}.{alias.name}"
                if _module_file(sub, src):
                    found.add(sub)
    # importing a.b.c runs a/__init__ and a/b/__init__ too
    for name in list(found):
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return {n for n in found if _module_file(n, src)}


def module_closure(start: set[str], src: Path | None = None) -> list[Path]:
    """Files of the given ``tumen`` modules and of every ``tumen`` module they import.

    Parameters
    ----------
    start : set of str
        Dotted module names, e.g. ``{"tumen.analyses.rail.compute"}``.
    src : pathlib.Path, optional
        The folder holding the ``tumen`` package (default: the installed package's parent).
    """
    src = src or paths.PACKAGE.parent
    seen: set[str] = set()
    todo = [m for m in start if _module_file(m, src)] + ["tumen"]
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        f = _module_file(mod, src)
        if f is not None:
            todo.extend(imports_of(f.read_text(encoding="utf-8"), src) - seen)
    return sorted(_module_file(m, src) for m in seen)


def notebook_imports(nb_path: Path, src: Path | None = None) -> set[str]:
    """``tumen`` modules a notebook's code cells import."""
    src = src or paths.PACKAGE.parent
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            code = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found |= imports_of(code, src)
    return found


def data_inputs(values: dict, root: Path) -> list[Path]:
    """Files named by path-like parameters (folders expand to the files inside them)."""
    out: set[Path] = set()
    for key, value in values.items():
        if not _params.PATH_KEY_RE.search(key):
            continue
        for v in value if isinstance(value, list) else [value]:
            if not isinstance(v, str) or not v:  # "": an optional file not given
                continue
            matches = root.glob(v) if "*" in v else [root / v]
            for p in matches:
                if p.is_dir():
                    out.update(q for q in p.rglob("*") if q.is_file())
                elif p.is_file():
                    out.add(p)
    return sorted(out)


def linked_inputs(nb: _params.Notebook, cfg: _params.Config, root: Path) -> list[str]:
    """Make prerequisites of a notebook's linked results: the producing notebook's target
    when the build holds it, else the results file when it exists."""
    out = []
    for value in links.linked_values(nb):
        producer = cfg.producer(value)
        if producer is not None:
            out.append(f"{cfg.dirs.notebooks}/{producer.stem}.ipynb")
        elif (root / value).is_file():
            out.append(value)
    return out


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds exactly that; return whether it wrote."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    paths.atomic_write(path, text)  # its temporary file is unique: `make -j` may race
    return True


def _rel(p: Path, root: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(root))
    except ValueError:
        return str(p)


def write_slices(cfg: _params.Config, root: Path) -> None:
    """Write each notebook's parameter slice and the report slice (only when changed)."""
    d = root / cfg.dirs.params
    for nb in cfg.notebooks:
        write_if_changed(d / f"{nb.stem}.yaml", _params.dump_slice(nb.params))
    write_if_changed(
        d / "report.yaml",
        _params.dump_slice(
            {**cfg.report, "notebook_files": [str(nb.path) for nb in cfg.notebooks]}
        ),
    )


def makefile(cfg: _params.Config, params_arg: str, root: Path | None = None) -> str:
    """Return the Makefile fragment for one variant (rules for notebooks and the report)."""
    root = (root or paths.root()).resolve()
    src = root / "src" if (root / "src" / "tumen").is_dir() else paths.PACKAGE.parent
    runner = [_rel(f, root) for f in module_closure(set(RUNNER_MODULES), src)]
    lines = [
        f"# generated by `python -m tumen plan --params {params_arg}`; do not edit",
        f"TUMEN_VARIANT := {cfg.variant}",
    ]
    targets = []
    slice_files = []
    for nb in cfg.notebooks:
        target = f"{cfg.dirs.notebooks}/{nb.stem}.ipynb"
        targets.append(target)
        slice_file = f"{cfg.dirs.params}/{nb.stem}.yaml"
        slice_files.append(slice_file)
        mods = [_rel(f, root) for f in module_closure(notebook_imports(root / nb.path, src), src)]
        data = [_rel(f, root) for f in data_inputs(nb.params, root)]
        linked = linked_inputs(nb, cfg, root)
        deps = [str(nb.path), slice_file, *data, *linked, *sorted(set(mods) | set(runner)), STAMP]
        lines += [
            "",
            f"{target}: " + " \\\n    ".join(deps),
            f"\t@$(TUMEN) run --params {params_arg} --notebook {nb.name}",
        ]
    # The fragment itself is regenerated when a notebook, a tumen module or a data folder
    # changes (new imports or new files change the rules above).
    watched = sorted(
        {str(nb.path) for nb in cfg.notebooks}
        | {_rel(f, root) for f in src.joinpath("tumen").rglob("*.py")}
        | {_rel(p.parent, root) for nb in cfg.notebooks for p in data_inputs(nb.params, root)}
    )
    lines += ["", "$(TUMEN_FRAGMENT): " + " \\\n    ".join(watched)]
    lines += _report_rules(cfg, params_arg, root, src, targets, slice_files)
    return "\n".join(lines)


#: The stamp of the installed environment: every rule depends on it.
STAMP = "$(TUMEN_STAMP)"


def _report_rules(
    cfg: _params.Config,
    params_arg: str,
    root: Path,
    src: Path,
    targets: list[str],
    slice_files: list[str],
) -> list[str]:
    """The rules of the HTML and the PDF, and of the parameter slices (``targets``: the
    executed notebooks)."""
    dirs = cfg.dirs
    report_slice = f"{dirs.params}/report.yaml"
    slice_files = [*slice_files, report_slice]
    asm = [_rel(f, root) for f in module_closure(set(ASSEMBLY_MODULES), src)]
    templates = sorted(_rel(f, root) for f in paths.TEMPLATES.rglob("*") if f.is_file())
    sources = ["data/sources.yaml"] if (root / "data" / "sources.yaml").exists() else []
    if cfg.report.get("judgments_yaml"):  # the assembly reads the key judgments register
        sources.append(cfg.report["judgments_yaml"])
    html = f"{dirs.report}/index.html"
    pdf = f"{dirs.report}/report.pdf"
    return [
        "",
        f"TUMEN_NOTEBOOK_TARGETS := {' '.join(targets)}",
        f"TUMEN_HTML := {html}",
        f"TUMEN_PDF := {pdf}",
        "",
        f"{html}: $(TUMEN_NOTEBOOK_TARGETS) {report_slice} {' '.join(sources)} \\\n    "
        + " \\\n    ".join(sorted(set(asm)) + templates)
        + f" \\\n    $(TUMEN_COMMIT_FILE) {STAMP}",
        f"\t@$(TUMEN) assemble --params {params_arg} --html",
        "",
        # Outputs are renamed into place whole, so an interrupt never leaves a partial
        # one: make must not delete them when a recipe is interrupted.
        f".PRECIOUS: $(TUMEN_NOTEBOOK_TARGETS) {html} {pdf}",
        "",
        f"{pdf}: {html}",
        f"\t@$(TUMEN) assemble --params {params_arg} --pdf",
        "",
        # A missing slice is rewritten by plan (which leaves unchanged ones alone).
        f"{' '.join(slice_files)}:",
        f"\t@$(TUMEN) plan --params {params_arg} --slices-only",
        "",
    ]


def plan(params_arg: str, out: Path | None, *, slices_only: bool = False) -> _params.Config:
    """Validate parameters, write slices and (unless ``slices_only``) the Makefile fragment."""
    root = paths.root()
    cfg = _params.load(params_arg, root=root)
    write_slices(cfg, root)
    if not slices_only and out is not None:
        write_if_changed(Path(out), makefile(cfg, params_arg, root))
    return cfg
