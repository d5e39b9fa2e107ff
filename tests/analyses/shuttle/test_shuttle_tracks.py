"""Tests for tumen.ais.tracks on the shuttle fixtures: AIS gaps (with the window edges), geofences, AIS stays in port, and the gap table.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd
import pytest
from shuttle_scenario import FIX, VESSELS, WINDOW, h

from tumen.ais import clean as ais_clean
from tumen.ais import nmea as ais_nmea
from tumen.ais import tracks
from tumen.errors import DataError


def test_gaps_between_fixes_and_at_the_window_edges(gaps):
    got = gaps[["vessel", "kind", "start", "end", "duration_h"]].values.tolist()
    assert got == [
        ["Angara", "between", h(6), h(102), 96.0],  # 42.80 N -> 42.71 N
        ["Angara", "after_last", h(108), h(216), 108.0],
        ["Maria", "between", h(1), h(30), 29.0],  # 42.40 N -> 42.20 N
        ["Maria", "after_last", h(30), h(216), 186.0],
    ]
    a = gaps.iloc[0]
    assert (a["lat_before"], a["lat_after"]) == (42.80, 42.71)
    # 0.09 deg * 111.1951 km = 10.0076 km; / 1.852 / 96 h = 0.05629 kn
    assert a["distance_km"] == pytest.approx(10.0076, abs=1e-4)
    assert a["implied_speed_kn"] == pytest.approx(0.05629, abs=1e-5)
    # 0.20 deg = 22.2390 km; / 1.852 / 29 h = 0.41407 kn
    assert gaps.iloc[2]["distance_km"] == pytest.approx(22.2390, abs=1e-4)
    assert gaps.iloc[2]["implied_speed_kn"] == pytest.approx(0.41407, abs=1e-5)
    assert gaps.iloc[1][["lat_after", "distance_km"]].isna().all()


def test_gap_threshold_and_no_window(positions):
    gaps = tracks.get_gaps(positions, min_gap_h=30.0)
    assert gaps[["vessel", "duration_h"]].values.tolist() == [["Angara", 96.0]]  # 29 h < 30 h
    assert len(tracks.get_gaps(positions)) == 2  # no window: no edge gaps


def test_a_vessel_never_on_ais_is_dark_for_the_whole_window(positions):
    gaps = tracks.get_gaps(positions, window=WINDOW, vessels=VESSELS + ["Ghost"])
    ghost = gaps[gaps["vessel"] == "Ghost"]
    assert ghost[["kind", "start", "end", "duration_h"]].values.tolist() == [
        ["no_ais", h(0), h(216), 216.0]
    ]


def test_gaps_by_mmsi_for_all_traffic():
    data = ais_clean.clean(ais_nmea.read_nmea(FIX / "shuttle.nmea"))
    gaps = tracks.get_gaps(data.positions[~data.positions["is_jump"]], by="mmsi")
    assert gaps[["mmsi", "duration_h"]].values.tolist() == [[273000001, 96.0], [273000002, 29.0]]


def test_gaps_need_a_vessel_column():
    data = ais_nmea.read_nmea(FIX / "shuttle.nmea")
    with pytest.raises(DataError) as err:
        tracks.get_gaps(data.positions)
    assert err.value.field == "vessel" and "add_vessel" in err.value.hint


def test_add_site_by_geofence(sites):
    pts = pd.DataFrame({"lat": [42.241, 42.80, 42.89], "lon": [130.301, 132.35, 132.35]})
    out = tracks.add_site(pts, sites)
    assert out["site"].tolist() == ["rajin_port", None, "dunai_port"]
    # 0.001 deg lat = 0.1112 km; 0.001 deg lon * cos(42.24 deg) = 0.0823 km; hypot = 0.1383
    assert out["site_km"][0] == pytest.approx(0.1383, abs=1e-3)
    assert out["site_km"][2] == 0.0
    as_dict = {"rajin_port": {"lat": 42.24, "lon": 130.30, "radius_km": 3.0}}
    assert tracks.add_site(pts, as_dict)["site"].tolist() == ["rajin_port", None, None]


def test_ais_port_calls_need_low_speed_in_the_geofence_for_the_dwell(positions, sites):
    calls = tracks.get_ais_port_calls(positions, sites)
    # h 0, 2, 4 at Dunai below 1 kn: 4 h >= 2 h; h 104, 108 (the duplicate removed): 4 h
    assert calls.values.tolist() == [
        ["Angara", "dunai_port", h(0), h(4), 4.0, 3],
        ["Angara", "dunai_port", h(104), h(108), 4.0, 2],
    ]
    assert tracks.get_ais_port_calls(positions, sites, min_dwell_h=5.0).empty
    # below 0.05 kn the 0.1 and 0.2 kn fixes break both stays into single fixes
    assert tracks.get_ais_port_calls(positions, sites, max_sog_kn=0.05).empty


def test_a_long_silence_ends_an_ais_stay(sites):
    pos = pd.DataFrame(
        {"vessel": "X", "time": [h(0), h(1), h(20), h(21)], "lat": 42.24, "lon": 130.30, "sog": 0.0}
    )
    assert len(tracks.get_ais_port_calls(pos, sites, min_dwell_h=1.0)) == 2
    assert len(tracks.get_ais_port_calls(pos, sites, min_dwell_h=1.0, max_silence_h=24)) == 1


def test_get_sites_selects_ids_in_order(sites):
    assert tracks.get_sites(sites, ["dunai_port", "rajin_port"])["id"].tolist() == [
        "dunai_port",
        "rajin_port",
    ]
    with pytest.raises(DataError) as err:
        tracks.get_sites(sites, ["rajin"])
    assert err.value.hint == "did you mean 'rajin_port'?"


def test_gap_table_says_when_and_where(gaps, sites):
    table = tracks.to_gap_table(gaps, sites)
    assert table.columns.tolist() == [
        "vessel",
        "silent from",
        "silent until",
        "days",
        "last heard",
        "next heard",
    ]
    # Angara h 6 -> h 102 = 4 days; 42.80 and 42.71 N are 10.0 and 20.0 km south of Dunai
    assert table.iloc[0].tolist() == [
        "Angara",
        "2023-09-01\u00a006:00",
        "2023-09-05\u00a006:00",
        4.0,
        "10 km from Dunai port",
        "20 km from Dunai port",
    ]
    # after the last fix at Dunai (h 108) until the window end (h 216): 4.5 days
    assert table.iloc[1].tolist() == [
        "Angara",
        "2023-09-05\u00a012:00",
        "window end",
        4.5,
        "at Dunai port",
        "",
    ]
