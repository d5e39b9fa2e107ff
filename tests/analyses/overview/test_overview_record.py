"""tumen.analyses.overview.record: the overview records its sections' numbers, unchanged."""

import pytest
from fixtures.overview_links import write_sections

from tumen.analyses.overview import read, record
from tumen.engine.results import Results


@pytest.fixture
def sections(tmp_path):
    """A route and a shuttle section's results and route files (their two results files)."""
    return write_sections(tmp_path)


def test_every_number_is_the_sections_own(tmp_path, sections):
    res = Results(tmp_path / "00.json")
    out = record.record_overview(res, read.read_links(*sections))
    assert out == {
        "sea_km": 185.2,
        "sea_nm": 100.0,
        "rail_km": 1812.5,
        "rail_total_km": 1837.25,
        "khasan_rail_km": 1500.0,
        "depot_to_border_km": 63.4,
    }
    assert res.records["overview.sea_nm"]["unit"] == "nmi"
    assert "route.rail_km" in res.records["overview.rail_km"]["description"]


def test_sections_not_built_record_nothing(tmp_path):
    res = Results(tmp_path / "00.json")
    assert record.record_overview(res, read.read_links("", "")) == {}


def test_no_route_is_passed_on(tmp_path):
    Results(tmp_path / "03.json").record("route.no_route", "no railway", "", "why")
    Results(tmp_path / "03.json").record("route.depot_to_border_km", 60.0, "km", "b")
    (tmp_path / "03").mkdir()
    (tmp_path / "03/routes.geojson").write_text(
        '{"missing": {"route": "no railway"}, "features": []}'
    )
    res = Results(tmp_path / "00.json")
    out = record.record_overview(res, read.read_links(str(tmp_path / "03.json"), ""))
    assert out == {"no_route": "no railway", "depot_to_border_km": 60.0}
