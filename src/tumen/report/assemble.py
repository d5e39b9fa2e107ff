"""Compile the executed notebooks into one self-contained HTML report and its PDF.

nbconvert turns each executed notebook into HTML (code hidden unless ``report.show_code``),
keeping Markdown cells and rich outputs (figures, tables, prose rendered from results);
plain-text outputs, streams and the parameter cells stay in the executed notebooks only.
The assembly then numbers sections, figures and tables, resolves ``{fig:…}``/``{tab:…}``
cross-references, builds the title page (with a banner whenever an input is synthetic) and
the table of contents, and inlines the stylesheet. The result loads nothing from the
network. The PDF is printed from the same HTML by WeasyPrint (A4, running header, page
numbers, table of contents with page numbers) with a fetcher that refuses any URL but
``data:``. Both files are written to a temporary name and renamed into place, so a failed
build never damages the last good report.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from tumen import paths
from tumen.engine import fonts, provenance
from tumen.engine import params as _params
from tumen.engine import results as _results
from tumen.engine import sources as _sources
from tumen.errors import TumenError
from tumen.report import bundle

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
    from nbconvert import HTMLExporter

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


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60] or "section"


def _finish(soup) -> None:
    """Number sections/figures/tables, resolve cross-references, build the TOC in place."""
    used: set[str] = set()

    def unique(base: str) -> str:
        cand, n = base, 2
        while cand in used:
            cand, n = f"{base}-{n}", n + 1
        used.add(cand)
        return cand

    for a in soup.select("a.anchor-link"):
        a.decompose()
    toc = []
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    analyses = iter(range(1, 1000))
    for section in soup.select("section.analysis, section.closing, section.appendix"):
        is_appendix = "appendix" in section.get("class", [])
        sec_no = next(letters) if is_appendix else next(analyses)
        sub_no = 0
        first = True
        for h in section.find_all(["h1", "h2", "h3"]):
            if h.name == "h1" and first:
                num = f"{sec_no}"
                first = False
            elif h.name in ("h1", "h2"):
                if h.name == "h1":
                    h.name = "h2"
                sub_no += 1
                num = f"{sec_no}.{sub_no}"
            else:
                h["id"] = unique(f"s{sec_no}-{_slug(h.get_text())}")
                continue
            text = h.get_text(" ", strip=True)
            h["id"] = unique(f"s{num.replace('.', '-')}-{_slug(text)}")
            h["data-title"] = (
                f"{'Appendix ' if is_appendix and '.' not in num else ''}{num}  {text}"
            )
            span = soup.new_tag("span", attrs={"class": "secnum"})
            span.string = f"Appendix {num}" if is_appendix and "." not in num else num
            h.insert(0, span)
            toc.append((num, text, h["id"]))

    numbers: dict[str, str] = {}
    for i, fig in enumerate(soup.select("figure.tumen-figure"), start=1):
        cap = fig.find("figcaption")
        label = soup.new_tag("span", attrs={"class": "fignum"})
        label.string = f"Figure {i}."
        if cap is not None:
            cap.insert(0, " ")
            cap.insert(0, label)
        numbers[fig.get("id", f"fig-{i}")] = f"Figure {i}"
    for i, tab in enumerate(soup.select("table.tumen-table"), start=1):
        cap = tab.find("caption")
        label = soup.new_tag("span", attrs={"class": "tabnum"})
        label.string = f"Table {i}."
        if cap is None:
            cap = soup.new_tag("caption")
            tab.insert(0, cap)
        cap.insert(0, " ")
        cap.insert(0, label)
        numbers[tab.get("id", f"tab-{i}")] = f"Table {i}"
    for a in soup.select("a.xref"):
        target = a.get("href", "")[1:]
        if target not in numbers:
            raise TumenError(
                f"cross-reference to {target!r}, which no figure or table has",
                hint="check the name in {fig:...}/{tab:...}",
            )
        a.string = numbers[target]

    nav = soup.select_one("nav.toc")
    if nav is not None:
        ol = soup.new_tag("ol")
        top = None  # the entry of the current section; subsections nest under it
        for num, text, ident in toc:
            li = soup.new_tag("li")
            a = soup.new_tag("a", href=f"#{ident}")
            a.string = f"{num}  {text}"
            li.append(a)
            if "." not in num or top is None:
                ol.append(li)
                top = li
                continue
            sub = top.find("ol")
            if sub is None:
                sub = soup.new_tag("ol")
                top.append(sub)
            sub.append(li)
        nav.append(ol)


#: Elements whose text never gets an alias (headings, contents, links, code, the record).
_NO_ALIAS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "nav",
    "a",
    "code",
    "pre",
    "title",
    "style",
    "details",
    "figcaption",
    "table",
    "caption",
}


def _add_aliases(soup, aliases: dict[str, str]) -> None:
    """Give each place's other name once, in brackets, where the prose first names it.

    ``aliases`` maps a name as the text writes it to the other name (``{"Rajin": "Najin"}``,
    ``report.aliases``): the first whole-word "Rajin" in the running text (not in a heading,
    the contents, a link, a caption, a table or code) becomes "Rajin (Najin)". A name
    already followed by a bracket is left as it is.
    """
    for name, other in aliases.items():
        pattern = re.compile(rf"\b{re.escape(str(name))}\b(?!\s*\()")
        for text in soup.find_all(string=pattern):
            if any(p.name in _NO_ALIAS for p in text.parents) or text.find_parent(
                class_=("banner", "meta")
            ):
                continue
            m = pattern.search(text)
            text.replace_with(f"{text[: m.end()]} ({other}){text[m.end() :]}")
            break


def _zoomable_figures(soup) -> None:
    """Let each figure open full-size on a tap or click, without scripts.

    The image becomes a link to an empty anchor just before it; while that anchor is the
    page's ``:target`` the stylesheet shows the image over the whole window at its full
    resolution (scrollable), with a close link back to the figure. The browser's back
    button closes it too. Print ignores all of it.
    """
    for fig in soup.select("figure.tumen-figure[id]"):
        img = fig.find("img")
        if img is None:
            continue
        ident = f"zoom-{fig['id']}"
        anchor = soup.new_tag("span", attrs={"class": "zoom-anchor", "id": ident})
        link = soup.new_tag(
            "a",
            href=f"#{ident}",
            attrs={"class": "zoom-open", "title": "Open the figure full-size"},
        )
        img.wrap(link)
        link.insert_before(anchor)
        close = soup.new_tag("a", href=f"#{fig['id']}", attrs={"class": "zoom-close"})
        close.string = "✕ close"
        link.insert_after(close)


def _captions_outside_scrollers(soup) -> None:
    """Move each table's caption and notes out of its horizontal scroller.

    A wide table scrolls sideways inside ``div.table-wrap`` on a small screen; its caption
    (a ``div.table-caption``, named by the table's ``aria-labelledby``) and its notes stay
    put above and below it, so they are never cut off. Caption, scroller and notes are held
    in one ``div.table-block``, which print keeps together when the table is short.
    """
    for wrap in soup.select("div.table-wrap"):
        table = wrap.find("table")
        cap = table.find("caption", recursive=False) if table is not None else None
        if cap is None:
            continue
        block = soup.new_tag("div", attrs={"class": "table-block"})
        wrap.wrap(block)
        ident = f"{table.get('id', 'table')}-caption"
        div = soup.new_tag("div", attrs={"class": "table-caption", "id": ident})
        for child in list(cap.contents):
            div.append(child.extract())
        cap.decompose()
        table["aria-labelledby"] = ident
        wrap.insert_before(div)
        for notes in wrap.select("p.table-notes"):
            block.append(notes.extract())
        _fit_columns(table)
        if _is_short(table):
            block["class"] = block["class"] + ["short"]


#: Cells of a column whose longest cell is at most this many characters never wrap.
NOWRAP_CHARS = 22
#: Tables of at most this many rows and characters are kept on one page in print.
SHORT_ROWS, SHORT_CHARS = 12, 900


def _is_short(table) -> bool:
    rows = table.select("tbody tr")
    return len(rows) <= SHORT_ROWS and len(table.get_text(" ", strip=True)) <= SHORT_CHARS


def _fit_columns(table) -> None:
    """Keep narrow columns (dates, numbers, short names) on one line, so that the long-text
    columns take the width and wrap; let long identifiers break after ``_``."""
    columns: dict[int, list] = {}
    for tr in table.select("tbody tr"):
        for j, td in enumerate(tr.find_all(["td", "th"], recursive=False)):
            columns.setdefault(j, []).append(td)
    for cells in columns.values():
        if max(len(c.get_text(" ", strip=True)) for c in cells) <= NOWRAP_CHARS:
            for c in cells:
                c["class"] = c.get("class", []) + ["nw"]
            continue
        long_text = sum(len(c.get_text(" ", strip=True)) for c in cells) / len(cells) > 40
        for c in cells:
            if long_text:  # prose: a column wide enough for a few words a line
                c["class"] = c.get("class", []) + ["prose"]
            for text in list(c.find_all(string=re.compile(r"\w_\w"))):
                pieces = re.split(r"(?<=_)(?=\w)", str(text))
                for k, piece in enumerate(pieces):
                    if k:
                        text.insert_before(_wbr(c))
                    text.insert_before(piece)
                text.extract()


def _wbr(node):
    """A ``<wbr>`` tag of the document ``node`` belongs to."""
    root = node
    while root.parent is not None:
        root = root.parent
    return root.new_tag("wbr")


def _banner(synthetic: list[str]) -> str:
    if not synthetic:
        return ""
    files = ", ".join(
        f'<code title="{html.escape(p, quote=True)}">{html.escape(Path(p).name)}</code>'
        for p in synthetic
    )
    return (
        '<div class="banner" role="note" id="synthetic-banner"><strong>Synthetic data: '
        "the figures in this build illustrate the method and are not evidence.</strong> "
        '<span class="banner-files">The observations are examples generated by '
        "<code>scripts/make_example_data.py</code> and calibrated to published figures "
        f"(marked <code>synthetic</code> in <code>data/sources.yaml</code>; the appendix "
        f'<a href="#provenance">Provenance</a> lists them with their paths): {files}.</span></div>'
    )


def _section_title(body: str) -> str:
    """The text of a section's first heading (its title in the report), or ""."""
    m = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else ""


def build_html(cfg: _params.Config, root: Path | None = None) -> str:
    """Return the complete report as one HTML string (assumes notebooks were executed)."""
    from bs4 import BeautifulSoup
    from nbconvert.filters import markdown2html

    root = root or paths.root()
    rep = cfg.report
    info = provenance.build_info(root)
    sections, findings, titles = [], [], {}
    inputs = provenance.notebook_inputs(cfg, root)  # notebook -> data files it reads
    for nb in cfg.notebooks:
        executed = root / cfg.dirs.notebooks / f"{nb.stem}.ipynb"
        if not executed.exists():
            raise TumenError(
                f"notebook {nb.stem} has not been executed",
                file=executed,
                hint=f"run: python -m tumen run --params {cfg.source} --notebook {nb.name}",
            )
        body, summary = notebook_body(executed, rep["show_code"])
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
    synthetic = _sources.synthetic_inputs([f for files in inputs.values() for f in files], root)
    css = (paths.TEMPLATES / "report.css").read_text(encoding="utf-8")
    esc = html.escape
    authors = ", ".join(rep["authors"])
    abstract = markdown2html(rep["abstract"]) if rep["abstract"] else ""
    records = _results.load_all(root / cfg.dirs.results) if cfg.notebooks else {}
    judged = _judgments(cfg, records, inputs, root, titles) if sections else ""
    strip = _timeline_figure(cfg, records, root) if sections else ""
    lists = (
        (_claims_appendix(cfg, root) + _appendix(cfg, records, info, inputs, root))
        if sections
        else ""
    )
    page = f"""<!DOCTYPE html>
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
{_banner(synthetic)}
{f'<div class="abstract">{abstract}</div>' if abstract else ""}
{judged}
{strip}
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
{lists}
</div>
</body>
</html>
"""
    soup = BeautifulSoup(page, "html.parser")
    _finish(soup)
    _zoomable_figures(soup)
    _add_aliases(soup, rep.get("aliases") or {})
    _captions_outside_scrollers(soup)
    _link_results(soup, records, inputs)
    page = str(soup)
    # the shipped fonts, subset to this page's characters (tumen.engine.fonts)
    return page.replace(
        "</head>", f'<style id="fonts">\n{fonts.font_face_css(page)}\n</style>\n</head>', 1
    )


def _table(
    head: list[str],
    rows: list[list],
    cls: str,
    row_ids: list[str] | None = None,
    *,
    raw_first: bool = False,
) -> str:
    """An escaped HTML table (cells are plain text; ``raw_first``: the first cell of each
    row is HTML already escaped by the caller)."""
    esc = html.escape
    out = [
        f'<div class="table-wrap"><table class="{cls}"><thead><tr>'
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
    ]
    for i, row in enumerate(rows):
        rid = f' id="{esc(row_ids[i])}"' if row_ids else ""
        cells = [c if raw_first and j == 0 else esc(str(c)) for j, c in enumerate(row)]
        out.append(f"<tr{rid}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _judgments(
    cfg: _params.Config,
    records: dict,
    inputs: dict[str, list[str]],
    root: Path,
    titles: dict[str, tuple[str, str]] | None = None,
) -> str:
    """The key judgments of the report's opening (:mod:`tumen.report.judgments`), or "".

    ``titles``: notebook stem -> (link, section title), so each judgment links to the
    section whose result decides it."""
    from tumen.report import judgments

    if not cfg.report.get("judgments_yaml"):
        return ""
    items = judgments.read(root / cfg.report["judgments_yaml"])
    synthetic = {
        nb.stem for nb in cfg.notebooks if _sources.synthetic_inputs(inputs.get(nb.name, []), root)
    }
    assessed = judgments.assess(items, records, synthetic)
    scale = ", ".join(f"{w} ({judgments.band(w)})" for w in judgments.SCALE)
    return (
        '<section class="judgments" aria-label="Key judgments">'
        '<h2 class="findings-title">Key judgments</h2>'
        f'<ol class="judgments">{judgments.to_html(assessed, records, titles or {})}</ol>'
        f'<p class="judgments-intro">Likelihood in ICD 203 words: {html.escape(scale)}. '
        "Confidence (low, moderate, high) rates the evidence, not the likelihood. Both are "
        "chosen by code from the results and the thresholds in "
        f"<code>{html.escape(cfg.report['judgments_yaml'])}</code>.</p></section>"
    )


def _timeline_figure(cfg: _params.Config, records: dict, root: Path) -> str:
    """The opening's timeline strip (:mod:`tumen.report.timeline`) as a report figure, or ""."""
    if not cfg.report.get("timeline"):
        return ""
    import io

    import matplotlib.pyplot as plt

    from tumen.report import claims as _claims
    from tumen.report import figures, timeline

    path = _claims_file(cfg)
    table = _claims.read_claims(root / path).reset_index() if path else None
    tl = timeline.collect(
        cfg.report["timeline"], records, events=cfg.report["events"], claims=table
    )
    if tl.empty:
        return ""
    fig = timeline.plot(tl)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=figures.DPI, metadata={"Software": None})
    plt.close(fig)
    caption, alt = timeline.describe(tl, cfg.report["events"])
    return figures.figure_html(buf.getvalue(), "pipeline_timeline", caption, alt).replace(
        'class="tumen-figure"', 'class="tumen-figure opening-timeline"', 1
    )


def _claims_file(cfg: _params.Config) -> str | None:
    """The claims file the notebooks read (parameter ``claims_csv``), or None."""
    files = {str(nb.params["claims_csv"]) for nb in cfg.notebooks if nb.params.get("claims_csv")}
    if len(files) > 1:
        raise TumenError(
            f"the notebooks read different claims files: {', '.join(sorted(files))}",
            hint="set claims_csv to one file in every section of the parameters",
        )
    return files.pop() if files else None


def _claims_appendix(cfg: _params.Config, root: Path) -> str:
    """The claims not tested (each with why) and the numbered reference list, or ""."""
    from tumen.report import claims as _claims

    path = _claims_file(cfg)
    if path is None:
        return ""
    table = _claims.read_claims(root / path)
    per_file = {f.stem: _results.load(f) for f in sorted((root / cfg.dirs.results).glob("*.json"))}
    coverage = _claims.get_coverage(table, _claims.merge_sections(per_file))
    untested = coverage[coverage["verdict"] == ""]
    esc = html.escape
    rows = "".join(
        f'<tr data-claim="{esc(cid)}"><td>{esc(cid)}</td><td>{esc(r.source)} '
        f"{_claims.cite_html(r.ref)}</td><td>{esc(r.statement)}</td><td>{esc(r.why_not)}</td></tr>"
        for cid, r in zip(untested.index, untested.itertuples())
    )
    refs = _claims.get_references(table)
    items = "".join(
        f'<li id="ref-{n}" value="{n}">{esc(_claims.format_reference(ref))}'
        + (f' <span class="url">{esc(ref["url"])}</span>' if ref["url"] else "")
        + "</li>"
        for n, ref in refs.iterrows()
    )
    return (
        '<section class="closing" id="claims-not-tested"><h1>Claims not tested</h1>'
        f"<p>Every published claim in <code>{esc(path)}</code> is either tested in a "
        "section, with one verdict in its claims table, or listed here with the reason it "
        "is not.</p>"
        '<div class="table-wrap"><table class="tumen-table claims-not-tested" '
        'id="tab-claims_not_tested"><caption>Published claims this build does not test, '
        "and why.</caption><thead><tr><th>claim</th><th>source</th><th>statement</th>"
        f"<th>why not tested</th></tr></thead><tbody>{rows}</tbody></table></div></section>"
        '<section class="closing" id="references"><h1>References</h1>'
        "<p>The publications behind the claims, numbered as the text cites them "
        f"(from <code>{esc(path)}</code>). The data the analyses read (observations, "
        "maps, railway network) are listed with their sources and licences in the "
        'appendix <a href="#provenance">Provenance</a>.</p>'
        f'<ol class="references">{items}</ol></section>'
    )


def _appendix(
    cfg: _params.Config, records: dict, info: dict, inputs: dict[str, list[str]], root: Path
) -> str:
    """The provenance appendix (all text escaped).

    Printed: the build, the inputs (one hash per file, or per group of files computed over
    all of them), how to rerun and verify, and where the full record is. The full record
    (every result, the parameters, every package) follows in folded ``<details>`` that
    the HTML shows on request and the PDF leaves out; ``provenance.json`` holds it too.
    """
    esc = html.escape
    rebuild = f"make report PARAMS={cfg.source}"
    groups = provenance.group_parts(provenance.input_table(cfg, root, inputs))
    grouped = [g for g in groups if g["files"] > 1]
    cited = list(dict.fromkeys((g["licence"], g["source"]) for g in groups))
    parts = [
        '<section class="appendix" id="provenance"><h1>Provenance</h1>',
        "<p>Where this build came from, what it read and how to check it. Every number "
        "in the text is a named result; in the HTML edition each links to its row in "
        "the full record below.</p>",
        "<h2>Build</h2>",
        _table(
            ["", ""],
            [
                ["commit", info["commit"]],
                ["build date (SOURCE_DATE_EPOCH)", f"{info['date']} ({info['epoch']})"],
                ["variant", cfg.variant],
                ["parameters", str(cfg.source)],
                ["parameters sha256", provenance.params_hash(cfg)[:16]],
                ["Python", provenance.environment()["python"]],
                ["rebuild", rebuild],
            ],
            "kv",
        ),
        "<h2>Inputs</h2>",
        _table(
            ["file", "kind", "sha256", "read by", "source"],
            [
                [
                    _breakable(r["path"]),
                    r["kind"],
                    r["sha256"][:12],
                    ", ".join(r["notebooks"]),
                    f"[{cited.index((r['licence'], r['source'])) + 1}]",
                ]
                for r in groups
            ],
            "provenance-inputs",
            raw_first=True,
        ),
        '<p class="table-notes">sha256: the first 12 hex digits of the file\'s hash'
        + (
            f"; for the {len(grouped)} groups of files (a shapefile's parts, "
            "<code>name.{dbf,shp,…}</code>) the hash of the <code>sha256sum</code> listing "
            "of all its files, as <code>sha256sum name.{dbf,shp,…} | sha256sum</code> "
            "prints it"
            if grouped
            else ""
        )
        + ". The full hashes are in "
        "<code>provenance.json</code>.</p>",
        '<h3>Sources and licences</h3><ol class="sources">'
        + "".join(
            f'<li>{esc(src)} <span class="licence">Licence: {esc(lic)}.</span></li>'
            for lic, src in cited
        )
        + "</ol>",
        '<h2>Rerun and verify</h2><ol class="steps">'
        "<li>Get the commit above: <code>git clone &lt;repository&gt; tumen &amp;&amp; "
        f"cd tumen &amp;&amp; git checkout {esc(info['commit'].split()[0])}</code>.</li>"
        f"<li>Rebuild this report: <code>{esc(rebuild)}</code> (installs the locked "
        "environment, runs every analysis, writes the HTML and the PDF).</li>"
        "<li>Compare with the published build: <code>make verify</code> rebuilds from a "
        "clean copy and names every input, result, figure and report file that differs "
        "from <code>published/MANIFEST.json</code>.</li>"
        "<li>Check one input: <code>sha256sum &lt;file&gt;</code> against the table above."
        "</li></ol>",
        "<h2>The full record</h2>"
        f"<p>Every result ({len(records)}), the parameters each analysis ran with and "
        "every installed package are in the HTML edition of this report "
        "(<code>index.html</code>, folded at the end of its appendix), in "
        "<code>provenance.json</code> in the "
        f'download bundle (<a class="bundle" href="{bundle.NAME}">{bundle.NAME}</a>, next '
        "to the report) and, after a rebuild, in "
        f"<code>{esc(str(cfg.dirs.build / 'provenance.json'))}</code>.</p>",
    ]
    names = sorted(records)
    parts.append(
        '<details class="full-record" id="all-results"><summary>Every result '
        f"({len(names)})</summary>"
    )
    parts.append(
        _table(
            ["", "result", "value", "unit", "notebook", "description"],
            [
                [
                    "",
                    n,
                    _results.format_value(records[n]["value"]),
                    _results.unit_text(records[n].get("unit", "")),
                    records[n].get("notebook", ""),
                    records[n].get("description", ""),
                ]
                for n in names
            ],
            "provenance-results",
            [f"r-{n}" for n in names],
        )
    )
    parts.append("</details>")
    parts.append('<details class="full-record" id="all-parameters"><summary>Parameters</summary>')
    for nb in cfg.notebooks:
        parts.append(
            f'<h3>{esc(nb.stem)}</h3><pre class="params">{esc(_params.dump_slice(nb.params))}</pre>'
        )
    parts.append("</details>")
    env = provenance.environment()
    parts.append(
        '<details class="full-record" id="all-packages"><summary>Environment: '
        f"Python {esc(env['python'])}, {len(env['packages'])} packages</summary>"
        f"<p>Python {esc(env['python'])} ({esc(env['implementation'])}); "
        f"{len(env['packages'])} installed packages:</p>"
    )
    parts.append(
        '<p class="packages">'
        + ", ".join(f"{esc(k)}&#160;{esc(v)}" for k, v in env["packages"].items())
        + "</p></details>"
    )
    parts.append("</section>")
    return "".join(parts)


def _breakable(path: str) -> str:
    """Escaped path with a break opportunity (``<wbr>``) after each ``/``, ``_`` and ``,``."""
    return re.sub(r"([/_,.])", r"\1<wbr/>", html.escape(path))


#: Longest tooltip of a cited number (characters).
TOOLTIP_MAX = 200


def tooltip(name: str, rec: dict, inputs: list[str]) -> str:
    """The tooltip of a cited number: name = value unit; notebook; main input (≤ 200 chars).

    The main input is the first observation file the notebook reads (else its first input);
    the description follows when there is room, cut with "…".

    >>> tooltip("rail.peak", {"value": 73, "unit": "railcars", "notebook": "01_rail",
    ...                       "description": "Highest count"}, ["data/sites.csv", "data/rail.csv"])
    'rail.peak = 73 railcars; notebook 01_rail; input data/sites.csv (+1 more) — Highest count'
    """
    value = (
        f"{_results.format_value(rec.get('value'))} {_results.unit_text(rec.get('unit'))}".rstrip()
    )
    main = next(
        (f for f in inputs if "/observations/" in f or "/ais/" in f), inputs[0] if inputs else ""
    )
    more = f" (+{len(inputs) - 1} more)" if len(inputs) > 1 else ""
    head = f"{name} = {value}; notebook {rec.get('notebook', '')}; " + (
        f"input {main}{more}" if main else "no input file"
    )
    if len(head) > TOOLTIP_MAX:
        return head[: TOOLTIP_MAX - 1] + "…"
    desc = str(rec.get("description", ""))
    room = TOOLTIP_MAX - len(head) - 3
    if desc and room > 10:
        head += " — " + (desc if len(desc) <= room else desc[: room - 1].rstrip() + "…")
    return head


def _link_results(soup, records: dict, inputs: dict[str, list[str]]) -> None:
    """Turn each cited number into a link to its row in the full record, with a tooltip;
    give each row links back to where the text cites it."""
    cited: dict[str, list[str]] = {}
    for span in soup.select("span.result[data-result]"):
        name = span["data-result"]
        rec = records.get(name, {})
        short = _params.short_name(rec.get("notebook", ""))
        span.name = "a"
        span["href"] = f"#r-{name}"
        ident = f"c-{name}-{len(cited.setdefault(name, [])) + 1}"
        cited[name].append(ident)
        span["id"] = ident
        if len(span.get_text()) > 24:  # long text (a list of countries) may wrap on small screens
            span["class"] = span.get("class", []) + ["wrap"]
        span["title"] = tooltip(name, rec, inputs.get(short, []))
    for row in soup.select("table.provenance-results tr[id]"):
        idents = cited.get(row["id"][2:], [])
        cell = row.find("td")
        cell["class"] = ["back"]
        for k, ident in enumerate(idents, start=1):
            a = soup.new_tag("a", href=f"#{ident}", attrs={"class": "back"})
            a["title"] = f"back to the text (citation {k} of {len(idents)})"
            a.string = "↩ text" if k == 1 else f"↩{k}"
            if k > 1:
                cell.append(" ")
            cell.append(a)


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
    import json

    root = root or paths.root()
    records = _results.load_all(root / cfg.dirs.results)
    rec = provenance.full_record(
        cfg, records, provenance.build_info(root), root, provenance.notebook_inputs(cfg, root)
    )
    return (
        json.dumps(rec, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    ).encode("utf-8")


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
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

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
    from bs4 import BeautifulSoup

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
