"""Compile the executed notebooks into one self-contained HTML report: the room of the page.

nbconvert turns each executed notebook into HTML (code hidden unless ``report.show_code``),
keeping Markdown cells and rich outputs (figures, tables, prose rendered from results);
plain-text outputs, streams and the parameter cells stay in the executed notebooks only.
The page holds the title page (with a banner whenever an input is synthetic), the key
findings, the sections and the closing parts (:mod:`tumen.report.appendix`), and inlines
the stylesheet and the fonts; :mod:`tumen.report.finish` then numbers sections, figures and
tables, resolves ``{fig:…}``/``{tab:…}`` cross-references and builds the table of
contents. The result loads nothing from the network. The PDF is printed from the same HTML
(:mod:`tumen.report.pdf`). Every file is written to a temporary name and renamed into place
(:func:`tumen.paths.atomic_write`), so a failed build never damages the last good report.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

from tumen import paths
from tumen.engine import fonts, provenance
from tumen.engine import params as _params
from tumen.engine import results as _results
from tumen.engine import sources as _sources
from tumen.errors import TumenError
from tumen.report import appendix, bundle, finish

#: Cell tags whose cells never reach the report.
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove", "remove-cell"}
#: Cells with this tag appear as key findings on the first page, not in their section.
SUMMARY_TAG = "summary"
#: Content-Security-Policy of the HTML report: no script runs and nothing loads from the
#: network, even if a notebook output slipped markup through (images are data: URLs).
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
#: Output types shown in the report (others stay in the executed notebook).
SHOWN_MIME = ("text/html", "text/markdown", "image/png", "image/svg+xml", "text/latex")


def _shown(cell, show_code: bool):
    """Return a copy of a cell filtered for the report, or None to drop it."""
    if HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
        return None
    if cell.cell_type == "raw":
        return None
    if cell.cell_type != "code":
        return cell
    cell = nbformat.from_dict(dict(cell))
    kept = []
    for out in cell.get("outputs", []):
        if out.output_type in ("display_data", "execute_result"):
            data = {k: v for k, v in out.get("data", {}).items() if k in SHOWN_MIME}
            if data:
                out = nbformat.from_dict(dict(out))
                out["data"] = data
                kept.append(out)
    cell["outputs"] = kept
    if not kept and not show_code:
        return None
    return cell


def notebook_body(nb_path: Path, show_code: bool = False) -> tuple[str, str]:
    """HTML fragments (nbconvert ``basic`` template) of one executed notebook.

    Returns
    -------
    (str, str)
        The body, and the notebook's key findings: the outputs of cells tagged
        ``summary``, which go to the first page instead of the section.
    """
    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    summary = [c for c in nb.cells if SUMMARY_TAG in c.metadata.get("tags", [])]
    cells = [c for c in nb.cells if SUMMARY_TAG not in c.metadata.get("tags", [])]
    parts = []
    for group, code in ((cells, show_code), (summary, False)):
        sub = nbformat.from_dict(dict(nb))
        sub.cells = [c for c in (_shown(c, code) for c in group) if c is not None]
        exporter.exclude_input = not code
        parts.append(exporter.from_notebook_node(sub)[0] if sub.cells else "")
    return parts[0], parts[1]


def _section_title(body: str) -> str:
    """The text of a section's first heading (its title in the report), or ""."""
    m = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else ""


def notebook_sections(cfg: _params.Config, root: Path) -> tuple[list[str], list[str], dict]:
    """Each executed notebook as a ``<section>``, its key findings, and (link, title) by stem.

    Raises
    ------
    TumenError
        When a notebook of the build has not been executed.
    """
    sections, findings, titles = [], [], {}
    for nb in cfg.notebooks:
        executed = root / cfg.dirs.notebooks / f"{nb.stem}.ipynb"
        if not executed.exists():
            raise TumenError(
                f"notebook {nb.stem} has not been executed",
                file=executed,
                hint=f"run: python -m tumen run --params {cfg.source} --notebook {nb.name}",
            )
        body, summary = notebook_body(executed, cfg.report["show_code"])
        titles[nb.stem] = (f"#nb-{nb.name}", _section_title(body))
        if summary:
            findings.append(
                f'<div class="finding" data-notebook="{nb.stem}">{summary}'
                f'<a class="more" href="#nb-{nb.name}">details</a></div>'
            )
        sections.append(
            f'<section class="analysis" id="nb-{nb.name}" data-notebook="{nb.stem}">'
            f"{body}</section>"
        )
    return sections, findings, titles


def build_html(cfg: _params.Config, root: Path | None = None) -> str:
    """Return the complete report as one HTML string (assumes notebooks were executed)."""
    root = root or paths.root()
    rep = cfg.report
    info = provenance.build_info(root)
    inputs = provenance.notebook_inputs(cfg, root)  # notebook -> data files it reads
    sections, findings, titles = notebook_sections(cfg, root)
    synthetic = _sources.synthetic_inputs([f for files in inputs.values() for f in files], root)
    records = _results.load_all(root / cfg.dirs.results) if cfg.notebooks else {}
    claims_table = appendix.read_claims_table(cfg, root) if sections else None
    parts = {
        "banner": appendix.banner(synthetic),
        "abstract": markdown2html(rep["abstract"]) if rep["abstract"] else "",
        "judged": appendix.key_judgments(cfg, records, inputs, root, titles) if sections else "",
        "strip": appendix.timeline_figure(cfg, records, claims_table) if sections else "",
        "findings": findings,
        "sections": sections,
        "lists": (
            appendix.claims_appendix(cfg, root, claims_table)
            + appendix.provenance_appendix(cfg, records, info, inputs, root)
        )
        if sections
        else "",
    }
    soup = BeautifulSoup(_page(cfg, info, parts), "html.parser")
    finish.finish(soup)
    finish.zoomable_figures(soup)
    finish.add_aliases(soup, rep.get("aliases") or {})
    finish.captions_outside_scrollers(soup)
    finish.link_results(soup, records, inputs)
    page = str(soup)
    # the shipped fonts, subset to this page's characters (tumen.engine.fonts)
    return page.replace(
        "</head>", f'<style id="fonts">\n{fonts.font_face_css(page)}\n</style>\n</head>', 1
    )


def _page(cfg: _params.Config, info: dict, parts: dict) -> str:
    """The page before it is finished: title page, key findings, sections and closing parts
    (``parts``: the fragments :func:`build_html` made)."""
    rep = cfg.report
    css = (paths.TEMPLATES / "report.css").read_text(encoding="utf-8")
    esc = html.escape
    authors = ", ".join(rep["authors"])
    abstract, findings, sections = parts["abstract"], parts["findings"], parts["sections"]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="generator" content="tumen"/>
<meta http-equiv="Content-Security-Policy" content="{CSP}"/>
<title>{esc(rep["title"])}</title>
<style>
{css}
</style>
</head>
<body>
<div class="page">
<header class="title-page">
<h1 class="report-title">{esc(rep["title"])}</h1>
{f'<p class="subtitle">{esc(rep["subtitle"])}</p>' if rep["subtitle"] else ""}
{f'<p class="authors">{esc(authors)}</p>' if authors else ""}
<p class="meta">Built {esc(info["date"])} from commit <code>{esc(info["commit"])}</code>,
variant <code>{esc(cfg.variant)}</code>. Rebuild: <code>make report PARAMS={
        esc(str(cfg.source))
    }</code></p>
{parts["banner"]}
{f'<div class="abstract">{abstract}</div>' if abstract else ""}
{parts["judged"]}
{parts["strip"]}
</header>
{
        (
            '<section class="findings" aria-label="Key findings"><h2 class="findings-title">Key findings</h2>'
            + "".join(findings)
            + "</section>"
        )
        if findings
        else ""
    }
<nav class="toc" aria-label="Contents"><h2>Contents</h2></nav>
<main>
{"".join(sections)}
</main>
{parts["lists"]}
</div>
</body>
</html>
"""


def write_html(cfg: _params.Config, root: Path | None = None) -> Path:
    """Build and write ``report/<variant>/index.html``; return its path."""
    root = root or paths.root()
    target = root / cfg.dirs.report / "index.html"
    page = build_html(cfg, root)
    if cfg.notebooks:
        record = record_json(cfg, root)
        paths.atomic_write(root / cfg.dirs.build / "provenance.json", record)
        paths.atomic_write(
            root / cfg.dirs.report / bundle.NAME, bundle.to_zip(bundle.contents(cfg, root, record))
        )
    paths.atomic_write(target, page.encode("utf-8"))
    return target


def record_json(cfg: _params.Config, root: Path | None = None) -> bytes:
    """The full provenance record of a build (:func:`tumen.engine.provenance.full_record`) as JSON."""
    root = root or paths.root()
    records = _results.load_all(root / cfg.dirs.results)
    rec = provenance.full_record(
        cfg, records, provenance.build_info(root), root, provenance.notebook_inputs(cfg, root)
    )
    return (
        json.dumps(rec, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    ).encode("utf-8")
