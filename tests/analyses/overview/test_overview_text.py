"""tumen.analyses.overview.text: the overview's paragraph, link by link."""

import html
import re

import pytest
from fixtures.overview_links import write_sections

from tumen.analyses.overview import read, record, text
from tumen.engine.results import Results

NAMES = {
    "crossing": "Granitnaya",
    "loading": "Kamyshovy",
    "origin": "Limanny",
    "destination": "Lesnaya",
}


def paragraph(tmp_path, link, note=""):
    res = Results(tmp_path / "00.json")
    record.record_overview(res, link)
    md = text.describe_pipeline(
        res, link, crossing_note=note, names=NAMES, within="Russia", country="Belarus"
    )
    return html.unescape(
        re.sub(r"<[^>]+>", "", md.data)
    )  # the words, without the links to each result


@pytest.fixture
def sections(tmp_path):
    """A route and a shuttle section's results and route files (their two results files)."""
    return write_sections(tmp_path)


def test_every_link_computed(tmp_path, sections):
    words = paragraph(tmp_path, read.read_links(*sections), note="Trains enter at")
    assert words.startswith("Trains enter at Granitnaya, ")
    assert "1,500 km of railway from the depot" in words
    assert "from Kamyshovy to Limanny is " in words and "100 nautical miles" in words
    assert "inside Russia runs " in words and "1,812 km" in words and "1,837 km" in words
    assert "63 km from Belarus's internationally recognised border" in words


def test_sections_not_in_the_build_are_said_to_be_missing(tmp_path):
    words = paragraph(
        tmp_path, read.read_links("build/x/results/03.json", "build/x/results/02.json")
    )
    assert words.startswith(
        "The sea route from Kamyshovy to Limanny is not part of this build: "
        "there are no shuttle results at build/x/results/02.json. "
    )
    assert (
        "The rail route from Limanny to Lesnaya and the depot's distance to Belarus's border "
        "are not part of this build: there are no route results at build/x/results/03.json."
    ) in words


def test_a_sea_route_that_could_not_be_computed_and_no_railway(tmp_path):
    Results(tmp_path / "03.json").record("route.no_route", "Limanny lies in Russia", "", "why")
    Results(tmp_path / "03.json").record("route.depot_to_border_km", 60.0, "km", "b")
    (tmp_path / "03").mkdir()
    (tmp_path / "03/routes.geojson").write_text('{"features": []}')
    Results(tmp_path / "02.json").record("shuttle.calls", 3, "calls", "c")
    (tmp_path / "02").mkdir()
    (tmp_path / "02/sea_route.geojson").write_text(
        '{"missing": {"sea": "no water path"}, "features": []}'
    )
    words = paragraph(
        tmp_path, read.read_links(str(tmp_path / "03.json"), str(tmp_path / "02.json"))
    )
    assert "from Kamyshovy to Limanny could not be computed (no water path). " in words
    assert "No railway joins Limanny and Lesnaya: Limanny lies in Russia. " in words
    assert "The depot lies 60 km from Belarus's" in words
