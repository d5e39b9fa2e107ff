"""The report in a real browser: Playwright driving Debian's Chromium, network blocked.

A clean copy of the project builds the ``hostile`` fixture variant
(``tests/fixtures/params_hostile.yaml``: the two machinery fixtures plus a notebook whose
vessel names are HTML and Markdown markup), then Chromium opens ``index.html`` from disk
with every request other than ``file:`` and ``data:`` aborted and counted. Checked: no
network request, no console error, every image decoded, every table-of-contents link and
every in-report link (cross-references, cited results) landing on an element, no
horizontal scrolling of body text at 390 px, and the hostile names shown as literal text
with nothing executed. Screenshots at 1280 px and 390 px are saved to ``build/browser/``.

Skipped, with the reason printed, only when Chromium cannot start.
"""

import json
import os

import pytest
from fixtures.shared_build import built_once

from tumen import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PARAMS = "tests/fixtures/params_hostile.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Vessel names in tests/fixtures/data/hostile_vessels.csv, busiest first.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><b>bold</b>',
    "Angara & Maria 'quoted'",
    "[click](javascript:alert(1))",
]
#: ``hostile.note`` in tests/fixtures/params_hostile.yaml.
NOTE = "<script>alert(3)</script> *not emphasis*"
SHOTS = paths.root() / "build" / "browser"
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project with the hostile fixture variant built (once per session)."""
    return built_once(tmp_path_factory, PARAMS)


@pytest.fixture(scope="module")
def browser():
    """Chromium at /usr/bin/chromium through Playwright (skipped only if it cannot start)."""
    from playwright.sync_api import sync_playwright

    reason = None
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"Chromium is not installed at {CHROMIUM} (.ci/run installs it with apt-get)"
    pw = sync_playwright().start()
    try:
        if reason is None:
            try:
                b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=TIMEOUT_MS)
            except Exception as exc:  # noqa: BLE001 - any launch failure means "cannot start"
                reason = f"Chromium at {CHROMIUM} cannot start: {str(exc).splitlines()[0]}"
        if reason is not None:
            print(f"SKIP browser tests: {reason}")
            pytest.skip(reason)
        yield b
        b.close()
    finally:
        pw.stop()


class Visit:
    """One page load with the network blocked; records requests, console errors, dialogs."""

    def __init__(self, browser, url: str, width: int, *, bypass_csp: bool = False):
        self.blocked, self.requests, self.errors, self.dialogs = [], [], [], []
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            bypass_csp=bypass_csp,
            java_script_enabled=True,
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)
        page = self.page = self.context.new_page()
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("dialog", self._dialog)
        page.goto(url, wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def network(self) -> list[str]:
        """Every request that was not for the file itself or an inline data: URL."""
        return self.blocked + [u for u in self.requests if not u.startswith(("file:", "data:"))]

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def wide(built, browser):
    v = Visit(browser, (built / "report/hostile/index.html").as_uri(), 1280)
    yield v
    v.close()


@pytest.fixture(scope="module")
def narrow(built, browser):
    v = Visit(browser, (built / "report/hostile/index.html").as_uri(), 390)
    yield v
    v.close()


def test_no_network_no_console_errors(wide, narrow):
    for v in (wide, narrow):
        assert v.network() == []
        assert v.errors == []
        assert v.dialogs == []


def test_every_image_decoded(wide, built):
    images = wide.page.evaluate("""() => Array.from(document.images).map(i => ({
        alt: i.alt, complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))""")
    html = (built / "report/hostile/index.html").read_text()
    assert len(images) == html.count('class="tumen-figure"') == 2
    for img in images:
        assert img["complete"] and img["w"] > 0 and img["h"] > 0, img
        assert img["alt"]


def test_toc_links_land_on_their_headings(wide):
    page = wide.page
    hrefs = page.eval_on_selector_all("nav.toc a", "els => els.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 8
    for href in hrefs:
        assert href.startswith("#")
        page.click(f'nav.toc a[href="{href}"]')
        landed = page.evaluate(
            """(id) => {
            const el = document.getElementById(id);
            if (!el) return null;
            const r = el.getBoundingClientRect();
            return {hash: decodeURIComponent(location.hash.slice(1)), tag: el.tagName,
                    top: r.top, height: window.innerHeight};
        }""",
            href[1:],
        )
        assert landed is not None, f"{href}: no such element"
        assert landed["hash"] == href[1:] and landed["tag"] in ("H1", "H2", "H3")
        assert -2 <= landed["top"] < landed["height"], f"{href} not scrolled into view: {landed}"


def test_every_internal_link_resolves(wide):
    links = wide.page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="#"]')).map(a => ({
        href: a.getAttribute('href'), cls: a.className,
        found: !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))}))""")
    kinds = {cls for link in links for cls in link["cls"].split()}
    assert {"xref", "result"} <= kinds
    assert sum("result" in link["cls"].split() for link in links) >= 10
    assert [link for link in links if not link["found"]] == []
    # a cited number jumps to its row in the results appendix
    wide.page.click('a.result[data-result="hostile.top_containers"] >> nth=0')
    row = wide.page.evaluate(
        "() => document.getElementById(decodeURIComponent(location.hash.slice(1))).innerText"
    )
    assert row.split("\t")[1:4] == ["hostile.top_containers", "120", "containers"]


def test_screenshots_and_no_horizontal_scroll_when_narrow(wide, narrow):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for v, width in ((wide, 1280), (narrow, 390)):
        out = SHOTS / f"hostile-{width}.png"
        v.page.screenshot(path=str(out), full_page=True)
        assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 10_000
    # what sticks out of the viewport, other than inside a scrolling table wrapper
    wide_elements = narrow.page.evaluate("""() => {
        const w = window.innerWidth, out = [];
        for (const el of document.body.querySelectorAll('*')) {
            if (el.closest('.table-wrap, pre')) continue;
            const r = el.getBoundingClientRect();
            if (r.right > w + 1) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
        }
        return out.slice(0, 10);
    }""")
    sizes = narrow.page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"page scrolls sideways at 390 px: {sizes}, {wide_elements}"
    assert wide_elements == []
    # wide tables scroll inside their own wrapper
    overflow = narrow.page.eval_on_selector_all(
        ".table-wrap", "els => els.map(e => getComputedStyle(e).overflowX)"
    )
    assert overflow and set(overflow) == {"auto"}


def test_hostile_names_are_text_and_nothing_runs(built, browser):
    """With the page's Content-Security-Policy bypassed, escaping alone must hold."""
    v = Visit(browser, (built / "report/hostile/index.html").as_uri(), 1280, bypass_csp=True)
    try:
        page = v.page
        page.wait_for_timeout(500)  # give any injected handler (onerror) a chance to fire
        assert v.dialogs == [] and v.errors == [] and v.network() == []
        dom = page.evaluate("""() => ({
            scripts: document.scripts.length,
            handlers: Array.from(document.querySelectorAll('*')).flatMap(
                el => Array.from(el.attributes).filter(a => a.name.startsWith('on')).map(a => a.name)),
            jsLinks: Array.from(document.querySelectorAll('[href],[src]')).filter(
                el => /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src'))).length,
            bolds: Array.from(document.querySelectorAll('b')).map(b => b.textContent),
            imgSrcX: document.querySelectorAll('img[src="x"]').length,
            title: document.title,
            cells: Array.from(document.querySelectorAll('#tab-hostile_vessels tbody tr td:first-child')).map(td => td.textContent),
            caption: document.querySelector('#fig-hostile_containers figcaption').textContent,
            alt: document.querySelector('#fig-hostile_containers img').alt,
            tableCaption: document.getElementById(document.querySelector('#tab-hostile_vessels').getAttribute('aria-labelledby')).textContent,
            notes: document.querySelector('#nb-hostile .table-notes').textContent,
            heading: document.querySelector('#nb-hostile h2').textContent,
            toc: Array.from(document.querySelectorAll('nav.toc a')).map(a => a.textContent),
            prose: Array.from(document.querySelectorAll('#nb-hostile .output_markdown p')).map(
                p => p.textContent).join(' '),
            body: document.body.innerText,
            appendix: document.getElementById('provenance').textContent,  // with the folded record
        })""")
        assert dom["scripts"] == 0 and dom["handlers"] == [] and dom["jsLinks"] == 0
        assert dom["bolds"] == [] and dom["imgSrcX"] == 0
        assert dom["title"] == "Fixture report <script>alert(2)</script>"
        assert dom["cells"] == HOSTILE
        assert dom["caption"] == f"Figure 2. Containers per vessel; the busiest is {HOSTILE[0]}."
        assert dom["alt"] == "Bar chart of containers per vessel, " + " then ".join(HOSTILE) + "."
        assert dom["tableCaption"] == "Table 2. Vessels named " + "; ".join(HOSTILE) + "."
        assert dom["notes"] == "Names as written in the file: " + "; ".join(HOSTILE)
        assert dom["heading"] == f"3.1Vessel {HOSTILE[0]}"
        assert f"3.1  Vessel {HOSTILE[0]}" in dom["toc"]
        assert dom["prose"] == (
            f"The busiest of 5 vessels was {HOSTILE[0]}, with 120 containers "
            f"of 304 containers; then {HOSTILE[1]} and {HOSTILE[2]}; last came "
            f"{HOSTILE[4]} (Figure 2, Table 2). Named in the data, as words: "
            + "; ".join(HOSTILE[:4])
            + "; {hostile.vessels} "
            + HOSTILE[4]
            + "."
            + f" A parameter with markup: {NOTE}."
        )
        assert "The busiest vessel was <script>alert(1)</script>." in dom["body"]  # key finding
        for name in HOSTILE[:3] + HOSTILE[4:]:  # recorded as results
            assert name in dom["appendix"]  # results table (values, descriptions)
        assert f"note: {NOTE}" in dom["appendix"]  # parameters, as YAML
        assert (
            f"Second vessel: {HOSTILE[1]}" in dom["appendix"] and "<b>name</b>" in dom["appendix"]
        )
        # the tooltip of a cited name is the name, as text
        tip = page.get_attribute('a.result[data-result="hostile.third_vessel"] >> nth=0', "title")
        assert tip.startswith(f"hostile.third_vessel = {HOSTILE[2]}; notebook 05_hostile")
    finally:
        v.close()


def test_report_declares_a_policy_that_forbids_scripts(built, browser):
    v = Visit(browser, (built / "report/hostile/index.html").as_uri(), 1280)
    try:
        csp = v.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
        assert "default-src 'none'" in csp and "script-src" not in csp
        # a script injected into the page is refused (and reported as a console error)
        v.page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }""")
        v.page.wait_for_timeout(200)
        assert v.page.evaluate("() => window.__ran === undefined")
        assert "Content Security Policy" in " ".join(v.errors)
    finally:
        v.close()


def test_results_in_page_match_results_files(built, wide):
    """Every cited number shown in the page is the recorded value (formatted)."""
    from tumen.engine import results

    records = results.load_all(built / "build/hostile/results")
    cited = wide.page.eval_on_selector_all(
        "a.result", "els => els.map(a => [a.dataset.result, a.textContent])"
    )
    assert cited
    for name, text in cited:
        value = results.format_value(records[name]["value"])
        assert text.startswith(value), (name, text, value)
    assert (
        json.loads((built / "build/hostile/results/05_hostile.json").read_text())[
            "hostile.top_vessel"
        ]["value"]
        == HOSTILE[0]
    )
