"""Finish the assembled report page: the room of everything done to the HTML after the
notebooks are joined.

Sections, figures and tables get their numbers and the ``{fig:…}``/``{tab:…}``
cross-references their text; the table of contents is built; places get their other name
once (``report.aliases``); figures open full-size on a tap; table captions move out of
their horizontal scrollers; cited numbers link to their row in the full record, with a
tooltip. Every function works on the page's BeautifulSoup tree in place.
"""

from __future__ import annotations

import re

from tumen.engine import params as _params
from tumen.engine import results as _results
from tumen.errors import TumenError


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60] or "section"


def finish(soup) -> None:
    """Number sections/figures/tables, resolve cross-references, build the TOC in place."""
    for a in soup.select("a.anchor-link"):
        a.decompose()
    toc = _number_sections(soup)
    _resolve_references(soup, _number_figures(soup))
    _contents(soup, toc)


def _number_sections(soup) -> list[tuple[str, str, str]]:
    """Number the headings of every section (appendices A, B, ...) and give each a unique
    id; return the contents entries (number, text, id)."""
    used: set[str] = set()

    def unique(base: str) -> str:
        cand, n = base, 2
        while cand in used:
            cand, n = f"{base}-{n}", n + 1
        used.add(cand)
        return cand

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
    return toc


def _number_figures(soup) -> dict[str, str]:
    """Number figures and tables in page order; return id -> "Figure n" / "Table n"."""
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
    return numbers


def _resolve_references(soup, numbers: dict[str, str]) -> None:
    """Give each ``{fig:…}``/``{tab:…}`` cross-reference the number of its target."""
    for a in soup.select("a.xref"):
        target = a.get("href", "")[1:]
        if target not in numbers:
            raise TumenError(
                f"cross-reference to {target!r}, which no figure or table has",
                hint="check the name in {fig:...}/{tab:...}",
            )
        a.string = numbers[target]


def _contents(soup, toc: list[tuple[str, str, str]]) -> None:
    """Fill the table of contents (``nav.toc``): sections, their subsections nested."""
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


def add_aliases(soup, aliases: dict[str, str]) -> None:
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


def zoomable_figures(soup) -> None:
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


def captions_outside_scrollers(soup) -> None:
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


def link_results(soup, records: dict, inputs: dict[str, list[str]]) -> None:
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
