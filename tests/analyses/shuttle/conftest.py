"""Fixtures of the shuttle tests: the tables of the hand-made scenario (shuttle_scenario.py)."""

import pandas as pd
import pytest
from shuttle_scenario import FIX, VESSELS, WINDOW

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.ais import tracks
from tumen.analyses.shuttle import calls as shuttle_calls
from tumen.analyses.shuttle import observations as shuttle_observations


@pytest.fixture(scope="module")
def sites():
    return pd.read_csv(FIX / "sites.csv")


@pytest.fixture(scope="module")
def positions():
    data = ais_clean.clean(ais_nmea.read_nmea(FIX / "shuttle.nmea"))
    fleet = ais_fleet.get_fleet(data.vessels, VESSELS)
    pos = ais_fleet.add_vessel(data.positions, fleet)
    return pos[pos["vessel"].notna() & ~pos["is_jump"]].reset_index(drop=True)


@pytest.fixture(scope="module")
def sightings(sites):
    return shuttle_observations.read_sightings(FIX / "sightings.csv", sites)


@pytest.fixture(scope="module")
def gaps(positions):
    return tracks.get_gaps(positions, 6.0, window=WINDOW, vessels=VESSELS)


@pytest.fixture(scope="module")
def calls(positions, sites, sightings, gaps):
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    return shuttle_calls.add_dark_flag(
        shuttle_calls.get_port_calls(ais_calls, sightings, positions, sites), gaps
    )
