"""Tests for tumen.geo.core: gazetteer validation, offline cartopy, geodesy against known values."""

from pathlib import Path

import numpy as np
import pytest
import shapely

from tumen import paths
from tumen.errors import DataError, ParameterError
from tumen.geo import core as geo

FIXTURES = Path(__file__).parent / "fixtures" / "geo"


# ---------------------------------------------------------------------------- gazetteer


def test_load_sites_fixture_types_and_index():
    sites = geo.load_sites(FIXTURES / "sites.csv")
    assert list(sites.index) == ["equator_a", "equator_b", "north_c"]
    assert list(sites.columns) == list(geo.SITE_COLUMNS)
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
        geo.load_sites(FIXTURES / name)
    err = info.value
    assert err.file.endswith(name) and err.line == line and err.field == field
    assert name in str(err) and f":{line}" in str(err)


def test_load_sites_missing_file():
    with pytest.raises(DataError, match="not found"):
        geo.load_sites(FIXTURES / "no_such_file.csv")


def test_get_site_and_suggestion():
    sites = geo.load_sites(FIXTURES / "sites.csv")
    site = geo.get_site("north_c", sites)
    assert (site.lat, site.lon, site.kind) == (0.5, 1.0, "port")
    with pytest.raises(DataError) as info:
        geo.get_site("equator_x", sites)
    assert "equator_a" in info.value.hint


def test_to_point_forms():
    sites = geo.load_sites(FIXTURES / "sites.csv")
    assert geo.to_point("equator_b", sites) == (0.0, 1.0, "equator_b")
    assert geo.to_point((1.5, 2.5))[:2] == (1.5, 2.5)
    with pytest.raises(ParameterError):
        geo.to_point((95.0, 0.0))
    with pytest.raises(ParameterError):
        geo.to_point(42)


def test_project_gazetteer_is_valid_and_has_the_pipeline_sites():
    sites = geo.load_sites()
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
    fokino, dunai = geo.get_site("fokino", sites), geo.get_site("dunai_port", sites)
    assert 7 < geo.distance_km(*fokino.point, *dunai.point) < 13
    # every site lies in the country it names, within its uncertainty (10m where the
    # regional layers reach, else the Russia-wide 50m layer)
    for site_id in sites.index:
        s = geo.get_site(site_id, sites)
        res = "10m" if geo.get_region_covering([s.lon], [s.lat]) else "50m"
        near = geo.distance_to_country(s.lat, s.lon, s.country, res)
        assert near.distance_km <= s.uncertainty_km, site_id


# ---------------------------------------------------------------------------- geodesy


def test_distance_km_known_values():
    # WGS84: one degree of longitude on the equator is a*pi/180
    assert geo.distance_km(0, 0, 0, 1) == pytest.approx(6378.137 * np.pi / 180, abs=1e-6)
    # WGS84 meridian quadrant (equator to pole): 10,001.965729 km
    assert geo.distance_km(0, 0, 90, 0) == pytest.approx(10001.965729, abs=1e-5)
    # arrays broadcast
    d = geo.distance_km(0.0, 0.0, np.zeros(3), np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(d, [0.0, 111.319491, 222.638982], atol=1e-5)


def test_line_length_km_is_sum_of_legs():
    lats, lons = [0.0, 0.0, 1.0], [0.0, 1.0, 1.0]
    expected = geo.distance_km(0, 0, 0, 1) + geo.distance_km(0, 1, 1, 1)
    assert geo.line_length_km(lats, lons) == pytest.approx(expected, rel=1e-9)
    assert geo.line_length_km([1.0], [1.0]) == 0.0


def test_distance_to_geometry_hand_checked_square():
    square = shapely.box(-1, -1, 1, 1)  # lon/lat degrees
    east = geo.distance_to_geometry(0.0, 2.0, square)
    assert east.distance_km == pytest.approx(geo.distance_km(0, 2, 0, 1), abs=0.01)
    assert (east.lat, east.lon) == pytest.approx((0.0, 1.0), abs=1e-4)
    inside = geo.distance_to_geometry(0.5, 0.5, square)
    assert inside.distance_km == 0.0
    edge = geo.distance_to_geometry(0.5, 0.5, square.boundary)
    assert edge.distance_km == pytest.approx(geo.distance_km(0.5, 0.5, 1.0, 0.5), abs=0.01)


def test_depot_to_ukraine_matches_brute_force_over_vertices():
    depot = geo.get_site("tikhoretsk_depot")
    near = geo.distance_to_country(depot.lat, depot.lon, "UKR")
    ukr = geo.get_country("UKR")
    # hand check: the nearest point lies on Ukraine's edge, on the Sea of Azov coast
    # just west of where the Russia-Ukraine land border reaches the sea (47.1 N, 38.2 E)
    assert ukr.boundary.distance(shapely.Point(near.lon, near.lat)) < 1e-6
    assert near.lat == pytest.approx(47.04, abs=0.1) and near.lon == pytest.approx(38.14, abs=0.1)
    assert 185 < near.distance_km < 205
    # no vertex of Ukraine's outline is closer (brute force with pyproj.Geod)
    xy = np.concatenate(
        [np.asarray(r.coords) for p in ukr.geoms for r in [p.exterior, *p.interiors]]
    )
    brute = geo.distance_km(depot.lat, depot.lon, xy[:, 1], xy[:, 0]).min()
    assert near.distance_km <= brute + 1e-6
    assert brute - near.distance_km < 1.0


def test_distance_to_border_is_on_the_shared_land_border():
    depot = geo.get_site("tikhoretsk_depot")
    border = geo.get_border("RUS", "UKR")
    near = geo.distance_to_border(depot.lat, depot.lon, "RUS", "UKR")
    assert border.distance(shapely.Point(near.lon, near.lat)) < 1e-6
    assert near.distance_km >= geo.distance_to_country(depot.lat, depot.lon, "UKR").distance_km
    # Crimea is Ukraine in the German-view edition: no Crimea-Russia land border exists,
    # and the land border stays north of the Sea of Azov
    assert geo.get_country("UKR").contains(shapely.Point(34.1, 44.95))
    assert border.bounds[1] > 46.5


def test_unknown_country_and_no_border():
    with pytest.raises(ParameterError):
        geo.get_country("XXX")
    with pytest.raises(ParameterError):
        geo.get_border("UKR", "PRK")


def test_country_names_from_the_admin_0_layer():
    assert geo.get_country_name("RUS") == "Russia"
    assert geo.get_country_name("KAZ") == "Kazakhstan"
    assert geo.get_country_name("UKR", "50m") == "Ukraine"
    with pytest.raises(ParameterError):
        geo.get_country_name("XXX")


def test_use_geo_dir_accepts_only_the_project_layers(tmp_path):
    assert geo.use_geo_dir(paths.geo()) == paths.geo()
    assert geo.use_geo_dir(str(paths.geo()) + "/") == paths.geo()
    with pytest.raises(ParameterError, match="geo_dir"):
        geo.use_geo_dir(tmp_path)


def test_region_covering():
    assert geo.get_region_covering([130.3, 132.3], [42.2, 42.9]) == "korea_primorye"
    assert geo.get_region_covering([40.0], [45.9]) == "krasnodar_ukraine"
    assert geo.get_region_covering([90.0], [55.0]) is None
    assert geo.get_region_covering([90.0], [55.0], "50m") == "russia_wide"


# ---------------------------------------------------------------------------- cartopy


def test_configure_cartopy_points_at_data_geo_and_never_downloads():
    import cartopy
    import cartopy.feature as cfeature
    import cartopy.io.shapereader as shpreader

    directory = geo.configure_cartopy()
    assert directory == paths.geo()
    assert Path(cartopy.config["pre_existing_data_dir"]) == paths.geo()
    land = shpreader.natural_earth("10m", "physical", "land")
    assert Path(land).is_relative_to(paths.geo())
    # a layer that is not shipped raises instead of downloading
    with pytest.raises(DataError, match="not in the offline data"):
        list(
            cfeature.NaturalEarthFeature("physical", "rivers_lake_centerlines", "10m").geometries()
        )


def test_configure_cartopy_missing_directory(tmp_path):
    with pytest.raises(DataError, match="missing"):
        geo.configure_cartopy(tmp_path)


# ---------------------------------------------------------------------------- build script


def _build_script():
    """Import scripts/build_geodata.py (its pure helpers need only shapely, pyshp, pyarrow)."""
    import importlib.util

    path = paths.root() / "scripts" / "build_geodata.py"
    spec = importlib.util.spec_from_file_location("build_geodata", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_derives_shared_land_borders():
    bg = _build_script()
    west, east = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    island = shapely.box(5, 5, 6, 6)
    lines, records = bg.land_borders(
        [west, east, island], [{"ADM0_A3": "WWW"}, {"ADM0_A3": "EEE"}, {"ADM0_A3": "III"}]
    )
    assert len(lines) == 1
    assert records[0]["ADM0_A3_L"] == "WWW" and records[0]["ADM0_A3_R"] == "EEE"
    assert lines[0].equals(shapely.LineString([(1, 0), (1, 1)]))


def test_build_script_clips_and_writes_cartopy_readable_shapefiles(tmp_path):
    import cartopy.io.shapereader as shpreader

    bg = _build_script()
    geoms = [shapely.box(0, 0, 4, 4), shapely.LineString([(0, 0), (4, 4)])]
    polys, recs = bg.clip_layer(geoms[:1], [{"featurecla": "land"}], [(1, 1, 2, 2)], "polygon")
    assert polys[0].equals(shapely.box(1, 1, 2, 2))
    lines, _ = bg.clip_layer(geoms[1:], [{}], [(1, 1, 2, 2), (3, 3, 5, 5)], "line")
    assert lines[0].geom_type == "MultiLineString" and len(lines[0].geoms) == 2
    out = tmp_path / "ne_10m_land.shp"
    bg.write_layer(out, polys, recs, ("featurecla",), "polygon", bg.WGS84_PRJ)
    first = out.with_suffix(".dbf").read_bytes()
    assert first[1:4] == bg.DBF_DATE  # fixed date: reruns are byte-identical
    read = list(shpreader.Reader(str(out)).records())
    assert read[0].attributes["featurecla"] == "land"
    assert read[0].geometry.equals(shapely.box(1, 1, 2, 2))
    bg.write_layer(out, polys, recs, ("featurecla",), "polygon", bg.WGS84_PRJ)
    assert out.with_suffix(".dbf").read_bytes() == first


def test_shore_distance_measures_to_the_coast():
    # Checked against a brute force: the geodesic distance to every vertex of the 1:10m
    # coastline within 3 degrees (vertices lie on the line, so the nearest vertex is at most
    # a little farther than the nearest point of the line: the two agree to a few %).
    geoms, _ = geo._read_world_layer(str(paths.geo()), "coastline")
    for lat, lon in [(0.0, 8.3), (42.0, 132.5), (-34.5, 18.0)]:
        box = shapely.box(lon - 3, lat - 3, lon + 3, lat + 3)
        pts = np.vstack(
            [
                np.asarray(shapely.get_coordinates(g.intersection(box)))
                for g in geoms
                if g.intersects(box)
            ]
        )
        brute = geo.distance_km(lat, lon, pts[:, 1], pts[:, 0]).min()
        got = float(geo.get_shore_distance_km(lat, lon)[0])
        assert brute * 0.97 - 0.5 <= got <= brute + 0.01, (lat, lon, got, brute)
    # Mid-Pacific, nothing within 50 km: inf; NaN in, NaN out
    mid, missing = geo.get_shore_distance_km([0.0, np.nan], [-140.0, 10.0], search_km=50)
    assert mid == np.inf and np.isnan(missing)
