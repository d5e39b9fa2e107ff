"""Tests for tumen.analyses.shuttle.encounters: results, table and words of the meetings at sea, on
hand-made event tables (invented ships, MMSIs, places and dates)."""

import re

import numpy as np
import pandas as pd
import pytest

from tumen.ais import encounters as ais_encounters
from tumen.analyses.shuttle import encounters as se
from tumen.engine import results
from tumen.errors import DataError

T = pd.Timestamp("2031-03-02 00:00", tz="UTC")
H = pd.Timedelta(hours=1)
FLEET = pd.DataFrame({"vessel": ["Alpha", "Bravo"], "mmsi": [900000001, 900000009]})
NAMES = {900000002: "SECOND", 900000003: "THIRD"}
SETTINGS = {
    "encounter_max_distance_m": 500,
    "encounter_min_duration_h": 2,
    "encounter_max_sog_kn": 2,
    "encounter_min_port_km": 10,
    "encounter_min_shore_km": 0,
    "loitering_max_sog_kn": 2,
    "loitering_min_duration_h": 4,
    "loitering_min_shore_nm": 20,
    "meeting_time_step_min": 10,
    "meeting_max_fix_gap_h": 1,
}


def encounters(rows=((900000001, 900000002, 3.0, 150.0), (900000002, 900000003, 2.5, 40.0))):
    return pd.DataFrame(
        {
            "mmsi_a": [r[0] for r in rows],
            "mmsi_b": [r[1] for r in rows],
            "start": [T] * len(rows),
            "end": [T + r[2] * H for r in rows],
            "duration_h": [r[2] for r in rows],
            "lat": 56.0,
            "lon": 3.0,
            "median_distance_m": 300.0,
            "shore_km": [r[3] for r in rows],
            "port_km": np.inf,
        },
        columns=ais_encounters.ENCOUNTER_COLUMNS,
    ).astype(
        {
            "mmsi_a": "int64",
            "mmsi_b": "int64",
            "start": "datetime64[ns, UTC]",
            "end": "datetime64[ns, UTC]",
            "duration_h": float,
            "shore_km": float,
        }
    )


def loitering(rows=((900000001, 5.0, 60.0), (900000004, 6.0, 80.0))):
    return pd.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "start": [T + 10 * H] * len(rows),
            "end": [T + (10 + r[1]) * H for r in rows],
            "duration_h": [r[1] for r in rows],
            "lat": 57.0,
            "lon": -3.5,
            "shore_km": [r[2] for r in rows],
            "port_km": np.inf,
        },
        columns=ais_encounters.LOITERING_COLUMNS,
    ).astype(
        {
            "mmsi": "int64",
            "start": "datetime64[ns, UTC]",
            "end": "datetime64[ns, UTC]",
            "duration_h": float,
            "shore_km": float,
        }
    )


@pytest.fixture
def res(tmp_path):
    return results.Results(tmp_path / "r.json")


def plain(md) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", md.data))


def test_counts_for_all_ships_and_for_each_ship_of_interest(res):
    out = se.record_encounters(
        res, encounters(), loitering(), vessels=["Alpha", "Bravo"], fleet=FLEET, settings=SETTINGS
    )
    # encounters 1-2 and 2-3: 2 encounters of 3 ships; loitering of 1 and 4: 2 of 2 ships
    assert (out["encounters_all"], out["encounter_ships_all"]) == (2, 3)
    assert (out["loitering_all"], out["loitering_ships_all"]) == (2, 2)
    assert out["alpha.encounters"] == 1 and out["alpha.encounter_partners"] == 1
    assert out["alpha.encounter_hours"] == 3.0 and out["alpha.loitering"] == 1
    assert out["alpha.loitering_hours"] == 5.0
    assert out["alpha.meeting_nearest_shore_km"] == 60.0  # min(150, 60)
    assert out["bravo.encounters"] == 0 and out["bravo.loitering"] == 0
    assert out["bravo.meeting_nearest_shore_km"] is None
    assert res["shuttle.loitering_min_shore_nm"] == 20.0
    with pytest.raises(DataError, match="unknown setting 'max_knots'"):
        se.record_encounters(
            res,
            encounters(),
            loitering(),
            vessels=["Alpha"],
            fleet=FLEET,
            settings={"max_knots": 2},
        )


def test_an_encounter_of_two_ships_of_interest_counts_for_both(res):
    fleet = pd.DataFrame({"vessel": ["Alpha", "Second"], "mmsi": [900000001, 900000002]})
    events = se.get_fleet_events(encounters(), loitering(), fleet)
    assert events["vessel"].tolist() == ["Alpha", "Alpha", "Second", "Second"]
    assert events["other_mmsi"].tolist()[:1] == [900000002]
    assert events.loc[events["vessel"] == "Second", "other_mmsi"].tolist() == [900000001, 900000003]


def test_the_words_say_who_met_whom(res):
    se.record_encounters(
        res,
        encounters(),
        loitering(),
        vessels=["Alpha", "Bravo", "Ghost"],
        fleet=FLEET,
        settings=SETTINGS,
    )
    text = plain(
        se.describe_encounters(
            res, ["Alpha", "Bravo", "Ghost"], encounters(), loitering(), fleet=FLEET, names=NAMES
        )
    )
    assert "within 500 metres of each other for at least 2 hours" in text
    assert "10 km from a port; *loitering*" in text  # no shore test at 0 km
    assert "between fixes at most 1 hour apart" in text  # meeting_max_fix_gap_h 1: singular
    assert "found 2 encounters between 3 ships and 2 loitering events of 2 ships" in text
    assert (
        "Alpha met 1 other ship (SECOND) in 1 encounter lasting 3.0 hours in all and "
        "loitered 1 time (5.0 hours), never nearer than 60 km to the shore"
    ) in text
    assert "Bravo met no other ship and did not loiter" in text
    assert "Ghost was not identified on AIS" in text
    assert (
        '#tab-shuttle_meetings">Table</a> lists each'
        in se.describe_encounters(res, ["Alpha"], encounters(), loitering(), fleet=FLEET).data
    )


def test_none_found_is_a_sentence_and_a_row(res):
    none_e, none_l = encounters(()), loitering(())
    se.record_encounters(res, none_e, none_l, vessels=["Alpha"], fleet=FLEET, settings=SETTINGS)
    text = plain(se.describe_encounters(res, ["Alpha"], none_e, none_l, fleet=FLEET))
    assert "No encounter and no loitering was found anywhere in the AIS data." in text
    assert "Table" not in text
    table = se.to_encounter_display(none_e, none_l, fleet=FLEET)
    assert table[["ship", "event"]].values.tolist() == [["all ships", "none found"]]
    assert se.caption_encounters(res, ["Alpha"]).startswith("No encounter or loitering was")


def test_the_table_lists_the_ships_of_interest_or_else_the_longest_others(res):
    table = se.to_encounter_display(encounters(), loitering(), fleet=FLEET, names=NAMES)
    assert table["ship"].tolist() == ["Alpha", "Alpha"]
    assert table["event"].tolist() == ["encounter", "loitering"]
    assert table["with"].tolist() == ["SECOND (900000002)", ""]
    assert table["from"].tolist()[0] == "2031-03-02\u00a000:00"
    assert table["where"].tolist()[1] == "57.000\u00b0\u00a0N, 3.500\u00b0\u00a0W"
    assert np.isnan(table["from port (km)"]).all()  # no ports given
    others = se.to_encounter_display(
        encounters(), loitering(), fleet=FLEET.iloc[1:], names=NAMES, max_rows=3
    )
    # longest first: 900000004 loitering 6 h, then 1-2 (3 h) seen from 900000001 and 2
    assert others["hours"].tolist() == [6.0, 5.0, 3.0]
    assert others["ship"].tolist()[0] == "MMSI 900000004"
