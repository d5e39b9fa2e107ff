"""tumen.engine.verify: the published manifest and the comparison a reviewer reads."""

import json
import re
import shutil

import pytest
from PIL import Image

from tumen.engine import rebuild, verify


def test_side_by_side_marks_changed_pixels(tmp_path):
    a, b = Image.new("RGB", (20, 10), "white"), Image.new("RGB", (20, 12), "white")
    b.putpixel((5, 5), (0, 0, 0))
    a.save(tmp_path / "a.png")
    b.save(tmp_path / "b.png")
    out = verify.side_by_side(tmp_path / "a.png", tmp_path / "b.png", tmp_path / "d.png")
    sheet = Image.open(out)
    assert sheet.size == (3 * 20 + 40, 12)
    assert sheet.getpixel((2 * (20 + 20) + 5, 5)) == (213, 94, 0)  # marked in the diff panel
    assert sheet.getpixel((2 * (20 + 20) + 1, 1)) != (213, 94, 0)


@pytest.mark.slow
def test_publish_then_verify_then_edits(tmp_path):
    tree = rebuild.copy_tree(tmp_path / "tree")
    params = "tests/fixtures/params.yaml"
    assert rebuild.make_in(tree, "publish", params).returncode == 0
    manifest = json.loads((tree / "published/fixture/MANIFEST.json").read_text())
    assert manifest["results"]["railfix.peak"]["value"] == 73
    assert (tree / "published/fixture/figures/harbour_ships_daily.png").exists()

    ok = rebuild.make_in(tree, "verify", params)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "verify: PASS" in ok.stdout

    # one row of one input: exactly the results and figures of the notebook reading it
    data = tree / "tests/fixtures/data/harbour_counts.csv"
    original = data.read_text()
    data.write_text(original.replace("2023-09-04,12", "2023-09-04,15"))
    bad = rebuild.make_in(tree, "verify", params)
    assert bad.returncode != 0 and "verify: FAIL" in bad.stdout
    changed = set(re.findall(r"^(?:result|figure)\s+(\S+)\s+CHANGED", bad.stdout, flags=re.M))
    assert changed == {
        "harbour.peak_ships",
        "harbour.mean_ships",
        "harbour_ships_daily.png",
        "harbour_ships_daily.svg",
    }
    assert re.search(r"^input\s+tests/fixtures/data/harbour_counts.csv\s+CHANGED", bad.stdout, re.M)
    assert (tree / "build/verify/harbour_ships_daily.diff.png").exists()
    table = (tree / "build/verify/report.md").read_text()
    assert (
        "**FAIL**" in table
        and "| result | harbour.peak_ships | CHANGED | 12 ships | 15 ships |" in table
    )

    # a changed parameter is reported as a parameter
    data.write_text(original)
    p = tree / params
    p.write_text(p.read_text().replace("threshold: 10", "threshold: 4"))
    par = rebuild.make_in(tree, "verify", params)
    assert par.returncode != 0
    assert re.search(r"^parameter\s+harbour.threshold\s+CHANGED\s+10 → 4", par.stdout, re.M)
    assert re.search(
        r"^result\s+harbour.days_over_threshold\s+CHANGED.*\[parameter harbour.threshold\]",
        par.stdout,
        re.M,
    )
    shutil.rmtree(tree)
