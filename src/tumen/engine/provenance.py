"""Where every number comes from: inputs, environment, parameters and build of a report.

The assembly uses this module to write the provenance appendix of the report (each input
file with its kind, licence, source and short sha256; Python and every installed package;
the parameters each notebook ran with; commit, build date and the command that rebuilds
it) and to annotate each cited number with its result record. ``make publish`` and
``make verify`` use the same collection, so what the report shows is what is compared.

>>> inputs = notebook_inputs(params.load("params.yaml"))         # doctest: +SKIP
>>> inputs["rail_traffic"][0]                                    # doctest: +SKIP
'data/claims.csv'
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from tumen import paths
from tumen.engine import links as _links
from tumen.engine import params as _params
from tumen.engine import plan as _plan
from tumen.engine import sources as _sources


def notebook_inputs(cfg: _params.Config, root: Path | None = None) -> dict[str, list[str]]:
    """Data files each notebook reads (paths from the project root), by notebook short name.

    A notebook that reads another notebook's results (a linked section, see
    :data:`tumen.engine.links.LINK_KEY_RE`) depends on that notebook's data files too: they are
    listed after its own, so a synthetic input upstream marks the reader as well.
    """
    root = (root or paths.root()).resolve()
    out: dict[str, list[str]] = {}
    for nb in _links.execution_order(cfg):  # producers first
        files = [str(p.resolve().relative_to(root)) for p in _plan.data_inputs(nb.params, root)]
        for producer in _links.producers(nb, cfg):
            files += out.get(producer.name, [])
        out[nb.name] = list(dict.fromkeys(files))
    return {nb.name: out[nb.name] for nb in cfg.notebooks}  # in report order


def input_table(
    cfg: _params.Config, root: Path | None = None, inputs: dict[str, list[str]] | None = None
) -> list[dict]:
    """One row per input file of the build: path, kind, licence, source, sha256, notebooks.

    ``inputs`` is :func:`notebook_inputs` when the caller has it already.
    """
    root = (root or paths.root()).resolve()
    entries = _sources.load(root / "data" / "sources.yaml")
    used: dict[str, list[str]] = {}
    for name, files in (inputs if inputs is not None else notebook_inputs(cfg, root)).items():
        for f in files:
            used.setdefault(f, []).append(name)
    rows = []
    for f in sorted(used):
        entry = entries.get(f, {})
        rows.append(
            {
                "path": f,
                "kind": entry.get("kind", "unlisted"),
                "licence": entry.get("licence", "–"),
                "source": entry.get("source", "–"),
                "sha256": _sources.sha256(root / f),
                "notebooks": used[f],
            }
        )
    return rows


def environment() -> dict:
    """Python version and every installed distribution with its version (sorted by name)."""
    packages = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name")
        if name:
            packages[name.lower()] = dist.version
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "packages": dict(sorted(packages.items())),
    }


def params_hash(cfg: _params.Config) -> str:
    """sha256 of the canonical parameter slices of all notebooks and the report."""
    h = hashlib.sha256()
    h.update(_params.dump_slice(cfg.report).encode())
    for nb in cfg.notebooks:
        h.update(nb.name.encode() + b"\0" + _params.dump_slice(nb.params).encode())
    return h.hexdigest()


def group_hash(members: list[dict]) -> str:
    """sha256 over every file of a group: of the ``sha256sum`` listing of its files.

    The listing holds one ``<sha256>  <path>`` line per file, sorted by path, so
    ``sha256sum dir/name.{dbf,prj,shp} | sha256sum`` prints the same hash; it changes
    when any member changes.
    """
    listing = "".join(
        f"{m['sha256']}  {m['path']}\n" for m in sorted(members, key=lambda m: m["path"])
    )
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def group_parts(rows: list[dict]) -> list[dict]:
    """Merge the files of one multi-file dataset (a shapefile's .shp/.shx/.dbf/...) into one row.

    Rows whose paths differ only by extension and share kind, licence, source and readers
    become ``dir/name.{dbf,shp,shx}`` with ``files`` their number and ``sha256`` the
    :func:`group_hash` over all of them. Single files keep their own sha256 (``files`` 1).

    >>> group_parts([{"path": "a/x.shp", "sha256": "1", "kind": "k", "licence": "l",
    ...               "source": "s", "notebooks": ["n"]},
    ...              {"path": "a/x.dbf", "sha256": "2", "kind": "k", "licence": "l",
    ...               "source": "s", "notebooks": ["n"]}])[0]["path"]
    'a/x.{dbf,shp}'
    """
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        stem, dot, ext = r["path"].rpartition(".")
        key = (
            stem if dot else r["path"],
            r["kind"],
            r["licence"],
            r["source"],
            tuple(r["notebooks"]),
        )
        groups.setdefault(key, []).append(r)
    out = []
    for key, members in groups.items():
        if len(members) == 1:
            out.append(dict(members[0], files=1))
            continue
        members = sorted(members, key=lambda m: m["path"])
        exts = ",".join(m["path"].rpartition(".")[2] for m in members)
        out.append(
            dict(
                members[0],
                path=f"{key[0]}.{{{exts}}}",
                sha256=group_hash(members),
                files=len(members),
            )
        )
    return sorted(out, key=lambda r: r["path"])


def full_record(
    cfg: _params.Config,
    records: dict,
    info: dict,
    root: Path | None = None,
    inputs: dict[str, list[str]] | None = None,
) -> dict:
    """Everything the provenance appendix summarises, in full, as one JSON-ready mapping.

    Build (commit, date, variant, parameter file and hash), every input file with its
    full sha256 and the groups the appendix shows, the parameters of each notebook, every
    result (value, unit, description, notebook) and the environment. The assembly writes
    it to ``build/<variant>/provenance.json`` and into the download bundle.
    """
    rows = input_table(cfg, root, inputs)
    return {
        "build": dict(
            info,
            variant=cfg.variant,
            parameters=str(cfg.source),
            parameters_sha256=params_hash(cfg),
        ),
        "inputs": rows,
        "input_groups": [
            {"path": g["path"], "files": g["files"], "sha256": g["sha256"]}
            for g in group_parts(rows)
            if g["files"] > 1
        ],
        "parameters": {"report": cfg.report} | {nb.stem: nb.params for nb in cfg.notebooks},
        "results": records,
        "environment": environment(),
    }


def build_info(root: Path | None = None) -> dict[str, str]:
    """Commit, tree state and build date of this build.

    The date comes from ``SOURCE_DATE_EPOCH`` (the Makefile sets it to the last commit
    time), never from the clock; ``TUMEN_COMMIT`` overrides the commit (used by builds of
    a copied tree).
    """
    root = root or paths.root()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    date = _dt.datetime.fromtimestamp(epoch, _dt.UTC).strftime("%Y-%m-%d")
    commit = os.environ.get("TUMEN_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short=12", "HEAD"],
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=root,
                capture_output=True,
                text=True,
            ).stdout.strip()
            commit += " (with uncommitted changes)" if dirty else ""
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown (not a git checkout)"
    return {"date": date, "epoch": str(epoch), "commit": commit}
