"""Tests for tumen.ais.identity: identity changes and shared names, on the invented archive
of tests/fixtures/ais_archive.py (answers by hand), in memory and on the Dask path."""

import pandas as pd

from tumen.ais import identity as ident


def test_a_name_changed_once_is_one_change_at_its_time(data):
    changes = ident.get_identity_changes(data.vessels)
    assert changes["mmsi"].tolist() == [111000001]
    row = changes.iloc[0]
    assert row["changes"] == 1 and row["fields"] == "name"
    assert row["first_change"] == pd.Timestamp("2024-01-02T03:00:00Z")
    assert row["what"] == "name KESTREL → WREN (2024-01-02\u00a003:00)"
    history = ident.get_identity_history(data.vessels)
    mine = history[history["mmsi"] == 111000001]
    assert mine["record"].tolist() == [1, 2]
    assert mine["name"].tolist() == ["KESTREL", "WREN"]
    assert mine["records"].tolist() == [6, 7]  # 02:00..02:50 and 03:00..04:00
    assert mine["changed"].tolist() == ["", "name"]


def test_missing_fields_and_spelling_are_not_changes():
    t = pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"], utc=True)
    vessels = pd.DataFrame(
        {
            "mmsi": [5, 5, 5],
            "name": ["Heron", None, "HERON "],
            "imo": pd.array([None, 1234567, None], dtype="Int64"),
            "callsign": [None, "ABC", None],
            "ship_type": ["70", None, "70"],
            "first_seen": t,
            "last_seen": t,
            "records": [1, 1, 1],
        }
    )
    assert ident.get_identity_changes(vessels).empty
    vessels.loc[2, "ship_type"] = "80"
    changes = ident.get_identity_changes(vessels)
    assert changes["fields"].tolist() == ["ship type"]
    assert changes["first_change"].tolist() == [t[2]]


def test_two_mmsis_broadcasting_one_name_are_a_shared_name(data):
    shared = ident.get_shared_names(data.vessels)
    assert shared["name"].tolist() == ["PLOVER"]
    assert shared["mmsis"].tolist() == [2]
    assert shared["mmsi_list"].tolist() == ["111000002, 111000003"]
