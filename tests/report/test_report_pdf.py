"""The printed copy's layout: a figure that does not fit moves after the text (tumen.report.pdf)."""

from bs4 import BeautifulSoup

from tumen.report import pdf


def _png(width: int, height: int) -> str:
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_a_figure_that_does_not_fit_lets_the_text_after_it_flow_first(tmp_path):
    """Heading, a short paragraph, a tall figure, then prose: printed as written, page 1
    would end after the paragraph; the figure moves after the prose and page 1 fills."""
    import subprocess

    words = " ".join(["The text that follows the figure runs on for a while."] * 40)
    cell = '<div class="cell"><div class="output">{}</div></div>'
    body = (
        cell.format(
            "<h1>Section</h1><p>A short opening paragraph.</p>" + "<p>" + "Words. " * 120 + "</p>"
        )
        + cell.format(
            f'<figure class="tumen-figure" id="fig-tall"><img style="height: 18cm" '
            f'src="data:image/png;base64,{_png(40, 60)}" alt="tall"/>'
            "<figcaption>Figure 1. Tall.</figcaption></figure>"
        )
        + cell.format(f"<p>{words}</p>")
        + cell.format("<h2>Next</h2><p>More.</p>")
    )
    src = tmp_path / "index.html"
    src.write_text(
        f"<!DOCTYPE html><html><head><style>@page {{ size: A4; margin: 20mm }}</style>"
        f'</head><body><main><section class="analysis">{body}</section></main>'
        "</body></html>"
    )
    from weasyprint import HTML

    as_written = HTML(string=src.read_text(), base_url=str(tmp_path)).render()
    assert pdf.figures_after_gaps(as_written) == ["fig-tall"]
    moved = pdf.defer_figures(src.read_text(), ["fig-tall"])
    soup = BeautifulSoup(moved, "html.parser")
    cells = soup.select("section > div.cell")
    assert cells[1].find("figure") is None and cells[2].find(id="fig-tall") is not None
    assert cells[3].find("h2")  # never past a heading
    out = tmp_path / "out.pdf"
    out.write_bytes(pdf.print_pdf(src))
    page1 = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "The text that follows the figure" in page1
    # nothing to move: the page is printed as written
    assert pdf.defer_figures(moved, ["fig-missing"]) == moved
