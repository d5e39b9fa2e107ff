"""Tests for tumen.ais.traffic: what AIS hears at a site (other ships, their longest silence)
and the fastest speed the ships of interest reported, on tiny hand-made positions.

The site is the test geofence ``rajin_port`` of tests/fixtures/ais/sites.csv (3 km around
42.24 N 130.30 E); 42.50 N is 29 km north of it, at sea.
"""

from pathlib import Path

import pandas as pd
import pytest

from tumen.ais import traffic as ais_traffic

FIX = Path(__file__).parents[1] / "fixtures" / "ais"
T0 = pd.Timestamp("2023-09-01", tz="UTC")


def h(hours):
    """The time ``hours`` after 2023-09-01T00:00Z."""
    return T0 + pd.Timedelta(hours=hours)


@pytest.fixture(scope="module")
def sites():
    return pd.read_csv(FIX / "sites.csv")


def test_site_traffic_counts_other_ships_and_their_longest_silence(sites):
    pos = pd.DataFrame(
        {
            "mmsi": [1, 1, 1, 1, 2, 2, 3],
            "time": [h(0), h(2), h(9), h(10), h(0), h(1), h(5)],
            "lat": [42.24, 42.24, 42.50, 42.24, 42.24, 42.24, 42.24],
            "lon": 130.30,
        }
    )
    got = ais_traffic.get_site_traffic(pos, sites, "rajin_port", exclude=[2])
    # ship 1: inside at h 0, 2, 10 (h 9 is at sea): silences inside 2 h (h 0-2), not 2-10;
    # ship 3 heard once; ship 2 excluded (2 reports inside)
    assert got == {"reports": 4, "vessels": 2, "longest_silence_h": 2.0, "excluded_reports": 2}
    assert (
        ais_traffic.get_site_traffic(pos.iloc[:0], sites, "rajin_port")["longest_silence_h"] is None
    )


def test_fastest_speed_leaves_out_jumps_and_other_ships():
    pos = pd.DataFrame(
        {
            "vessel": ["Angara", "Angara", "Maria", "Angara", None],
            "sog": [9.5, 30.0, 12.0, None, 40.0],
            "is_jump": [False, True, False, False, False],
        }
    )
    # 30.0 kn is a jump, 40.0 kn is not a ship of interest, the missing speed is skipped
    assert ais_traffic.get_fastest_speed(pos, ["Angara"]) == 9.5
    assert ais_traffic.get_fastest_speed(pos, ["Angara", "Maria"]) == 12.0
    assert ais_traffic.get_fastest_speed(pos.drop(columns="is_jump"), ["Angara"]) == 30.0
    assert ais_traffic.get_fastest_speed(pos, ["Lost"]) is None
