"""tumen.engine.plan: dependencies of each notebook and the generated make rules."""

from pathlib import Path

from tumen.engine import params, plan

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
FIX = ROOT / "tests" / "fixtures"


def names(files):
    return sorted(Path(f).name for f in files)


def test_imports_follow_tumen_modules_only():
    code = (
        "import numpy\nimport tumen.engine.results\nfrom tumen.report import figures\n"
        "from tumen import errors as e\nfrom tumen.engine.params import load\n"
    )
    assert plan.imports_of(code, SRC) == {
        "tumen",
        "tumen.engine",
        "tumen.report",
        "tumen.engine.results",
        "tumen.report.figures",
        "tumen.errors",
        "tumen.engine.params",
    }


def test_module_closure_is_transitive():
    files = names(plan.module_closure({"tumen.engine.results"}, SRC))
    assert files == ["__init__.py", "errors.py", "paths.py", "results.py"]
    assert "paths.py" in names(plan.module_closure({"tumen.engine.params"}, SRC))


def test_notebook_imports():
    assert plan.notebook_imports(FIX / "notebooks/01_harbour.ipynb", SRC) >= {
        "tumen.report.figures",
        "tumen.engine.results",
    }
    assert "tumen.report.figures" not in plan.notebook_imports(FIX / "notebooks/02_rail.ipynb", SRC)


def test_data_inputs_expand_folders_and_ignore_other_keys(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.nmea").write_text("x")
    (tmp_path / "d" / "b.nmea").write_text("y")
    (tmp_path / "one.csv").write_text("z")
    got = plan.data_inputs(
        {"ais_dir": "d", "obs_csv": "one.csv", "title": "one.csv", "many_glob": "d/*.nmea"},
        tmp_path,
    )
    assert names(got) == ["a.nmea", "b.nmea", "one.csv"]


def test_write_if_changed_keeps_mtime_when_equal(tmp_path):
    p = tmp_path / "s.yaml"
    assert plan.write_if_changed(p, "a: 1\n")
    before = p.stat().st_mtime_ns
    assert not plan.write_if_changed(p, "a: 1\n")
    assert p.stat().st_mtime_ns == before
    assert plan.write_if_changed(p, "a: 2\n") and p.read_text() == "a: 2\n"


def test_makefile_rules_list_exact_dependencies():
    cfg = params.load(FIX / "params.yaml", root=ROOT)
    mk = plan.makefile(cfg, "tests/fixtures/params.yaml", ROOT)
    rail_rule = mk.split("build/fixture/notebooks/02_rail.ipynb:")[1].split("\t")[0]
    assert "tests/fixtures/data/rail_counts.csv" in rail_rule
    assert "harbour_counts.csv" not in rail_rule and "figures.py" not in rail_rule
    assert (
        "src/tumen/engine/runner.py" in rail_rule
        and "build/fixture/params/02_rail.yaml" in rail_rule
    )
    assert "--notebook rail" in mk
    assert "report/fixture/index.html: $(TUMEN_NOTEBOOK_TARGETS)" in mk
    assert "report/fixture/report.pdf: report/fixture/index.html" in mk


def test_slices_hold_only_their_notebooks_parameters(tmp_path, monkeypatch):
    cfg = params.load(FIX / "params.yaml", root=ROOT)
    monkeypatch.setattr(
        type(cfg), "dirs", property(lambda self: params.paths.variant_dirs("v", tmp_path))
    )
    plan.write_slices(cfg, ROOT)
    text = (tmp_path / "build/v/params/01_harbour.yaml").read_text()
    assert "threshold: 10" in text and "railcars_csv" not in text
    assert "notebook_files" in (tmp_path / "build/v/params/report.yaml").read_text()


def linked_project(
    tmp_path,
    value='"build/{variant}/results/01_harbour.json"',
    order=("01_harbour", "02_rail", "07_linked"),
):
    """A tiny project: the fixture notebooks plus one that reads 01_harbour's results."""
    import shutil

    import nbformat

    shutil.copytree(FIX / "notebooks", tmp_path / "nb")
    shutil.copytree(FIX / "data", tmp_path / "tests/fixtures/data")
    cell = nbformat.v4.new_code_cell(f"harbour_results = {value}\nresults_path = 'r.json'\n")
    cell.metadata["tags"] = ["parameters"]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "nb/07_linked.ipynb")
    (tmp_path / "p.yaml").write_text(
        f"report:\n  variant: v1\n  notebook_dir: nb\n  notebooks: [{', '.join(order)}]\n"
    )
    return tmp_path


def test_a_linked_notebook_runs_after_the_one_whose_results_it_reads(tmp_path):
    root = linked_project(tmp_path)
    cfg = params.load(root / "p.yaml", root=root)
    # {variant} is replaced by the build's variant in the slice the notebook receives
    assert cfg.notebook("linked").params["harbour_results"] == "build/v1/results/01_harbour.json"
    assert cfg.producer("build/v1/results/01_harbour.json").stem == "01_harbour"
    mk = plan.makefile(cfg, "p.yaml", root)
    rule = mk.split("build/v1/notebooks/07_linked.ipynb:")[1].split("\t")[0]
    # the producer's executed notebook is a prerequisite: make runs it first, and anything
    # that reruns it (its data, code or parameters) reruns the reader too
    assert "build/v1/notebooks/01_harbour.ipynb" in rule
    assert "build/v1/notebooks/02_rail.ipynb" not in rule
    harbour = mk.split("build/v1/notebooks/01_harbour.ipynb:")[1].split("\t")[0]
    assert "07_linked" not in harbour


def test_a_link_to_a_later_notebook_is_run_first_one_outside_the_project_refused(tmp_path):
    import pytest

    from tumen.engine import links
    from tumen.errors import ParameterError

    root = linked_project(tmp_path, order=("07_linked", "01_harbour"))
    cfg = params.load(root / "p.yaml", root=root)  # listed later, run first
    assert [nb.stem for nb in links.execution_order(cfg)] == ["01_harbour", "07_linked"]
    root = linked_project(tmp_path / "b", value='"../elsewhere.json"')
    with pytest.raises(ParameterError, match="outside the project"):
        params.load(root / "p.yaml", root=root)


def test_a_link_to_a_file_no_notebook_writes(tmp_path):
    # a results file of another build: a plain prerequisite when it exists, none when it
    # does not (the notebook then says that the link is missing); "" is no link at all
    root = linked_project(tmp_path, value='"build/other/results/01_harbour.json"')
    mk = plan.makefile(params.load(root / "p.yaml", root=root), "p.yaml", root)
    assert "build/other" not in mk
    (root / "build/other/results").mkdir(parents=True)
    (root / "build/other/results/01_harbour.json").write_text("{}")
    mk = plan.makefile(params.load(root / "p.yaml", root=root), "p.yaml", root)
    assert "build/other/results/01_harbour.json" in mk.split("07_linked.ipynb:")[1].split("\t")[0]
    root = linked_project(tmp_path / "c", value='""')
    assert (
        "01_harbour.ipynb"
        not in plan.makefile(params.load(root / "p.yaml", root=root), "p.yaml", root)
        .split("07_linked.ipynb:")[1]
        .split("\t")[0]
    )


def test_a_linked_notebook_inherits_the_data_inputs_of_its_producer(tmp_path):
    # 07_linked reads no data file itself, but its results derive from 01_harbour's: they
    # are its inputs too (so a synthetic file upstream marks it, and provenance says so)
    from tumen.engine import provenance

    root = linked_project(tmp_path)
    cfg = params.load(root / "p.yaml", root=root)
    inputs = provenance.notebook_inputs(cfg, root)
    assert inputs["harbour"] and inputs["linked"] == inputs["harbour"]
    assert not set(inputs["rail"]) & set(inputs["linked"])


def test_each_section_depends_only_on_its_own_rooms():
    """With empty ``__init__.py`` files, a section's notebook depends on the modules it
    imports and theirs: the rail notebook on no AIS or shuttle module, so an edit to the AIS
    decoder reruns only the sections that read AIS."""
    deps = {
        nb: {
            str(f.relative_to(SRC / "tumen"))
            for f in plan.module_closure(
                plan.notebook_imports(ROOT / f"notebooks/{nb}.ipynb", SRC), SRC
            )
        }
        for nb in ("01_rail_traffic", "02_vessel_shuttle", "03_route_to_depot")
    }
    assert "analyses/rail/compute.py" in deps["01_rail_traffic"]
    assert not {d for d in deps["01_rail_traffic"] if d.startswith(("ais/", "analyses/shuttle/"))}
    assert "ais/nmea.py" in deps["02_vessel_shuttle"]
    assert not {d for d in deps["02_vessel_shuttle"] if d.startswith("analyses/rail/")}
    route = deps[
        "03_route_to_depot"
    ]  # its sea leg uses the shuttle's ports (geofences: ais.tracks)
    assert "ais/nmea.py" not in route and not {d for d in route if d.startswith("analyses/rail/")}
