"""The real report (default parameters) in Chromium with the network blocked.

``tests/test_browser.py`` checks the machinery on a fixture report with hostile data; this
module builds the report a reader gets (all analyses, maps, long appendix tables) in a clean
copy and checks the same things a reader would notice: nothing loaded from the network, no
console errors, every figure decoded, every contents link and in-report link landing, no
sideways scrolling on a phone-sized screen. Screenshots go to ``build/browser/``.
"""

import pytest

from fixtures.shared_build import built_once
from test_browser import SHOTS, Visit, browser  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    copy = built_once(tmp_path_factory, "params.yaml")
    return copy / "report/default/index.html"


@pytest.fixture(scope="module")
def visits(report, browser):  # noqa: F811
    vs = {w: Visit(browser, report.as_uri(), w) for w in (1280, 390)}
    yield vs
    for v in vs.values():
        v.close()


def test_real_report_loads_nothing_and_logs_no_error(visits):
    for v in visits.values():
        assert v.network() == [] and v.errors == [] and v.dialogs == []


def test_real_report_figures_decode_and_links_land(visits, report):
    page = visits[1280].page
    images = page.evaluate("() => Array.from(document.images).map(i => [i.naturalWidth, i.alt])")
    assert len(images) == report.read_text().count('class="tumen-figure"') >= 8
    assert all(w > 0 and alt for w, alt in images)
    missing = page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="#"]'))
        .map(a => a.getAttribute('href'))
        .filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))""")
    assert missing == []
    toc = page.eval_on_selector_all("nav.toc a", "els => els.length")
    assert toc >= 20


def test_real_report_narrow_screen_has_no_sideways_scroll(visits):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, v in visits.items():
        v.page.screenshot(path=str(SHOTS / f"report-{width}.png"), full_page=False)
    narrow = visits[390].page
    width, inner = narrow.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the report scrolls sideways at 390 px ({width} > {inner})"
