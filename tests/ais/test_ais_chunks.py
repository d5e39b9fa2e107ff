"""Tests for tumen.ais.chunks: reading AIS files in chunks, in parallel.

tests/fixtures/scale/split.nmea (written by make_split_nmea.py there) holds two- and
three-sentence messages with other sentences between their parts, an incomplete first
part, an orphan second part and a second part too far from its first; cutting it into
chunks at every line must give what tumen.ais.nmea.read_nmea gives for the whole file.
"""

from pathlib import Path

import pandas as pd
import pytest

from tumen.ais import chunks as ais_chunks
from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.errors import DataError

FIX = Path(__file__).parents[1] / "fixtures"
SPLIT = FIX / "scale" / "split.nmea"


def assert_same_data(a: ais_records.AisData, b: ais_records.AisData) -> None:
    pd.testing.assert_frame_equal(a.positions, b.positions)
    pd.testing.assert_frame_equal(a.vessels, b.vessels)
    pd.testing.assert_frame_equal(a.skipped, b.skipped)


@pytest.mark.parametrize("chunk_bytes", [1, 60, 150, 700, 10_000])
@pytest.mark.parametrize("max_fragment_lines", [10, 3])
def test_chunked_decoding_equals_reading_the_whole_file(chunk_bytes, max_fragment_lines):
    whole = ais_nmea.read_nmea(SPLIT, max_fragment_lines=max_fragment_lines)
    chunked = ais_chunks.read_ais(
        SPLIT, max_fragment_lines=max_fragment_lines, chunk_bytes=chunk_bytes, dask_scheduler="sync"
    )
    assert_same_data(whole, chunked)


def test_messages_split_across_chunk_boundaries_are_assembled():
    # chunk_bytes=1: every line is a chunk of its own, so every multi-part message is split
    chunks = ais_chunks.plan_chunks([(str(SPLIT), SPLIT)], "nmea", 1)
    assert len(chunks) == 29
    data = ais_chunks.read_ais(SPLIT, chunk_bytes=1, dask_scheduler="sync")
    assert data.vessels["name"].tolist() == ["ANGARA", "MARIA", "SEA STAR"]
    category = dict(zip(data.skipped["source_line"], data.skipped["category"]))
    assert category == {
        2: "static",
        7: "static",
        12: "multipart_incomplete",
        13: "multipart_orphan",
        14: "multipart_incomplete",
        26: "multipart_orphan",
        27: "static",
    }
    assert len(data.positions) == 18


@pytest.mark.parametrize("scheduler", ["sync", "threads", "processes"])
def test_parallel_read_on_every_local_scheduler(scheduler):
    whole = ais_nmea.read_nmea(SPLIT)
    assert_same_data(whole, ais_chunks.read_ais(SPLIT, chunk_bytes=300, dask_scheduler=scheduler))


def test_parquet_rows_are_rejected_by_the_rules_of_the_other_readers(tmp_path):
    table = pd.DataFrame(
        {
            "mmsi": [273000001, 0, 273000001, 273000001, 273000001, 273000001],
            "time": pd.to_datetime(
                [
                    "2023-09-01T00:00Z",
                    "2023-09-01T01:00Z",
                    None,
                    "2023-09-01T03:00Z",
                    "2023-09-01T04:00Z",
                    "1960-01-01T00:00Z",
                ],
                utc=True,
            ),
            "lat": [42.0, 42.0, 42.0, 91.0, 95.0, 42.0],
            "lon": [132.0] * 6,
            "sog": [0.5, 1.0, 1.0, 1.0, 1.0, 102.3],
            "nav_status": [5, 0, 0, 0, 0, 99],
        }
    )
    table.to_parquet(tmp_path / "p.parquet", index=False)
    data = ais_chunks.read_ais(tmp_path / "p.parquet", "parquet")
    category = dict(zip(data.skipped["source_line"], data.skipped["category"]))
    assert category == {
        2: "mmsi_invalid",
        3: "no_timestamp",
        4: "position_not_available",
        5: "position_invalid",
        6: "bad_timestamp",
    }
    assert data.positions["source_line"].tolist() == [1]
    assert data.positions["sog"].tolist() == [0.5]


def test_parquet_column_map_and_missing_columns(tmp_path):
    pd.DataFrame(
        {
            "MMSI": [273000001],
            "ts": pd.to_datetime(["2023-09-01"], utc=True),
            "y": [42.0],
            "x": [132.0],
        }
    ).to_parquet(tmp_path / "p.parquet")
    data = ais_chunks.read_ais(
        tmp_path / "p.parquet", "parquet", {"mmsi": "MMSI", "time": "ts", "lat": "y", "lon": "x"}
    )
    assert data.positions[["mmsi", "lat", "lon"]].values.tolist() == [[273000001, 42.0, 132.0]]
    assert data.positions["nav_status"].tolist() == [15]
    with pytest.raises(DataError, match="'when' \\(for time\\) is missing"):
        ais_chunks.read_ais(
            tmp_path / "p.parquet",
            "parquet",
            {"mmsi": "MMSI", "time": "when", "lat": "y", "lon": "x"},
        )


def test_progress_bar_on_request(tmp_path, capsys):
    ais_chunks.read_ais(SPLIT, chunk_bytes=300, dask_scheduler="threads", progress=True)
    assert "decoding nmea" in capsys.readouterr().err
