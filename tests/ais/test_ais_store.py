"""Tests for tumen.ais.store: the cached positions store (ingest once, reuse, invalidate)."""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fixtures.ais_files import GENERIC_MAP
from test_ais_chunks import assert_same_data

from tumen.ais import chunks as ais_chunks
from tumen.ais import clean as ais_clean
from tumen.ais import nmea as ais_nmea
from tumen.ais import readers as ais_readers
from tumen.ais import records as ais_records
from tumen.ais import store as ais_store
from tumen.errors import DataError, ParameterError

FIX = Path(__file__).parents[1] / "fixtures"
AIS_FIX = FIX / "ais"
VALUES = [c for c in ais_records.POSITION_COLUMNS if not c.startswith("source")]


@pytest.mark.parametrize(
    "fmt, name, columns",
    [
        ("nmea", "shuttle.nmea", None),
        ("dma", "shuttle_dma.csv", None),
        ("csv", "shuttle_generic.csv", GENERIC_MAP),
    ],
)
def test_store_holds_what_the_readers_read(tmp_path, fmt, name, columns):
    path = AIS_FIX / name
    store = ais_store.ingest(
        path,
        fmt,
        columns,
        cache_dir=tmp_path,
        chunk_bytes=200,
        rows_per_partition=5,
        dask_scheduler="threads",
    )
    assert store.manifest["chunks"] > 3 and store.manifest["partitions"] >= 2
    assert_same_data(ais_readers.read_ais(path, fmt, columns), store.to_ais_data())


def test_nmea_csv_and_parquet_paths_give_the_same_positions(tmp_path):
    nmea = ais_nmea.read_nmea(AIS_FIX / "shuttle.nmea")
    nmea.positions.to_parquet(tmp_path / "positions.parquet", index=False)
    stores = [
        ais_store.ingest(AIS_FIX / "shuttle.nmea", "nmea", cache_dir=tmp_path / "c"),
        ais_store.ingest(AIS_FIX / "shuttle_dma.csv", "dma", cache_dir=tmp_path / "c"),
        ais_store.ingest(
            AIS_FIX / "shuttle_generic.csv", "csv", GENERIC_MAP, cache_dir=tmp_path / "c"
        ),
        ais_store.ingest(tmp_path / "positions.parquet", "parquet", cache_dir=tmp_path / "c"),
    ]
    for store in stores:
        pd.testing.assert_frame_equal(store.get_positions()[VALUES], nmea.positions[VALUES])
    # a Parquet table keeps its own source columns
    pd.testing.assert_frame_equal(stores[-1].get_positions(), nmea.positions)


def test_cached_store_is_reused_and_invalidated_when_an_input_changes(tmp_path, monkeypatch):
    nmea = tmp_path / "ais.nmea"
    shutil.copy(AIS_FIX / "shuttle.nmea", nmea)
    cache = tmp_path / "cache"
    first = ais_store.ingest(nmea, cache_dir=cache)
    assert first.path.parent == cache and len(first.key) == 64

    def no_decoding(*args, **kwargs):
        raise AssertionError("the store should have been reused")

    monkeypatch.setattr(ais_chunks, "decode_chunks", no_decoding)
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
    store = ais_store.ingest(
        AIS_FIX / "shuttle.nmea", cache_dir=tmp_path, chunk_bytes=300, dask_scheduler="threads"
    )
    expected = ais_clean.get_quality_table(ais_nmea.read_nmea(AIS_FIX / "shuttle.nmea"))
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
        ais_store.ingest(
            AIS_FIX / "shuttle_generic.csv", "csv", dict(GENERIC_MAP, lat="Lat"), cache_dir=tmp_path
        )
    assert "shuttle_generic.csv:1 [Lat]" in str(err.value)
    with pytest.raises(ParameterError, match="dask_scheduler"):
        ais_store.ingest(AIS_FIX / "shuttle.nmea", cache_dir=tmp_path, dask_scheduler="fast")
    with pytest.raises(DataError, match="not an AIS store"):
        ais_store.open_store(tmp_path)
