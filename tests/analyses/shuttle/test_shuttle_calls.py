"""Tests for tumen.analyses.shuttle.calls: AIS stays and sightings merged into port calls, the dark flag.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd
from shuttle_scenario import VESSELS, WINDOW, h

from tumen.ais import clean as ais_clean
from tumen.ais import tracks
from tumen.analyses.shuttle import calls as shuttle_calls
from tumen.analyses.shuttle import containers as shuttle_containers
from tumen.analyses.shuttle import trips as shuttle_trips


def test_port_calls_merge_ais_and_imagery(calls):
    got = calls[
        [
            "call_id",
            "vessel",
            "site",
            "first_evidence",
            "last_evidence",
            "evidence_types",
            "is_dark",
        ]
    ].values.tolist()
    assert got == [
        [1, "Angara", "dunai_port", h(0), h(4), "ais", False],
        [2, "Angara", "rajin_port", h(51), h(57), "satellite", True],  # IMG-001 + 002
        [3, "Angara", "dunai_port", h(104), h(108), "ais+satellite", False],  # + IMG-003
        [4, "Angara", "rajin_port", h(156), h(156), "satellite", True],  # after last fix
        [5, "Angara", "dunai_port", h(198), h(198), "satellite", True],
        [6, "Maria", "rajin_port", h(36), h(36), "satellite", True],
        [7, "Maria", "dunai_port", h(84), h(84), "satellite", True],
        [8, "Maria", "rajin_port", h(132), h(132), "satellite", True],
    ]
    # arrival after the last evidence elsewhere, departure before the next:
    # call 2: last fix outside Rajin h 6, next h 102; call 3: h 102 and IMG-004 at Rajin h 156;
    # call 4: the h 108 fix at Dunai and IMG-005 at sea h 174; call 1: nothing before.
    bounds = calls[["arrival_earliest", "departure_latest"]].head(5).values.tolist()
    assert bounds[1:4] == [[h(6), h(102)], [h(102), h(156)], [h(108), h(174)]]
    assert pd.isna(bounds[0][0]) and bounds[0][1] == h(6) and pd.isna(bounds[4][1])
    assert calls.loc[
        1, ["ais_fixes", "sightings", "containers_min", "containers_max"]
    ].tolist() == [0, 2, 120, 150]
    assert calls.loc[2, ["ais_fixes", "sightings", "containers_min"]].tolist() == [2, 1, 140]
    assert calls.loc[1, "evidence"] == (
        "image IMG-001 2023-09-03T03:00Z berthed, 120 containers; "
        "image IMG-002 2023-09-03T09:00Z berthed, 150 containers"
    )


def test_sightings_far_apart_or_separated_are_separate_calls(positions, sites, sightings):
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    short = shuttle_calls.get_port_calls(ais_calls, sightings, positions, sites, max_call_h=5.0)
    assert len(short) == 9  # IMG-001 and IMG-002 are 6 h apart: two calls
    extra = pd.concat(
        [
            sightings,
            sightings.iloc[[1]].assign(
                observed=h(54), site=None, lat=42.5, lon=131.0, status="underway", image_id="X"
            ),
        ]
    )
    split = shuttle_calls.get_port_calls(ais_calls, extra, positions, sites)
    assert len(split) == 9  # seen at sea between the two Rajin images


def test_calls_outside_the_window_are_not_dark_without_edge_gaps(positions, sites, sightings):
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    calls = shuttle_calls.get_port_calls(ais_calls, sightings, positions, sites)
    dark = shuttle_calls.add_dark_flag(calls, tracks.get_gaps(positions))["is_dark"].tolist()
    # without a window there are no gaps after a vessel's last fix: only call 2 (inside
    # Angara's 96 h gap h 6..102) is dark; calls 4, 5 and Maria's calls are after last fixes.
    assert dark == [False, True, False, False, False, False, False, False]


def test_empty_inputs_give_empty_tables(positions, sites, sightings):
    none = positions.iloc[:0]
    assert tracks.get_gaps(none).empty and tracks.get_ais_port_calls(none, sites).empty
    calls = shuttle_calls.get_port_calls(
        tracks.get_ais_port_calls(none, sites), sightings.iloc[:0], none, sites
    )
    calls = shuttle_calls.add_dark_flag(calls, tracks.get_gaps(none))
    trips = shuttle_trips.get_round_trips(calls, "rajin_port", "dunai_port")
    assert calls.empty and trips.empty and shuttle_trips.get_legs(calls).empty
    assert shuttle_containers.get_container_range(trips)["high"] is None
    assert ais_clean.add_jump_flag(none)["is_jump"].tolist() == []


def test_vessels_never_on_ais_still_get_calls_from_imagery(positions, sites, sightings):
    none = positions.iloc[:0]
    calls = shuttle_calls.get_port_calls(
        tracks.get_ais_port_calls(none, sites), sightings, none, sites
    )
    gaps = tracks.get_gaps(none, window=WINDOW, vessels=VESSELS)
    calls = shuttle_calls.add_dark_flag(calls, gaps)
    # Angara: Rajin (IMG-001+002), Dunai (003), Rajin (004), Dunai (006); Maria: R, D, R
    assert calls["site"].str[0].tolist() == list("rdrdrdr") and calls["is_dark"].all()
    trips = shuttle_trips.get_round_trips(calls, "rajin_port", "dunai_port")
    assert trips["vessel"].tolist() == ["Angara", "Maria"]  # first spelling in the file
    upper = shuttle_calls.get_port_calls(
        tracks.get_ais_port_calls(none, sites), sightings, none, sites, vessels=["ANGARA", "MARIA"]
    )
    assert set(upper["vessel"]) == {"ANGARA", "MARIA"}
