"""Faults: an interrupted build and two variants built at once, in clean copies of the project.

The fixture variant ``slow`` (``tests/fixtures/params_slow.yaml``) runs three notebooks;
the middle one, ``06_slow``, saves a figure and then, when ``TUMEN_FIXTURE_GATE`` names an
existing file, writes ``<gate>.waiting`` and waits until the gate is removed. A test holds
the gate, waits for the ``.waiting`` file and only then signals make's process group: the
signal provably lands while the notebook executes, however busy the machine (no timing).
The interrupted build must leave the last good report byte for byte, no half-written
executed notebook, no work folder and no kernel behind; the next ``make report`` reruns only
what did not finish. Two ``make report`` processes with different variants in one copy must
both succeed with complete, correct reports.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tumen.engine import rebuild

pytestmark = pytest.mark.slow

SLOW = "tests/fixtures/params_slow.yaml"
FIXTURE = "tests/fixtures/params.yaml"
#: Generous: the machine is small and busy.
TIMEOUT_S = 600


def ran(stdout: str) -> list[str]:
    """Names of the notebooks a make run finished, from the progress lines."""
    return re.findall(r"^\[\d+/\d+\] (\w+) … [\d.]+ s$", stdout, flags=re.M)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_cmd(copy: Path, params: str) -> tuple[list[str], dict]:
    """The command and environment of ``rebuild.make_in``, for a process we can signal."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL")}
    env.update({"PYTHONPATH": str(copy / "src"), "TUMEN_ROOT": str(copy)})
    return (
        [
            "make",
            "--no-print-directory",
            "-C",
            str(copy),
            "report",
            f"PARAMS={params}",
            f"VENV={sys.prefix}",
            "EXTERNAL_VENV=1",
        ],
        env,
    )


def processes_of(copy: Path) -> list[str]:
    """Command lines of live processes started for this copy (TUMEN_ROOT in their environment)."""
    needle = f"TUMEN_ROOT={copy}".encode() + b"\0"
    found = []
    for d in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (d / "environ").read_bytes():
                found.append((d / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200])
        except OSError:
            continue
    return found


def interrupt(copy: Path, params: str, sig: int, ready=None) -> tuple[int, str, str]:
    """Run ``make report`` and send ``sig`` to its process group once ``ready()`` is true.

    By default 06_slow holds at its gate, so ``ready`` is its ``.waiting`` file: the
    notebook is executing and cannot finish before the signal. A custom ``ready`` runs
    without the gate (make may then have finished: the signal finds no process).
    Returns the exit code, stdout and stderr of make.
    """
    cmd, env = make_cmd(copy, params)
    gate = copy.parent / f"{copy.name}.gate"
    if ready is None:
        gate.write_text("held by the test\n")
        env["TUMEN_FIXTURE_GATE"] = str(gate)
        ready = Path(f"{gate}.waiting").exists
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        while not ready() and proc.poll() is None:
            time.sleep(0.01)  # polling a file the build writes; no deadline needed: make ends
        if gate.exists() and not ready():
            out, err = proc.communicate()
            raise AssertionError(f"make ended before 06_slow reached its gate:\n{out}{err}")
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:  # a custom moment came as make finished
            pass
        out, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        gate.unlink(missing_ok=True)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project with the ``slow`` fixture variant built once."""
    copy = rebuild.copy_tree(tmp_path_factory.mktemp("faults") / "tree")
    proc = rebuild.make_in(copy, "report", SLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ran(proc.stdout) == ["harbour", "slow", "rail"]
    return copy


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_keeps_last_good_report_and_resumes(built, tmp_path, sig):
    work = shutil.copytree(built, tmp_path / "tree", symlinks=True)
    report = work / "report/slow"
    notebooks = work / "build/slow/notebooks"
    before = {p.name: sha(p) for p in [*report.iterdir(), *notebooks.iterdir()]}
    # new data for all three notebooks: the build will rerun harbour, slow, rail in order
    for rel, row in (
        ("harbour_counts.csv", "2023-09-05,7\n"),
        ("slow_ticks.csv", "6\n"),
        ("rail_counts.csv", "2023-10-09,80\n"),
    ):
        with open(work / "tests/fixtures/data" / rel, "a") as fh:
            fh.write(row)

    code, out, err = interrupt(work, SLOW, sig)
    assert code != 0
    assert ran(out) == ["harbour"], out + err
    assert "interrupted; the last good report is untouched" in err

    # the last good report and the unfinished notebook's last good output, byte for byte
    assert {p.name: sha(p) for p in report.iterdir()} == {
        k: v for k, v in before.items() if k in ("index.html", "report.pdf", "data.zip")
    }
    assert sha(notebooks / "06_slow.ipynb") == before["06_slow.ipynb"]
    assert sha(notebooks / "02_rail.ipynb") == before["02_rail.ipynb"]
    assert sha(notebooks / "01_harbour.ipynb") != before["01_harbour.ipynb"]  # finished
    # nothing half-written: no temporary files, no work folder, no live kernel
    leftovers = [
        p for p in (work / "build/slow").rglob("*") if p.suffix == ".tmp" or p.name.startswith(".")
    ] + list((work / "build/slow/work").rglob("*"))
    assert leftovers == []
    assert (
        json.loads((work / "build/slow/results/06_slow.json").read_text())["slow.ticks"]["value"]
        == 12
    )
    deadline = time.monotonic() + 300  # a bound for a busy machine, not a timing assumption
    while processes_of(work) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_of(work) == []

    again = rebuild.make_in(work, "report", SLOW)
    assert again.returncode == 0, again.stdout + again.stderr
    assert ran(again.stdout) == ["slow", "rail"]
    soup = BeautifulSoup((report / "index.html").read_text(), "html.parser")

    def prose(name):
        return " ".join(soup.select_one(f"section#nb-{name}").get_text().split())

    assert "The ticks add up to 18 ticks." in prose("slow")
    assert "The peak was 80 railcars." in prose("rail")
    assert "Over 5 days" in prose("harbour")


def test_interrupt_during_first_build_leaves_no_report(tmp_path):
    """No report yet: an interrupted first build writes none (and no executed notebook)."""
    copy = rebuild.copy_tree(tmp_path / "tree")
    code, out, err = interrupt(copy, SLOW, signal.SIGTERM)
    assert code != 0, out + err
    assert not (copy / "report/slow").exists() or not any((copy / "report/slow").iterdir())
    assert sorted(p.name for p in (copy / "build/slow/notebooks").iterdir()) == ["01_harbour.ipynb"]
    assert not (copy / "figures/slow/slow_ticks.png").exists()


def test_two_variants_built_at_the_same_time(built, tmp_path):
    # the same sources as the serial build, outputs removed
    copy = shutil.copytree(built, tmp_path / "tree", symlinks=True)
    assert rebuild.make_in(copy, "clean", SLOW).returncode == 0
    assert rebuild.output_files(copy, "slow") == {}
    procs = []
    for params in (SLOW, FIXTURE):
        cmd, env = make_cmd(copy, params)
        procs.append(
            subprocess.Popen(
                cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    outs = [p.communicate(timeout=TIMEOUT_S) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, out + err
        assert err == ""  # nothing on stderr: not even the kernels' shutdown notices
    assert ran(outs[0][0]) == ["harbour", "slow", "rail"]
    assert ran(outs[1][0]) == ["harbour", "rail"]

    # the slow variant is byte-identical to the one built alone
    assert rebuild.output_files(copy, "slow") == rebuild.output_files(built, "slow")
    # the fixture variant is complete and correct
    res = {}
    for f in (copy / "build/fixture/results").glob("*.json"):
        res.update(json.loads(f.read_text()))
    assert res["harbour.peak_ships"]["value"] == 12 and res["railfix.peak"]["value"] == 73
    assert not any(k.startswith("slow.") for k in res)
    soup = BeautifulSoup((copy / "report/fixture/index.html").read_text(), "html.parser")
    assert [s["data-notebook"] for s in soup.select("section.analysis")] == [
        "01_harbour",
        "02_rail",
    ]
    assert soup.title.string == "Fixture report"
    assert (copy / "report/fixture/report.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in (copy / "figures/fixture").iterdir()) == [
        "harbour_ships_daily.png",
        "harbour_ships_daily.svg",
    ]
    assert not list((copy / "build").rglob("*.tmp"))


def test_interrupt_just_after_the_pdf_is_written_keeps_it(built, tmp_path):
    """make deletes the target of an interrupted recipe once the file changed, unless the
    rules mark it .PRECIOUS: a report just renamed into place must survive."""
    work = shutil.copytree(built, tmp_path / "tree", symlinks=True)
    pdf = work / "report/slow/report.pdf"
    written = pdf.stat().st_mtime_ns
    with open(work / "tests/fixtures/data/rail_counts.csv", "a") as fh:
        fh.write("2023-10-09,80\n")

    def new_pdf_in_place():
        try:
            return pdf.stat().st_mtime_ns != written
        except FileNotFoundError:
            return True

    code, out, err = interrupt(work, SLOW, signal.SIGINT, ready=new_pdf_in_place)
    assert pdf.exists(), err
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_report_write_interrupted_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    from tumen import paths

    target = tmp_path / "index.html"
    target.write_bytes(b"last good")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(paths.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        paths.atomic_write(target, b"new")  # as the assembly writes the report
    assert target.read_bytes() == b"last good" and [p.name for p in tmp_path.iterdir()] == [
        "index.html"
    ]
