"""Tests for tumen.ais.fleet: vessel entries, the fleet table and each fix's vessel."""

import pandas as pd
import pytest
from fixtures.ais_files import NMEA

from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.errors import DataError


def test_fleet_matches_names_case_insensitively_and_shows_shared_names():
    vessels = ais_nmea.read_nmea(NMEA).vessels
    fleet = ais_fleet.get_fleet(vessels, ["Angara", "maria "])
    assert fleet[["vessel", "mmsi"]].values.tolist() == [
        ["Angara", 273000001],
        ["maria ", 273000002],
    ]
    # a second transmitter broadcasting the same name is listed, not hidden
    spoof = pd.concat(
        [vessels, vessels.iloc[[0]].assign(mmsi=999000001, imo=pd.NA, name="angara ")],
        ignore_index=True,
    )
    fleet = ais_fleet.get_fleet(spoof, ["Angara"], imos={"Angara": 9000001})
    assert fleet.values.tolist() == [
        ["Angara", 273000001, "imo+name"],
        ["Angara", 999000001, "name"],
    ]


def test_add_vessel():
    data = ais_nmea.read_nmea(NMEA)
    fleet = pd.DataFrame({"vessel": ["Angara"], "mmsi": [273000001]})
    pos = ais_fleet.add_vessel(data.positions, fleet)
    assert (pos["vessel"] == "Angara").sum() == 8 and pos["vessel"].isna().sum() == 9
    with pytest.raises(DataError, match="two vessels"):
        ais_fleet.add_vessel(data.positions, pd.DataFrame({"vessel": ["A", "B"], "mmsi": [1, 1]}))


def test_vessel_entries_name_mmsi_imo():
    assert ais_fleet.parse_vessel_entry("Sparta IV") == ("name", "Sparta IV")
    assert ais_fleet.parse_vessel_entry("mmsi:273111111") == ("mmsi", 273111111)
    assert ais_fleet.parse_vessel_entry(" IMO: 9154517 ") == ("imo", 9154517)
    for bad in ("mmsi:27311111", "mmsi:2731111111", "imo:91545x7", "imo:", "  "):
        with pytest.raises(DataError) as exc:
            ais_fleet.parse_vessel_entry(bad)
        assert exc.value.field == "vessels"


def test_fleet_by_mmsi_and_imo_entries():
    vessels = ais_nmea.read_nmea(NMEA).vessels
    # an MMSI entry needs no static report; an IMO entry matches the MMSI broadcasting it;
    # an entry nobody broadcasts has no row (a ship never heard)
    fleet = ais_fleet.get_fleet(vessels, ["mmsi:555000001", "imo:9000001", "Nobody"])
    assert fleet.values.tolist() == [
        ["imo:9000001", 273000001, "imo"],
        ["mmsi:555000001", 555000001, "mmsi"],
    ]
