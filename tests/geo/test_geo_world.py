"""Tests for tumen.geo.world: offline cartopy, the geo_dir parameter, the clip boxes."""

from pathlib import Path

import pytest

from tumen import paths
from tumen.errors import DataError, ParameterError
from tumen.geo import world


def test_use_geo_dir_accepts_only_the_project_layers(tmp_path):
    assert world.use_geo_dir(paths.geo()) == paths.geo()
    assert world.use_geo_dir(str(paths.geo()) + "/") == paths.geo()
    with pytest.raises(ParameterError, match="geo_dir"):
        world.use_geo_dir(tmp_path)


def test_region_covering():
    assert world.get_region_covering([130.3, 132.3], [42.2, 42.9]) == "korea_primorye"
    assert world.get_region_covering([40.0], [45.9]) == "krasnodar_ukraine"
    assert world.get_region_covering([90.0], [55.0]) is None
    assert world.get_region_covering([90.0], [55.0], "50m") == "russia_wide"


def test_configure_cartopy_points_at_data_geo_and_never_downloads():
    import cartopy
    import cartopy.feature as cfeature
    import cartopy.io.shapereader as shpreader

    directory = world.configure_cartopy()
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
        world.configure_cartopy(tmp_path)
