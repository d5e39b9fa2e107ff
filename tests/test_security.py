"""Hostile input: nothing from data runs as code, is unpickled, or is written outside the project.

Three layers. The code itself: no ``eval``/``exec``, no pickle, ``yaml.safe_load`` only, no
``shell=True`` anywhere in ``src/``, ``scripts/`` or the analysis notebooks (an AST scan,
itself tested on a snippet that does all of it). The writers: every piece of text that
can come from data (table cells and headers, captions, alt text, notes, result values,
units and descriptions, provenance rows, parameter values) is escaped. And the build: a
fixture whose vessel names are markup (``tests/fixtures/data/hostile_vessels.csv``)
yields a report with no script, no event handler and no ``javascript:`` link, the names
shown as text, and a Content-Security-Policy that forbids scripts and network loads; a
YAML file with Python tags is refused without running anything; variants, paths and
notebook names cannot point outside the project. Property tests (hypothesis) feed arbitrary
text, punctuation-heavy text above all, through every writer and the Markdown renderer the
report uses: it always comes out as the same text, with no element or attribute of its own.
"""

import ast
import json
import string
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fixtures.shared_build import built_once
from hypothesis import given, settings
from hypothesis import strategies as st

from tumen import paths
from tumen.engine import params, results, runner
from tumen.errors import ParameterError, ResultError, TumenError
from tumen.report import appendix, figures

ROOT = paths.PACKAGE.parents[1]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><b>bold</b>',
    "Angara & Maria 'quoted'",
    "[click](javascript:alert(1))",
]

# --------------------------------------------------------------------------- the code

#: Names that run or deserialise code when called.
_BAD_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
#: module.function calls that run a shell, deserialise objects or load YAML unsafely.
_BAD_ATTRS = {
    "os": {
        "system",
        "popen",
        "execl",
        "execle",
        "execlp",
        "execv",
        "execve",
        "execvp",
        "spawnl",
        "spawnle",
        "spawnlp",
        "spawnv",
        "spawnve",
        "spawnvp",
    },
    "subprocess": {"getoutput", "getstatusoutput"},
    "yaml": {
        "load",
        "load_all",
        "unsafe_load",
        "unsafe_load_all",
        "full_load",
        "full_load_all",
        "Loader",
        "UnsafeLoader",
        "FullLoader",
    },
    "pd": {"read_pickle"},
    "pandas": {"read_pickle"},
    "marshal": {"load", "loads"},
    "shelve": {"open"},
    "joblib": {"load"},
}
_BAD_MODULES = {
    "pickle",
    "_pickle",
    "cPickle",
    "dill",
    "cloudpickle",
    "marshal",
    "shelve",
    "joblib",
}
_BAD_KEYWORDS = {("shell", True), ("allow_pickle", True)}


def dangerous(code: str) -> list[tuple[int, str]]:
    """(line, what) for every construct in ``code`` that could run or unpickle data."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, f"import {a.name}")
                for a in node.names
                if a.name.split(".")[0] in _BAD_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in _BAD_MODULES:
                found.append((node.lineno, f"from {node.module} import"))
            for a in node.names:
                if a.name in _BAD_ATTRS.get(node.module, ()):
                    found.append((node.lineno, f"from {node.module} import {a.name}"))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in _BAD_ATTRS.get(node.value.id, ()):
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        elif isinstance(node, ast.Call):
            f = node.func
            if (
                isinstance(f, ast.Name)
                and f.id in _BAD_CALLS
                and not (
                    f.id == "__import__" and node.args and isinstance(node.args[0], ast.Constant)
                )
            ):
                found.append((node.lineno, f"{f.id}()"))  # __import__("a.module") is harmless
            if isinstance(f, ast.Attribute) and f.attr == "read_pickle":
                found.append((node.lineno, ".read_pickle()"))
            # DataFrame.eval/query evaluate expression strings
            if (
                isinstance(f, ast.Attribute)
                and f.attr in ("eval", "query")
                and node.args
                and isinstance(node.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp))
                and not (
                    isinstance(node.args[0], ast.Constant)
                    and not isinstance(node.args[0].value, str)
                )
            ):
                found.append((node.lineno, f".{f.attr}(<expression string>)"))
            for kw in node.keywords:
                if isinstance(kw.value, ast.Constant) and (kw.arg, kw.value.value) in _BAD_KEYWORDS:
                    found.append((node.lineno, f"{kw.arg}={kw.value.value}"))
    return sorted(found)


def _project_code():
    """(label, source) of every Python file in src/ and scripts/ and every notebook code cell."""
    for folder in ("src", "scripts", "bench"):
        for f in sorted((ROOT / folder).rglob("*.py")):
            yield str(f.relative_to(ROOT)), f.read_text(encoding="utf-8")
    for f in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(f.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
                yield f"{f.relative_to(ROOT)} cell {i}", "\n".join(lines)


def test_scanner_finds_every_dangerous_construct():
    snippet = """
import os, pickle, subprocess, yaml
from marshal import loads
import pandas as pd, numpy as np
eval(data); exec(data); compile(data, 'x', 'exec'); __import__(data)
os.system(cmd); os.popen(cmd)
subprocess.run(cmd, shell=True)
yaml.load(text, Loader=yaml.Loader); yaml.full_load(text)
pd.read_pickle(path); df.read_pickle(path)
np.load(path, allow_pickle=True)
df.query(f"vessel == '{name}'"); df.eval("a + b")
"""
    found = {what for _, what in dangerous(snippet)}
    assert found == {
        "import pickle",
        "from marshal import",
        "from marshal import loads",
        "eval()",
        "exec()",
        "compile()",
        "__import__()",
        "os.system",
        "os.popen",
        "shell=True",
        "yaml.load",
        "yaml.Loader",
        "yaml.full_load",
        "pd.read_pickle",
        ".read_pickle()",
        "allow_pickle=True",
        ".query(<expression string>)",
        ".eval(<expression string>)",
    }
    assert (
        dangerous(
            "yaml.safe_load(t); tree.query(points); subprocess.run(['git', 'log']); "
            "re.compile('x'); __import__('tumen.ais.decode')"
        )
        == []
    )


def test_no_code_in_the_project_evals_unpickles_or_uses_a_shell():
    checked, problems = 0, []
    for label, code in _project_code():
        checked += 1
        problems += [f"{label}:{line}: {what}" for line, what in dangerous(code)]
    assert checked > 20
    assert problems == []


def test_yaml_python_tags_are_refused_without_running(tmp_path):
    pwned = tmp_path / "pwned"
    payload = f"!!python/object/apply:os.system ['touch {pwned}']"
    bad = tmp_path / "params.yaml"
    bad.write_text(f"report:\n  title: {payload}\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        params.load(bad, root=tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/sources.yaml").write_text(f"files:\n  - {payload}\n")
    from tumen.engine import sources

    with pytest.raises(TumenError):
        sources.load(tmp_path / "data/sources.yaml")
    assert not pwned.exists()


# --------------------------------------------------------------------------- the writers


def _soup(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(fragment, "html.parser")


def _assert_inert(soup, allowed: set[str]):
    tags = {t.name for t in soup.find_all(True)}
    assert tags <= allowed, tags - allowed
    for t in soup.find_all(True):
        assert not [a for a in t.attrs if a.lower().startswith("on")], t
        for a in ("href", "src"):
            assert not str(t.get(a, "")).strip().lower().startswith("javascript:"), t


def test_figure_caption_and_alt_are_text():
    for name in HOSTILE:
        soup = _soup(
            figures.figure_html(b"\x89PNG", "fig_x", caption=f"cap {name}", alt=f"alt {name}")
        )
        _assert_inert(soup, {"figure", "img", "figcaption"})
        assert soup.img["alt"] == f"alt {name}" and soup.figcaption.get_text() == f"cap {name}"


def test_table_cells_headers_caption_and_notes_are_text():
    df = pd.DataFrame({name: [name, 1] for name in HOSTILE}, index=HOSTILE[:2])
    html = figures.table_html(
        df, "tab_x", caption=" ".join(HOSTILE), notes=" ".join(HOSTILE), index=True
    )
    soup = _soup(html)
    _assert_inert(soup, {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "p"})
    assert [th.get_text() for th in soup.select("thead th")][1:] == HOSTILE
    assert [td.get_text() for td in soup.select("tbody tr")[0].select("td")] == HOSTILE[
        :1
    ] + HOSTILE
    assert (
        soup.caption.get_text() == soup.select_one("p.table-notes").get_text() == " ".join(HOSTILE)
    )


def test_names_cannot_be_paths(tmp_path):
    import matplotlib.pyplot as plt

    figs = figures.Figures(tmp_path / "figs")
    fig, _ = plt.subplots()
    try:
        for bad in ("../escape", "/tmp/x", "a/b", 'x"><script>', ""):
            with pytest.raises(ResultError):
                figs.save(fig, bad)
            with pytest.raises(ResultError):
                figures.table_html(pd.DataFrame({"a": [1]}), bad, caption="c")
    finally:
        plt.close(fig)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["figs"]


def test_prose_from_hostile_results_is_text():
    from nbconvert.filters import markdown2html

    records = {
        f"v.n{i}": {"value": name, "unit": name, "description": name}
        for i, name in enumerate(HOSTILE)
    }
    records["v.trap"] = {"value": "{v.n0}", "unit": "1", "description": "a placeholder as a value"}
    template = " / ".join(f"{{v.n{i}!u}}" for i in range(len(HOSTILE))) + " / {v.trap}"
    soup = _soup(markdown2html(results.render(template, records, html=True)))
    _assert_inert(soup, {"p", "span"})
    spans = soup.select("span.result")
    assert [s.get_text() for s in spans] == [f"{n} {n}" for n in HOSTILE] + ["{v.n0}"]
    assert [s["title"] for s in spans][: len(HOSTILE)] == [
        f"v.n{i}: {n} [{n}]" for i, n in enumerate(HOSTILE)
    ]


def test_words_from_data_in_prose_are_text():
    """``res.md(template, vessel=name)``: a name is text, even one that looks like a placeholder."""
    from nbconvert.filters import markdown2html

    records = {"v.n": {"value": 5, "unit": "ships", "description": "count"}}
    words = {f"w{i}": name for i, name in enumerate(HOSTILE)} | {"trap": "{v.n} {fig:x} {w0}"}
    template = " / ".join(f"{{{k}}}" for k in words) + " / {v.n!u} / {unknown}"
    soup = _soup(markdown2html(results.render(template, records, html=True, text=words)))
    _assert_inert(soup, {"p", "span"})
    assert soup.get_text().strip() == " / ".join(words.values()) + " / 5 ships / {unknown}"
    assert len(soup.select("span.result")) == 1
    plain = results.render(template, records, html=False, text=words)
    assert plain == " / ".join(words.values()) + " / 5 ships / {unknown}"


def test_provenance_tables_and_banner_are_text():
    soup = _soup(appendix.html_table(HOSTILE, [HOSTILE, HOSTILE[::-1]], "kv", row_ids=HOSTILE[:2]))
    _assert_inert(soup, {"div", "table", "thead", "tbody", "tr", "th", "td"})
    assert [td.get_text() for td in soup.select("tbody tr")[1].select("td")] == HOSTILE[::-1]
    assert [tr.get("id") for tr in soup.select("tbody tr")] == HOSTILE[:2]
    soup = _soup(appendix.banner(HOSTILE))
    _assert_inert(soup, {"div", "strong", "code", "span", "a"})
    assert [c["title"] for c in soup.select("code[title]")] == HOSTILE


# --------------------------------------------------------------------------- outside the project


def _mini_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "nbs").mkdir(parents=True)
    src = ROOT / "tests/fixtures/notebooks/02_rail.ipynb"
    (root / "nbs/02_rail.ipynb").write_text(src.read_text())
    (root / "victim.ipynb").write_text(src.read_text())
    (root / "tests/fixtures/data").mkdir(parents=True)
    (root / "tests/fixtures/data/rail_counts.csv").write_text("day,railcars\n2023-10-01,1\n")
    return root


@pytest.mark.parametrize("variant", ["../escape", "a/b", "..", "/tmp/x", ".hidden"])
def test_variant_must_be_a_plain_folder_name(tmp_path, variant):
    root = _mini_project(tmp_path)
    (root / "p.yaml").write_text(
        f"report:\n  variant: '{variant}'\n  notebook_dir: nbs\n  notebooks: [02_rail]\n"
    )
    with pytest.raises(ParameterError, match="variant"):
        params.load("p.yaml", root=root)


@pytest.mark.parametrize(
    "path", ["../outside.csv", "/etc/passwd", "link/outside.csv", "nbs/../../x.csv"]
)
def test_input_paths_must_stay_inside_the_project(tmp_path, path):
    root = _mini_project(tmp_path)
    (tmp_path / "outside.csv").write_text("day,railcars\n")
    (tmp_path / "x.csv").write_text("day,railcars\n")
    (root / "link").symlink_to(tmp_path)
    (root / "p.yaml").write_text(
        f"report:\n  notebook_dir: nbs\n  notebooks: [02_rail]\nrail:\n  railcars_csv: '{path}'\n"
    )
    with pytest.raises(ParameterError, match="outside the project"):
        params.load("p.yaml", root=root)
    (root / "q.yaml").write_text(f"report:\n  notebook_dir: '{path}'\n  notebooks: []\n")
    with pytest.raises(ParameterError, match="outside the project"):
        params.load("q.yaml", root=root)


def test_notebook_name_cannot_climb_out_of_build(tmp_path, monkeypatch):
    """A notebook listed as ``../victim`` would name outputs like build/v/notebooks/../victim."""
    root = _mini_project(tmp_path)
    (root / "p.yaml").write_text(
        "report:\n  variant: v\n  notebook_dir: nbs\n  notebooks: [02_rail, ../victim]\n"
    )
    monkeypatch.setenv("TUMEN_ROOT", str(root))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with pytest.raises(TumenError, match="not a plain file name"):
        runner.run("p.yaml", "../victim", quiet=True)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory):
    """The HTML report of the hostile fixture variant, built in a clean copy (once per session)."""
    copy = built_once(tmp_path_factory, "tests/fixtures/params_hostile.yaml")
    return (copy / "report/hostile/index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_hostile_report_is_inert_and_shows_names_as_text(hostile_html):
    soup = _soup(hostile_html)
    assert soup.find_all(["script", "iframe", "object", "embed", "base", "form"]) == []
    _assert_inert(soup.body, {t.name for t in soup.body.find_all(True)} - {"script"})
    assert soup.find_all("b") == [] and not soup.select('img[src="x"]')
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert csp.startswith("default-src 'none';") and "script-src" not in csp
    assert soup.title.string == "Fixture report <script>alert(2)</script>"
    assert [
        td.get_text() for td in soup.select("#tab-hostile_vessels tbody td:first-child")
    ] == HOSTILE
    fig = soup.select_one("#fig-hostile_containers")
    assert HOSTILE[0] in fig.figcaption.get_text() and all(n in fig.img["alt"] for n in HOSTILE)
    prose = soup.select_one("#nb-hostile").get_text()
    appendix = soup.select_one("#provenance").get_text()
    for name in HOSTILE[:3] + HOSTILE[4:]:
        assert name in prose and name in appendix
    assert "as words: " + "; ".join(HOSTILE[:4]) + "; {hostile.vessels} " + HOSTILE[4] in prose
    note = "<script>alert(3)</script> *not emphasis*"  # a parameter: in prose and provenance
    assert f"A parameter with markup: {note}." in prose and f"note: {note}" in appendix
    assert all(src.startswith("data:image/") for src in (i["src"] for i in soup.find_all("img")))


# --------------------------------------------------------------------------- any text at all

_ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(str.strip)
_MARKUP_TEXT = st.text(
    alphabet=st.sampled_from(string.punctuation + "ab1 é—“”"), min_size=1, max_size=40
).filter(str.strip)
_TEXTS = _ANY_TEXT | _MARKUP_TEXT


def _md_soup(markdown: str) -> BeautifulSoup:
    from nbconvert.filters import markdown2html  # what the report does with prose outputs

    return _soup(markdown2html(markdown))


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_any_word_from_data_is_shown_literally(word):
    for template in ("{w}", "Vessel {w} sailed."):
        soup = _md_soup(results.render(template, {}, text={"w": word}))
        _assert_inert(soup, {"p"})
        assert soup.get_text().strip() == template.replace("{w}", " ".join(word.split()))


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _TEXTS.filter(lambda u: u != "1"))
def test_any_string_result_and_unit_are_shown_literally(value, unit):
    records = {
        "a.v": {"value": value, "unit": unit, "description": value},
        "a.n": {"value": 5, "unit": unit, "description": unit},
    }
    soup = _md_soup(results.render("{a.v} and {a.n!u}.", records))
    _assert_inert(soup, {"p", "span"})
    shown = " ".join(soup.get_text().split())
    assert shown == f"{' '.join(value.split())} and 5 {' '.join(unit.split())}."
    assert [s["title"] for s in soup.select("span.result")] == [
        f"a.v: {value} [{unit}]",
        f"a.n: {unit} [{unit}]",
    ]


@settings(max_examples=200, deadline=None)
@given(_TEXTS, _TEXTS, _TEXTS)
def test_any_caption_alt_and_cell_are_shown_literally(caption, alt, cell):
    soup = _soup(figures.figure_html(b"\x89PNG", "fig_x", caption=caption, alt=alt))
    _assert_inert(soup, {"figure", "img", "figcaption"})
    assert soup.figcaption.get_text() == caption and soup.img["alt"] == alt
    soup = _soup(
        figures.table_html(pd.DataFrame({cell: [cell]}), "tab_x", caption=caption, notes=alt)
    )
    _assert_inert(soup, {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "p"})
    # (pandas trims the space around cell text and keeps runs of spaces as no-break spaces)
    for shown in (soup.select_one("tbody td"), soup.select_one("thead th")):
        assert shown.get_text().replace("\xa0", " ").strip() == cell.replace("\xa0", " ").strip()
    assert soup.caption.get_text() == caption and soup.select_one("p.table-notes").get_text() == alt
