"""Tests for tumen.geo.gazetteer: reading and validating the sites, looking them up."""

from pathlib import Path

import pytest

from tumen.errors import DataError, ParameterError
from tumen.geo import borders, earth, gazetteer, world

FIXTURES = Path(__file__).parents[1] / "fixtures" / "geo"


def test_load_sites_fixture_types_and_index():
    sites = gazetteer.load_sites(FIXTURES / "sites.csv")
    assert list(sites.index) == ["equator_a", "equator_b", "north_c"]
    assert list(sites.columns) == list(gazetteer.SITE_COLUMNS)
    assert sites.loc["equator_b", "lon"] == 1.0
    assert sites["radius_km"].dtype == float


@pytest.mark.parametrize(
    "name, line, field",
    [
        ("sites_bad_lat.csv", 3, "lat"),
        ("sites_dup.csv", 4, "id"),
        ("sites_missing_column.csv", 1, "uncertainty_km"),
        ("sites_bad_kind.csv", 2, "kind"),
    ],
)
def test_load_sites_errors_name_file_line_and_field(name, line, field):
    with pytest.raises(DataError) as info:
        gazetteer.load_sites(FIXTURES / name)
    err = info.value
    assert err.file.endswith(name) and err.line == line and err.field == field
    assert name in str(err) and f":{line}" in str(err)


def test_load_sites_missing_file():
    with pytest.raises(DataError, match="not found"):
        gazetteer.load_sites(FIXTURES / "no_such_file.csv")


def test_get_site_and_suggestion():
    sites = gazetteer.load_sites(FIXTURES / "sites.csv")
    site = gazetteer.get_site("north_c", sites)
    assert (site.lat, site.lon, site.kind) == (0.5, 1.0, "port")
    with pytest.raises(DataError) as info:
        gazetteer.get_site("equator_x", sites)
    assert "equator_a" in info.value.hint


def test_to_point_forms():
    sites = gazetteer.load_sites(FIXTURES / "sites.csv")
    assert gazetteer.to_point("equator_b", sites) == (0.0, 1.0, "equator_b")
    assert gazetteer.to_point((1.5, 2.5))[:2] == (1.5, 2.5)
    with pytest.raises(ParameterError):
        gazetteer.to_point((95.0, 0.0))
    with pytest.raises(ParameterError):
        gazetteer.to_point(42)


def test_project_gazetteer_is_valid_and_has_the_pipeline_sites():
    sites = gazetteer.load_sites()
    needed = {
        "tumangang_rail_facility",
        "tumangang_station",
        "khasan_station",
        "tumen_rail_bridge",
        "rajin_port",
        "dunai_port",
        "fokino",
        "vladivostok",
        "tikhoretsk",
        "tikhoretsk_depot",
    }
    assert needed <= set(sites.index)
    assert (sites["uncertainty_km"] > 0).all()
    # Dunai: about 9 km south of Fokino (RUSI); the settlement sits 10 km south-west
    fokino, dunai = gazetteer.get_site("fokino", sites), gazetteer.get_site("dunai_port", sites)
    assert 7 < earth.distance_km(*fokino.point, *dunai.point) < 13
    # every site lies in the country it names, within its uncertainty (10m where the
    # regional layers reach, else the Russia-wide 50m layer)
    for site_id in sites.index:
        s = gazetteer.get_site(site_id, sites)
        res = "10m" if world.get_region_covering([s.lon], [s.lat]) else "50m"
        near = borders.distance_to_country(s.lat, s.lon, s.country, res)
        assert near.distance_km <= s.uncertainty_km, site_id
