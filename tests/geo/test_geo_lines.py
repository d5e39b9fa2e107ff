"""Tests for tumen.geo.lines: reading an author's line file (e.g. a line of contact) with its
date and source, and naming the file, line and field of the first problem."""

import json

import pytest

from tumen.errors import DataError
from tumen.geo import lines


def test_a_feature_collection_is_joined_with_the_first_date_and_source(tmp_path):
    p = tmp_path / "front.geojson"
    p.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "LineString", "coordinates": [[0, 0], [0, 1]]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"date": "2023-10-13T12:00", "source": "a map"},
                        "geometry": {
                            "type": "MultiLineString",
                            "coordinates": [[[1, 0], [1, 2]], [[2, 0], [2, 3]]],
                        },
                    },
                ],
            }
        )
    )
    line = lines.read_line(p)
    # three parts of 1, 2 and 3 degrees
    assert line.geometry.geom_type == "MultiLineString" and line.geometry.length == 6.0
    assert (line.date, line.source, line.path) == ("2023-10-13T12:00", "a map", str(p))


@pytest.mark.parametrize(
    "text, field, line",
    [
        (
            '{"type": "Feature", "properties": {"date": "2023-10-13", "source": "s"},\n'
            ' "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}',
            "geometry.type",
            2,
        ),
        (
            '{"type": "Feature", "properties": {"source": "s"},\n'
            ' "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}',
            "properties.date",
            1,
        ),
        (
            '{"type": "Feature", "properties": {"date": "2023-10-13", "source": "s"},\n'
            ' "geometry": {"type": "LineString",\n "coordinates": [[40, 200], [41, 201]]}}',
            "geometry.coordinates",
            3,
        ),
        (
            '{"type": "Feature", "properties": {"date": "October", "source": "s"},\n'
            ' "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}',
            "properties.date",
            1,
        ),
    ],
)
def test_a_bad_line_file_names_file_line_and_field(tmp_path, text, field, line):
    p = tmp_path / "front.geojson"
    p.write_text(text)
    with pytest.raises(DataError) as exc:
        lines.read_line(p)
    assert exc.value.field == field and exc.value.line == line
    (tmp_path / "broken.geojson").write_text('{"type": \n')
    with pytest.raises(DataError, match="not JSON") as exc:
        lines.read_line(tmp_path / "broken.geojson")
    assert exc.value.line == 2


def test_a_missing_file_and_an_empty_collection_are_named(tmp_path):
    with pytest.raises(DataError, match="cannot read the line"):
        lines.read_line(tmp_path / "absent.geojson")
    p = tmp_path / "empty.geojson"
    p.write_text('{"type": "FeatureCollection",\n "features": []}')
    with pytest.raises(DataError, match="has no features") as exc:
        lines.read_line(p)
    assert exc.value.field == "features" and exc.value.line == 2
