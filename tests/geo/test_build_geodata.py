"""Tests for scripts/build_geodata.py, which writes the offline layers tumen.geo reads."""

import shapely

from tumen import paths


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
