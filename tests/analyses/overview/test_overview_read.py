"""tumen.analyses.overview.read: the routes and numbers the overview takes from its links."""

import pytest
from fixtures.overview_links import write_sections

from tumen.analyses.overview import read
from tumen.engine import links
from tumen.engine.results import Results
from tumen.errors import DataError, ParameterError
from tumen.geo import route_files


@pytest.fixture
def sections(tmp_path):
    """A route and a shuttle section's results and route files (their two results files)."""
    return write_sections(tmp_path)


def test_the_overview_reads_its_sections(sections):
    route, shuttle = sections
    link = read.read_links(route, shuttle)
    assert link.route_path == route and link.shuttle_path == shuttle
    assert link.rail.length_km == 1812.5 and link.crossing.snaps[0].label == "station"
    assert link.sea.length_nm == 100.0 and link.sea_error == ""
    assert link.value("route.depot_to_border_km") == 63.4
    assert link.value("shuttle.sea_route_nm") == 100.0
    assert link.value("route.no_route") is None


def test_a_section_not_built_gives_nothing(tmp_path, sections):
    link = read.read_links(str(tmp_path / "none.json"), "")
    assert link.route is None and link.shuttle is None
    assert (link.rail, link.crossing, link.sea, link.sea_error) == (None, None, None, "")
    assert link.value("route.rail_km") is None


def test_a_route_that_could_not_be_computed_says_why(tmp_path):
    shuttle = tmp_path / "02.json"
    Results(shuttle).record("shuttle.calls", 3, "calls", "c")
    route_files.write_routes(
        {"sea": None}, links.files_dir(shuttle) / read.SEA_FILE, missing={"sea": "no water path"}
    )
    link = read.read_links("", str(shuttle))
    assert link.sea is None and link.sea_error == "no water path"


def test_results_without_their_route_file_are_an_error(tmp_path):
    Results(tmp_path / "03.json").record("route.rail_km", 1.0, "km", "r")
    with pytest.raises(DataError, match="not a route file"):
        read.read_links(str(tmp_path / "03.json"), "")


def test_the_linked_routes_must_join_the_overviews_places(sections):
    link = read.read_links(*sections)
    read.check_ends(link.rail, ("pier", "depot"), "route_results")
    read.check_ends(link.sea, ("pier", "quay"), "shuttle_results")  # either way round
    read.check_ends(None, ("a", "b"), "route_results")
    with pytest.raises(ParameterError, match="joins pier and depot, not pier and town") as err:
        read.check_ends(link.rail, ("pier", "town"), "route_results")
    assert err.value.field == "route_results"
