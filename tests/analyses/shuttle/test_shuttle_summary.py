"""Tests for tumen.analyses.shuttle.summary: the section's numbers, computed before they are
recorded (tumen.analyses.shuttle.record records them as they are).

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd
import pytest
from shuttle_scenario import WINDOW, h

from tumen.analyses.shuttle import summary as shuttle_summary
from tumen.analyses.shuttle import trips as shuttle_trips
from tumen.errors import DataError


def test_counts_of_one_ship_and_of_all(calls, gaps):
    trips = shuttle_trips.get_round_trips(calls, "rajin_port", "dunai_port")
    deliveries = shuttle_trips.get_deliveries(calls, "rajin_port", "dunai_port")
    angara = shuttle_summary.count_vessel("Angara", calls, gaps, trips, deliveries)
    assert angara == {
        "port_calls": 5,
        "dark_port_calls": 3,
        "round_trips": 1,
        "ais_dark_hours": 204.0,  # 96 + 108
        "ais_dark_days": 204.0 / 24,
        "longest_gap_h": 108.0,
        "deliveries": 2,
        "deliveries_open": 1,
        "deliveries_with_counts": 2,
        "containers_observed": 240,  # 150 + 90
        "first_silence": h(6),
    }
    together = shuttle_summary.count_calls(calls, gaps, trips)
    assert (together["port_calls_total"], together["dark_port_calls"]) == (8, 6)
    assert (together["first_dark_call"], together["last_dark_call"]) == (h(36), h(198))
    first = shuttle_summary.count_deliveries(deliveries)
    assert (first["first_delivery_vessel"], first["first_delivery_arrival"]) == ("Maria", h(84))
    # without deliveries the round trips stand in, each closed
    assert shuttle_summary.count_deliveries(shuttle_summary.as_deliveries(trips)) == {
        "deliveries_total": 2,
        "deliveries_open": 0,
        "first_delivery_arrival": h(84),
        "first_delivery_departure": h(36),
        "first_delivery_vessel": "Maria",
    }


def test_route_numbers_and_settings():
    route = shuttle_summary.get_route_numbers(185.2, 14.0)
    assert route == pytest.approx({"sea_route_nm": 100.0, "min_transit_hours": 100.0 / 14})
    got = shuttle_summary.get_settings({"min_gap_h": 6, "window": WINDOW})
    assert list(got) == ["min_gap_h", "window_start", "window_end"]  # the order given
    assert got["window_end"] == pd.Timestamp("2023-09-10", tz="UTC")
    with pytest.raises(DataError, match="unknown setting"):
        shuttle_summary.get_settings({"max_gap": 1})
