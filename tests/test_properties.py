"""Property tests (issue 9): arbitrary input to every parser and validator never raises
anything but the project's own errors (``tumen.errors.TumenError`` subclasses).

Each property writes what hypothesis draws to a temporary file and calls the real reader;
any other exception fails the test (with the input hypothesis shrank it to). A project
error must still be one line that names the file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tumen.analyses.rail import read as rail_read
from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.engine import params, sources
from tumen.errors import TumenError
from tumen.geo import gazetteer
from tumen.report import claims, tables

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SITES = gazetteer.load_sites()


def call(fn, content: bytes | str, suffix=".csv", directory=None):
    """Write ``content`` to a fresh file, call ``fn(path)``; return its value or the
    project error; fail on any other exception."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    fd, name = tempfile.mkstemp(suffix=suffix, dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            return fn(Path(name))
        except TumenError as err:
            text = str(err)
            assert "\n" not in text and "\r" not in text, text
            assert err.file is not None
            return err
    finally:
        os.unlink(name)


# --- strategies -----------------------------------------------------------------------

CSV_CHARS = st.sampled_from(list(',"\n\r \t;:-+.Z0123456789abcdeéT\ufeff\x00\\') + ["\xff"])
FIELD = st.one_of(
    st.text(CSV_CHARS, max_size=12),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "3.5",
            "1e3",
            "nan",
            "inf",
            "-0",
            "   7 ",
            "１２",
            "2023-10-05T01:48:00Z",
            "2023-10-05",
            "2023-02-30",
            "2023-10-05T10:00:00",
            "2023-10-05T10:00:00+09:00",
            "9999-99-99",
            "0001-01-01T00:00:00Z",
            "tumangang_rail_facility",
            "rajin_port",
            "rajin_prot",
            "91",
            "-181",
            "180",
            "berthed",
            "high",
            "low",
            "x" * 40,
            '"',
            "a,b",
            "<b>",
        ]
    ),
    st.text(max_size=8),
)


@st.composite
def csv_text(draw, columns):
    """A CSV-like text whose header is mostly real column names (sometimes misspelt)."""
    names = list(columns) + ["notes", "extra", "sitee", ""]
    header = draw(
        st.lists(
            st.sampled_from(names) | st.text(CSV_CHARS, max_size=6),
            min_size=0,
            max_size=len(columns) + 2,
        )
    )
    if draw(st.booleans()):
        header = list(columns) + header[:1]
    rows = draw(
        st.lists(
            st.lists(FIELD, min_size=max(len(header) - 1, 0), max_size=len(header) + 1), max_size=6
        )
    )
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (
        bom
        + newline.join(",".join(r) for r in [header] + rows)
        + draw(st.sampled_from(["", newline]))
    )


def any_bytes():
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )


# --- CSV readers ----------------------------------------------------------------------


@FAST
@given(any_bytes())
def test_read_table_any_bytes(content):
    call(lambda p: tables.read_table(p, ["a", "b"], ["c"]), content)


@FAST
@given(csv_text(["a", "b", "c"]))
def test_read_table_csv_like_text(content):
    out = call(lambda p: tables.read_table(p, ["a", "b"], ["c"]), content)
    if not isinstance(out, TumenError):
        assert {"a", "b", "line"} <= set(out.columns)


@FAST
@given(
    st.one_of(
        csv_text(rail_read.REQUIRED + rail_read.OPTIONAL), csv_text(rail_read.REQUIRED), any_bytes()
    ),
    st.sampled_from(["error", "utc"]),
)
def test_read_railcars_never_crashes(content, naive):
    out = call(
        lambda p: rail_read.read_railcars(p, known_sites=list(SITES["id"]), naive=naive), content
    )
    if not isinstance(out, TumenError):
        assert (out["railcars"] >= 0).all()


@FAST
@given(
    st.one_of(
        csv_text(shuttle_observations.SIGHTING_REQUIRED + shuttle_observations.SIGHTING_OPTIONAL),
        csv_text(("vessel", "observed", "site", "lat", "lon", "containers")),
        any_bytes(),
    )
)
def test_read_sightings_never_crashes(content):
    out = call(lambda p: shuttle_observations.read_sightings(p, SITES), content)
    if not isinstance(out, TumenError):
        assert out["lat"].dropna().abs().le(90).all()
        assert out["lon"].dropna().abs().le(180).all()


@FAST
@given(st.one_of(csv_text(claims.COLUMNS), any_bytes()))
def test_read_claims_never_crashes(content):
    call(claims.read_claims, content)


# --- YAML readers ---------------------------------------------------------------------

YAML_BITS = st.sampled_from(
    [
        "report:\n",
        "  title: T\n",
        "  variant: v1\n",
        "  variant: ../x\n",
        "  notebook_dir: tests/fixtures/notebooks\n",
        "  notebook_dir: /etc\n",
        "  notebooks: [01_harbour, 02_rail]\n",
        "  notebooks: [01_harbour]\n",
        "  notebooks: 3\n",
        "  notebooks: [[1]]\n",
        "  notebooks: [null]\n",
        "  notebooks: ['a\\0b']\n",
        "  show_code: yes\n",
        "harbour:\n",
        "  threshold: 3\n",
        "  threshold: ten\n",
        "  counts_csv: tests/fixtures/data/harbour_counts.csv\n",
        "  counts_csv: ../../x\n",
        "  counts_csv: [1, 2]\n",
        "  counts_csv: 'a\\0b'\n",
        "  counts_csv: 'x/*.nope'\n",
        "rail:\n",
        "  treshold: 1\n",
        "1: 2\n",
        "null: 1\n",
        "? [a]\n: 1\n",
        "- a\n",
        "x\n",
        "files:\n",
        "  - path: data/x.csv\n",
        "    kind: observation\n",
        "    kind: [1]\n",
        "    kind: {a: 1}\n",
        "    sha256: abc\n",
        "  - 3\n",
        "  - {path: [1], kind: 2}\n",
        "    path: null\n",
        "report: 5\n",
        "harbour: [1]\n",
        ": :\n",
        "\t\n",
        "{\n",
        "&a [*a]\n",
        "!!python/object:os.system ls\n",
        "files: 3\n",
        "files: {a: 1}\n",
        '  counts_csv: "a\\0b"\n',
        '  notebook_dir: "a\\0b"\n',
        "  counts_csv: " + "x" * 300 + "\n",
        "  notebook_dir: " + "y/" * 200 + "\n",
        '    path: "a\\0"\n',
        "\xff\n",
        "report:\n  1: 2\n",
    ]
)
YAML_TEXT = st.one_of(
    st.lists(YAML_BITS, max_size=10).map("".join),
    st.lists(st.one_of(YAML_BITS, st.text(max_size=15)), max_size=8).map("".join),
    any_bytes(),
)


@pytest.fixture(scope="module")
def project():
    """A tiny project (the fixture notebooks and data) for parameter files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(FIX / "notebooks", root / "tests/fixtures/notebooks")
        shutil.copytree(FIX / "data", root / "tests/fixtures/data")
        yield root


@FAST
@given(YAML_TEXT)
def test_params_load_never_crashes(project, content):
    call(lambda p: params.load(p, root=project), content, suffix=".yaml", directory=project)


@FAST
@given(YAML_TEXT)
def test_sources_load_never_crashes(project, content):
    call(sources.load, content, suffix=".yaml", directory=project)


def test_params_valid_file_still_loads(project):
    text = (
        "report:\n  title: T\n  variant: v1\n  notebook_dir: tests/fixtures/notebooks\n"
        "  notebooks: [01_harbour, 02_rail]\n"
    )
    cfg = call(lambda p: params.load(p, root=project), text, suffix=".yaml", directory=project)
    assert not isinstance(cfg, TumenError), cfg
    assert cfg.variant == "v1"
