"""Tests for tumen.analyses.route.text and distance_text: the sentences the route notebook
shows choose the right words for each case and cite recorded results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import shapely

from tumen.analyses.route import distance_text, distances, text, timeline
from tumen.engine.results import Results
from tumen.geo import borders, gazetteer, lines
from tumen.report import claims

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"


def check(start, end, speeds=(10, 40), **options):
    return timeline.check_timeline(4800, start, end, speeds_kmh=list(speeds), **options)


def test_speed_verdict_says_whether_the_needed_speed_fits():
    fits = check(dt.date(2023, 9, 1), dt.date(2023, 9, 12))
    assert text.speed_verdict("", fits, "the fastest speed assumed").endswith(
        "That is within the fastest speed assumed, {route.speed_max_kmh:.0f} km/h: the "
        "timeline is physically consistent with the rail distance. "
    )
    assert "{route.delivery_implied_speed_kmh!floor:.0f}" in text.speed_verdict(
        "delivery_", fits, "x"
    )
    late = check(dt.date(2023, 9, 1), dt.date(2023, 9, 3))
    assert "faster than x" in text.speed_verdict("", late, "x")
    none = check(dt.date(2023, 9, 5), dt.date(2023, 9, 3))
    assert text.speed_verdict("", none, "x").startswith(", none at all")


def test_summary_reads_the_delivery_or_the_first_published_date():
    c = check(dt.date(2023, 9, 1), dt.date(2023, 9, 12))
    dates = text.summary_route(None, [c], ["first", "second"], "seen", "")
    assert "({claim.first})" in dates and "{route.implied_speed_kmh!floor:.0f}" in dates
    assert "within the fastest freight speed assumed" in dates
    assert "a shipment after {route.latest_start:.16} UTC" in dates
    delivered = text.summary_route(c, [], ["first"], "seen", "[a timetable](x)")
    assert "{route.delivery_implied_speed_kmh!floor:.0f}" in delivered
    assert "speed cited" in delivered and "({claim.seen})" in delivered


def test_timeline_from_dates_says_why_no_delivery_and_no_sea_leg():
    c = check(dt.date(2023, 9, 1), dt.date(2023, 9, 12))
    unlinked = SimpleNamespace(path="", found=False)
    words = text.timeline_from_dates(
        [c], unlinked, "first", "seen", "x", sea_timed=False, sea_found=False
    )
    assert "(no shuttle results are linked)" in words
    assert "its route could not be computed, {sea_error}" in words
    assert "The first shipment is dated {claim.first}" in words
    missing = SimpleNamespace(path="r.json", found=False)
    words = text.timeline_from_dates(
        [c], missing, "first", "seen", "x", "A note.", sea_timed=True, sea_found=True
    )
    assert "there are no shuttle results at {path}" in words and "A note. " in words
    assert "the sea leg ({route.sea_km:.0f} km" in words


def test_route_map_words():
    study = SimpleNamespace(route="r", mainline="m", unconstrained="u")
    assert list(text.map_routes(study, within="Russia", mainline=False).values()) == ["r", "u"]
    assert list(text.map_routes(study, within="Russia", mainline=True)) == [
        "Shortest within Russia",
        "Via the Trans-Siberian main line",
        "Shortest through any country (contrast)",
    ]
    caption = text.caption_route_map(origin="A", destination="B", within="C", mainline=True)
    assert "from A to the B" in caption and "main line" in caption
    assert text.caption_start_map("My note.").endswith("projection). My note.")
    assert "dotted lines are" in text.caption_start_map()


def test_describe_route_without_a_route_says_so(tmp_path):
    res = Results(tmp_path / "r.json")
    res.record("route.no_route", "no track", "", "why")
    shown = text.describe_route(
        res, None, route_map="m", origin_note="", within="Russia", origin="A", destination="B"
    )
    assert shown.data.startswith("No railway of the network joins A and the B within Russia: ")
    assert "no track" in shown.data and "measured all the same." in shown.data


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
