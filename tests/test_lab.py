"""Notebooks opened in Jupyter: "Run all" with the defaults of the parameters cell works.

JupyterLab (``make lab``) starts a notebook's kernel in ``notebooks/``. Each notebook is
executed here the same way, headless (nbclient, no server): in a clean copy of the project,
with the kernel's working directory set to the copy's ``notebooks/``, importing the copy's
own ``tumen`` and without ``TUMEN_ROOT`` (so the root comes from the package location).
The test checks that every cell ran, that the outputs landed in ``build/lab/<notebook>/``
and that nothing was written into ``notebooks/``.
"""

import json
import shutil
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient

from tumen import paths
from tumen.engine import params, rebuild, runner

pytestmark = pytest.mark.slow

STEMS = sorted(p.stem for p in (paths.root() / "notebooks").glob("*.ipynb"))
#: Notebooks whose every number comes from the notebooks they link to (linked sections); their
#: defaults name the build's results (``build/{variant}/...``), which a lab run alone lacks.
LINKED_ONLY = {"00_overview"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A clean copy of the project (notebooks, data, sources), shared by the notebooks."""
    return rebuild.copy_tree(tmp_path_factory.mktemp("lab") / "tree")


def listing(folder):
    """Every file and folder under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def uses_lab_defaults(nb_path) -> bool:
    """True when a notebook's parameters cell and first cell follow the Jupyter convention."""
    declared = params.declared_parameters(nb_path)
    source = "".join(
        "".join(c["source"])
        for c in nbformat.read(nb_path, as_version=4).cells
        if c.cell_type == "code"
    )
    return (
        str(declared.get("results_path", "")).startswith("build/lab/")
        and "enter_project()" in source
    )


@pytest.mark.parametrize("stem", STEMS)
def test_run_all_from_the_notebooks_folder(tree, stem, monkeypatch):
    nb_path = tree / "notebooks" / f"{stem}.ipynb"
    assert uses_lab_defaults(nb_path), (
        f"{stem}: default results_path etc. under build/lab/ and call paths.enter_project()"
    )
    monkeypatch.delenv("TUMEN_ROOT", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(tree / "src"))
    runner.kernel_env()
    before = listing(tree / "notebooks")
    nb = nbformat.read(nb_path, as_version=4)
    sock_dir = tempfile.mkdtemp(prefix="tumen-lab-test-")
    try:
        NotebookClient(
            nb,
            kernel_name=runner.KERNEL,
            timeout=600,
            resources={"metadata": {"path": str(tree / "notebooks")}},
            kernel_manager_class=runner.ipc_kernel_manager(sock_dir),
        ).execute()
    finally:
        shutil.rmtree(sock_dir, ignore_errors=True)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert listing(tree / "notebooks") == before, "a notebook run wrote into notebooks/"
    lab = tree / paths.lab_dir(stem)
    records = json.loads((lab / "results.json").read_text())
    figures_dir = tree / params.declared_parameters(nb_path)["figures_dir"]
    if stem in LINKED_ONLY:  # run alone, its sections are missing: it says so, records nothing
        text = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert "is not part of this build" in text and not records
        assert not any(figures_dir.glob("*.png"))
    else:
        assert records, "no result recorded"
        assert any(figures_dir.glob("*.png")), "no figure written"
    assert not (tree / "build" / "default").exists(), "an interactive run wrote a variant"


def test_enter_project_moves_to_the_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.enter_project() == paths.root()
    assert paths.Path.cwd() == paths.root()
    assert paths.enter_project() == paths.root()  # a second call changes nothing


def test_parameter_defaults_point_under_build_lab():
    """Injected paths default under build/lab/<notebook>/ (02: once adopted, see above)."""
    for stem in STEMS:
        declared = params.declared_parameters(paths.root() / "notebooks" / f"{stem}.ipynb")
        if not str(declared["results_path"]).startswith("build/lab/"):
            continue
        for key in ("results_path", "figures_dir", "tables_dir", "links_dir"):
            if key in declared:
                assert declared[key].startswith(f"build/lab/{stem}/"), (stem, key)
