"""Publish a build's fingerprint, and verify a rebuild against it, number by number.

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
import math
import shutil
import tempfile
from pathlib import Path

import yaml

from tumen import paths
from tumen.engine import params as _params
from tumen.engine import provenance, rebuild
from tumen.engine import results as _results
from tumen.engine import sources as _sources
from tumen.errors import TumenError

SCHEMA = 1


def published_dir(variant: str, root: Path | None = None) -> Path:
    """``published/`` for the default variant, ``published/<variant>/`` for others."""
    root = root or paths.root()
    return root / "published" if variant == "default" else root / "published" / variant


def _tolerances(pub: Path) -> dict[str, dict]:
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
    env = rebuild._pinned_env(root)
    copy, cfg = _clean_build(params, root, env)
    try:
        pub = published_dir(cfg.variant, root)
        data = manifest(
            copy,
            cfg,
            {"commit": env["TUMEN_COMMIT"], "epoch": env["SOURCE_DATE_EPOCH"]},
            _tolerances(pub),
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


def _same(old, new, tol: dict) -> bool:
    if old == new:
        return True
    if (
        isinstance(old, (int, float))
        and isinstance(new, (int, float))
        and not isinstance(old, bool)
        and tol
    ):
        return math.isclose(
            float(old), float(new), rel_tol=tol.get("rtol", 0.0), abs_tol=tol.get("atol", 0.0)
        )
    return False


def _status(a, b) -> str:
    return "OK" if a == b else "MISSING" if b is None else "NEW" if a is None else "CHANGED"


def environment_rows(old: dict, new: dict) -> list[dict]:
    """The Python row, the lock row and one row per package whose version differs."""
    ea, eb = old.get("environment", {}), new.get("environment", {})
    rows = [
        {
            "kind": "environment",
            "name": "python",
            "status": _status(ea.get("python"), eb.get("python")),
            "published": ea.get("python") or "–",
            "now": eb.get("python") or "–",
            "why": "",
        },
        {
            "kind": "environment",
            "name": "requirements.lock",
            "status": _status(old.get("lock_sha256"), new.get("lock_sha256")),
            "published": (old.get("lock_sha256") or "–")[:12],
            "now": (new.get("lock_sha256") or "–")[:12],
            "why": "",
        },
    ]
    pa, pb = ea.get("packages", {}), eb.get("packages", {})
    for name in sorted(set(pa) | set(pb)):
        if pa.get(name) != pb.get(name):
            rows.append(
                {
                    "kind": "environment",
                    "name": f"package {name}",
                    "status": _status(pa.get(name), pb.get(name)),
                    "published": pa.get(name) or "–",
                    "now": pb.get(name) or "–",
                    "why": "",
                }
            )
    return rows


def code_rows(old: dict, new: dict) -> list[dict]:
    """One row per code file that differs, or one OK row for all of them."""
    ca, cb = old.get("code", {}), new.get("code", {})
    rows = [
        {
            "kind": "code",
            "name": f,
            "status": _status(ca.get(f), cb.get(f)),
            "published": (ca.get(f) or "–")[:12],
            "now": (cb.get(f) or "–")[:12],
            "why": "",
        }
        for f in sorted(set(ca) | set(cb))
        if ca.get(f) != cb.get(f)
    ]
    return rows or [
        {
            "kind": "code",
            "name": f"all code files ({len(cb)})",
            "status": "OK",
            "published": "",
            "now": "",
            "why": "",
        }
    ]


def compare(old: dict, new: dict) -> list[dict]:
    """Rows of the verification table: kind, name, status, published, now, why.

    >>> env = {"python": "3.11.7", "packages": {"babel": "2.18.0"}}
    >>> m = {"inputs": {}, "params": {}, "results": {}, "figures": {}, "tables": {},
    ...      "report": {"index.html": "aa"}, "environment": env, "lock_sha256": "1", "code": {}}
    >>> n = dict(m, report={"index.html": "bb"}, lock_sha256="2",
    ...          environment={"python": "3.11.7", "packages": {"babel": "2.19.0"}})
    >>> [(r["kind"], r["name"], r["status"], r["now"], r["why"]) for r in compare(m, n)
    ...  if r["status"] != "OK"]
    [('environment', 'requirements.lock', 'CHANGED', '2', ''), ('environment', 'package babel', 'CHANGED', '2.19.0', ''), ('report', 'index.html', 'CHANGED', 'bb', 'environment')]
    """
    rows: list[dict] = environment_rows(old, new)
    env_changed = any(r["status"] != "OK" for r in rows)
    rows += code_rows(old, new)
    code_changed = any(r["kind"] == "code" and r["status"] != "OK" for r in rows)
    changed_inputs = set()
    for path in sorted(set(old["inputs"]) | set(new["inputs"])):
        a, b = old["inputs"].get(path), new["inputs"].get(path)
        status = (
            "OK"
            if a and b and a["sha256"] == b["sha256"]
            else "MISSING"
            if not b
            else "NEW"
            if not a
            else "CHANGED"
        )
        if status != "OK":
            changed_inputs.add(path)
        rows.append(
            {
                "kind": "input",
                "name": path,
                "status": status,
                "published": a["sha256"][:12] if a else "–",
                "now": b["sha256"][:12] if b else "–",
                "why": "",
            }
        )
    changed_params: dict[str, list[str]] = {}
    for nb in sorted(set(old["params"]) | set(new["params"])):
        a, b = old["params"].get(nb, {}), new["params"].get(nb, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                changed_params.setdefault(nb, []).append(key)
                rows.append(
                    {
                        "kind": "parameter",
                        "name": f"{nb}.{key}",
                        "status": "CHANGED",
                        "published": json.dumps(a.get(key)),
                        "now": json.dumps(b.get(key)),
                        "why": "",
                    }
                )
    inputs_of = {}
    for path, entry in {**old["inputs"], **new["inputs"]}.items():
        for nb in entry["notebooks"]:
            inputs_of.setdefault(nb, set()).add(path)

    def why(notebook_stem: str | None) -> str:
        """What changed that this output depends on (None: the whole report)."""
        if notebook_stem is None:
            reasons = sorted(changed_inputs)
            reasons += [
                f"parameter {nb}.{k}" for nb, keys in sorted(changed_params.items()) for k in keys
            ]
        else:
            short = _params.short_name(notebook_stem)
            reasons = sorted(inputs_of.get(short, set()) & changed_inputs)
            reasons += [f"parameter {short}.{k}" for k in changed_params.get(short, [])]
        reasons += ["code"] * code_changed + ["environment"] * env_changed
        return ", ".join(reasons) or "nothing it depends on changed: not deterministic?"

    for name in sorted(set(old["results"]) | set(new["results"])):
        a, b = old["results"].get(name), new["results"].get(name)
        if a and b:
            tol = {k: a[k] for k in ("rtol", "atol") if k in a}
            status = (
                "OK" if _same(a["value"], b["value"], tol) and a["unit"] == b["unit"] else "CHANGED"
            )
        else:
            status = "MISSING" if a else "NEW"
        fmt = lambda r: (
            "–"
            if r is None
            # noqa: E731
            else (
                _results.format_value(r["value"])
                + ("" if r["unit"] in ("", "1", "date") else f" {r['unit']}")
            )
        )
        rows.append(
            {
                "kind": "result",
                "name": name,
                "status": status,
                "published": fmt(a),
                "now": fmt(b),
                "why": "" if status == "OK" else why((a or b)["notebook"]),
            }
        )
    for kind, name in sorted(
        {("figure", n) for n in old["figures"]}
        | {("figure", n) for n in new["figures"]}
        | {("table", n) for n in old.get("tables", {})}
        | {("table", n) for n in new.get("tables", {})}
    ):
        key = "figures" if kind == "figure" else "tables"
        a, b = old.get(key, {}).get(name), new.get(key, {}).get(name)
        status = (
            "OK"
            if a and b and a["sha256"] == b["sha256"]
            else "MISSING"
            if not b
            else "NEW"
            if not a
            else "CHANGED"
        )
        rows.append(
            {
                "kind": kind,
                "name": name,
                "status": status,
                "published": a["sha256"][:12] if a else "–",
                "now": b["sha256"][:12] if b else "–",
                "why": "" if status == "OK" else why((a or b)["notebook"]),
            }
        )
    for name in sorted(set(old["report"]) | set(new["report"])):
        a, b = old["report"].get(name), new["report"].get(name)
        rows.append(
            {
                "kind": "report",
                "name": name,
                "status": "OK" if a == b else "CHANGED",
                "published": (a or "–")[:12],
                "now": (b or "–")[:12],
                "why": "" if a == b else why(None),
            }
        )
    return rows


def side_by_side(old_png: Path, new_png: Path, out: Path) -> Path:
    """Write published | now | difference (changed pixels in red) as one PNG."""
    from PIL import Image, ImageChops, ImageOps

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


#: Kinds of rows that explain differences but are not themselves compared.
CONTEXT = {"environment", "code"}
#: Order of the kinds of rows in the table: what explains comes before what is explained.
ORDER = {
    "environment": 0,
    "input": 1,
    "parameter": 2,
    "code": 3,
    "result": 4,
    "figure": 5,
    "table": 6,
    "report": 7,
}


def _markdown(rows: list[dict], ok: bool, manifest_path: str) -> str:
    shown = sorted(rows, key=lambda r: (ORDER[r["kind"]], r["status"] == "OK", r["name"]))
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines = [
        f"# Verification against {manifest_path}",
        "",
        (
            "**PASS**: every input, parameter, result, figure, table and report file matches "
            "(environment and code rows, if any differ, explain and are not compared)."
            if ok
            else "**FAIL**: see the rows not marked OK (environment, inputs, parameters "
            "and code first: they usually explain the rest)."
        ),
        "",
        "Counts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        "",
        "| kind | name | status | published | now | depends on what changed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in shown:
        cells = [r["kind"], r["name"], r["status"], r["published"], r["now"], r["why"]]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _print_table(rows: list[dict], ok: bool) -> None:
    shown = sorted(rows, key=lambda r: (ORDER[r["kind"]], r["status"] == "OK", r["name"]))
    width = min(60, max(len(r["name"]) for r in rows)) if rows else 10
    print(f"{'KIND':<11} {'NAME':<{width}} {'STATUS':<8} PUBLISHED → NOW")
    for r in shown:
        change = "" if r["status"] == "OK" else f"{r['published']} → {r['now']}"
        why = f"   [{r['why']}]" if r["why"] else ""
        print(f"{r['kind']:<11} {r['name']:<{width}} {r['status']:<8} {change}{why}")
    judged = [r for r in rows if r["kind"] not in CONTEXT]
    bad = sum(r["status"] != "OK" for r in judged)
    context = sum(r["status"] != "OK" for r in rows if r["kind"] in CONTEXT)
    print(
        f"verify: {'PASS' if ok else 'FAIL'} — {len(judged) - bad} of {len(judged)} match"
        + (
            f" ({context} environment/code rows differ: they explain, they are not compared)"
            if context
            else ""
        )
    )


def passed(rows: list[dict]) -> bool:
    """True when every compared row (inputs, parameters, outputs) matches.

    Environment and code rows explain differences; they do not fail a build whose outputs
    are the same (a refactoring, or another machine, that reproduces every byte passes).
    """
    return all(r["status"] == "OK" for r in rows if r["kind"] not in CONTEXT)


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
            _tolerances(pub),
        )
        rows = compare(old, new)
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
    ok = passed(rows)
    _print_table(rows, ok)
    (out_dir / "report.md").write_text(
        _markdown(rows, ok, str(mpath.relative_to(root))), encoding="utf-8"
    )
    (out_dir / "manifest.now.json").write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
    print(
        f"table: {(out_dir / 'report.md').relative_to(root)}; figure differences: "
        f"{out_dir.relative_to(root)}/*.diff.png"
    )
    return ok
