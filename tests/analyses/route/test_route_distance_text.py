"""Tests for tumen.analyses.route.distance_text: the sentences, captions and map marks the
route notebook shows about distances (rings, the line of contact, readings of a claim)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import shapely

from tumen.analyses.route import distance_text, distances
from tumen.geo import borders, gazetteer, lines
from tumen.report import claims

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"


def test_distance_rings_and_the_line_of_contact():
    published = claims.read_claims(FIXTURES / "claims.csv")
    rings, labels = distance_text.distance_rings(published, ["km_claim", "mi_five"])
    assert rings == [200, 201]
    assert labels[0] == "200 km (Source K)"
    assert distance_text.line_points(None, None) == []
    line = lines.Line(shapely.LineString([(0, -1), (0, 1)]), "2023-10-13", "s", "")
    m = distances.Measure("k", "l", 5.0, 0.0, 0.0, "r")
    (near,) = distance_text.line_points(line, m)
    assert near.distance_km == 5.0 and near.target == "line of contact of 2023-10-13"
    caption = distance_text.caption_depot_map(
        depot="D", country="X", adjective="", line=line, rings=False, ring_merge_km=10
    )
    assert "the nearest X territory" in caption and "line of contact of 2023-10-13 (s)" in caption
    assert caption.endswith(".") and "dashed circles" not in caption


def test_readings_text_names_every_fitting_reading():
    keys = {"a": "depot_to_border_rail", "b": "town_to_border"}
    row = SimpleNamespace(readings=("a", "b"), difference_km=10.0)
    words = distance_text.readings_text(row, keys, None)
    assert words.startswith("More than one distance computed here fits it: a (")
    assert "{route.depot_to_border_rail_km:.0f} km), or b" in words
    assert "this report has no line of contact" in words
    assert words.endswith("A road distance would also come out larger. ")
    line = lines.Line(shapely.LineString([(0, -1), (0, 1)]), "2023-10-13", "s", "")
    one = SimpleNamespace(readings=("a",), difference_km=-1.0)
    words = distance_text.readings_text(one, keys, line)
    assert words.startswith("Of the distances computed here, it fits a (")
    assert "which does not fit it. " in words and "road" not in words


def test_converted_text_names_the_source_once():
    published = claims.read_claims(FIXTURES / "claims.csv")
    group = pd.DataFrame({"source": ["Source M"], "claim": ["mi_five"]})
    words = distance_text.converted_text(published, "km_claim", group)
    assert words.startswith("Source M ({claim.mi_five!u}) gives Source K's {claim.km_claim!u}")
    assert "it was likely taken" in words


@pytest.mark.parametrize("in_part", [True, False])
def test_part_sentence(in_part):
    near = borders.NearestPoint(10.0, 0, 0, "X", "10m")
    part = borders.NearestPoint(10.0 if in_part else 20.0, 0, 0, "P", "10m")
    site = gazetteer.Site("d", "D", "XXX", "depot", 0.0, 0.0, 0.0, 0.0, "")
    study = distances.DistanceStudy(
        site, site, near, near, near, near, part, "P", None, "UKR", "RUS"
    )
    words = distance_text.part_sentence(study)
    assert ("does not change" in words) is not in_part
    assert distance_text.part_sentence(study.__class__(**{**study.__dict__, "part": None})) == ""
