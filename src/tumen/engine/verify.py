"""Publish a build's fingerprint, and verify a rebuild against it, number by number.

The room of the manifest and of the clean rebuilds; the rows of the comparison table are
:mod:`tumen.engine.verify_compare`.

``make publish`` builds the report from a clean copy of the working tree and writes
``published/MANIFEST.json`` (committed by the author): the commit, the parameters, the
sha256 of every input, the value and unit of every result, the sha256 of every figure, the
HTML and the PDF; the figures' PNGs are kept beside it for visual comparison.

``make verify`` rebuilds from a clean copy of the working tree with the pinned environment
(and the manifest's commit stamp and ``SOURCE_DATE_EPOCH``, so unchanged inputs give
unchanged bytes) and prints one table: the environment first (the Python version, the
sha256 of ``requirements.lock`` and one row per package whose version differs, e.g.
``babel 2.18.0 → 2.19.0``), then inputs that differ (they usually explain the rest),
changed parameters, changed code files (``src/tumen``, the notebooks, the Makefile), results (OK / CHANGED published → now / MISSING / NEW),
figures (OK / CHANGED, with a side-by-side and difference image in ``build/verify/``), data
tables written for reviewers (``build/<variant>/results/*.csv``) and the report files. Every
row that changed says why: the inputs and parameters of its notebook that changed, then
``code`` or ``environment`` when code files or package versions differ. Environment and
code rows explain; they are not compared: verify exits 0 when every input, parameter,
result, figure, table and report file matches (a refactoring that keeps every byte, or
another machine that reproduces them, passes), and writes the table to ``build/verify/report.md``.

Tolerances: ``published/tolerances.yaml`` maps result names (shell patterns) to an
absolute or relative tolerance, for floats that legitimately vary across platforms::

    rail.tail_probability: {rtol: 1.0e-6}
    "rail.sensitivity.*.robust_z": {atol: 1.0e-9}

Results without an entry must match exactly.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import tempfile
from pathlib import Path

import yaml
from PIL import Image, ImageChops, ImageOps

from tumen import paths
from tumen.engine import params as _params
from tumen.engine import provenance, rebuild, verify_compare
from tumen.engine import results as _results
from tumen.engine import sources as _sources
from tumen.errors import TumenError

SCHEMA = 1


def published_dir(variant: str, root: Path | None = None) -> Path:
    """``published/`` for the default variant, ``published/<variant>/`` for others."""
    root = root or paths.root()
    return root / "published" if variant == "default" else root / "published" / variant


def tolerances(pub: Path) -> dict[str, dict]:
    f = pub / "tolerances.yaml"
    if not f.exists():
        return {}
    data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    for pattern, tol in data.items():
        if not isinstance(tol, dict) or not set(tol) <= {"rtol", "atol"}:
            raise TumenError(
                f"tolerance for {pattern!r} must be {{rtol: x}} or {{atol: x}}",
                file=f,
                field=str(pattern),
            )
    return data


def _tolerance_for(name: str, tolerances: dict) -> dict:
    for pattern, tol in tolerances.items():
        if fnmatch.fnmatchcase(name, pattern):
            return tol
    return {}


def code_files(copy: Path, cfg: _params.Config) -> dict[str, str]:
    """sha256 of the code a build runs: the ``tumen`` package, the notebooks, the Makefile."""
    files = [
        p
        for p in (copy / "src" / "tumen").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    files += [copy / cfg.report["notebook_dir"] / f"{nb.stem}.ipynb" for nb in cfg.notebooks]
    files.append(copy / "Makefile")
    return {str(p.relative_to(copy)): _sources.sha256(p) for p in sorted(files) if p.exists()}


def manifest(copy: Path, cfg: _params.Config, info: dict, tolerances: dict) -> dict:
    """The fingerprint of a finished build in ``copy``."""
    dirs = paths.variant_dirs(cfg.variant, copy)
    records = _results.load_all(dirs.results)
    figures, tables = {}, {}
    for kind, folder, out in (
        ("figlists", dirs.figures, figures),
        ("tablelists", dirs.results, tables),
    ):
        for listing in sorted((dirs.build / kind).glob("*.json")):
            for fname in json.loads(listing.read_text()):
                out[fname] = {"sha256": _sources.sha256(folder / fname), "notebook": listing.stem}
    results = {}
    for name, rec in sorted(records.items()):
        entry = {"value": rec["value"], "unit": rec.get("unit", ""), "notebook": rec["notebook"]}
        entry.update(_tolerance_for(name, tolerances))
        results[name] = entry
    inputs = {
        r["path"]: {"sha256": r["sha256"], "kind": r["kind"], "notebooks": r["notebooks"]}
        for r in provenance.input_table(cfg, copy)
    }
    return {
        "schema": SCHEMA,
        "commit": info["commit"],
        "source_date_epoch": int(info["epoch"]),
        "variant": cfg.variant,
        "params_file": str(cfg.source),
        "params_sha256": provenance.params_hash(cfg),
        "params": {nb.name: nb.params for nb in cfg.notebooks},
        "inputs": inputs,
        "results": results,
        "figures": dict(sorted(figures.items())),
        "tables": dict(sorted(tables.items())),
        "report": {f: _sources.sha256(dirs.report / f) for f in ("index.html", "report.pdf")},
        "code": code_files(copy, cfg),
        "lock_sha256": _sources.sha256(copy / "requirements.lock")
        if (copy / "requirements.lock").exists()
        else None,
        "environment": provenance.environment(),
    }


def _clean_build(params: str, root: Path, env: dict) -> tuple[Path, _params.Config]:
    tmp = Path(tempfile.mkdtemp(prefix="tumen-verify-"))
    copy = rebuild.copy_tree(tmp / "tree", root)
    cfg = _params.load(params, root=copy)
    print(f"[build] clean build of {params} in {copy} …", flush=True)
    try:
        rebuild.build_report(copy, params, env, "the clean build (nothing compared)", capture=False)
    except TumenError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return copy, cfg


def publish(params: str, root: Path | None = None) -> Path:
    """Clean build, then write the manifest and the figures' PNGs under ``published/``."""
    root = root or paths.root()
    env = rebuild.pinned_env(root)
    copy, cfg = _clean_build(params, root, env)
    try:
        pub = published_dir(cfg.variant, root)
        data = manifest(
            copy,
            cfg,
            {"commit": env["TUMEN_COMMIT"], "epoch": env["SOURCE_DATE_EPOCH"]},
            tolerances(pub),
        )
        figdir = pub / "figures"
        shutil.rmtree(figdir, ignore_errors=True)
        figdir.mkdir(parents=True)
        src = paths.variant_dirs(cfg.variant, copy).figures
        for fname in data["figures"]:
            if fname.endswith(".png"):
                shutil.copy2(src / fname, figdir / fname)
        out = pub / "MANIFEST.json"
        out.write_text(
            json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    print(
        f"published: {out.relative_to(root)} ({len(data['results'])} results, "
        f"{len(data['figures'])} figures, {len(data['inputs'])} inputs); commit it."
    )
    return out


def side_by_side(old_png: Path, new_png: Path, out: Path) -> Path:
    """Write published | now | difference (changed pixels in red) as one PNG."""
    a = Image.open(old_png).convert("RGB")
    b = Image.open(new_png).convert("RGB")
    w, h = max(a.width, b.width), max(a.height, b.height)
    pad = lambda im: ImageOps.pad(im, (w, h), color="white", centering=(0, 0))  # noqa: E731
    a, b = pad(a), pad(b)
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 16 else 0)
    diff = Image.blend(a, Image.new("RGB", (w, h), "white"), 0.75)
    diff.paste(Image.new("RGB", (w, h), (213, 94, 0)), mask=mask)
    sheet = Image.new("RGB", (3 * w + 40, h), "white")
    for i, im in enumerate((a, b, diff)):
        sheet.paste(im, (i * (w + 20), 0))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return out


def verify(params: str, root: Path | None = None) -> bool:
    """Rebuild from a clean copy and compare with the published manifest; True when all match."""
    root = root or paths.root()
    cfg = _params.load(params, root=root)
    pub = published_dir(cfg.variant, root)
    mpath = pub / "MANIFEST.json"
    if not mpath.exists():
        raise TumenError(
            "no published manifest to verify against",
            file=mpath.relative_to(root),
            hint=f"run `make publish PARAMS={params}` and commit published/",
        )
    old = json.loads(mpath.read_text(encoding="utf-8"))
    env = {"TUMEN_COMMIT": old["commit"], "SOURCE_DATE_EPOCH": str(old["source_date_epoch"])}
    copy, cfg = _clean_build(params, root, env)
    out_dir = root / "build" / "verify"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    try:
        new = manifest(
            copy,
            cfg,
            {"commit": old["commit"], "epoch": old["source_date_epoch"]},
            tolerances(pub),
        )
        rows = verify_compare.compare(old, new)
        figs = paths.variant_dirs(cfg.variant, copy).figures
        for r in rows:
            if (
                r["kind"] == "figure"
                and r["status"] == "CHANGED"
                and r["name"].endswith(".png")
                and (pub / "figures" / r["name"]).exists()
            ):
                side_by_side(
                    pub / "figures" / r["name"],
                    figs / r["name"],
                    out_dir / f"{Path(r['name']).stem}.diff.png",
                )
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    ok = verify_compare.passed(rows)
    verify_compare.print_table(rows, ok)
    (out_dir / "report.md").write_text(
        verify_compare.markdown(rows, ok, str(mpath.relative_to(root))), encoding="utf-8"
    )
    (out_dir / "manifest.now.json").write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
    print(
        f"table: {(out_dir / 'report.md').relative_to(root)}; figure differences: "
        f"{out_dir.relative_to(root)}/*.diff.png"
    )
    return ok
