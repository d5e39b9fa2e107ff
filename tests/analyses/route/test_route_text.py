"""Tests for tumen.analyses.route.text: the sentences the route notebook shows choose the
right words for each case and cite recorded results."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tumen.analyses.route import text, timeline
from tumen.engine.results import Results


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
