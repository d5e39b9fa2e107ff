"""Tests for tumen.ais.tracks_dask: gap and port-call detection on Dask, equal to the in-process
functions of tumen.ais.tracks on every scheduler (small synthetic traffic, seconds)."""

import dask.dataframe as dd
import pandas as pd
import pytest

from tumen.ais import clean as ais_clean
from tumen.ais import dask_ops as ais_dask
from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.ais import store as ais_store
from tumen.ais import synth as ais_synth
from tumen.ais import tracks, tracks_dask
from tumen.errors import ParameterError

WINDOW = ("2023-08-05", "2023-08-20")


@pytest.fixture(scope="module")
def traffic():
    return ais_synth.get_traffic(24_000, 10, seed=11, jump_rate=2e-3, duplicate_rate=0.01)


@pytest.fixture(scope="module")
def store(traffic, tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "positions.parquet"
    traffic.positions.to_parquet(path, row_group_size=5_000, index=False)
    return ais_store.ingest(
        path,
        "parquet",
        cache_dir=path.parent / "cache",
        rows_per_partition=7_000,
        dask_scheduler="sync",
    )


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster


def in_process(positions, sites, *, window=None, vessels=None, fleet=None):
    """What the analysis does in one process: clean, drop jumps, detect."""
    empty = ais_nmea.decode_nmea_lines([], "")
    data = ais_clean.clean(
        ais_records.AisData(ais_records.sort_positions(positions), empty.vessels, empty.skipped)
    )
    p = data.positions[~data.positions["is_jump"]]
    by = "mmsi"
    if fleet is not None:
        p = ais_fleet.add_vessel(p, fleet)
        p, by = p[p["vessel"].notna()], "vessel"
    return (
        tracks.get_gaps(p, window=window, vessels=vessels, by=by),
        tracks.get_ais_port_calls(p, sites, by=by),
    )


def assert_tables(tables, expected):
    pd.testing.assert_frame_equal(tables.gaps, expected[0])
    pd.testing.assert_frame_equal(tables.calls, expected[1])


def test_store_is_partitioned_by_vessel(store, traffic):
    assert store.manifest["partitions"] == 4
    frame = store.to_dask(["time"])
    assert frame.known_divisions
    assert ais_dask.by_vessel(frame) is frame  # nothing to move


@pytest.mark.parametrize("scheduler", [None, "sync", "threads"])
def test_local_schedulers_give_the_in_process_tables(store, traffic, scheduler):
    expected = in_process(traffic.positions, traffic.sites)
    tables = tracks_dask.get_shuttle_tables(store, traffic.sites, dask_scheduler=scheduler)
    assert_tables(tables, expected)
    assert len(expected[0]) > 50 and len(expected[1]) > 50
    assert tables.counts["positions"] == len(traffic.positions)
    assert tables.counts["duplicates"] == 240 and tables.counts["jumps"] > 20
    assert tables.counts["partitions"] == 4


def test_local_cluster_gives_the_in_process_tables(store, traffic, cluster):
    from distributed import Client

    expected = in_process(traffic.positions, traffic.sites)
    with Client(cluster, set_as_default=False) as client:
        assert_tables(
            tracks_dask.get_shuttle_tables(store, traffic.sites, dask_scheduler=client), expected
        )
    # by address, as the dask_scheduler parameter gives it
    assert_tables(
        tracks_dask.get_shuttle_tables(
            store, traffic.sites, dask_scheduler=cluster.scheduler_address
        ),
        expected,
    )


def test_store_written_on_a_cluster_is_the_same(store, traffic, cluster, tmp_path, capsys):
    path = tmp_path / "positions.parquet"
    traffic.positions.to_parquet(path, row_group_size=5_000, index=False)
    other = ais_store.ingest(
        path,
        "parquet",
        cache_dir=tmp_path / "c",
        progress=True,
        rows_per_partition=7_000,
        dask_scheduler=cluster.scheduler_address,
    )
    assert "decoding parquet" in capsys.readouterr().err
    pd.testing.assert_frame_equal(
        other.get_positions().drop(columns="source_file"),
        store.get_positions().drop(columns="source_file"),
    )


def test_any_dask_frame_is_shuffled_by_vessel(traffic):
    frame = dd.from_pandas(traffic.positions, npartitions=5, sort=False)  # time order
    expected = in_process(traffic.positions, traffic.sites)
    assert_tables(tracks_dask.get_shuttle_tables(frame, traffic.sites), expected)
    assert_tables(tracks_dask.get_shuttle_tables(traffic.positions, traffic.sites), expected)


def test_window_and_vessels_without_a_fix(store, traffic):
    vessels = [273100000, 273100003, 999999999]
    expected = in_process(traffic.positions, traffic.sites, window=WINDOW, vessels=vessels)
    tables = tracks_dask.get_shuttle_tables(store, traffic.sites, window=WINDOW, vessels=vessels)
    assert_tables(tables, expected)
    assert tables.gaps["kind"].tolist()[-1] == "no_ais"


def test_fleet_of_named_vessels_with_several_mmsis(store, traffic):
    fleet = pd.DataFrame(
        {"vessel": ["Angara", "Angara", "Maria"], "mmsi": [273100001, 273100008, 273100004]}
    )
    expected = in_process(
        traffic.positions,
        traffic.sites,
        window=WINDOW,
        vessels=["Angara", "Maria", "Lost"],
        fleet=fleet,
    )
    tables = tracks_dask.get_shuttle_tables(
        store, traffic.sites, window=WINDOW, vessels=["Angara", "Maria", "Lost"], fleet=fleet
    )
    assert_tables(tables, expected)
    assert set(tables.calls["vessel"]) == {"Angara", "Maria"}
    assert tables.counts["positions"] < len(traffic.positions) / 2  # only the fleet's files


def test_gaps_and_calls_alone_equal_shuttle(store, traffic):
    p = traffic.positions
    pd.testing.assert_frame_equal(
        tracks_dask.get_gaps(store, 6.0, window=WINDOW),
        tracks.get_gaps(p, 6.0, window=WINDOW, by="mmsi"),
    )
    frame = dd.from_pandas(p, npartitions=3, sort=False)
    pd.testing.assert_frame_equal(
        tracks_dask.get_ais_port_calls(frame, traffic.sites, min_dwell_h=4.0),
        tracks.get_ais_port_calls(p, traffic.sites, min_dwell_h=4.0, by="mmsi"),
    )


def test_stay_candidates_keep_every_call(traffic):
    p = ais_records.sort_positions(traffic.positions)
    fewer = tracks_dask.stay_candidates(p, "mmsi", tracks.get_sites(traffic.sites), 1.0)
    assert len(fewer) < 0.8 * len(p)
    pd.testing.assert_frame_equal(
        tracks.get_ais_port_calls(fewer, traffic.sites, by="mmsi"),
        tracks.get_ais_port_calls(p, traffic.sites, by="mmsi"),
    )


def test_bad_schedulers_raise_parameter_errors(traffic):
    with pytest.raises(ParameterError, match="unknown Dask scheduler 'fast'"):
        tracks_dask.get_gaps(traffic.positions, dask_scheduler="fast")
    with pytest.raises(ParameterError, match="cannot use"):
        tracks_dask.get_gaps(traffic.positions, dask_scheduler=42)
    with pytest.raises(ParameterError, match="no column 'vessel'"):
        ais_dask.by_vessel(dd.from_pandas(traffic.positions, npartitions=2), "vessel")


def test_unreachable_scheduler_is_a_parameter_error(traffic, monkeypatch):
    monkeypatch.setattr(ais_dask, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ParameterError, match="no Dask scheduler answers"):
        tracks_dask.get_gaps(traffic.positions, dask_scheduler="tcp://127.0.0.1:9")
