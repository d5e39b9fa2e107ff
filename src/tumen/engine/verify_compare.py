"""Compare two build manifests row by row: the room of the verification table.

:func:`compare` sets a published manifest (:func:`tumen.engine.verify.manifest`) beside a
rebuild's: one row per environment difference, code file, input, parameter, result,
figure, table and report file, each with its status (OK / CHANGED / MISSING / NEW) and,
when it changed, what it depends on that changed. :func:`passed` judges the rows,
:func:`markdown` and :func:`print_table` show them.
"""

from __future__ import annotations

import json
import math

from tumen.engine import params as _params
from tumen.engine import results as _results


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
    rows += input_rows(old, new)
    changed_inputs = {r["name"] for r in rows if r["kind"] == "input" and r["status"] != "OK"}
    params, changed_params = parameter_rows(old, new)
    rows += params
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

    return rows + result_rows(old, new, why) + file_rows(old, new, why) + report_rows(old, new, why)


def _hash_status(a: dict | None, b: dict | None) -> str:
    return (
        "OK"
        if a and b and a["sha256"] == b["sha256"]
        else "MISSING"
        if not b
        else "NEW"
        if not a
        else "CHANGED"
    )


def input_rows(old: dict, new: dict) -> list[dict]:
    """One row per input file of either manifest."""
    rows = []
    for path in sorted(set(old["inputs"]) | set(new["inputs"])):
        a, b = old["inputs"].get(path), new["inputs"].get(path)
        rows.append(
            {
                "kind": "input",
                "name": path,
                "status": _hash_status(a, b),
                "published": a["sha256"][:12] if a else "–",
                "now": b["sha256"][:12] if b else "–",
                "why": "",
            }
        )
    return rows


def parameter_rows(old: dict, new: dict) -> tuple[list[dict], dict[str, list[str]]]:
    """One row per notebook parameter that differs (named ``<notebook>.<key>``), and the
    keys that differ by notebook."""
    rows = []
    changed: dict[str, list[str]] = {}
    for nb in sorted(set(old["params"]) | set(new["params"])):
        a, b = old["params"].get(nb, {}), new["params"].get(nb, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                changed.setdefault(nb, []).append(key)
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
    return rows, changed


def _shown_result(r: dict | None) -> str:
    """A result of a manifest as the table shows it: value and unit, or "–"."""
    if r is None:
        return "–"
    unit = "" if r["unit"] in ("", "1", "date") else f" {r['unit']}"
    return _results.format_value(r["value"]) + unit


def result_rows(old: dict, new: dict, why) -> list[dict]:
    """One row per result, within its tolerance (``rtol``/``atol``) when it has one."""
    rows = []
    for name in sorted(set(old["results"]) | set(new["results"])):
        a, b = old["results"].get(name), new["results"].get(name)
        if a and b:
            tol = {k: a[k] for k in ("rtol", "atol") if k in a}
            status = (
                "OK" if _same(a["value"], b["value"], tol) and a["unit"] == b["unit"] else "CHANGED"
            )
        else:
            status = "MISSING" if a else "NEW"
        rows.append(
            {
                "kind": "result",
                "name": name,
                "status": status,
                "published": _shown_result(a),
                "now": _shown_result(b),
                "why": "" if status == "OK" else why((a or b)["notebook"]),
            }
        )
    return rows


def file_rows(old: dict, new: dict, why) -> list[dict]:
    """One row per figure and data table, compared by sha256."""
    rows = []
    for kind, name in sorted(
        {("figure", n) for n in old["figures"]}
        | {("figure", n) for n in new["figures"]}
        | {("table", n) for n in old.get("tables", {})}
        | {("table", n) for n in new.get("tables", {})}
    ):
        key = "figures" if kind == "figure" else "tables"
        a, b = old.get(key, {}).get(name), new.get(key, {}).get(name)
        status = _hash_status(a, b)
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
    return rows


def report_rows(old: dict, new: dict, why) -> list[dict]:
    """One row per report file (the HTML and the PDF)."""
    rows = []
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


def markdown(rows: list[dict], ok: bool, manifest_path: str) -> str:
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


def print_table(rows: list[dict], ok: bool) -> None:
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
