"""tumen.engine.params: loading and validating build parameters."""

import shutil
from pathlib import Path

import pytest

from tumen.engine import params, params_check
from tumen.errors import ParameterError

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture
def proj(tmp_path):
    """A tiny project: the fixture notebooks and data under tmp_path."""
    shutil.copytree(FIX / "notebooks", tmp_path / "tests/fixtures/notebooks")
    shutil.copytree(FIX / "data", tmp_path / "tests/fixtures/data")
    return tmp_path


def write(proj, text):
    p = proj / "p.yaml"
    p.write_text(text)
    return p


BASE = """report:
  title: T
  variant: v1
  notebook_dir: tests/fixtures/notebooks
  notebooks: [01_harbour, 02_rail]
"""


def test_fixture_params_load():
    cfg = params.load(FIX / "params.yaml", root=ROOT)
    assert cfg.variant == "fixture"
    assert [nb.name for nb in cfg.notebooks] == ["harbour", "rail"]
    h = cfg.notebook("harbour")
    assert (h.index, h.total, h.stem) == (1, 2, "01_harbour")
    assert h.params == {"counts_csv": "tests/fixtures/data/harbour_counts.csv", "threshold": 10}
    assert cfg.notebook("02_rail").name == "rail"


def test_declared_parameters_reads_the_tagged_cell():
    d = params.declared_parameters(FIX / "notebooks" / "01_harbour.ipynb")
    assert d["threshold"] == 10 and d["results_path"] == "results.json"


def test_defaults_and_overrides(proj):
    cfg = params.load(
        write(
            proj,
            BASE + "harbour:\n  threshold: 3\n  counts_csv: tests/fixtures/data/rail_counts.csv\n",
        ),
        root=proj,
    )
    assert cfg.notebook("harbour").params["threshold"] == 3
    assert cfg.report["show_code"] is False and cfg.report["title"] == "T"


def line_of_error(proj, text):
    with pytest.raises(ParameterError) as exc:
        params.load(write(proj, text), root=proj)
    return exc.value


def test_unknown_parameter_suggests_the_declared_one(proj):
    err = line_of_error(proj, BASE + "harbour:\n  treshold: 3\n")
    assert err.line == 7 and err.field == "harbour.treshold"
    assert "did you mean 'threshold'" in str(err)
    assert str(err).startswith(str(proj / "p.yaml") + ":7 [harbour.treshold]") or "p.yaml:7" in str(
        err
    )


def test_unknown_report_key_suggests(proj):
    err = line_of_error(proj, BASE.replace("title: T", "titel: T"))
    assert "did you mean 'title'" in str(err) and err.line == 2


def test_wrong_type(proj):
    err = line_of_error(proj, BASE + "harbour:\n  threshold: ten\n")
    assert "expected int" in str(err) and err.field == "harbour.threshold"


def test_float_parameter_accepts_int_but_not_bool(proj):
    nb = params.declared_parameters(FIX / "notebooks" / "01_harbour.ipynb")
    assert (
        params_check.type_ok(1.5, 2)
        and not params_check.type_ok(1.5, True)
        and not params_check.type_ok(1, 1.5)
    )
    assert nb


def test_missing_path(proj):
    err = line_of_error(
        proj, BASE + "harbour:\n  counts_csv: tests/fixtures/data/harbour_count.csv\n"
    )
    assert "does not exist" in str(err) and "harbour_counts.csv" in str(err)


def test_missing_default_path_names_the_notebook(proj):
    (proj / "tests/fixtures/data/harbour_counts.csv").unlink()
    err = line_of_error(proj, BASE)
    assert err.file.endswith("01_harbour.ipynb") and err.field == "counts_csv"


def test_path_outside_project(proj):
    err = line_of_error(proj, BASE + "harbour:\n  counts_csv: ../../etc/passwd\n")
    assert "outside the project" in str(err)


def test_injected_names_cannot_be_set(proj):
    err = line_of_error(proj, BASE + "harbour:\n  results_path: x.json\n")
    assert "set by the runner" in str(err)


def test_section_without_notebook(proj):
    err = line_of_error(proj, BASE + "harbor:\n  threshold: 3\n")
    assert "matches no notebook" in str(err) and "harbour" in str(err)


def test_missing_notebook_suggests(proj):
    err = line_of_error(proj, BASE.replace("02_rail", "02_rails"))
    assert "not found" in str(err) and "02_rail" in str(err)


def test_bad_variant_name(proj):
    err = line_of_error(proj, BASE.replace("variant: v1", "variant: ../x"))
    assert "plain folder name" in str(err)


def test_invalid_yaml_names_line(proj):
    err = line_of_error(proj, BASE + "harbour: [\n")
    assert "not valid YAML" in str(err) and err.line is not None


def test_notebook_without_parameters_cell(proj):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, proj / "tests/fixtures/notebooks/09_plain.ipynb")
    err = line_of_error(proj, BASE.replace("02_rail]", "02_rail, 09_plain]"))
    assert "no cell tagged 'parameters'" in str(err)


def test_short_name():
    assert params.short_name("03_route_to_depot") == "route_to_depot"
    assert params.short_name("notes") == "notes"


def test_authors_default_is_no_author_line():
    assert params.REPORT_KEYS["authors"][1] == []
    assert params.REPORT_KEYS["aliases"][1] == {}
