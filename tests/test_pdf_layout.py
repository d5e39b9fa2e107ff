"""The PDF of the default report as a reader turns its pages.

A clean copy builds the default report (shared with ``tests/test_browser_report.py``);
poppler's tools then check what a reader of the PDF would notice: the provenance appendix
fits on at most three pages, no page other than the last of a section is left mostly
white (its content ends above half the page), the inputs table stays inside the page,
every group of input files shows its own hash, and the download bundle sits next to the
report where the appendix links to it.
"""

import re
import subprocess

import pytest
from fixtures.shared_build import built_once

pytestmark = pytest.mark.slow

#: Page box of A4 and the report's margins (report.css @page), in mm.
PAGE_MM = (210.0, 297.0)
MARGIN_MM = {"top": 22.0, "bottom": 20.0, "left": 18.0, "right": 18.0}
#: A page whose content ends above this fraction of its text area is "near-empty".
MIN_FILL = 0.5
DPI = 40


def poppler(*args: str) -> str:
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{args[0]} failed: {proc.stderr}"
    return proc.stdout


def page_fill(pdf, tmp_path) -> list[float]:
    """For each page, how far down its text area the content reaches (0 = top, 1 = bottom).

    The page is rendered in grey at 40 dpi; the running header and the page number sit
    in the margins and are not counted.
    """
    from PIL import Image

    poppler("pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(tmp_path / "pg"))
    fills = []
    for img in sorted(tmp_path.glob("pg-*.png"), key=lambda p: int(p.stem.split("-")[1])):
        with Image.open(img) as raw:
            im = raw.convert("L")
            w, h = im.size
            top = round(MARGIN_MM["top"] / PAGE_MM[1] * h)
            bottom = h - round(MARGIN_MM["bottom"] / PAGE_MM[1] * h)
            px = im.load()
            lowest = top
            for y in range(bottom - 1, top - 1, -1):
                if any(px[x, y] < 200 for x in range(w)):
                    lowest = y
                    break
        fills.append((lowest - top) / (bottom - top))
    return fills


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_once(tmp_path_factory, "params.yaml")


@pytest.fixture(scope="module")
def pdf(built):
    return built / "report/default/report.pdf"


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    n = int(re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", str(pdf)), re.M).group(1))
    return [
        poppler("pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-")
        for i in range(1, n + 1)
    ]


@pytest.fixture(scope="module")
def sections(pages) -> dict[str, int]:
    """Top-level contents entries (sections and appendices) → their first page."""
    toc = next(p for p in pages if re.search(r"^\s*Contents\s*$", p, re.M))
    found = {}
    for line in toc.splitlines():
        m = re.match(r"^\s*((?:\d+|[A-Z]))\s+(\S.*?)\s*\.{4,}\s*(\d+)\s*$", line)
        if m:
            found[f"{m.group(1)} {m.group(2)}"] = int(m.group(3))
    assert len(found) >= 4, toc
    return found


def test_appendix_fits_on_three_pages(pdf, pages, sections):
    start = next(page for title, page in sections.items() if title.endswith("Provenance"))
    assert start == max(sections.values())  # the last section
    # every appendix (a lettered section) together: at most three pages
    first = min(page for title, page in sections.items() if re.match(r"^[A-Z] ", title))
    assert first == start, "the provenance is the only appendix"
    assert len(pages) - first + 1 <= 3, f"the appendices run to {len(pages) - first + 1} pages"
    appendix = "".join(pages[start - 1 :])
    assert "Rerun and verify" in appendix and "provenance.json" in appendix
    # the full record stays in the HTML and provenance.json: no result is listed by name
    import json

    record = json.loads((pdf.parent.parent.parent / "build/default/provenance.json").read_text())
    flat = re.sub(r"\s+", "", appendix)
    assert len(record["results"]) > 100
    assert [n for n in record["results"] if n in flat] == []


def test_no_near_empty_page(pdf, pages, sections, tmp_path):
    fills = page_fill(pdf, tmp_path)
    assert len(fills) == len(pages)
    starts = sorted(sections.values())
    exempt = set(range(1, starts[0])) | {s - 1 for s in starts} | {len(pages)}
    empty = [
        (i, round(f, 2)) for i, f in enumerate(fills, start=1) if i not in exempt and f < MIN_FILL
    ]
    assert empty == [], f"pages whose content ends above half the page (page, fill): {empty}"


def test_inputs_table_stays_inside_the_page(pdf, pages, sections):
    start = next(page for title, page in sections.items() if title.endswith("Provenance"))
    bbox = poppler("pdftotext", "-bbox", "-f", str(start), "-l", str(len(pages)), str(pdf), "-")
    width_pt = PAGE_MM[0] / 25.4 * 72
    right = width_pt - MARGIN_MM["right"] / 25.4 * 72
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', bbox)
    assert words
    over = [(w, float(x1)) for x0, x1, w in words if float(x1) > right + 1]
    assert over == [], f"text beyond the right margin: {over[:5]}"


def test_every_group_of_inputs_has_its_own_hash(built, pages, sections):
    import json

    record = json.loads((built / "build/default/provenance.json").read_text())
    groups = record["input_groups"]
    assert len(groups) >= 5
    assert len({g["sha256"] for g in groups}) == len(groups)
    appendix = re.sub(r"\s+", " ", "".join(pages[max(sections.values()) - 1 :]))
    for g in groups:
        assert g["sha256"][:12] in appendix, g["path"]


def test_bundle_next_to_the_report(built):
    import zipfile

    from bs4 import BeautifulSoup

    html = BeautifulSoup((built / "report/default/index.html").read_text(), "html.parser")
    href = html.select_one("a.bundle")["href"]
    path = built / "report/default" / href
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert {
        "port_calls.csv",
        "railcar_counts.csv",
        "sites.geojson",
        "routes.geojson",
        "results.json",
        "provenance.json",
    } <= set(names)
