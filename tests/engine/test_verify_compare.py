"""The verification table: manifests compared row by row (tumen.engine.verify_compare)."""

import copy as _copy

from tumen.engine import verify_compare

OLD = {
    "inputs": {
        "data/a.csv": {"sha256": "a" * 64, "kind": "synthetic", "notebooks": ["alpha"]},
        "data/b.csv": {"sha256": "b" * 64, "kind": "observed", "notebooks": ["beta"]},
    },
    "params": {"alpha": {"threshold": 10, "a_csv": "data/a.csv"}, "beta": {"b_csv": "data/b.csv"}},
    "results": {
        "alpha.peak": {"value": 12, "unit": "ships", "notebook": "01_alpha"},
        "alpha.mean": {"value": 6.0, "unit": "ships", "notebook": "01_alpha"},
        "beta.peak": {"value": 73, "unit": "railcars", "notebook": "02_beta"},
        "beta.p": {"value": 1.0e-9, "unit": "1", "notebook": "02_beta", "rtol": 1e-3},
    },
    "figures": {"alpha_daily.png": {"sha256": "f" * 64, "notebook": "01_alpha"}},
    "report": {"index.html": "h" * 64, "report.pdf": "p" * 64},
}


def status(rows, kind, name):
    return next(r for r in rows if r["kind"] == kind and r["name"] == name)


def test_identical_manifests_all_ok():
    rows = verify_compare.compare(OLD, _copy.deepcopy(OLD))
    assert rows and all(r["status"] == "OK" for r in rows)


def test_changed_input_names_exactly_the_dependent_results_and_figures():
    new = _copy.deepcopy(OLD)
    new["inputs"]["data/a.csv"]["sha256"] = "c" * 64
    new["results"]["alpha.peak"]["value"] = 15
    new["figures"]["alpha_daily.png"]["sha256"] = "e" * 64
    rows = verify_compare.compare(OLD, new)
    bad = {(r["kind"], r["name"]) for r in rows if r["status"] != "OK"}
    assert bad == {("input", "data/a.csv"), ("result", "alpha.peak"), ("figure", "alpha_daily.png")}
    assert status(rows, "result", "alpha.peak")["published"] == "12 ships"
    assert status(rows, "result", "alpha.peak")["now"] == "15 ships"
    assert status(rows, "result", "alpha.peak")["why"] == "data/a.csv"


def test_changed_parameter_is_reported_as_such():
    new = _copy.deepcopy(OLD)
    new["params"]["alpha"]["threshold"] = 4
    new["results"]["alpha.mean"]["value"] = 6.5
    rows = verify_compare.compare(OLD, new)
    p = status(rows, "parameter", "alpha.threshold")
    assert (p["status"], p["published"], p["now"]) == ("CHANGED", "10", "4")
    assert status(rows, "result", "alpha.mean")["why"] == "parameter alpha.threshold"


def test_environment_rows_come_first_and_explain_a_changed_report():
    old = dict(
        _copy.deepcopy(OLD),
        lock_sha256="1" * 64,
        code={"src/tumen/analyses/rail/analysis.py": "r" * 64},
        environment={"python": "3.11.7", "packages": {"babel": "2.18.0", "numpy": "2.4.6"}},
    )
    new = _copy.deepcopy(old)
    new["environment"] = {"python": "3.11.9", "packages": {"babel": "2.19.0", "numpy": "2.4.6"}}
    new["lock_sha256"] = "2" * 64
    new["report"]["report.pdf"] = "q" * 64
    rows = verify_compare.compare(old, new)
    shown = sorted(
        rows, key=lambda r: (verify_compare.ORDER[r["kind"]], r["status"] == "OK", r["name"])
    )
    assert [(r["kind"], r["name"], r["published"], r["now"]) for r in shown[:3]] == [
        ("environment", "package babel", "2.18.0", "2.19.0"),
        ("environment", "python", "3.11.7", "3.11.9"),
        ("environment", "requirements.lock", "1" * 12, "2" * 12),
    ]
    assert not any(r["name"] == "package numpy" for r in rows)  # same version: no row
    assert status(rows, "report", "report.pdf")["why"] == "environment"
    assert status(rows, "report", "index.html")["status"] == "OK"


def test_changed_code_is_named_and_given_as_the_reason():
    old = dict(
        _copy.deepcopy(OLD),
        code={"src/tumen/analyses/rail/analysis.py": "r" * 64, "Makefile": "m" * 64},
    )
    new = _copy.deepcopy(old)
    new["code"]["src/tumen/analyses/rail/analysis.py"] = "s" * 64
    new["inputs"]["data/b.csv"]["sha256"] = "c" * 64
    new["results"]["alpha.peak"]["value"] = 13
    new["results"]["beta.peak"]["value"] = 74
    rows = verify_compare.compare(old, new)
    assert status(rows, "code", "src/tumen/analyses/rail/analysis.py")["status"] == "CHANGED"
    assert not any(r["name"] == "Makefile" for r in rows)
    assert status(rows, "result", "alpha.peak")["why"] == "code"
    assert status(rows, "result", "beta.peak")["why"] == "data/b.csv, code"


def test_environment_and_code_rows_explain_but_do_not_fail():
    old = dict(
        _copy.deepcopy(OLD),
        code={"a.py": "1"},
        lock_sha256="1",
        environment={"python": "3.11.7", "packages": {"babel": "2.18.0"}},
    )
    same_bytes = dict(
        _copy.deepcopy(old),
        code={"a.py": "2"},
        lock_sha256="2",
        environment={"python": "3.11.9", "packages": {"babel": "2.19.0"}},
    )
    rows = verify_compare.compare(old, same_bytes)
    assert sum(r["status"] != "OK" for r in rows) == 4 and verify_compare.passed(rows)
    same_bytes["report"]["index.html"] = "x" * 64
    assert not verify_compare.passed(verify_compare.compare(old, same_bytes))


def test_unchanged_code_is_one_ok_row():
    old = dict(_copy.deepcopy(OLD), code={"a.py": "1", "b.py": "2"})
    rows = verify_compare.compare(old, _copy.deepcopy(old))
    assert [(r["name"], r["status"]) for r in rows if r["kind"] == "code"] == [
        ("all code files (2)", "OK")
    ]


def test_missing_new_and_tolerance():
    new = _copy.deepcopy(OLD)
    del new["results"]["beta.peak"]
    new["results"]["beta.extra"] = {"value": 1, "unit": "1", "notebook": "02_beta"}
    new["results"]["beta.p"]["value"] = 1.0005e-9  # within rtol 1e-3
    rows = verify_compare.compare(OLD, new)
    assert status(rows, "result", "beta.peak")["status"] == "MISSING"
    assert status(rows, "result", "beta.extra")["status"] == "NEW"
    assert status(rows, "result", "beta.p")["status"] == "OK"
    new["results"]["beta.p"]["value"] = 1.1e-9
    assert status(verify_compare.compare(OLD, new), "result", "beta.p")["status"] == "CHANGED"
