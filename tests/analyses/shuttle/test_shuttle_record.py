"""Tests for tumen.analyses.shuttle.record: the shuttle.* results.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pytest
from shuttle_scenario import FIX, VESSELS, WINDOW

from tumen.ais import clean as ais_clean
from tumen.ais import nmea as ais_nmea
from tumen.ais import traffic as ais_traffic
from tumen.analyses.shuttle import analysis as shuttle_analysis
from tumen.analyses.shuttle import containers as shuttle_containers
from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.analyses.shuttle import record as shuttle_record
from tumen.analyses.shuttle import trips as shuttle_trips
from tumen.engine.results import Results
from tumen.errors import DataError


def test_record_results(tmp_path, calls, gaps):
    trips = shuttle_trips.get_round_trips(calls, "rajin_port", "dunai_port")
    legs = shuttle_trips.add_leg_feasibility(
        shuttle_trips.get_legs(calls), {("rajin_port", "dunai_port"): 1200.0}
    )
    data = ais_clean.clean(ais_nmea.read_nmea(FIX / "shuttle.nmea"))
    res = Results(tmp_path / "02_vessel_shuttle.json")
    shuttle_record.record_results(
        res,
        vessels=VESSELS,
        gaps=gaps,
        calls=calls,
        trips=trips,
        containers=shuttle_containers.get_container_range(trips, capacity=400),
        counts=ais_clean.count_records(data),
        legs=legs,
        route_km=185.2,
    )
    expected = {
        "shuttle.angara.port_calls": 5,
        "shuttle.angara.dark_port_calls": 3,
        "shuttle.angara.round_trips": 1,
        "shuttle.angara.ais_dark_hours": 204.0,  # 96 + 108
        "shuttle.angara.longest_gap_h": 108.0,
        "shuttle.angara.containers_observed": 150,
        "shuttle.maria.port_calls": 3,
        "shuttle.maria.dark_port_calls": 3,
        "shuttle.maria.ais_dark_hours": 215.0,  # 29 + 186
        "shuttle.port_calls_total": 8,
        "shuttle.dark_port_calls": 6,
        "shuttle.round_trips_total": 2,
        "shuttle.first_call": "2023-09-01",
        "shuttle.last_call": "2023-09-09T06:00:00Z",
        "shuttle.longest_gap_h": 186.0,
        "shuttle.containers_low": 350,
        "shuttle.containers_high": 800,
        "shuttle.deliveries_with_counts": 2,
        "shuttle.ais_messages": 32,
        "shuttle.deliveries_total": 2,
        "shuttle.deliveries_open": 0,  # the trips stand in
        "shuttle.ais_rejected": 10,
        "shuttle.infeasible_legs": 1,
        "shuttle.sea_route_nm": 100.0,
        "shuttle.min_transit_hours": 100.0 / 14,  # 185.2 km
    }
    assert {k: res[k] for k in expected} == pytest.approx(expected)
    assert all(r["unit"] and r["description"] for r in res.records.values())


def test_record_results_of_the_report(tmp_path, positions, sightings, sites):
    got = shuttle_analysis.analyse(
        positions,
        sightings,
        sites,
        vessels=VESSELS,
        home="rajin_port",
        away="dunai_port",
        window=WINDOW,
        route_km=1200.0,
    )
    res = Results(tmp_path / "r.json")
    traffic = ais_traffic.get_site_traffic(positions, sites, "rajin_port")
    shuttle_record.record_results(
        res,
        vessels=VESSELS,
        gaps=got.gaps,
        calls=got.calls,
        trips=got.trips,
        containers=got.containers,
        legs=got.legs,
        route_km=1200.0,
        home="rajin_port",
        traffic=traffic,
        containers_check=shuttle_observations.get_max_count(
            sightings, "rajin_port", "2023-09-03", "2023-09-03"
        ),
        settings={"window": WINDOW, "min_gap_h": 6.0, "max_call_h": 48.0},
        deliveries=got.deliveries,
    )
    expected = {
        "shuttle.angara.first_silence": "2023-09-01T06:00:00Z",  # last fix before h 6..102
        "shuttle.maria.first_silence": "2023-09-01T01:00:00Z",
        "shuttle.angara.ais_dark_days": 204 / 24,
        "shuttle.longest_gap_days": 186 / 24,
        "shuttle.first_dark_call": "2023-09-02T12:00:00Z",  # Maria at Rajin, h 36
        "shuttle.last_dark_call": "2023-09-09T06:00:00Z",  # Angara at Dunai, h 198
        "shuttle.calls_from_imagery_only": 6,
        "shuttle.home_calls": 4,
        "shuttle.home_calls_with_ais": 0,
        "shuttle.home_traffic_reports": 0,
        "shuttle.home_fleet_reports": 0,
        "shuttle.home_traffic_longest_silence_h": None,
        "shuttle.containers_check_max": 150,
        # by delivery: Angara 150 and 90 (its last, no return), Maria 200: all counted
        "shuttle.deliveries_total": 3,
        "shuttle.deliveries_open": 1,
        "shuttle.angara.deliveries": 2,
        "shuttle.angara.deliveries_open": 1,
        "shuttle.angara.containers_observed": 240,
        "shuttle.containers_low": 440,
        "shuttle.containers_high": 440,
        "shuttle.containers_per_uncounted_delivery": None,
        "shuttle.first_delivery_arrival": "2023-09-04T12:00:00Z",  # Maria at Dunai, h 84
        "shuttle.first_delivery_vessel": "Maria",
        "shuttle.legs": 6,
        "shuttle.shortest_leg_h": 42.0,
        "shuttle.fastest_leg_kn": 1200 / 1.852 / 42,
        "shuttle.max_speed_kn": 14.0,
        "shuttle.window_start": "2023-09-01",
        "shuttle.window_end": "2023-09-10",
        "shuttle.min_gap_h": 6.0,
        "shuttle.max_call_h": 48.0,
    }
    got_values = {k: res[k] for k in expected}
    assert {k: v for k, v in got_values.items() if not isinstance(v, float)} == {
        k: v for k, v in expected.items() if not isinstance(v, float)
    }
    assert {k: v for k, v in got_values.items() if isinstance(v, float)} == pytest.approx(
        {k: v for k, v in expected.items() if isinstance(v, float)}
    )
    with pytest.raises(DataError, match="unknown setting"):
        shuttle_record.record_results(
            res,
            vessels=VESSELS,
            gaps=got.gaps,
            calls=got.calls,
            trips=got.trips,
            containers=got.containers,
            settings={"max_gap": 1},
        )
    shuttle_record.record_results(
        res,
        vessels=VESSELS,
        gaps=got.gaps,
        calls=got.calls,
        trips=got.trips,
        containers=got.containers,
        containers_check=None,
    )
    assert res["shuttle.containers_check_max"] is None
