"""Tests for tumen.analyses.shuttle.trips: legs and their feasibility, round trips, deliveries.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd
import pytest
from shuttle_scenario import h

from tumen.analyses.shuttle import containers as shuttle_containers
from tumen.analyses.shuttle import trips as shuttle_trips
from tumen.errors import DataError


def test_round_trips_rajin_dunai_rajin(calls):
    trips = shuttle_trips.get_round_trips(calls, home="rajin_port", away="dunai_port")
    assert trips[
        ["vessel", "trip", "depart", "arrive", "leave", "back", "duration_h", "calls", "dark_calls"]
    ].values.tolist() == [
        ["Angara", 1, h(57), h(104), h(108), h(156), 99.0, "2;3;4", 2],
        ["Maria", 1, h(36), h(84), h(84), h(132), 96.0, "6;7;8", 3],
    ]
    # cargo loaded at Rajin: the Rajin call and the next Dunai call of each trip
    assert trips[["containers_min", "containers_max"]].values.tolist() == [[120, 150], [200, 200]]


def test_round_trips_from_dunai_share_the_middle_call(calls):
    trips = shuttle_trips.get_round_trips(
        calls, home="dunai_port", away="rajin_port", cargo_from="rajin_port"
    )
    # D R D R D: calls 1-2-3 and 3-4-5; Maria's R D R has no Dunai start
    assert trips["calls"].tolist() == ["1;2;3", "3;4;5"]
    # trip 1: Rajin call 2 (120, 150) + Dunai call 3 (140); trip 2: call 4 (none) + 5 (90)
    assert trips[["containers_min", "containers_max"]].values.tolist() == [[120, 150], [90, 90]]


def test_round_trips_in_a_window(calls):
    trips = shuttle_trips.get_round_trips(
        calls, "rajin_port", "dunai_port", window=("2023-09-01", "2023-09-07")
    )
    assert trips["vessel"].tolist() == ["Maria"]  # Angara is back at h 156 = 09-07 12:00


def test_calls_at_other_ports_break_a_trip_unless_allowed():
    def call(i, site):
        return {
            "call_id": i,
            "vessel": "X",
            "site": site,
            "first_evidence": h(10 * i),
            "last_evidence": h(10 * i + 1),
            "containers_min": pd.NA,
            "containers_max": pd.NA,
        }

    calls = pd.DataFrame(
        [
            call(1, "r"),
            call(2, "v"),
            call(3, "d"),
            call(4, "r"),
            call(5, "d"),
            call(6, "d"),
            call(7, "r"),
        ]
    )
    # r v d r d d r: strict: one trip (r d r at calls 4-5/6-7, calls 5 and 6 one visit)
    strict = shuttle_trips.get_round_trips(calls, "r", "d")
    assert strict["calls"].tolist() == ["4;5,6;7"]
    loose = shuttle_trips.get_round_trips(calls, "r", "d", allow_stops=True)
    assert loose["calls"].tolist() == ["1;3;4", "4;5,6;7"]
    with pytest.raises(DataError):
        shuttle_trips.get_round_trips(calls, "r", "d", cargo_from="v")


def test_leg_feasibility(calls):
    legs = shuttle_trips.get_legs(calls)
    # Angara D-R-D-R-D: 4 legs; Maria R-D-R: 2 legs
    assert legs["max_transit_h"].tolist() == [47.0, 47.0, 48.0, 42.0, 48.0, 48.0]
    # 1200 km at 14 kn: 1200 / 1.852 / 14 = 46.28 h; only the 42 h leg is too short
    legs = shuttle_trips.add_leg_feasibility(legs, {("rajin_port", "dunai_port"): 1200.0})
    assert legs["min_transit_h"][0] == pytest.approx(46.28, abs=0.01)
    assert legs["feasible"].tolist() == [True, True, True, False, True, True]
    # 1200 km in 42 h = 647.9 nmi / 42 h = 15.43 kn
    assert legs["implied_speed_kn"][3] == pytest.approx(15.43, abs=0.01)
    with pytest.raises(DataError, match="no sea-route distance"):
        shuttle_trips.add_leg_feasibility(legs, {("rajin_port", "vostochny"): 1.0})


def test_deliveries_count_a_final_passage_without_a_return(calls):
    # Angara D R D R D: deliveries R->D at calls 2-3 (back at 4) and 4-5 (no return);
    # Maria R D R: calls 6-7, back at 8. Containers: the most counted at the loading call
    # or the unloading call: Angara 1: call 2 (120-150), call 3 (140) -> 120-150;
    # Angara 2: call 4 (none), call 5 (90) -> 90; Maria: call 6 (200) -> 200
    d = shuttle_trips.get_deliveries(calls, "rajin_port", "dunai_port")
    assert d[["vessel", "delivery", "depart", "arrive", "returned", "calls"]].values.tolist() == [
        ["Angara", 1, h(57), h(104), True, "2;3"],
        ["Angara", 2, h(156), h(198), False, "4;5"],
        ["Maria", 1, h(36), h(84), True, "6;7"],
    ]
    assert d["back"].isna().tolist() == [False, True, False]
    assert d[["containers_min", "containers_max"]].values.tolist() == [
        [120, 150],
        [90, 90],
        [200, 200],
    ]
    # the round trips drop Angara's last delivery: 150 + 200 = 350; by delivery 440
    trips = shuttle_trips.get_round_trips(calls, "rajin_port", "dunai_port")
    assert shuttle_containers.get_container_range(trips)["low"] == 350
    assert shuttle_containers.get_container_range(d)["low"] == 150 + 90 + 200
    # a window that ends before Angara reaches Dunai the second time (h 198 = 09-09 06:00)
    early = shuttle_trips.get_deliveries(
        calls, "rajin_port", "dunai_port", window=("2023-09-01", "2023-09-09")
    )
    assert early["calls"].tolist() == ["2;3", "6;7"]
    none = shuttle_trips.get_deliveries(calls.iloc[:0], "rajin_port", "dunai_port")
    assert none.empty and "returned" in none
