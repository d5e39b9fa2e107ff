"""The PDF report checked with poppler's tools: pages, figures, text layer, fonts, page size.

A clean copy of the project builds the ``hostile`` fixture variant
(``tests/fixtures/params_hostile.yaml``), then ``pdfinfo``, ``pdftoppm``, ``pdftotext``,
``pdffonts`` and ``pdfimages`` (poppler-utils, installed by ``.ci/run`` when missing) check
that every page renders, every page is A4 and numbered, the figures and tables are the
ones the HTML has, every cited number is in the text layer exactly as the HTML prints it,
the contents point at the right pages, every font is embedded and markup from the data
is printed as text.
"""

import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from fixtures.shared_build import built_once

from tumen.engine import results

pytestmark = pytest.mark.slow

PARAMS = "tests/fixtures/params_hostile.yaml"
TITLE = "Fixture report <script>alert(2)</script>"
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><b>bold</b>',
    "Angara & Maria 'quoted'",
    "[click](javascript:alert(1))",
]
NOTE = "<script>alert(3)</script> *not emphasis*"
TOOLS = ("pdfinfo", "pdftoppm", "pdftotext", "pdffonts", "pdfimages")


def poppler(*args: str) -> str:
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{args[0]} failed: {proc.stderr}"
    return proc.stdout


def squash(text: str) -> str:
    """Text without any whitespace (line breaks in the PDF fall anywhere)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project with the hostile fixture variant built (once per session)."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    assert not missing, (
        f"poppler-utils missing ({', '.join(missing)}): apt-get install poppler-utils"
    )
    return built_once(tmp_path_factory, PARAMS)


@pytest.fixture(scope="module")
def pdf(built):
    return built / "report/hostile/report.pdf"


@pytest.fixture(scope="module")
def html(built):
    return BeautifulSoup((built / "report/hostile/index.html").read_text(), "html.parser")


@pytest.fixture(scope="module")
def pages(pdf) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", str(pdf)), re.M).group(1))


@pytest.fixture(scope="module")
def page_text(pdf, pages) -> list[str]:
    """Text of each page (index 0 is page 1)."""
    return [
        poppler("pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-") for i in range(1, pages + 1)
    ]


def test_every_page_renders(pdf, pages, tmp_path):
    from PIL import Image

    assert pages >= 5
    poppler("pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page"))
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for img in images:
        with Image.open(img) as im:
            lo, hi = im.convert("L").getextrema()
        assert lo < 128 < hi, f"{img.name} is blank"


def test_every_page_is_a4_and_numbered(pdf, pages, page_text):
    info = poppler("pdfinfo", "-f", "1", "-l", str(pages), str(pdf))
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", info, re.M)
    assert sizes == ["595.276 x 841.89 pts (A4)"] * pages
    assert re.search(r"^JavaScript:\s+no$", info, re.M)
    # the title page has no header or footer; every other page has both
    for i, text in enumerate(page_text[1:], start=2):
        assert re.search(rf"(^|\s){i}\s*/\s*{pages}(\s|$)", text), f"page {i} has no number"
        assert TITLE in text, f"page {i} has no running header"


def test_figures_and_tables_match_the_html(pdf, html, page_text):
    text = "\n".join(page_text)
    n_fig = len(html.select("figure.tumen-figure"))
    n_tab = len(html.select("table.tumen-table"))
    assert (n_fig, n_tab) == (2, 2)
    assert {int(n) for n in re.findall(r"Figure (\d+)\.", text)} == set(range(1, n_fig + 1))
    assert {int(n) for n in re.findall(r"Table (\d+)\.", text)} == set(range(1, n_tab + 1))
    # one embedded raster image per figure (their transparency masks aside)
    rows = poppler("pdfimages", "-list", str(pdf)).splitlines()[2:]
    assert sum(r.split()[2] == "image" for r in rows) == n_fig
    # every caption is printed in full
    for cap in html.select("figure.tumen-figure figcaption"):
        assert squash(cap.get_text()) in squash(text)


def test_text_layer_has_every_cited_value(built, html, page_text):
    text = "\n".join(page_text)
    flat = {squash(text), squash(re.sub(r"[-‐]\n", "", text))}  # with and without hyphenation
    cited = [(a["data-result"], a.get_text()) for a in html.select("a.result[data-result]")]
    assert len(cited) >= 10
    for name, shown in cited:
        assert any(squash(shown) in f for f in flat), f"{name}: {shown!r} not in the PDF text"
    # the full record (every result) is in provenance.json and the HTML, not in the PDF
    import json

    record = json.loads((built / "build/hostile/provenance.json").read_text())
    assert record["results"] == results.load_all(built / "build/hostile/results")
    assert len(html.select("details.full-record table.provenance-results tr[id]")) == len(
        record["results"]
    )
    uncited = set(record["results"]) - {name for name, _ in cited}
    assert uncited and not [n for n in uncited if n in squash(text)], "the PDF lists every result"


def test_contents_point_at_the_right_pages(page_text):
    entries = re.findall(r"^([A-Z0-9][.0-9]*) (.+?) \.{5,} (\d+)$", page_text[1], re.M)
    assert len(entries) >= 8
    for num, title, page in entries:
        body = page_text[int(page) - 1]
        assert f"{num} {title}" in body, f"contents: {num} {title} is not on page {page}"


def test_fonts_embedded(pdf):
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    for row in rows:  # name type encoding emb sub uni object ID (type may hold spaces)
        emb = row.split()[-5]
        assert emb == "yes", f"font not embedded: {row}"


def test_only_the_shipped_fonts_are_embedded(pdf):
    """Every font in the PDF is one of the DejaVu files tumen.engine.fonts ships (no system font)."""
    from tumen.engine import fonts

    ours = tuple(family.replace(" ", "-") for family in fonts.FAMILIES)
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    names = {row.split()[0].partition("+")[2] or row.split()[0] for row in rows}
    assert names and all(n.startswith(ours) for n in names), f"not tumen's fonts: {sorted(names)}"


def test_same_pdf_with_no_system_fonts(built, pdf, tmp_path):
    """fontconfig pointed at an empty configuration: not one font of the machine is
    visible, and WeasyPrint prints the same bytes."""
    import os
    import sys

    conf = tmp_path / "empty-fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        "<fontconfig></fontconfig>\n"
    )
    out = tmp_path / "bare.pdf"
    env = dict(
        os.environ,
        FONTCONFIG_FILE=str(conf),
        PYTHONPATH=str(built / "src"),
        TUMEN_ROOT=str(built),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    code = (
        "import sys; from pathlib import Path; from tumen.report import pdf; "
        "Path(sys.argv[2]).write_bytes(pdf.print_pdf(Path(sys.argv[1])))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(pdf.with_name("index.html")), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == pdf.read_bytes()


def test_markup_from_data_is_printed_as_text(pdf, page_text):
    text = "\n".join(page_text)
    for name in HOSTILE:
        assert squash(name) in squash(text), name
    assert f"3.1 Vessel {HOSTILE[0]}" in text
    words = "Named in the data, as words: " + "; ".join(HOSTILE[:4]) + "; {hostile.vessels} "
    assert squash(words + HOSTILE[4] + ".") in squash(text)
    assert squash(f"A parameter with markup: {NOTE}.") in squash(text)
    assert re.search(r"^Title:\s+" + re.escape(TITLE) + "$", poppler("pdfinfo", str(pdf)), re.M)


def test_a_relative_link_does_not_tie_the_pdf_to_its_folder(tmp_path):
    """The appendix links the download bundle beside the report: the PDF keeps the link
    relative, so the same HTML printed in two folders gives the same bytes."""
    from tumen.report import pdf

    page = '<html><body><p>Data: <a href="data.zip">data.zip</a></p></body></html>'
    printed = []
    for folder in (tmp_path / "a", tmp_path / "b" / "c"):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(page, encoding="utf-8")
        printed.append(pdf.print_pdf(folder / "index.html"))
    assert printed[0] == printed[1]
    assert str(tmp_path).encode() not in printed[0]
