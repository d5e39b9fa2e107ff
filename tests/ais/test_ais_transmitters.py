"""Tests for tumen.ais.transmitters: tracks that jump between two places split into candidate
transmitters, on the invented archive of tests/fixtures/ais_archive.py (answers by hand),
in memory and on the Dask path."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from tumen.ais import identity as ident
from tumen.ais import transmitters
from tumen.errors import ParameterError


def test_alternating_track_splits_into_two_transmitters(data):
    table = transmitters.split_transmitters(
        data.positions, max_jump_kn=50.0, min_jumps=4, min_fixes=3
    ).set_index("mmsi")
    shared = table.loc[111000004]
    assert shared["verdict"] == "possibly shared identity"
    assert (shared["jumps"], shared["switches"], shared["candidates"]) == (11, 11, 2)
    assert (shared["fixes_a"], shared["fixes_b"], shared["unassigned"]) == (6, 6, 0)
    assert (shared["lat_a"], shared["lat_b"]) == pytest.approx((40.0, 41.8))
    assert shared["separation_km"] == pytest.approx(200.15, abs=0.01)
    assert "11 legs faster than 50 kn" in shared["reason"]
    # clean flags every inner fix of that track as a jump: it must run before they go
    inner = data.positions[data.positions["mmsi"] == 111000004]["is_jump"]
    assert inner.sum() >= 10


def test_ordinary_and_single_wrong_fix_are_not_flagged(data):
    table = transmitters.split_transmitters(data.positions, max_jump_kn=50.0).set_index("mmsi")
    assert table.loc[111000001, "verdict"] == "one transmitter"
    assert table.loc[111000001, "jumps"] == 0
    assert table.loc[111000001, "lat_a"] == pytest.approx(41.06)  # mean of 41.00..41.12
    # 43.01 -> 44.02 -> 43.03: two legs of ~112 km in 10 min (363 kn)
    assert table.loc[111000005, "verdict"] == "isolated jumps"
    assert table.loc[111000005, "jumps"] == 2
    # with min_jumps 2 the split is tried: one fix cannot be a transmitter of its own
    low = transmitters.split_transmitters(data.positions, min_jumps=2).set_index("mmsi")
    assert low.loc[111000005, "verdict"] == "isolated jumps"
    assert (low.loc[111000005, "fixes_a"], low.loc[111000005, "fixes_b"]) == (4, 1)
    assert "fewer than 3 fixes" in low.loc[111000005, "reason"]


def test_thresholds_decide_the_flag(data):
    # 648 kn legs are plausible below a 700 kn limit: one track, nothing to split
    table = transmitters.split_transmitters(data.positions, max_jump_kn=700.0).set_index("mmsi")
    assert table.loc[111000004, "verdict"] == "one transmitter"
    table = transmitters.split_transmitters(data.positions, min_jumps=12).set_index("mmsi")
    assert table.loc[111000004, "verdict"] == "isolated jumps"
    with pytest.raises(ParameterError):
        transmitters.split_transmitters(data.positions, max_jump_kn=0)


def test_store_path_gives_the_same_tables(data, store):
    assert store.manifest["partitions"] >= 2
    for func in (ident.get_identity_history, ident.get_identity_changes, ident.get_shared_names):
        pd.testing.assert_frame_equal(func(store.vessels), func(data.vessels))
    for options in ({}, {"min_jumps": 2, "min_fixes": 1}):
        expected = transmitters.split_transmitters(data.positions, **options)
        pd.testing.assert_frame_equal(
            transmitters.split_transmitters_dask(store, scheduler="sync", **options), expected
        )
        shuffled = dd.from_pandas(
            data.positions.sample(frac=1, random_state=3), npartitions=3, sort=False
        )
        pd.testing.assert_frame_equal(
            transmitters.split_transmitters_dask(shuffled, scheduler="threads", **options), expected
        )
    assert (
        transmitters.split_transmitters_dask(store, scheduler="sync")["verdict"]
        == "possibly shared identity"
    ).sum() == 1


def test_repeats_and_row_order_do_not_change_the_table(data):
    expected = transmitters.split_transmitters(data.positions)
    p = data.positions
    repeated = pd.concat([p, p[p["mmsi"] == 111000004].head(3)], ignore_index=True)
    shuffled = repeated.sample(frac=1, random_state=5)
    pd.testing.assert_frame_equal(transmitters.split_transmitters(shuffled), expected)
    assert transmitters.split_transmitters(shuffled).set_index("mmsi").loc[111000004, "fixes"] == 12


def test_rare_wrong_fixes_are_too_small_a_share_to_flag():
    # 200 fixes 10 min apart sailing north 0.01 deg a fix (3.6 kn); every 25th fix from the
    # 12th is 3 deg further north: 8 wrong fixes, 16 legs of ~2000 kn. The 8 wrong fixes
    # follow one another at 3.6 kn, so they make a track B of their own: 16 switches, 192
    # and 8 fixes. 8 is less than 5 % of 200 (10): not flagged; with no share needed, flagged.
    t = pd.date_range("2024-02-01", periods=200, freq="10min", tz="UTC")
    lat = 30.0 + 0.01 * np.arange(200) + np.where(np.arange(200) % 25 == 12, 3.0, 0.0)
    p = pd.DataFrame({"mmsi": 111000006, "time": t, "lat": lat, "lon": 25.0})
    row = transmitters.split_transmitters(p, min_share=0.05).iloc[0]
    assert (row["jumps"], row["switches"], row["fixes_a"], row["fixes_b"]) == (16, 16, 192, 8)
    assert row["verdict"] == "isolated jumps"
    assert "the smaller track has fewer than 10 fixes" in row["reason"]
    assert (
        transmitters.split_transmitters(p, min_share=0.0).iloc[0]["verdict"]
        == "possibly shared identity"
    )


def test_an_ordinary_track_with_glitches_and_a_long_silence_stays_one_transmitter():
    # 60 fixes 10 min apart sailing north 0.01 deg a fix (3.6 kn). Fixes 10, 25 and 40 are
    # 3 deg north (6 jumps of ~2000 kn); fix 50 is repeated at the same time 0.2 km east
    # (inf kn, but within the 0.5 km jitter: no jump); fixes 30..59 come after a 5-day
    # silence (from which the stale candidate B reaches anything). Every ordinary fix stays
    # on A: B holds the 3 wrong fixes, 6 switches, and 3 fixes fall short of min_fixes 4.
    t = list(pd.date_range("2024-02-01", periods=60, freq="10min", tz="UTC"))
    t = t[:30] + [x + pd.Timedelta(days=5) for x in t[30:]]
    lat = list(30.0 + 0.01 * np.arange(60) + np.isin(np.arange(60), [10, 25, 40]) * 3.0)
    lon = [25.0] * 60
    t.insert(51, t[50])
    lat.insert(51, lat[50])
    lon.insert(51, 25.0 + 0.2 / (111.195 * np.cos(np.radians(lat[50]))))
    p = pd.DataFrame({"mmsi": 111000008, "time": t, "lat": lat, "lon": lon})
    row = transmitters.split_transmitters(p, min_jumps=4, min_fixes=4, min_share=0.0).iloc[0]
    assert (row["jumps"], row["switches"], row["fixes_a"], row["fixes_b"]) == (6, 6, 58, 3)
    assert row["verdict"] == "isolated jumps"
    assert (
        transmitters.split_transmitters(p, min_fixes=3, min_share=0.0).iloc[0]["verdict"]
        == "possibly shared identity"
    )


def test_a_wrong_fix_before_a_silence_does_not_take_the_track_along():
    # 30 fixes 10 min apart at 30.00..30.29 N, then a wrong fix 3 deg north (33.29 N), a
    # 5-day silence, and 30 fixes from 34.00 N on: the track after the silence is nearer
    # the wrong fix (0.71 deg) than the last right one (3.71 deg), and both reach it; it
    # stays with A, the candidate with more fixes. B holds the one wrong fix: 2 switches.
    t = list(pd.date_range("2024-03-01", periods=31, freq="10min", tz="UTC"))
    t += list(pd.date_range("2024-03-06", periods=30, freq="10min", tz="UTC"))
    lat = list(30.0 + 0.01 * np.arange(30)) + [33.29] + list(34.0 + 0.01 * np.arange(30))
    p = pd.DataFrame({"mmsi": 111000010, "time": t, "lat": lat, "lon": 25.0})
    row = transmitters.split_transmitters(p, min_jumps=1, min_fixes=1, min_share=0.0).iloc[0]
    assert (row["jumps"], row["switches"], row["fixes_a"], row["fixes_b"]) == (1, 2, 60, 1)
