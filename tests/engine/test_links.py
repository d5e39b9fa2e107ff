"""tumen.engine.links: execution order from the links, cycles refused, files for readers."""

import shutil
from pathlib import Path

import nbformat
import pytest

from tumen import cli
from tumen.engine import links, params, plan, provenance
from tumen.errors import ParameterError

FIX = Path(__file__).resolve().parents[1] / "fixtures"


def project(tmp_path, readers: dict[str, str], order):
    """The fixture notebooks plus reader notebooks: stem -> the results file it links to."""
    shutil.copytree(FIX / "notebooks", tmp_path / "nb")
    shutil.copytree(FIX / "data", tmp_path / "tests/fixtures/data")
    for stem, value in readers.items():
        cell = nbformat.v4.new_code_cell(f"other_results = {value!r}\nresults_path = 'r.json'\n")
        cell.metadata["tags"] = ["parameters"]
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / f"nb/{stem}.ipynb")
    (tmp_path / "p.yaml").write_text(
        f"report:\n  variant: v1\n  notebook_dir: nb\n  notebooks: [{', '.join(order)}]\n"
    )
    return tmp_path


def stems(nbs):
    return [nb.stem for nb in nbs]


def test_a_summary_listed_first_runs_after_what_it_reads(tmp_path):
    root = project(
        tmp_path,
        {
            "00_summary": "build/{variant}/results/07_reader.json",
            "07_reader": "build/{variant}/results/01_harbour.json",
        },
        ("00_summary", "01_harbour", "02_rail", "07_reader"),
    )
    cfg = params.load(root / "p.yaml", root=root)
    # the report keeps its order; execution puts each producer before its reader and is
    # otherwise the report's order (stable)
    assert stems(cfg.notebooks) == ["00_summary", "01_harbour", "02_rail", "07_reader"]
    assert stems(links.execution_order(cfg)) == ["01_harbour", "02_rail", "07_reader", "00_summary"]
    assert stems(links.producers(cfg.notebook("summary"), cfg)) == ["07_reader"]
    # make orders them too: the reader's rule names the producer's executed notebook
    mk = plan.makefile(cfg, "p.yaml", root)
    assert "build/v1/notebooks/07_reader.ipynb" in mk.split("00_summary.ipynb:")[1].split("\t")[0]
    # the reader's inputs hold its producers' (transitively), listed in report order
    inputs = provenance.notebook_inputs(cfg, root)
    assert list(inputs) == ["summary", "harbour", "rail", "reader"]
    assert inputs["summary"] == inputs["reader"] == inputs["harbour"] != []


def test_without_links_the_order_is_the_reports(tmp_path):
    root = project(tmp_path, {}, ("02_rail", "01_harbour"))
    cfg = params.load(root / "p.yaml", root=root)
    assert stems(links.execution_order(cfg)) == ["02_rail", "01_harbour"]


@pytest.mark.parametrize(
    "readers, message",
    [
        ({"07_reader": "build/{variant}/results/07_reader.json"}, "07_reader links to its own"),
        (
            {
                "07_reader": "build/{variant}/results/08_other.json",
                "08_other": "build/{variant}/results/07_reader.json",
            },
            "linked results of 08_other, which reads the results of 07_reader: the links "
            "form a cycle",
        ),
        (
            {
                "07_reader": "build/{variant}/results/08_other.json",
                "08_other": "build/{variant}/results/09_third.json",
                "09_third": "build/{variant}/results/07_reader.json",
            },
            "which reads the results of 09_third → 07_reader",
        ),
    ],
)
def test_a_cycle_of_links_is_one_line_naming_file_line_and_field(
    tmp_path, readers, message, capsys, monkeypatch
):
    root = project(tmp_path, readers, ("01_harbour", *readers))
    with pytest.raises(ParameterError, match=message) as err:
        params.load(root / "p.yaml", root=root)
    # the link is the notebook's default here: the error names the notebook and the field
    assert err.value.file == "nb/07_reader.ipynb" and err.value.field == "other_results"
    monkeypatch.setenv("TUMEN_ROOT", str(root))
    monkeypatch.chdir(root)
    assert cli.main(["plan", "--params", "p.yaml"]) == 2
    out = capsys.readouterr().err.strip()
    assert len(out.splitlines()) == 1 and message.split(":")[0] in out


def test_a_cycle_set_in_the_params_file_names_its_line(tmp_path):
    root = project(
        tmp_path,
        {"07_reader": "", "08_other": "build/{variant}/results/07_reader.json"},
        ("07_reader", "08_other"),
    )
    text = (root / "p.yaml").read_text()
    (root / "p.yaml").write_text(
        text + 'reader:\n  other_results: "build/{variant}/results/08_other.json"\n'
    )
    with pytest.raises(ParameterError) as err:
        params.load(root / "p.yaml", root=root)
    assert (err.value.line, err.value.field) == (6, "reader.other_results")
    assert str(err.value).startswith(f"{root / 'p.yaml'}:6 [reader.other_results]: linked")


def test_check_no_cycle_takes_plain_links():
    links.check_no_cycle([("a", "b", {}), ("b", "c", {}), ("a", "c", {})])
    with pytest.raises(ParameterError, match="reads the results of c → a") as err:
        links.check_no_cycle([("a", "b", {"field": "x"}), ("b", "c", {}), ("c", "a", {})])
    assert err.value.field == "x"


def test_execution_order_refuses_a_cycle_it_is_given(tmp_path):
    root = project(
        tmp_path,
        {"07_reader": "build/{variant}/results/01_harbour.json"},
        ("01_harbour", "07_reader"),
    )
    cfg = params.load(root / "p.yaml", root=root)
    harbour, reader = cfg.notebooks
    harbour.params["back_results"] = "build/v1/results/07_reader.json"  # behind load's back
    with pytest.raises(ParameterError, match="cycle: 01_harbour, 07_reader"):
        links.execution_order(cfg)


def test_files_for_readers_sit_beside_the_results_and_are_replaced(tmp_path):
    results = tmp_path / "build/v/results/03_route.json"
    dest = links.files_dir(results)
    assert dest == tmp_path / "build/v/results/03_route"
    written = tmp_path / "work/links"
    written.mkdir(parents=True)
    (written / "a.geojson").write_text("{}")
    links.install(written, dest)
    assert [p.name for p in dest.iterdir()] == ["a.geojson"] and not written.exists()
    empty = tmp_path / "work2/links"
    empty.mkdir(parents=True)
    links.install(empty, dest)  # a run that wrote nothing leaves nothing of the last one
    assert not dest.exists()


def test_build_runs_notebooks_in_execution_order(tmp_path, monkeypatch):
    root = project(
        tmp_path,
        {"00_summary": "build/{variant}/results/01_harbour.json"},
        ("00_summary", "01_harbour"),
    )
    monkeypatch.setenv("TUMEN_ROOT", str(root))
    monkeypatch.chdir(root)
    ran = []
    monkeypatch.setattr("tumen.engine.runner.run", lambda p, name, **kw: ran.append(name))
    monkeypatch.setattr("tumen.report.assemble.write_html", lambda cfg: None)
    monkeypatch.setattr("tumen.report.pdf.write_pdf", lambda cfg: None)
    assert cli.main(["build", "--params", "p.yaml"]) == 0
    assert ran == ["harbour", "summary"]
