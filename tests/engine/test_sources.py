"""tumen.engine.sources: provenance entries, stale hashes, synthetic inputs."""

import pytest

from tumen.engine import sources
from tumen.errors import DataError

ENTRY = """files:
  - path: data/obs.csv
    kind: synthetic
    sha256: {sha}
    licence: CC0-1.0
    source: scripts/make_example_data.py
  - path: data/ref.csv
    kind: reference
    sha256: {sha2}
    licence: ODbL
    source: OpenStreetMap
"""


@pytest.fixture
def proj(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/obs.csv").write_text("a,b\n1,2\n")
    (tmp_path / "data/ref.csv").write_text("x\n")
    (tmp_path / "data/sources.yaml").write_text(
        ENTRY.format(
            sha=sources.sha256(tmp_path / "data/obs.csv"),
            sha2=sources.sha256(tmp_path / "data/ref.csv"),
        )
    )
    return tmp_path


def test_clean_tree_has_no_problems(proj):
    assert sources.check(proj) == []


def test_unlisted_stale_and_missing_files_are_reported(proj):
    (proj / "data/new.csv").write_text("n\n")
    (proj / "data/obs.csv").write_text("a,b\n1,3\n")
    (proj / "data/ref.csv").unlink()
    assert sources.check(proj) == [
        "data/new.csv: no entry in data/sources.yaml",
        "data/obs.csv: sha256 in data/sources.yaml is stale",
        "data/ref.csv: listed in data/sources.yaml but missing",
    ]


def test_update_rewrites_only_stale_hashes(proj):
    (proj / "data/obs.csv").write_text("a,b\n1,3\n")
    before = (proj / "data/sources.yaml").read_text()
    assert sources.update(proj) == ["data/obs.csv"]
    after = (proj / "data/sources.yaml").read_text()
    assert sources.check(proj) == []
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and "sha256" in changed[0][1]


def test_synthetic_inputs(proj):
    assert sources.synthetic_inputs(["data/obs.csv", proj / "data/ref.csv"], proj) == [
        "data/obs.csv"
    ]


def test_bad_kind_names_line_and_field(proj):
    p = proj / "data/sources.yaml"
    p.write_text(p.read_text().replace("kind: reference", "kind: guessed"))
    with pytest.raises(DataError) as exc:
        sources.load(p)
    assert exc.value.line == 7 and exc.value.field == "kind" and "guessed" in str(exc.value)


def test_missing_field(proj):
    p = proj / "data/sources.yaml"
    p.write_text(p.read_text().replace("    licence: ODbL\n", ""))
    with pytest.raises(DataError, match="lacks 'licence'"):
        sources.load(p)
