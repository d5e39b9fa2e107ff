"""Tests for tumen.analyses.shuttle.analysis: analyse runs the steps in order.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd
from shuttle_scenario import VESSELS, WINDOW

from tumen.ais import tracks
from tumen.analyses.shuttle import analysis as shuttle_analysis
from tumen.analyses.shuttle import calls as shuttle_calls


def test_analyse_is_the_pipeline(positions, sightings, sites, gaps, calls):
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
    pd.testing.assert_frame_equal(got.gaps, gaps)
    pd.testing.assert_frame_equal(
        got.calls,
        shuttle_calls.add_dark_flag(
            shuttle_calls.get_port_calls(
                tracks.get_ais_port_calls(positions, sites),
                sightings,
                positions,
                sites,
                window=WINDOW,
                vessels=VESSELS,
            ),
            gaps,
        ),
    )
    assert got.trips["calls"].tolist() == ["2;3;4", "6;7;8"]
    assert got.legs["feasible"].tolist() == [True, True, True, False, True, True]
    # the range counts every delivery, Angara's last one (no return, 90) too
    assert got.deliveries["calls"].tolist() == ["2;3", "4;5", "6;7"]
    assert (got.containers["low"], got.containers["high"]) == (440, 440)
    assert got.route_km == 1200.0
