"""Figures read at printed size: no text in a report figure prints smaller than 7 pt.

The size of a text is measured from the figure's SVG (matplotlib writes each text as a
group of glyph outlines scaled by its font size, see :func:`tumen.report.figures.svg_text_sizes`)
and scaled to the width at which the PDF prints the figure: ``pdfimages -list`` gives the
pixel size and resolution of every image in the PDF, so the printed width of a figure is
its PNG's width in pixels divided by the resolution the PDF prints it at.

The build is the default report shared with ``tests/test_pdf_layout.py``.
"""

import subprocess

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from fixtures.shared_build import built_once  # noqa: E402

from tumen.report.figures import MIN_PRINT_PT, Figures, svg_text_sizes  # noqa: E402


def printed_widths(pdf) -> dict[tuple[int, int], float]:
    """Map the pixel size (width, height) of every image in a PDF to its printed width in pt."""
    proc = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return parse_pdfimages(proc.stdout)


def parse_pdfimages(listing: str) -> dict[tuple[int, int], float]:
    """Parse ``pdfimages -list`` output: (width px, height px) -> printed width in points.

    Soft masks repeat their image's size and are skipped.
    """
    out = {}
    for line in listing.splitlines():
        cols = line.split()
        if len(cols) < 14 or not cols[0].isdigit() or cols[2] != "image":
            continue
        w, h, xppi = int(cols[3]), int(cols[4]), float(cols[12])
        out[(w, h)] = w / xppi * 72.0
    return out


def print_sizes(svg, printed_pt: float) -> list[tuple[str, float]]:
    """Every text of a figure with its size in points as printed ``printed_pt`` wide."""
    width, texts = svg_text_sizes(svg)
    return [(text, size * printed_pt / width) for text, size in texts]


# ---- the measurement, on hand-made inputs ---------------------------------------------


def test_svg_sizes_are_the_font_sizes(tmp_path):
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.set_axis_off()
    ax.text(0.1, 0.5, "ten", fontsize=10)
    ax.text(0.5, 0.5, "rotated", fontsize=8, rotation=90)
    ax.text(0.7, 0.5, "$10^{2}$", fontsize=10)
    files = Figures(tmp_path).save(fig, "demo")
    plt.close(fig)
    width, texts = svg_text_sizes(files["svg"])
    sizes = dict(texts)
    assert sizes["ten"] == pytest.approx(10.0)
    assert sizes["rotated"] == pytest.approx(8.0)
    # math text: the superscript is drawn smaller than the 10 pt base (mathtext shrinks
    # a script level by 0.7), and the smallest glyph is the size of the text
    assert 5.0 < sizes["$10^{2}$"] < 9.0
    assert 0 < width < 4 * 72 + 1  # tight bounding box: at most the 4 in of the figure


def test_printed_size_scales_with_printed_width(tmp_path):
    fig = plt.figure(figsize=(8, 1))
    fig.text(0.0, 0.0, "wide", fontsize=10)
    fig.text(0.9, 0.9, "x", fontsize=10)
    files = Figures(tmp_path).save(fig, "wide")
    plt.close(fig)
    width, _ = svg_text_sizes(files["svg"])
    # printed at half its own width, 10 pt text prints at 5 pt
    assert dict(print_sizes(files["svg"], width / 2))["wide"] == pytest.approx(5.0)


def test_parse_pdfimages_listing():
    listing = (
        "page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio\n"
        "--------------------------------------------------------------------------------------------\n"
        "   4     0 image    1480   649  rgb     3   8  image  yes      310  0   216   216  276K 9.8%\n"
        "   4     1 smask    1480   649  gray    1   8  image  yes      310  0   216   216 2301B 0.2%\n"
        "   5     2 image     720   360  rgb     3   8  image  yes      312  0   144   144  124K 2.1%\n"
    )
    got = parse_pdfimages(listing)
    # 1480 px at 216 ppi = 6.852 in = 493.3 pt; 720 px at 144 ppi = 5 in = 360 pt
    assert got == {(1480, 649): pytest.approx(493.33, abs=0.01), (720, 360): pytest.approx(360.0)}


# ---- the default report --------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_once(tmp_path_factory, "params.yaml")


@pytest.mark.slow
def test_no_text_in_a_report_figure_prints_below_7_pt(built):
    from PIL import Image

    widths = printed_widths(built / "report/default/report.pdf")
    svgs = sorted((built / "figures/default").glob("*.svg"))
    assert svgs, "the default build drew no figures"
    report, small = [], []
    for svg in svgs:
        with Image.open(svg.with_suffix(".png")) as png:
            size = png.size
        assert size in widths, f"{svg.stem}: no image of {size} px in the PDF"
        texts = print_sizes(svg, widths[size])
        text, least = min(texts, key=lambda t: t[1])
        report.append(f"{svg.stem}: smallest text {least:.1f} pt ({text!r})")
        small += [
            f"{svg.stem}: {t!r} prints at {s:.1f} pt" for t, s in texts if s < MIN_PRINT_PT - 0.05
        ]
    print("\n".join(report))
    assert not small, "\n".join(small)
