"""tumen.paths: output folders relative to the project, and atomic writes."""

from pathlib import Path

import pytest

from tumen import paths


def test_variant_dirs_are_relative_unless_given_a_base(tmp_path):
    d = paths.variant_dirs("kittiwake")
    assert d.results == Path("build/kittiwake/results") and d.report == Path("report/kittiwake")
    assert paths.variant_dirs("kittiwake", tmp_path).figures == tmp_path / "figures/kittiwake"


def test_atomic_write_writes_text_and_bytes_and_makes_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    assert paths.atomic_write(target, "Tikhoretsk – ok\n") == target
    assert target.read_text(encoding="utf-8") == "Tikhoretsk – ok\n"
    paths.atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temporary left


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("last good report")
    with pytest.raises(TypeError):
        paths.atomic_write(target, 12345)  # not bytes or text: the write fails
    assert target.read_text() == "last good report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
