"""The real report (default parameters) in Chromium with the network blocked.

``tests/test_browser.py`` checks the machinery on a fixture report with hostile data; this
module builds the report a reader gets (all analyses, maps, long appendix tables) in a clean
copy and checks the same things a reader would notice, on a phone (390 px) and a wide
screen (1440 px): nothing loaded from the network, no console errors, every figure decoded,
every contents link and in-report link landing, no sideways scrolling on the phone, figures
that open full-size on a click (no script), table captions outside their scrollers, a way
back from every provenance row reached from a number, short tooltips, and the contents
beside the text on the wide screen. Screenshots go to ``build/browser/``.
"""

import re

import pytest
from fixtures.shared_build import built_once
from test_browser import SHOTS, Visit, browser  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS = (1440, 390)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    copy = built_once(tmp_path_factory, "params.yaml")
    return copy / "report/default/index.html"


@pytest.fixture(scope="module")
def visits(report, browser):  # noqa: F811
    vs = {w: Visit(browser, report.as_uri(), w) for w in WIDTHS}
    yield vs
    for v in vs.values():
        v.close()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_real_report_loads_nothing_and_logs_no_error(visits):
    for v in visits.values():
        assert v.network() == [] and v.errors == [] and v.dialogs == []


def test_real_report_figures_decode_and_links_land(visits, report):
    page = visits[1440].page
    images = page.evaluate("() => Array.from(document.images).map(i => [i.naturalWidth, i.alt])")
    assert len(images) == len(re.findall(r'class="tumen-figure[ "]', report.read_text())) >= 8
    assert all(w > 0 and alt for w, alt in images)
    missing = page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="#"]'))
        .map(a => a.getAttribute('href'))
        .filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))""")
    assert missing == []
    toc = page.eval_on_selector_all("nav.toc a", "els => els.length")
    assert toc >= 20


def test_real_report_narrow_screen_has_no_sideways_scroll(visits):
    for width, v in visits.items():
        _shot(v.page, f"report-{width}")
    narrow = visits[390].page
    width, inner = narrow.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert width <= inner, f"the report scrolls sideways at 390 px ({width} > {inner})"


@pytest.mark.parametrize("width", WIDTHS)
def test_figures_open_full_size_on_click(visits, width):
    """A click on a figure shows it over the whole window, at least as wide as the window
    (wider on a phone, scrollable); the close link puts it back. No script runs."""
    page = visits[width].page
    n = page.eval_on_selector_all("figure.tumen-figure", "els => els.length")
    assert (
        n >= 8
        and page.eval_on_selector_all("figure.tumen-figure a.zoom-open img", "els => els.length")
        == n
    )
    ident = page.eval_on_selector("figure.tumen-figure >> nth=2", "f => f.id")
    img = f"#{ident} img"
    before = page.eval_on_selector(img, "i => i.getBoundingClientRect().width")
    assert before < width
    page.click(f"#{ident} a.zoom-open")
    big = page.eval_on_selector(
        img,
        """i => { const r = i.getBoundingClientRect();
        return {w: r.width, left: r.left, top: r.top, natural: i.naturalWidth}; }""",
    )
    assert big["w"] >= width - 20 and big["w"] >= min(big["natural"], 1000) and big["left"] <= 0
    assert abs(big["top"]) <= 1, big
    assert page.evaluate("() => document.scripts.length") == 0
    _shot(page, f"report-{width}-figure-open")
    page.click(f"#{ident} a.zoom-close")
    assert page.evaluate("() => location.hash") == f"#{ident}"
    assert page.eval_on_selector(img, "i => i.getBoundingClientRect().width") == pytest.approx(
        before
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_table_captions_sit_outside_their_scrollers(visits, width):
    page = visits[width].page
    tables = page.evaluate("""() => Array.from(document.querySelectorAll('table.tumen-table')).map(t => {
        const cap = document.getElementById(t.getAttribute('aria-labelledby') || '');
        if (!cap) return {id: t.id, cap: null};
        const r = cap.getBoundingClientRect();
        return {id: t.id, cap: cap.textContent, inWrap: !!cap.closest('.table-wrap'),
                inner: !!t.querySelector('caption'), right: r.right,
                clipped: cap.scrollWidth > cap.clientWidth + 1};
    })""")
    assert len(tables) >= 10
    for t in tables:
        assert t["cap"] and t["cap"].startswith("Table "), t
        assert not t["inWrap"] and not t["inner"] and not t["clipped"], t
        assert t["right"] <= width, t


def test_every_row_reached_from_a_number_links_back(visits):
    """Each cited number has an id; its row in the full record links back to it."""
    page = visits[390].page
    cited = page.evaluate("""() => Array.from(document.querySelectorAll('a.result')).map(
        a => [a.id, a.getAttribute('href')])""")
    assert len(cited) >= 50 and all(ident for ident, _ in cited)
    backs = page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('table.provenance-results tr[id]')).map(
        tr => [tr.id, Array.from(tr.querySelectorAll('a.back')).map(a => a.getAttribute('href'))]))""")
    for ident, href in cited:
        assert f"#{ident}" in backs[href[1:]], (ident, href)
    # there and back on a phone: the row opens the folded record, the link returns
    ident, href = cited[len(cited) // 2]
    page.click(f'[id="{ident}"]')
    assert page.evaluate("() => document.getElementById('all-results').open")
    row = page.eval_on_selector(f'[id="{href[1:]}"]', "r => r.getBoundingClientRect().top")
    assert 0 <= row < 900
    back = page.locator(f'[id="{href[1:]}"] a.back[href="#{ident}"]')
    box = back.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, "back link off-screen"
    _shot(page, "report-390-provenance-row")
    back.click()
    assert page.evaluate("() => location.hash") == f"#{ident}"
    top = page.eval_on_selector(f'[id="{ident}"]', "a => a.getBoundingClientRect().top")
    assert -2 <= top < 900


def test_tooltips_are_short_and_units_are_words(visits):
    page = visits[1440].page
    tips = page.eval_on_selector_all("a.result", "els => els.map(a => a.title)")
    assert tips and max(map(len, tips)) <= 200
    assert all(re.match(r"^[a-z0-9_.]+ = .+; notebook \d\d_", t) for t in tips), tips[:3]
    units = page.eval_on_selector_all(
        "table.provenance-results tbody td:nth-child(4)", "els => els.map(e => e.textContent)"
    )
    assert units and "1" not in units
    text = page.evaluate("() => document.body.innerText")
    assert not re.search(r"\d 1\b(?![\d,.])", " ".join(tips))
    assert not re.search(r"\d(\.\d+)? 1 [a-z(]", text)


def test_contents_beside_the_text_on_a_wide_screen(visits):
    wide, narrow = visits[1440].page, visits[390].page
    layout = """() => { const n = document.querySelector('nav.toc').getBoundingClientRect(),
                              m = document.querySelector('main').getBoundingClientRect();
                        return {navRight: n.right, mainLeft: m.left, navTop: n.top, navBottom: n.bottom,
                                mainTop: m.top, mainWidth: m.width}; }"""
    wide.evaluate("() => window.scrollTo(0, 0)")
    top = wide.evaluate(layout)
    assert top["navRight"] <= top["mainLeft"] and top["mainWidth"] >= 600, top
    wide.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
    mid = wide.evaluate(layout)
    assert 0 <= mid["navTop"] < 900, f"the contents scroll away: {mid}"  # sticky beside the text
    _shot(wide, "report-1440-contents")
    small = narrow.evaluate(layout)
    assert small["navBottom"] <= small["mainTop"], small  # a phone: the contents above the text
    assert (
        narrow.evaluate("() => getComputedStyle(document.querySelector('.page')).display") != "grid"
    )
