"""Tests for tumen.analyses.route.timeline: transit arithmetic and the timeline check, on
hand-made inputs with known answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tumen.analyses.route import tables, timeline
from tumen.errors import ParameterError
from tumen.report import claims

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"


@pytest.fixture(scope="module")
def published():
    return claims.read_claims(FIXTURES / "claims.csv")


def test_transit_days_and_implied_speed_known_answers():
    assert timeline.transit_days(480, 20) == pytest.approx(1.0)
    assert timeline.transit_days(9600, 40) == pytest.approx(10.0)
    assert timeline.transit_days(240, np.array([10.0, 20.0])).tolist() == pytest.approx([1.0, 0.5])
    assert timeline.implied_speed_kmh(480, 1.0) == pytest.approx(20.0)
    assert timeline.implied_speed_kmh(9600, 20) == pytest.approx(20.0)
    assert timeline.implied_speed_kmh(480, 0.0) is None
    assert timeline.implied_speed_kmh(480, -2.0) is None
    # one knot for a day is 24 nautical miles
    assert timeline.sea_passage_days(24 * 1.852, 1.0) == pytest.approx(1.0)
    assert timeline.sea_passage_days(195.0, 10.0) == pytest.approx(195.0 / 18.52 / 24)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf")])
def test_bad_speeds_are_parameter_errors(bad):
    with pytest.raises(ParameterError):
        timeline.transit_days(100, bad)
    with pytest.raises(ParameterError):
        timeline.check_speeds([10, bad])
    with pytest.raises(ParameterError):
        timeline.sea_passage_days(100, bad if bad <= 0 else -1)


def test_check_speeds_sorts_and_rejects_non_numbers():
    assert timeline.check_speeds([30, 10, 20]) == [10.0, 20.0, 30.0]
    with pytest.raises(ParameterError):
        timeline.check_speeds([])
    with pytest.raises(ParameterError):
        timeline.check_speeds(["fast"])


def test_transit_table_one_row_per_speed():
    table = timeline.transit_table({"from A": 960.0, "from B": 480.0}, [40, 20])
    assert list(table.columns) == [
        "Average speed (km/h)",
        "km per day",
        "Days, from A",
        "Days, from B",
    ]
    assert table["Average speed (km/h)"].tolist() == [20.0, 40.0]
    assert table["km per day"].tolist() == [480.0, 960.0]
    assert table["Days, from A"].tolist() == pytest.approx([2.0, 1.0])
    assert table["Days, from B"].tolist() == pytest.approx([1.0, 0.5])


def test_check_timeline_hand_computed():
    # 1 -> 12 September: 11 days; 1 day handling leaves 10 days for 4,800 km = 20 km/h;
    # at 40 km/h the rail leg takes 5 days, so the earliest arrival is 1 + 1 + 5 = 7 Sep
    c = timeline.check_timeline(
        4800,
        dt.date(2023, 9, 1),
        dt.date(2023, 9, 12),
        speeds_kmh=[10, 40],
        handling_days=1.0,
        start_claim="a",
        end_claim="b",
    )
    assert c.elapsed_days == 11 and c.rail_days == 10
    assert c.implied_speed_kmh == pytest.approx(20.0)
    assert c.implied_km_per_day == pytest.approx(480.0)
    assert c.earliest_arrival == dt.date(2023, 9, 7)
    assert c.margin_days == pytest.approx(5.0)
    assert (c.fastest_kmh, c.slowest_kmh) == (40.0, 10.0)
    assert c.consistent


def test_check_timeline_too_little_time():
    # 4,800 km in 2 days needs 100 km/h: faster than any speed assumed
    c = timeline.check_timeline(4800, dt.date(2023, 9, 1), dt.date(2023, 9, 3), speeds_kmh=[10, 40])
    assert c.implied_speed_kmh == pytest.approx(100.0)
    assert not c.consistent and c.margin_days < 0
    # sea leg and handling eat the whole window: no finite speed makes it
    none_left = timeline.check_timeline(
        4800,
        dt.date(2023, 9, 1),
        dt.date(2023, 9, 3),
        speeds_kmh=[10, 40],
        sea_days=1.5,
        handling_days=1.0,
    )
    assert none_left.rail_days == pytest.approx(-0.5)
    assert none_left.implied_speed_kmh is None and none_left.implied_km_per_day is None
    assert not none_left.consistent
    with pytest.raises(ParameterError):
        timeline.check_timeline(
            1, dt.date(2023, 9, 1), dt.date(2023, 9, 3), speeds_kmh=[10], handling_days=-1
        )


def test_claim_dates_and_timelines_from_claims(published):
    assert timeline.claim_date(published, "shipped") == dt.date(2023, 9, 1)
    assert timeline.claim_date(published, "window") == dt.date(2023, 8, 25)
    assert timeline.claim_date(published, "window", "low") == dt.date(2023, 8, 20)
    with pytest.raises(ParameterError, match="not a date"):
        timeline.claim_date(published, "km_claim")
    with pytest.raises(ParameterError, match="unknown claim"):
        timeline.claim_date(published, "nope")
    checks = timeline.check_timelines(
        published, ["shipped", "window"], "seen", 4800, speeds_kmh=[10, 40], handling_days=1.0
    )
    assert [c.start for c in checks] == [dt.date(2023, 9, 1), dt.date(2023, 8, 25)]
    assert checks[0].implied_speed_kmh == pytest.approx(20.0)
    # 25 Aug -> 12 Sep: 18 days, 17 for the rail leg
    assert checks[1].implied_speed_kmh == pytest.approx(4800 / (17 * 24))
    table = tables.timeline_table(checks, published)
    assert table["Shipments from (source)"].tolist() == [
        "2023-09-01 (Source S)",
        "2023-08-25 (Source K)",
    ]
    assert table["Consistent"].tolist() == ["yes", "yes"]
    assert table["Fails if the start is later than"].tolist() == [
        "2023-09-06 00:00",
        "2023-09-06 00:00",
    ]


def test_timeline_from_a_delivery_time_and_the_starts_that_fail(published):
    # first seen at the port 2023-09-01 12:00; trains at the depot 09-12: 10.5 days, less 1
    # day handling: 9.5 days for 4,560 km = 20 km/h. At 40 km/h the rail leg takes 4.75 days,
    # so a start later than 09-12 less 5.75 days = 09-06 06:00 fails (it needs more than
    # 40 km/h), and one just after it does
    start = dt.datetime(2023, 9, 1, 12)
    c = timeline.check_timeline(
        4560, start, dt.date(2023, 9, 12), speeds_kmh=[10, 40], handling_days=1.0, end_claim="seen"
    )
    assert (c.elapsed_days, c.rail_days) == (10.5, 9.5)
    assert c.implied_speed_kmh == pytest.approx(20.0) and c.consistent
    assert c.latest_start == dt.datetime(2023, 9, 6, 6)
    at = timeline.check_timeline(
        4560, c.latest_start, dt.date(2023, 9, 12), speeds_kmh=[10, 40], handling_days=1.0
    )
    assert at.implied_speed_kmh == pytest.approx(40.0) and at.consistent
    late = timeline.check_timeline(
        4560,
        c.latest_start + dt.timedelta(hours=1),
        dt.date(2023, 9, 12),
        speeds_kmh=[10, 40],
        handling_days=1.0,
    )
    assert not late.consistent
    # a timezone-aware time is read as UTC

    aware = timeline.check_timeline(
        4560,
        pd.Timestamp("2023-09-01T14:00+02:00"),
        dt.date(2023, 9, 12),
        speeds_kmh=[10, 40],
        handling_days=1.0,
    )
    assert aware.start == start and aware.rail_days == 9.5
    table = tables.timeline_table([c], published, start_label="first delivery")
    assert table["Shipments from (source)"].tolist() == ["2023-09-01 12:00 (first delivery)"]
