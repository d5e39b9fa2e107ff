"""Tests for tumen.ais_store: chunked, parallel reading and the cached positions store.

tests/fixtures/scale/split.nmea (written by make_split_nmea.py there) holds two- and
three-sentence messages with other sentences between their parts, an incomplete first
part, an orphan second part and a second part too far from its first; cutting it into
chunks at every line must give what tumen.ais.read_nmea gives for the whole file.
"""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tumen import ais, ais_store
from tumen.errors import DataError, ParameterError

from test_ais import GENERIC_MAP  # the column map of tests/fixtures/ais/shuttle_generic.csv

FIX = Path(__file__).parent / "fixtures"
SPLIT = FIX / "scale" / "split.nmea"
AIS_FIX = FIX / "ais"
VALUES = [c for c in ais.POSITION_COLUMNS if not c.startswith("source")]
# dask's Parquet reader still calls set_index(inplace=True), deprecated in pandas 3.1
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning",
                                        "ignore:The inplace keyword")


def assert_same_data(a: ais.AisData, b: ais.AisData) -> None:
    pd.testing.assert_frame_equal(a.positions, b.positions)
    pd.testing.assert_frame_equal(a.vessels, b.vessels)
    pd.testing.assert_frame_equal(a.skipped, b.skipped)


@pytest.mark.parametrize("chunk_bytes", [1, 60, 150, 700, 10_000])
@pytest.mark.parametrize("max_fragment_lines", [10, 3])
def test_chunked_decoding_equals_reading_the_whole_file(chunk_bytes, max_fragment_lines):
    whole = ais.read_nmea(SPLIT, max_fragment_lines=max_fragment_lines)
    chunked = ais_store.read_ais(SPLIT, max_fragment_lines=max_fragment_lines,
                                 chunk_bytes=chunk_bytes, dask_scheduler="sync")
    assert_same_data(whole, chunked)


def test_messages_split_across_chunk_boundaries_are_assembled():
    # chunk_bytes=1: every line is a chunk of its own, so every multi-part message is split
    chunks = ais_store._plan_chunks([(str(SPLIT), SPLIT)], "nmea", 1)
    assert len(chunks) == 29
    data = ais_store.read_ais(SPLIT, chunk_bytes=1, dask_scheduler="sync")
    assert data.vessels["name"].tolist() == ["ANGARA", "MARIA", "SEA STAR"]
    category = dict(zip(data.skipped["source_line"], data.skipped["category"]))
    assert category == {2: "static", 7: "static", 12: "multipart_incomplete",
                        13: "multipart_orphan", 14: "multipart_incomplete",
                        26: "multipart_orphan", 27: "static"}
    assert len(data.positions) == 18


def test_decode_nmea_range_keeps_only_its_lines():
    lines = SPLIT.read_bytes().split(b"\n")[:29]
    part = ais_store.decode_nmea_range(lines, "x", start_line=1, keep=(6, 12))
    # line 6 ends a message that began on line 2: not this range's; 7 (begun here) is
    assert part.skipped["source_line"].tolist() == [7]
    assert part.positions["source_line"].tolist() == [8, 10]


@pytest.mark.parametrize("scheduler", ["sync", "threads", "processes"])
def test_parallel_read_on_every_local_scheduler(scheduler):
    whole = ais.read_nmea(SPLIT)
    assert_same_data(whole, ais_store.read_ais(SPLIT, chunk_bytes=300,
                                               dask_scheduler=scheduler))


@pytest.mark.parametrize("fmt, name, columns", [
    ("nmea", "shuttle.nmea", None), ("dma", "shuttle_dma.csv", None),
    ("csv", "shuttle_generic.csv", GENERIC_MAP)])
def test_store_holds_what_the_readers_read(tmp_path, fmt, name, columns):
    path = AIS_FIX / name
    store = ais_store.ingest(path, fmt, columns, cache_dir=tmp_path, chunk_bytes=200,
                             rows_per_partition=5, dask_scheduler="threads")
    assert store.manifest["chunks"] > 3 and store.manifest["partitions"] >= 2
    assert_same_data(ais.read_ais(path, fmt, columns), store.to_ais_data())


def test_nmea_csv_and_parquet_paths_give_the_same_positions(tmp_path):
    nmea = ais.read_nmea(AIS_FIX / "shuttle.nmea")
    nmea.positions.to_parquet(tmp_path / "positions.parquet", index=False)
    stores = [ais_store.ingest(AIS_FIX / "shuttle.nmea", "nmea", cache_dir=tmp_path / "c"),
              ais_store.ingest(AIS_FIX / "shuttle_dma.csv", "dma", cache_dir=tmp_path / "c"),
              ais_store.ingest(AIS_FIX / "shuttle_generic.csv", "csv", GENERIC_MAP,
                               cache_dir=tmp_path / "c"),
              ais_store.ingest(tmp_path / "positions.parquet", "parquet",
                               cache_dir=tmp_path / "c")]
    for store in stores:
        pd.testing.assert_frame_equal(store.get_positions()[VALUES], nmea.positions[VALUES])
    # a Parquet table keeps its own source columns
    pd.testing.assert_frame_equal(stores[-1].get_positions(), nmea.positions)


def test_parquet_rows_are_rejected_by_the_rules_of_the_other_readers(tmp_path):
    table = pd.DataFrame({
        "mmsi": [273000001, 0, 273000001, 273000001, 273000001, 273000001],
        "time": pd.to_datetime(["2023-09-01T00:00Z", "2023-09-01T01:00Z", None,
                                "2023-09-01T03:00Z", "2023-09-01T04:00Z", "1960-01-01T00:00Z"],
                               utc=True),
        "lat": [42.0, 42.0, 42.0, 91.0, 95.0, 42.0], "lon": [132.0] * 6,
        "sog": [0.5, 1.0, 1.0, 1.0, 1.0, 102.3], "nav_status": [5, 0, 0, 0, 0, 99]})
    table.to_parquet(tmp_path / "p.parquet", index=False)
    data = ais_store.read_ais(tmp_path / "p.parquet", "parquet")
    category = dict(zip(data.skipped["source_line"], data.skipped["category"]))
    assert category == {2: "mmsi_invalid", 3: "no_timestamp", 4: "position_not_available",
                        5: "position_invalid", 6: "bad_timestamp"}
    assert data.positions["source_line"].tolist() == [1]
    assert data.positions["sog"].tolist() == [0.5]


def test_parquet_column_map_and_missing_columns(tmp_path):
    pd.DataFrame({"MMSI": [273000001], "ts": pd.to_datetime(["2023-09-01"], utc=True),
                  "y": [42.0], "x": [132.0]}).to_parquet(tmp_path / "p.parquet")
    data = ais_store.read_ais(tmp_path / "p.parquet", "parquet",
                              {"mmsi": "MMSI", "time": "ts", "lat": "y", "lon": "x"})
    assert data.positions[["mmsi", "lat", "lon"]].values.tolist() == [[273000001, 42.0, 132.0]]
    assert data.positions["nav_status"].tolist() == [15]
    with pytest.raises(DataError, match="'when' \\(for time\\) is missing"):
        ais_store.read_ais(tmp_path / "p.parquet", "parquet",
                           {"mmsi": "MMSI", "time": "when", "lat": "y", "lon": "x"})


def test_cached_store_is_reused_and_invalidated_when_an_input_changes(tmp_path, monkeypatch):
    nmea = tmp_path / "ais.nmea"
    shutil.copy(AIS_FIX / "shuttle.nmea", nmea)
    cache = tmp_path / "cache"
    first = ais_store.ingest(nmea, cache_dir=cache)
    assert first.path.parent == cache and len(first.key) == 64

    def no_decoding(*args, **kwargs):
        raise AssertionError("the store should have been reused")

    monkeypatch.setattr(ais_store, "_decode", no_decoding)
    again = ais_store.ingest(nmea, cache_dir=cache)
    assert again.path == first.path and again.manifest == first.manifest
    monkeypatch.undo()

    with open(nmea, "ab") as fh:  # one more report: a new key, a new store
        fh.write(AIS_FIX.joinpath("shuttle.nmea").read_bytes().splitlines()[0] + b"\n")
    changed = ais_store.ingest(nmea, cache_dir=cache)
    assert changed.key != first.key
    assert changed.n_positions == first.n_positions + 1
    assert not first.path.exists()  # the superseded store is removed
    assert sorted(p.name for p in cache.iterdir() if p.is_dir()) == [changed.key]


def test_cache_key_follows_contents_paths_and_options(tmp_path):
    a = tmp_path / "a.nmea"
    shutil.copy(AIS_FIX / "shuttle.nmea", a)
    inputs = [{"path": "a.nmea", "sha256": "0" * 64}]
    options = {"columns": None, "time_format": None, "max_fragment_lines": 10}
    key = ais_store.get_cache_key(inputs, "nmea", options)
    assert key == ais_store.get_cache_key(inputs, "nmea", dict(options))
    assert key != ais_store.get_cache_key([dict(inputs[0], sha256="1" * 64)], "nmea", options)
    assert key != ais_store.get_cache_key([dict(inputs[0], path="b.nmea")], "nmea", options)
    assert key != ais_store.get_cache_key(inputs, "nmea", dict(options, max_fragment_lines=5))
    # the same content touched (new mtime) keeps its key
    s1 = ais_store.ingest(a, cache_dir=tmp_path / "c")
    os.utime(a, (1, 1))
    assert ais_store.ingest(a, cache_dir=tmp_path / "c").key == s1.key


def test_store_reads_one_vessel_and_has_known_divisions(tmp_path):
    store = ais_store.ingest(AIS_FIX / "shuttle.nmea", cache_dir=tmp_path, rows_per_partition=4)
    frame = store.to_dask()
    assert frame.known_divisions and frame.index.name == "mmsi"
    maria = store.get_positions([273000002])
    assert set(maria["mmsi"]) == {273000002} and len(maria) == 4
    assert store.get_positions([]).empty


def test_quality_table_matches_the_readers(tmp_path):
    store = ais_store.ingest(AIS_FIX / "shuttle.nmea", cache_dir=tmp_path, chunk_bytes=300,
                             dask_scheduler="threads")
    expected = ais.get_quality_table(ais.read_nmea(AIS_FIX / "shuttle.nmea"))
    pd.testing.assert_frame_equal(store.get_quality_table(), expected)
    assert store.manifest["categories"] == dict(zip(expected["category"], expected["records"]))


def test_empty_and_junk_inputs(tmp_path):
    (tmp_path / "empty.nmea").write_bytes(b"")
    (tmp_path / "junk.nmea").write_bytes(b"hello\nworld\n")
    empty = ais_store.ingest(tmp_path / "empty.nmea", cache_dir=tmp_path / "c")
    assert empty.n_positions == 0 and empty.get_positions().empty
    junk = ais_store.ingest(tmp_path / "junk.nmea", cache_dir=tmp_path / "c")
    assert junk.manifest["categories"] == {"position": 0, "junk": 2}


def test_user_mistakes_raise_project_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        ais_store.ingest(tmp_path / "missing.nmea", cache_dir=tmp_path)
    with pytest.raises(ParameterError, match="column map"):
        ais_store.ingest(AIS_FIX / "shuttle_generic.csv", "csv", cache_dir=tmp_path)
    with pytest.raises(ParameterError, match="unknown AIS format"):
        ais_store.ingest(AIS_FIX / "shuttle.nmea", "kml", cache_dir=tmp_path)
    with pytest.raises(DataError) as err:
        ais_store.ingest(AIS_FIX / "shuttle_generic.csv", "csv", dict(GENERIC_MAP, lat="Lat"),
                         cache_dir=tmp_path)
    assert "shuttle_generic.csv:1 [Lat]" in str(err.value)
    with pytest.raises(ParameterError, match="dask_scheduler"):
        ais_store.ingest(AIS_FIX / "shuttle.nmea", cache_dir=tmp_path, dask_scheduler="fast")
    with pytest.raises(DataError, match="not an AIS store"):
        ais_store.open_store(tmp_path)


def test_progress_bar_on_request(tmp_path, capsys):
    ais_store.read_ais(SPLIT, chunk_bytes=300, dask_scheduler="threads", progress=True)
    assert "decoding nmea" in capsys.readouterr().err


def test_mmsi_ranges_never_split_a_vessel():
    counts = pd.Series([3, 10, 1, 1, 6], index=[5, 7, 8, 9, 12])
    assert ais_store.get_mmsi_ranges(counts, 5) == [(5, 7), (7, 12), (12, 13)]
    assert ais_store.get_mmsi_ranges(counts, 100) == [(5, 13)]
    assert ais_store.get_mmsi_ranges(pd.Series([], dtype="int64"), 5) == [(0, 1)]
