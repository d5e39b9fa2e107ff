"""The prose of the report as a reviewer reads it: citations, likelihood words, bounds, verdicts.

The checks themselves (``tests/fixtures/report_checks.py``) are tested first on tiny HTML
with known problems; the tests marked ``slow`` run them on the default report, built once
per session in a clean copy (``fixtures.shared_build``).
"""

import pytest
from bs4 import BeautifulSoup
from fixtures.report_checks import bound_violations, off_scale_words, uncited_claims
from fixtures.shared_build import built_once

from tumen.engine import results
from tumen.report import claims

SPAN = '<span class="result" data-result="{}" title="t">{}</span>'
CITE = '<a class="cite" href="#ref-{0}">[{0}]</a>'


# --- the checks, on hand-made HTML ----------------------------------------------------


def test_uncited_claim_is_found_and_cited_one_passes():
    cited = f"<p>RUSI counted {SPAN.format('claim.trips', '5')} {CITE.format(2)} trips.</p>"
    bare = f"<p>RUSI counted {SPAN.format('claim.trips', '5')} trips.</p>"
    assert uncited_claims(cited) == []
    assert len(uncited_claims(bare)) == 1
    typed = "<p>The White House said more than 1,000 containers.</p>"
    assert uncited_claims(typed, {"wh": "1,000"}) == [
        "wh (1,000) typed into prose: The White House said more than 1,000 containers."
    ]
    assert uncited_claims(typed, {"wh": "1,00"}) == []  # whole figures only
    table = "<table><tr><td>1,000</td></tr></table>"
    assert uncited_claims(table, {"wh": "1,000"}) == []  # tables are not prose


def test_render_cites_every_published_figure():
    """The citation comes from the record: prose rendered from a claim record passes."""
    r = {"claim.wh": {"value": 1000, "unit": "containers", "description": "d", "ref": 3}}
    html = "<p>" + results.render("More than {claim.wh!u} in all.", r) + "</p>"
    assert uncited_claims(html, {"wh": "1,000"}) == []


def test_off_scale_words_are_found():
    assert off_scale_words("<p>It is likely; it is almost certain.</p>") == []
    found = off_scale_words("<p>It is probably so.</p><td>highly likely</td>")
    assert [f.split(" in:")[0] for f in found] == ["'probably'", "'highly likely'"]


@pytest.mark.parametrize(
    "prose, shown, values, problems",
    [
        ("took at most {}", ["24"], [24.1], 1),  # "at most 24" when it is 24.1: wrong
        ("took at most {}", ["25"], [24.1], 0),
        ("averaged at least {}", ["4.4"], [4.37], 1),  # the sentence the reviewers caught
        ("averaged at least {}", ["4.3"], [4.37], 0),
        ("never more than {} apart", ["7.9"], [7.95], 1),
        ("between {} and {} days", ["8", "41"], [8.4, 41.2], 1),  # 41 is not >= 41.2
        ("between {} and {} days", ["8", "42"], [8.4, 41.2], 0),
        ("the depot is {}–{} km", ["194", "195"], [193.6, 195.6], 2),
        ("the depot is {}–{} km", ["193", "196"], [193.6, 195.6], 0),
        ("the peak of {} on", ["73"], [73.4], 0),  # no bound: not checked
    ],
)
def test_bound_phrases_are_checked_in_their_direction(prose, shown, values, problems):
    names = [f"s.v{i}" for i in range(len(values))]
    html = "<p>" + prose.format(*(SPAN.format(n, t) for n, t in zip(names, shown))) + ".</p>"
    records = {n: {"value": v, "unit": "", "description": "d"} for n, v in zip(names, values)}
    assert len(bound_violations(html, records)) == problems


# --- the default report ---------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    copy = built_once(tmp_path_factory, "params.yaml")
    return copy, (copy / "report/default/index.html").read_text(encoding="utf-8")


def _records(copy):
    return results.load_all(copy / "build/default/results")


@pytest.mark.slow
def test_every_published_figure_in_prose_cites_its_reference(report):
    copy, html = report
    table = claims.read_claims(copy / "data/claims.csv")
    shown = {
        cid: results.format_value(v)
        for cid, v in table["value"].items()
        if isinstance(v, (int, float)) and v >= 100
    }
    assert uncited_claims(html, shown) == []
    soup = BeautifulSoup(html, "html.parser")
    refs = {li["id"] for li in soup.select("ol.references li")}
    assert refs and {a["href"][1:] for a in soup.select("a.cite")} <= refs


@pytest.mark.slow
def test_no_likelihood_word_outside_the_scale(report):
    assert off_scale_words(report[1]) == []


@pytest.mark.slow
def test_every_bound_in_prose_holds_for_its_numbers(report):
    copy, html = report
    assert bound_violations(html, _records(copy)) == []


@pytest.mark.slow
def test_each_claim_has_one_verdict_or_a_reason_and_no_table_says_agrees(report):
    copy, html = report
    soup = BeautifulSoup(html, "html.parser")
    tested = [tr["data-claim"] for tr in soup.select("table.claims-table tr.claim-row")]
    untested = [tr["data-claim"] for tr in soup.select("table.claims-not-tested tr[data-claim]")]
    assert len(tested) == len(set(tested))  # one verdict per claim in the whole report
    every = list(claims.read_claims(copy / "data/claims.csv").index)
    assert sorted(tested + untested) == sorted(every)
    assert claims.UNACCOUNTED not in soup.select_one("table.claims-not-tested").get_text()
    for table in soup.select("table.tumen-table"):
        heads = [th.get_text(strip=True).lower() for th in table.select("th")]
        assert not any(h.startswith("agrees") for h in heads)
    # the example observations are synthetic: their verdicts are calibration checks
    for tr in soup.select(
        "table#tab-rail_claims tr.claim-row, table#tab-shuttle_claims tr.claim-row"
    ):
        assert "verdict-calibration" in tr.select_one("td.verdict")["class"]
        assert "(calibration)" in tr.select_one("td.verdict").get_text()


@pytest.mark.slow
def test_opening_lists_key_judgments_on_the_scale(report):
    from tumen.report import judgments

    soup = BeautifulSoup(report[1], "html.parser")
    items = soup.select("header.title-page ol.judgments li.judgment")
    assert items
    for li in items:
        word = li.select_one(".likelihood").get_text().split(" (")[0].lower()
        assert word in judgments.SCALE
        assert li.select_one(".confidence").get_text().split(":")[0] in {
            f"Confidence {c}" for c in judgments.CONFIDENCE
        }
    illustrative = [li for li in items if "illustrative" in li["class"]]
    assert illustrative and all("Illustrative only." in li.get_text() for li in illustrative)
