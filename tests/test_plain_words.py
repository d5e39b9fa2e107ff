"""Plain words in the default report: no internal terms or template leftovers in the prose.

The reader-facing text (everything but the folded full record of the provenance appendix,
whose result descriptions name the machinery on purpose) is checked against a list of
internal terms, and the places with two spellings are introduced once as "Rajin (Najin)".
"""

import re

import pytest
from bs4 import BeautifulSoup
from fixtures.shared_build import built_once

pytestmark = pytest.mark.slow

#: Internal terms and template leftovers a reader must never see (case-insensitive).
BANNED = [
    "snaps to the nearest node",
    "snaps to",
    "nearest node",
    "healed link",
    "is_jump",
    "build/<variant>",
    "<variant>/results",
    "year(s)",
    "(s) ",
    "sent 0 reports",
    " 1 reports",
    "None km",
    "nan km",
]
#: The same, matched with their case (a licence may say "by the tumen authors").
BANNED_CASED = ["The tumen authors"]


@pytest.fixture(scope="module")
def soup(tmp_path_factory):
    copy = built_once(tmp_path_factory, "params.yaml")
    return BeautifulSoup((copy / "report/default/index.html").read_text(), "html.parser")


@pytest.fixture(scope="module")
def prose(soup) -> str:
    page = BeautifulSoup(str(soup), "html.parser")
    for folded in page.select("details.full-record, style"):
        folded.decompose()
    return re.sub(r"\s+", " ", page.body.get_text(" "))


def test_no_internal_terms_in_the_prose(prose):
    found = {
        t: prose[max(0, i - 60) : i + 60]
        for t in BANNED
        for i in [prose.lower().find(t.lower())]
        if i >= 0
    }
    found |= {
        t: prose[max(0, i - 60) : i + 60] for t in BANNED_CASED for i in [prose.find(t)] if i >= 0
    }
    assert found == {}, found


def test_places_with_two_names_are_introduced_once(soup, prose):
    paragraphs = " ".join(
        p.get_text(" ")
        for p in soup.select("header p, header li, main p")
        if not p.find_parent(["nav", "details", "figure", "table"])
    )
    paragraphs = re.sub(r"\s+", " ", paragraphs)
    for name, other in (("Rajin", "Najin"), ("Dunai", "Dunay")):
        assert prose.count(f"{name} ({other})") == 1, name
        first = re.search(rf"\b{name}\b", paragraphs)
        assert first and paragraphs[first.start() :].startswith(f"{name} ({other})"), name


def test_authors_line_only_when_given(soup):
    assert soup.select_one(".title-page .authors") is None  # params.yaml lists no authors
