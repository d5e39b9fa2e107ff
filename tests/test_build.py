"""End to end: `make report` on the fixture notebooks, in clean copies of the project.

These tests run the real Makefile, papermill, nbconvert and WeasyPrint (marked ``slow``).
Each copy uses this test run's virtual environment and the copy's own sources.
"""

import hashlib
import re
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from tumen.engine import rebuild

pytestmark = pytest.mark.slow

PARAMS = "tests/fixtures/params.yaml"
BROKEN = "tests/fixtures/params_broken.yaml"


def make(copy, goal="report", params=PARAMS, *extra):
    proc = rebuild.make_in(copy, goal, params)
    if extra:
        raise AssertionError("use make_args")
    return proc


def ran(proc) -> list[str]:
    """Names of the notebooks a make run executed, from the progress lines."""
    return re.findall(r"^\[\d+/\d+\] (\w+) … [\d.]+ s$", proc.stdout, flags=re.M)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project with the fixture report built once."""
    copy = rebuild.copy_tree(tmp_path_factory.mktemp("built") / "tree")
    proc = make(copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(proc) == ["harbour", "rail"]
    return copy


@pytest.fixture
def work(built, tmp_path):
    """A private copy of the built project (mtimes kept, so it is up to date)."""
    return shutil.copytree(built, tmp_path / "tree", symlinks=True)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_clean_build_writes_html_and_pdf(built):
    html = built / "report/fixture/index.html"
    pdf = built / "report/fixture/report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    soup = BeautifulSoup(html.read_text(), "html.parser")
    assert soup.title.string == "Fixture report"
    assert [h.get_text(" ", strip=True) for h in soup.select("section.analysis h1")] == [
        "1 Harbour fixture",
        "2 Rail fixture",
    ]
    fig = soup.select_one("figure#fig-harbour_ships_daily")
    assert fig.figcaption.get_text().startswith("Figure 1.")
    assert fig.img["alt"] and fig.img["src"].startswith("data:image/png;base64,")
    caption = soup.find(id=soup.select_one("table#tab-harbour_counts")["aria-labelledby"])
    assert caption.get_text().startswith("Table 1.") and not caption.find_parent(
        class_="table-wrap"
    )
    # prose rendered from results, cross-references resolved
    prose = soup.select_one("section#nb-harbour").get_text(" ", strip=True)
    assert "the peak of 12 ships came on 2023-09-04 ( Figure 1 , Table 1 )" in prose
    link = soup.select_one('a.result[data-result="harbour.peak_ships"]')
    assert link["href"] == "#r-harbour.peak_ships" and soup.find(id="r-harbour.peak_ships")
    assert "notebook 01_harbour; input tests/fixtures/data/harbour_counts.csv" in link["title"]
    # cells tagged "summary" go to the key findings after the first page, not the section
    finding = soup.select_one(
        'header.title-page + section.findings .finding[data-notebook="01_harbour"]'
    )
    assert "Harbour. The peak was 12 ships on 2023-09-04." in finding.get_text().replace("\n", "")
    assert "Harbour." not in soup.select_one("section#nb-harbour").get_text()
    # the table of contents links to headings that exist
    links = [a["href"][1:] for a in soup.select("nav.toc a")]
    assert links[:3] == ["s1-harbour-fixture", "s1-1-counts", "s2-rail-fixture"]
    assert "sA-provenance" in links and all(soup.find(id=t) for t in links)
    # code and parameter cells are hidden
    analyses = " ".join(str(s) for s in soup.select("section.analysis"))
    assert "counts_csv" not in analyses and "import" not in analyses
    assert (
        "counts_csv: tests/fixtures/data/harbour_counts.csv"
        in soup.select_one("#provenance").get_text()
    )
    # results, figures and executed notebooks are where the README says
    assert (built / "build/fixture/results/01_harbour.json").exists()
    assert (built / "figures/fixture/harbour_ships_daily.svg").exists()
    assert (built / "build/fixture/notebooks/02_rail.ipynb").exists()


def test_html_is_self_contained(built):
    text = (built / "report/fixture/index.html").read_text()
    soup = BeautifulSoup(text, "html.parser")
    assert not soup.find_all("script") and not soup.find_all("link")
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag["src"][:80]
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", text)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)


def test_second_build_does_nothing(work):
    proc = make(work)
    assert proc.returncode == 0, proc.stderr
    assert ran(proc) == [] and "[html]" not in proc.stdout and "[pdf]" not in proc.stdout


def test_a_deleted_module_does_not_stop_make(work):
    """A build fragment written before a refactoring names a module that is gone: make
    regenerates the fragment instead of failing with "No rule to make target"."""
    scratch = work / "src/tumen/report/scratch_module.py"
    scratch.write_text('"""A module that a later commit deletes."""\n')
    (work / PARAMS).touch()  # the fragment is rewritten and now watches scratch_module.py
    first = make(work)
    assert first.returncode == 0, first.stderr
    assert "scratch_module.py" in (work / "build/.make/tests__fixtures__params.yaml.mk").read_text()
    scratch.unlink()
    proc = make(work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(proc) == []
    assert (
        "scratch_module.py"
        not in (work / "build/.make/tests__fixtures__params.yaml.mk").read_text()
    )


def test_one_changed_data_file_reruns_exactly_one_notebook(work):
    before = sha(work / "build/fixture/notebooks/01_harbour.ipynb")
    with open(work / "tests/fixtures/data/rail_counts.csv", "a") as fh:
        fh.write("2023-10-09,80\n")
    proc = make(work)
    assert proc.returncode == 0, proc.stderr
    assert ran(proc) == ["rail"]
    assert "[html]" in proc.stdout and "[pdf]" in proc.stdout
    assert sha(work / "build/fixture/notebooks/01_harbour.ipynb") == before
    text = BeautifulSoup((work / "report/fixture/index.html").read_text(), "html.parser").get_text()
    assert "The peak was 80 railcars" in text


def test_changed_parameter_reruns_only_its_notebook(work):
    p = work / PARAMS
    p.write_text(p.read_text().replace("threshold: 10", "threshold: 4"))
    proc = make(work)
    assert proc.returncode == 0, proc.stderr
    assert ran(proc) == ["harbour"]
    assert (
        "harbour.days_over_threshold"
        in (work / "build/fixture/results/01_harbour.json").read_text()
    )


def test_failing_notebook_shows_cell_and_keeps_last_good_report(work):
    html, pdf = work / "report/fixture/index.html", work / "report/fixture/report.pdf"
    good = (sha(html), sha(pdf))
    proc = make(work, params=BROKEN)
    assert proc.returncode != 0
    assert "notebook tests/fixtures/notebooks/03_broken.ipynb failed" in proc.stderr
    assert "total = sum(values) / 0  # deliberate failure" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    assert (sha(html), sha(pdf)) == good
    assert (work / "build/fixture/failed/03_broken.ipynb").exists()
    assert not (work / "build/fixture/notebooks/03_broken.ipynb").exists()


def test_parameter_error_is_one_line_exit_2(work):
    bad = work / "tests/fixtures/bad.yaml"
    bad.write_text((work / PARAMS).read_text().replace("threshold: 10", "treshold: 10"))
    proc = subprocess.run(
        [sys.executable, "-m", "tumen", "plan", "--params", "tests/fixtures/bad.yaml"],
        cwd=work,
        capture_output=True,
        text=True,
        env={**rebuild.os.environ, "TUMEN_ROOT": str(work)},
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        "error: tests/fixtures/bad.yaml:10 [harbour.treshold]: unknown parameter "
        "'treshold' for notebook 01_harbour (hint: did you mean 'threshold'?)"
    )
    assert make(work, params="tests/fixtures/bad.yaml").returncode != 0


def test_synthetic_input_shows_banner(work):
    sources = work / "data/sources.yaml"
    text = sources.read_text().replace("files: []", "files:")
    sources.write_text(
        text + "\n  - path: tests/fixtures/data/rail_counts.csv\n    kind: synthetic\n"
        "    sha256: x\n    licence: CC0-1.0\n    source: test fixture\n"
    )
    proc = make(work)
    assert proc.returncode == 0, proc.stderr
    assert ran(proc) == []  # provenance changes re-assemble only
    soup = BeautifulSoup((work / "report/fixture/index.html").read_text(), "html.parser")
    banner = soup.select_one("header.title-page #synthetic-banner")
    assert "not evidence" in banner.get_text() and "rail_counts.csv" in banner.get_text()


def test_parallel_build_matches_serial_build(built, tmp_path):
    copy = rebuild.copy_tree(tmp_path / "par")
    env = rebuild.os.environ.copy()
    proc = subprocess.run(
        [
            "make",
            "-j2",
            "--no-print-directory",
            "-C",
            str(copy),
            "report",
            f"PARAMS={PARAMS}",
            f"VENV={sys.prefix}",
            "EXTERNAL_VENV=1",
        ],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(copy / "src"), "TUMEN_ROOT": str(copy)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(ran(proc)) == ["harbour", "rail"]
    assert rebuild.output_files(copy, "fixture") == rebuild.output_files(built, "fixture")


def test_check_determinism_passes():
    assert rebuild.check_determinism(PARAMS)


def test_cli_exit_codes_user_error_2_notebook_bug_1(work):
    env = {**rebuild.os.environ, "TUMEN_ROOT": str(work), "PYTHONPATH": str(work / "src")}

    def run(name):
        return subprocess.run(
            [sys.executable, "-m", "tumen", "run", "--params", BROKEN, "--notebook", name],
            cwd=work,
            capture_output=True,
            text=True,
            env=env,
        )

    user = run("user_error")
    assert user.returncode == 2
    assert user.stderr.strip() == (
        "error: 04_user_error: tests/fixtures/data/harbour_counts.csv:1 "
        "[railcars]: missing required column 'railcars' "
        "(hint: did you mean 'ships'?)"
    )
    bug = run("broken")
    assert bug.returncode == 1 and "ZeroDivisionError" in bug.stderr


def test_rail_variant_with_another_railcars_csv(tmp_path):
    """`make report PARAMS=<variant>` builds into its own folders, leaving the default alone."""
    copy = rebuild.copy_tree(tmp_path / "tree")
    rows = (copy / "data/observations/railcars.csv").read_text().splitlines()
    # every second image only, and the peak image dropped: a coarser archive
    kept = [rows[0]] + [r for i, r in enumerate(rows[1:]) if i % 2 == 0 and ",73," not in r]
    (copy / "data/observations/railcars_sparse.csv").write_text("\n".join(kept) + "\n")
    import yaml

    full = yaml.safe_load((copy / "params.yaml").read_text())
    variant = {
        "report": {**full["report"], "variant": "sparse", "notebooks": ["01_rail_traffic"]},
        "rail_traffic": {
            **full["rail_traffic"],
            "observations_csv": "data/observations/railcars_sparse.csv",
        },
    }
    (copy / "params-sparse.yaml").write_text(yaml.safe_dump(variant))
    proc = make(copy, params="params-sparse.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(proc) == ["rail_traffic"]
    assert (copy / "report/sparse/index.html").exists() and not (copy / "report/default").exists()
    import json

    res = json.loads((copy / "build/sparse/results/01_rail_traffic.json").read_text())
    expected = max(int(r.split(",")[2]) for r in kept[1:])
    assert res["rail.peak_railcars"]["value"] == expected < 73
