"""Tests for tumen.analyses.shuttle.observations: reading and checking the sightings, labelling them with the ships of interest, counts on given days.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd
import pytest
from shuttle_scenario import FIX, h

from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.errors import DataError


def test_read_sightings(sightings):
    assert len(sightings) == 9
    assert str(sightings["observed"].dtype) == "datetime64[ns, UTC]"
    s = sightings.set_index("image_id")
    assert s.loc["IMG-004", "site"] == "rajin_port"  # from lat/lon inside the geofence
    assert s.loc["IMG-005", "site"] is None  # at sea
    assert (s.loc["IMG-001", "lat"], s.loc["IMG-001", "lon"]) == (42.24, 130.30)  # site centre
    assert s.loc["IMG-002", "containers"] == 150 and pd.isna(s.loc["IMG-004", "containers"])
    assert s.loc["IMG-001", "observed"] == h(51) and s.loc["IMG-001", "line"] == 2


@pytest.mark.parametrize(
    "column, value, field, hint",
    [
        ("site", "rajin", "site", "did you mean 'rajin_port'?"),
        ("observed", "3 Sep 2023", "observed", "ISO 8601"),
        ("status", "docked", "status", "berthed"),
        ("containers", "12.5", "containers", None),
        ("containers", "-3", "containers", None),
        ("lat", "95", "lat", None),
        ("vessel", " ", "vessel", None),
    ],
)
def test_sighting_errors_name_file_line_and_field(tmp_path, sites, column, value, field, hint):
    table = pd.read_csv(FIX / "sightings.csv", dtype=str, keep_default_na=False)
    table.loc[2, column] = value
    path = tmp_path / "vessel_sightings.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        shuttle_observations.read_sightings(path, sites)
    e = err.value
    assert (e.line, e.field) == (4, field) and "vessel_sightings.csv:4" in str(e)
    if hint:
        assert hint in e.hint


def test_sightings_need_a_place(tmp_path, sites):
    path = tmp_path / "s.csv"
    path.write_text("vessel,observed,status\nAngara,2023-09-03T03:00:00Z,berthed\n")
    with pytest.raises(DataError) as err:
        shuttle_observations.read_sightings(path, sites)
    assert (err.value.line, err.value.field) == (1, "site")
    path.write_text("vessel,observed,site,lat,lon\nAngara,2023-09-03T03:00:00Z,,,\n")
    with pytest.raises(DataError) as err:
        shuttle_observations.read_sightings(path, sites)
    assert (err.value.line, err.value.field) == (2, "site")


def test_a_time_outside_the_nanosecond_range_is_an_unreadable_time(tmp_path):
    """Found by hypothesis: "0000" parses as the year 0, which has no nanosecond timestamp;
    it must be the usual one-line error naming file, line and field, not a pandas crash."""
    from tumen.errors import DataError

    path = tmp_path / "s.csv"
    path.write_text("vessel,observed,site\nKestrel,0000,wren\n")
    sites = pd.DataFrame({"id": ["wren"], "lat": [42.6], "lon": [131.1], "radius_km": [2.0]})
    with pytest.raises(DataError) as err:
        shuttle_observations.read_sightings(path, sites)
    assert err.value.line == 2 and err.value.field == "observed"


def test_max_count_on_given_days(sightings):
    assert (
        shuttle_observations.get_max_count(sightings, "rajin_port", "2023-09-03", "2023-09-03")
        == 150
    )
    assert (
        shuttle_observations.get_max_count(sightings, "dunai_port", "2023-09-04", "2023-09-09")
        == 140
    )
    assert (
        shuttle_observations.get_max_count(sightings, "rajin_port", "2023-09-04", "2023-09-08")
        is None
    )
    with pytest.raises(DataError):
        shuttle_observations.get_max_count(sightings, "rajin_port", "2023-09-08", "2023-09-03")


def test_label_sightings_by_entry_broadcast_name_and_imo():
    s = pd.DataFrame(
        {
            "vessel": ["ANGARA", "Kestrel", "Maria", "maria", "Other"],
            "imo": [pd.NA, pd.NA, 9000002, pd.NA, pd.NA],
            "observed": [h(1), h(2), h(3), h(4), h(5)],
        }
    )
    fleet = pd.DataFrame({"vessel": ["mmsi:273000001"], "mmsi": [273000001]})
    static = pd.DataFrame({"mmsi": [273000001], "name": ["ANGARA"]})
    out = shuttle_observations.label_sightings(s, ["mmsi:273000001", "imo:9000002"], fleet, static)
    # Angara through the name its MMSI broadcasts; Maria by IMO, and the row without an IMO
    # through the name the numbered row gives; Kestrel and Other are not of interest
    assert out["vessel"].tolist() == ["mmsi:273000001", "imo:9000002", "imo:9000002"]
    assert out["observed"].tolist() == [h(1), h(3), h(4)]
    with pytest.raises(DataError, match="two entries"):
        shuttle_observations.label_sightings(s, ["Maria", "imo:9000002"], fleet.iloc[:0], None)


def test_sightings_at_sea_are_the_ships_under_way(sightings):
    sea = shuttle_observations.get_sightings_at_sea(sightings, ["ANGARA", "Maria"])
    # IMG-005 (Angara under way at h 174) only; named by the entry, matched by case
    assert sea[["image_id", "vessel", "observed"]].values.tolist() == [
        ["IMG-005", "ANGARA", h(174)]
    ]
    assert shuttle_observations.get_sightings_at_sea(sightings, ["Maria"]).empty
    assert shuttle_observations.get_sightings_at_sea(sightings, []).empty
