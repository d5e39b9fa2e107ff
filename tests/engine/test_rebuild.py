"""Tests for tumen.engine.rebuild: what a clean copy of the tree holds, and the outputs of a
variant compared between builds, on tiny hand-made trees (the builds themselves are tested
end to end in tests/test_build.py and tests/test_faults.py)."""

import hashlib

from tumen.engine import rebuild


def touch(root, *names, text="x"):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_copy_of_a_tree_that_is_not_a_git_checkout_skips_generated_folders(tmp_path):
    root = tmp_path / "tree"
    touch(
        root,
        "Makefile",
        "src/tumen/report/assemble.py",  # "report" below the top is code
        "published/figures/a.png",
        "build/default/results/r.json",  # build outputs at the top are not copied
        "figures/default/f.png",
        "report/default/report.html",
        ".venv/bin/python",
        "src/tumen/__pycache__/x.pyc",
        "src/tumen.egg-info/PKG-INFO",
        "notebooks/.ipynb_checkpoints/n.ipynb",
    )
    copy = rebuild.copy_tree(tmp_path / "copy", root)
    files = sorted(str(p.relative_to(copy)) for p in copy.rglob("*") if p.is_file())
    assert files == ["Makefile", "published/figures/a.png", "src/tumen/report/assemble.py"]


def test_output_files_hash_every_output_of_one_variant(tmp_path):
    touch(
        tmp_path,
        "build/v/results/01_t.json",
        "build/v/notebooks/01_t.ipynb",
        "figures/v/a/f.png",
        "report/v/report.html",
        "build/v/work/01_t/scratch.txt",  # work files are not outputs
        "build/other/results/01_t.json",  # another variant's
    )
    x = hashlib.sha256(b"x").hexdigest()
    assert rebuild.output_files(tmp_path, "v") == {
        "build/v/results/01_t.json": x,
        "build/v/notebooks/01_t.ipynb": x,
        "figures/v/a/f.png": x,
        "report/v/report.html": x,
    }
    assert rebuild.output_files(tmp_path, "absent") == {}
