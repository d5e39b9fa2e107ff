"""Print the HTML report to PDF: the room of WeasyPrint and of the printed copy's layout.

The PDF is printed from the same HTML as the web edition (A4, running header, page
numbers, table of contents with page numbers) with a fetcher that refuses any URL but
``data:``; a figure that would leave a page near-empty moves after the text that follows it,
in the printed copy only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bs4 import BeautifulSoup

from tumen import paths
from tumen.engine import params as _params
from tumen.errors import TumenError

#: A page whose content ends above this fraction of its text area is near-empty.
MIN_PAGE_FILL = 0.5


#: At most this many rounds of moving figures after the text that follows them.
DEFER_ROUNDS = 3


def print_pdf(src: Path) -> bytes:
    """Print an HTML report to PDF bytes with WeasyPrint.

    The fetcher refuses every URL but ``data:``: the page's images and its fonts
    (:mod:`tumen.engine.fonts`) are inlined, so nothing comes from the network or the machine.
    A figure that does not fit on a page would leave it near-empty: such a figure is
    moved after the text cell that follows it, in the printed copy only
    (:func:`defer_figures`), and the page is laid out again.
    """
    # WeasyPrint (and its Pango/HarfBuzz bindings) loads only when a PDF is printed: the
    # HTML build and the command line start without it.
    from weasyprint import HTML  # noqa: PLC0415 - heavy, needed for the PDF only
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - as above

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)

    def render(text: str):
        # no base URL: a relative link (the download bundle beside the report) stays relative,
        # so the PDF does not depend on the folder it was printed in
        return HTML(string=text, base_url=None, url_fetcher=fetcher).render()

    text = src.read_text(encoding="utf-8")
    doc = render(text)
    for _ in range(DEFER_ROUNDS):
        late = figures_after_gaps(doc)
        moved = defer_figures(text, late) if late else text
        if moved == text:
            break
        text = moved
        doc = render(text)
    return doc.write_pdf()


def figures_after_gaps(doc) -> list[str]:
    """Ids of the figures that open a page after a near-empty one (WeasyPrint layout).

    A page is near-empty when its content ends above :data:`MIN_PAGE_FILL` of its text
    area; the figure that opens the next page is the one that did not fit.
    """
    late = []
    pages = [p._page_box for p in doc.pages]
    for here, there in zip(pages, pages[1:]):
        top, height = here.margin_top, here.height
        # the leaves (lines of text, images): a container's fragment runs to the page's foot
        bottom = max(
            (
                b.position_y + b.margin_height()
                for b in here.children[0].descendants()
                if not getattr(b, "children", None) and hasattr(b, "margin_height")
            ),
            default=top,
        )
        if (bottom - top) / height >= MIN_PAGE_FILL:
            continue
        for b in there.children[0].descendants():
            if b.position_y > there.margin_top + 1:
                break
            if (
                getattr(b, "element_tag", "") == "figure"
                and "tumen-figure" in (b.element.get("class") or "").split()
            ):
                late.append(b.element.get("id"))
                break
    return [i for i in dict.fromkeys(late) if i]


def defer_figures(page: str, ids: list[str]) -> str:
    """Move each figure of ``ids`` (its notebook cell) after the text cell that follows it.

    Only past prose: a following cell that holds a heading, a figure or a table stays
    where it is, and so does the figure. Returns the page unchanged when nothing moves.
    """
    soup = BeautifulSoup(page, "html.parser")
    moved = False
    for ident in ids:
        fig = soup.find(id=ident)
        cell = next(
            (
                p
                for p in ([fig] + list(fig.parents) if fig else [])
                if p.parent is not None and p.parent.name == "section"
            ),
            None,
        )
        after = cell.find_next_sibling() if cell is not None else None
        if after is None or after.find(["h1", "h2", "h3", "figure", "table"]) is not None:
            continue
        after.insert_after(cell.extract())
        moved = True
    return str(soup) if moved else page


def write_pdf(cfg: _params.Config, root: Path | None = None) -> Path:
    """Print ``report/<variant>/index.html`` to ``report.pdf`` with WeasyPrint; return its path."""
    root = root or paths.root()
    src = root / cfg.dirs.report / "index.html"
    if not src.exists():
        raise TumenError("no HTML report to print", file=src, hint="run `make report`")
    target = root / cfg.dirs.report / "report.pdf"
    paths.atomic_write(target, print_pdf(src))
    return target
