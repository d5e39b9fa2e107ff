"""Rebuild a clean copy of the project and compare or time its outputs.

Used by ``make check-determinism`` (two clean builds must give byte-identical results,
figures, executed notebooks, HTML and PDF) and ``make bench-build`` (seconds for a cold
install of the locked environment, a clean build and a build with nothing to do). A copy holds the files git would see (tracked
plus untracked, not ignored), builds with the caller's virtual environment and its own
source tree (``PYTHONPATH``), and gets the caller's commit and ``SOURCE_DATE_EPOCH``, so
two copies of one tree must agree byte for byte.

>>> check_determinism("params.yaml")                 # doctest: +SKIP
determinism: 14 files compared, all identical
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tumen import paths
from tumen.engine import params as _params
from tumen.engine import provenance
from tumen.engine.sources import sha256
from tumen.errors import TumenError

#: Folders never copied when the tree is not a git checkout (generated or private).
SKIP_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ipynb_checkpoints",
}
#: Output folders of a build, skipped at the top of the tree only (``src/tumen/report`` is
#: code, ``published/figures`` is published).
OUTPUT_DIRS = {"build", "figures", "report"}


def _listed_files(root: Path) -> list[str]:
    """Files git would see (tracked + untracked, not ignored), or a walk skipping
    :data:`SKIP_DIRS` (and :data:`OUTPUT_DIRS` at the top)."""
    if (root / ".git").exists():
        try:
            out = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=root,
                capture_output=True,
                check=True,
            ).stdout
            return sorted(set(out.decode().split("\0")) - {""})
        except (OSError, subprocess.CalledProcessError):
            pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        skip = SKIP_DIRS | (OUTPUT_DIRS if rel == Path(".") else set())
        dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.endswith(".egg-info"))
        files += [str(rel / f) for f in filenames]
    return sorted(files)


def copy_tree(dest: Path, root: Path | None = None) -> Path:
    """Copy the working tree (tracked and untracked-but-not-ignored files) to ``dest``."""
    root = root or paths.root()
    for rel in _listed_files(root):
        src = root / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def make_in(
    copy: Path, goal: str, params: str, *, env_extra: dict | None = None, capture: bool = True
) -> subprocess.CompletedProcess:
    """Run ``make <goal>`` in a copy with this process's venv and the copy's own sources."""
    venv = Path(sys.prefix)
    env = dict(os.environ)
    env.update({"PYTHONPATH": str(copy / "src"), "TUMEN_ROOT": str(copy)})
    env.update(env_extra or {})
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(copy),
            goal,
            f"PARAMS={params}",
            f"VENV={venv}",
            "EXTERNAL_VENV=1",
        ],
        env=env,
        capture_output=capture,
        text=True,
    )


def build_report(
    copy: Path, params: str, env_extra: dict, what: str, *, capture: bool = True
) -> subprocess.CompletedProcess:
    """``make report`` in a copy; on failure show the tail of its output and raise.

    Parameters
    ----------
    what : str
        Names the build in the error ("build a", "the clean build", …).
    capture : bool
        Capture make's output (printed only on failure) instead of streaming it.
    """
    proc = make_in(copy, "report", params, env_extra=env_extra, capture=capture)
    if proc.returncode != 0:
        if capture:
            print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
        raise TumenError(f"{what} failed (make exit {proc.returncode})")
    return proc


def output_files(copy: Path, variant: str) -> dict[str, str]:
    """sha256 of every output of a variant: results, executed notebooks, figures, report."""
    d = paths.variant_dirs(variant, copy)
    hashes = {}
    for folder in (d.results, d.notebooks, d.figures, d.report):
        for f in sorted(folder.rglob("*")) if folder.exists() else []:
            if f.is_file():
                hashes[str(f.relative_to(copy))] = sha256(f)
    return hashes


def pinned_env(root: Path) -> dict:
    info = provenance.build_info(root)
    return {"SOURCE_DATE_EPOCH": info["epoch"], "TUMEN_COMMIT": info["commit"]}


def _diff(a: Path, b: Path, limit: int = 20) -> str:
    try:
        la = a.read_text(encoding="utf-8").splitlines()
        lb = b.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return "    (binary files differ)"
    lines = list(difflib.unified_diff(la, lb, "first", "second", lineterm="", n=1))
    cut = [("    " + line)[:200] for line in lines[:limit]]
    return "\n".join(cut + (["    …"] if len(lines) > limit else []))


def check_determinism(params: str, root: Path | None = None, keep: bool = False) -> bool:
    """Build a variant twice from clean copies and compare every output byte for byte.

    Returns
    -------
    bool
        True when both builds wrote the same files with identical bytes.
    """
    root = root or paths.root()
    variant = _params.load(params, root=root).variant
    env = pinned_env(root)
    tmp = Path(tempfile.mkdtemp(prefix="tumen-determinism-"))
    hashes = []
    try:
        for label in ("a", "b"):
            copy = copy_tree(tmp / label, root)
            print(f"[determinism] clean build {label} in {copy} …", flush=True)
            t0 = time.perf_counter()
            build_report(copy, params, env, f"build {label}")
            print(f"[determinism] build {label} … {time.perf_counter() - t0:.1f} s", flush=True)
            hashes.append(output_files(copy, variant))
        a, b = hashes
        differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        for k in differ:
            if k not in a or k not in b:
                print(f"  ONLY IN {'second' if k not in a else 'first'}: {k}")
            else:
                print(f"  DIFFERS: {k}\n{_diff(tmp / 'a' / k, tmp / 'b' / k)}")
        ok = not differ and bool(a)
        print(
            f"determinism: {len(a)} files compared, "
            + ("all identical" if ok else f"{len(differ)} differ"),
            flush=True,
        )
        return ok
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def _timed_make(copy: Path, goal: str, params: str, env: dict) -> tuple[float, str]:
    """``make <goal>`` in a copy with the copy's own venv (as a new user runs it)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "-C", str(copy), goal, f"PARAMS={params}"],
        env=env,
        capture_output=True,
        text=True,
    )
    took = round(time.perf_counter() - t0, 3)
    if proc.returncode != 0:
        print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
        raise TumenError(f"make {goal} in a fresh copy failed (make exit {proc.returncode})")
    return took, proc.stdout


def bench_build(params: str, root: Path | None = None, out: Path | None = None) -> dict:
    """Time what a new user waits for, in a clean copy with its own venv.

    Three figures, each its own ``make`` run: ``cold_install_s`` (``make venv`` with empty
    uv and pip caches: every package downloaded and installed from the lock),
    ``clean_build_s`` (``make report`` with no outputs) and ``noop_build_s`` (``make report``
    again: nothing to do); ``fresh_clone_to_report_s`` is the first two added up. Writes
    ``bench/results/build.json`` (or ``out``) and returns the measurements in seconds.
    """
    root = root or paths.root()
    cfg = _params.load(params, root=root)
    tmp = Path(tempfile.mkdtemp(prefix="tumen-bench-build-"))
    try:
        copy = copy_tree(tmp / "tree", root)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MAKELEVEL", "VIRTUAL_ENV", "PYTHONPATH", "TUMEN_ROOT")
        }
        env.update(pinned_env(root), UV_CACHE_DIR=str(tmp / "uv-cache"), PIP_NO_CACHE_DIR="1")
        times = {}
        print("[bench-build] cold install (empty package caches) …", flush=True)
        times["cold_install_s"], _ = _timed_make(copy, "venv", params, env)
        for label in ("clean_build_s", "noop_build_s"):
            print(f"[bench-build] {label.removesuffix('_s').replace('_', ' ')} …", flush=True)
            times[label], stdout = _timed_make(copy, "report", params, env)
        # progress lines "[2/3] name … 4.1 s" of the second build: notebooks it ran
        times["noop_notebooks_run"] = len(re.findall(r"^\[\d+/\d+\] ", stdout, flags=re.M))
        times["fresh_clone_to_report_s"] = round(
            times["cold_install_s"] + times["clean_build_s"], 3
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {"params": params, "variant": cfg.variant, "notebooks": len(cfg.notebooks), **times}
    out = out or root / "bench" / "results" / "build.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"bench-build ({params}, {len(cfg.notebooks)} notebooks): cold install "
        f"{times['cold_install_s']:.1f} s, clean build {times['clean_build_s']:.1f} s "
        f"(fresh clone to report {times['fresh_clone_to_report_s']:.1f} s), no-op build "
        f"{times['noop_build_s']:.2f} s (notebooks run: {times['noop_notebooks_run']}) "
        f"→ {out.relative_to(root)}"
    )
    return result
