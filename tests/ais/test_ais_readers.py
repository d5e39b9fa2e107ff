"""Tests for tumen.ais.readers: DMA and generic CSV, and read_ais over several files."""

import pandas as pd
import pytest
from fixtures.ais_files import FIX, GENERIC_MAP, NMEA, VALUES, categories, h

from tumen.ais import clean as ais_clean
from tumen.ais import nmea as ais_nmea
from tumen.ais import readers as ais_readers
from tumen.errors import DataError


def test_nmea_dma_and_generic_csv_give_identical_positions():
    nmea = ais_nmea.read_nmea(NMEA)
    dma = ais_readers.read_dma_csv(FIX / "shuttle_dma.csv")
    generic = ais_readers.read_csv(FIX / "shuttle_generic.csv", GENERIC_MAP)
    for other in (dma, generic):
        pd.testing.assert_frame_equal(nmea.positions[VALUES], other.positions[VALUES])
        # the 91/181 row is rejected the same way (CSV header is line 1, row 17 is line 18)
        assert categories(other)[18] == "position_not_available"
        a = nmea.vessels.dropna(subset=["imo"])[["mmsi", "name", "imo", "callsign"]]
        b = other.vessels.dropna(subset=["imo"])[["mmsi", "name", "imo", "callsign"]]
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    # the DMA base station row is not a vessel
    assert categories(dma)[20] == "other_type"
    # the same analysis after cleaning, too
    for other in (dma, generic):
        pd.testing.assert_frame_equal(
            ais_clean.clean(nmea).positions.drop(columns=["source_file", "source_line"]),
            ais_clean.clean(other).positions.drop(columns=["source_file", "source_line"]),
        )


def test_read_ais_dispatches_and_concatenates():
    both = ais_readers.read_ais([NMEA, FIX / "leading_time.nmea"], "nmea")
    assert len(both.positions) == 17 + 17
    assert both.positions["source_file"].nunique() == 2
    assert len(ais_readers.read_ais(FIX / "shuttle_dma.csv", "dma").positions) == 17
    assert (
        len(ais_readers.read_ais(FIX / "shuttle_generic.csv", "csv", GENERIC_MAP).positions) == 17
    )
    with pytest.raises(DataError, match="column map"):
        ais_readers.read_ais(FIX / "shuttle_generic.csv", "csv")
    with pytest.raises(DataError, match="unknown AIS format"):
        ais_readers.read_ais(NMEA, "kml")


def test_csv_structure_errors_name_file_line_and_field(tmp_path):
    with pytest.raises(DataError) as err:
        ais_readers.read_csv(FIX / "shuttle_generic.csv", dict(GENERIC_MAP, lat="Latitude"))
    e = err.value
    assert (e.line, e.field) == (1, "Latitude") and "shuttle_generic.csv" in str(e)
    assert "LAT" in e.hint
    with pytest.raises(DataError, match="unknown key 'speed'"):
        ais_readers.read_csv(FIX / "shuttle_generic.csv", dict(GENERIC_MAP, speed="SOG"))
    with pytest.raises(DataError, match="no 'lon'"):
        ais_readers.read_csv(
            FIX / "shuttle_generic.csv", {"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT"}
        )


def test_csv_row_noise_is_counted(tmp_path):
    path = tmp_path / "noisy.csv"
    path.write_text(
        "MMSI,BaseDateTime,LAT,LON\n"
        "273000001,2023-09-01T00:00:00,42.5,131.0\n"
        "273000001,yesterday,42.5,131.0\n"
        "273000001,,42.5,131.0\n"
        "abc,2023-09-01T00:00:00,42.5,131.0\n"
        "273000001,2023-09-01T01:00:00,north,131.0\n"
        "273000001,2023-09-01T01:00:00,0,0\n"
        "\n"
        "273000001,1693530000,42.6,131.0\n"
    )
    data = ais_readers.read_csv(
        path, {"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT", "lon": "LON"}
    )
    assert list(data.positions["time"]) == [h(0), h(1)]
    assert categories(data) == {
        3: "bad_timestamp",
        4: "no_timestamp",
        5: "mmsi_invalid",
        6: "position_invalid",
        7: "position_invalid",
    }
    assert data.positions["sog"].isna().all() and (data.positions["nav_status"] == 15).all()


def test_ship_names_are_kept_as_raw_text(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text(
        "MMSI,BaseDateTime,LAT,LON,VesselName\n"
        "273000009,2023-09-01T00:00:00,42.5,131.0,\"=cmd|' /c calc'!A0\"\n"
        "273000010,2023-09-01T00:00:00,42.5,131.0,\"__import__('os')\"\n"
    )
    data = ais_readers.read_csv(
        path,
        {"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT", "lon": "LON", "name": "VesselName"},
    )
    assert data.vessels["name"].tolist() == ["=cmd|' /c calc'!A0", "__import__('os')"]


def test_csv_with_a_wrong_time_format_stops_with_a_hint(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Time,MMSI,Lat,Lon\n31/12/2023 23:59,273000001,42.0,131.0\n"
        "31/12/2023 23:58,273000001,42.0,131.0\n"
    )
    cols = {"time": "Time", "mmsi": "MMSI", "lat": "Lat", "lon": "Lon"}
    with pytest.raises(DataError) as exc:
        ais_readers.read_ais(path, "csv", cols)  # ISO 8601 expected: no row parses
    assert exc.value.line == 2 and exc.value.field == "time" and "ais_time_format" in str(exc.value)
    data = ais_readers.read_ais(path, "csv", cols, time_format="%d/%m/%Y %H:%M")
    assert data.positions["time"].dt.strftime("%H:%M").tolist() == ["23:58", "23:59"]
