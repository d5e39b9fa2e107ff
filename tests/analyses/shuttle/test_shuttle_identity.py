"""Tests for tumen.analyses.shuttle.identity: the identity checks' results, table and sentences for
the ships of interest, on the invented archive of tests/fixtures/ais_archive.py (answers by hand)."""

import re

import pandas as pd
import pytest
from fixtures.ais_archive import COLUMNS, archive

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import identity as ais_identity
from tumen.ais import readers as ais_readers
from tumen.analyses.shuttle import identity as si
from tumen.engine.results import Results

VESSELS = ["Plover", "Kestrel", "mmsi:111000004", "Lost"]


def rendered(md) -> str:
    return re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", md.data))


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = tmp_path_factory.mktemp("identity") / "archive.csv"
    archive().to_csv(path, index=False)
    data = ais_clean.clean(ais_readers.read_csv(path, COLUMNS), 50.0)
    fleet = ais_fleet.get_fleet(data.vessels, VESSELS)
    return ais_identity.get_identity_checks(data.vessels, data.positions), fleet


def test_results_per_archive_and_per_ship(checked, tmp_path):
    checks, fleet = checked
    out = si.record_identity(Results(tmp_path / "r.json"), checks, fleet, VESSELS, max_jump_kn=50.0)
    # one name change (111000001), one shared name (PLOVER), one split track (111000004)
    assert (
        out["identity_changed_mmsis"],
        out["shared_names"],
        out["possibly_shared_identities"],
    ) == (1, 1, 1)
    assert (out["plover.mmsis"], out["plover.shared_names"], out["plover.shared_name_mmsis"]) == (
        2,
        1,
        2,
    )
    assert out["kestrel.identity_changes"] == 1 and out["kestrel.shared_name_mmsis"] == 0
    assert out["mmsi_111000004.possibly_shared_identities"] == 1
    assert out["lost.mmsis"] == 0


def test_table_shows_the_ships_and_every_finding(checked):
    checks, fleet = checked
    table = si.to_identity_display(checks, fleet, {"mmsi:111000004": "MMSI 111000004"})
    assert table["MMSI"].tolist() == ["111000001", "111000002", "111000003", "111000004"]
    row = table.set_index("MMSI")
    assert row.loc["111000001", "names"] == "KESTREL / WREN"
    assert row.loc["111000001", "IMO"] == "1000001"
    assert row.loc["111000001", "finding"].startswith("name KESTREL → WREN (2024-01-02")
    assert row.loc["111000002", "finding"] == "name PLOVER also broadcast by MMSI 111000003"
    assert row.loc["111000003", "ship of interest"] == "Plover"
    assert row.loc["111000004", "ship of interest"] == "MMSI 111000004"
    assert row.loc["111000004", "finding"].startswith("possibly shared identity: 11 legs")


def test_sentence_names_each_finding(checked, tmp_path):
    checks, fleet = checked
    res = Results(tmp_path / "r.json")
    si.record_identity(res, checks, fleet, VESSELS, max_jump_kn=50.0)
    text = rendered(si.describe_identity(res, VESSELS, checks, fleet))
    assert "Lost matched no MMSI of the AIS data" in text
    assert "1 name was broadcast by more than one MMSI: PLOVER (Plover) by 2 MMSIs." in text
    assert (
        "1 MMSI changed a name, IMO number, call sign or ship type in the data (an MMSI "
        "of Kestrel)." in text
    )
    assert "with at least 4 jumps faster than 50 knots" in text
    assert "sharing one identity (an MMSI of MMSI 111000004)." in text


def test_nothing_found_is_said(tmp_path):
    t = pd.Timestamp("2024-02-01", tz="UTC")
    vessels = pd.DataFrame(
        {
            "mmsi": [7],
            "name": ["Ibis"],
            "imo": pd.array([None], "Int64"),
            "callsign": [None],
            "ship_type": [None],
            "first_seen": [t],
            "last_seen": [t],
            "records": [1],
        }
    )
    positions = pd.DataFrame(
        {
            "mmsi": [7, 7],
            "time": [t, t + pd.Timedelta(hours=1)],
            "lat": [1.0, 1.01],
            "lon": [2.0, 2.0],
        }
    )
    checks = ais_identity.get_identity_checks(vessels, positions)
    fleet = ais_fleet.get_fleet(vessels, ["Ibis"])
    res = Results(tmp_path / "r.json")
    si.record_identity(res, checks, fleet, ["Ibis"], max_jump_kn=50.0)
    text = rendered(si.describe_identity(res, ["Ibis"], checks, fleet))
    assert "No name was broadcast by more than one MMSI." in text
    assert "No MMSI changed its name" in text
    assert (
        "No track jumps back and forth between two places often enough (at least 4 jumps "
        "faster than 50 knots) to suggest two transmitters sharing one MMSI."
    ) in text
    assert si.to_identity_display(checks, fleet)["finding"].tolist() == ["none"]
