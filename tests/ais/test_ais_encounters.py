"""Tests for tumen.ais.encounters: encounters and loitering on tiny hand-made tracks (invented
MMSIs, places and dates), and the same tables on the in-memory and the Dask path."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from tumen.ais import encounter_bins as bins
from tumen.ais import encounters as enc
from tumen.errors import DataError, ParameterError
from tumen.geo import coast
from tumen.geo.earth import KM_PER_NM

T0 = pd.Timestamp("2031-03-02 00:00", tz="UTC")
LAT, LON = 56.0, 3.0  # open North Sea: about 278 km from the nearest coast
M_PER_DEG_LAT = 111_195.0  # tumen.geo.earth.EARTH_RADIUS_KM sphere
FAR_PORT = pd.DataFrame({"lat": [LAT], "lon": [2.0], "radius_km": [2.0]})  # ~62 km west


def track(mmsi, lat, lon, hours, *, kn=1.0, step_min=10, start=T0, sog=None):
    """A ship heading due north at ``kn`` from (lat, lon), a fix every ``step_min``."""
    n = int(round(hours * 60 / step_min)) + 1
    h = np.arange(n) * step_min / 60.0
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "time": start + pd.to_timedelta(h, unit="h"),
            "lat": lat + h * kn / 60.0,  # 1 kn = 1 nm/h = 1/60 degree/h
            "lon": float(lon),
            "sog": kn if sog is None else sog,
        }
    )


def east(metres, lat=LAT):
    """Degrees of longitude that make ``metres`` east at ``lat``."""
    return metres / (M_PER_DEG_LAT * np.cos(np.radians(lat)))


def pair(metres, hours, **kw):
    return pd.concat(
        [
            track(900000001, LAT, LON, hours, **kw),
            track(900000002, LAT, LON + east(metres), hours, **kw),
        ],
        ignore_index=True,
    )


def test_the_places_are_where_the_tests_say():
    assert coast.get_shore_distance_km(LAT, LON)[0] > 200
    km = coast.get_shore_distance_km(np.linspace(56.0, 56.0 + 5 / 60, 6), np.full(6, 7.95))
    assert np.all((km / KM_PER_NM > 4.5) & (km / KM_PER_NM < 6))  # about 5 nm
    km = coast.get_shore_distance_km(np.linspace(56.0, 56.0 + 5 / 60, 6), np.full(6, 7.2))
    assert np.all((km / KM_PER_NM > 28) & (km / KM_PER_NM < 32))  # about 30 nm
    assert bins.get_port_km([LAT], [LON], FAR_PORT)[0] > 50


def test_two_ships_300_m_apart_for_3_h_meet_once():
    # Fixes every 10 min from 00:00 to 03:00 (19 each), both at 1 kn < 2 kn, 300 m < 500 m
    # apart: grid times 00:00 ... 03:00 are all close -> one encounter of 18 x 10 min = 3 h.
    out = enc.get_encounters(pair(300, 3.0), ports=FAR_PORT)
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["mmsi_a"], row["mmsi_b"]) == (900000001, 900000002)
    assert row["start"] == T0 and row["end"] == T0 + pd.Timedelta(hours=3)
    assert row["duration_h"] == 3.0
    assert abs(row["median_distance_m"] - 300) < 1
    # mean position: half-way along the 3 nm run north, half-way between the ships
    assert row["lat"] == pytest.approx(LAT + 1.5 / 60, abs=1e-9)
    assert row["lon"] == pytest.approx(LON + east(150), abs=1e-9)
    assert row["port_km"] > 50
    assert row["shore_km"] == pytest.approx(
        coast.get_shore_distance_km(round(row["lat"], 2), round(row["lon"], 2))[0]
    )
    assert list(out.columns) == enc.ENCOUNTER_COLUMNS


def test_too_far_apart_too_short_too_fast_or_near_a_port_is_no_encounter():
    assert enc.get_encounters(pair(800, 3.0), ports=FAR_PORT).empty  # 800 m > 500 m
    assert enc.get_encounters(pair(300, 1.5), ports=FAR_PORT).empty  # 1.5 h < 2 h
    assert enc.get_encounters(pair(300, 3.0, kn=3.0), ports=FAR_PORT).empty  # 3 kn >= 2 kn
    near = pd.DataFrame({"lat": [LAT], "lon": [LON], "radius_km": [2.0]})
    # the run goes 3 nm (5.6 km) north from the port centre: at most 3.6 km from its edge
    assert enc.get_encounters(pair(300, 3.0), ports=near).empty
    assert len(enc.get_encounters(pair(300, 3.0), ports=near, min_port_km=3.0)) == 0
    assert len(enc.get_encounters(pair(300, 3.0), ports=near, min_port_km=0.0)) == 1


def test_an_optional_shore_distance_stands_in_for_anchorages():
    # the same meeting at 56.0 N, 7.95 E: about 5 nm (9-10 km) from the coast all along
    coastal = pd.concat(
        [track(900000001, 56.0, 7.95, 3.0), track(900000002, 56.0, 7.95 + east(300), 3.0)],
        ignore_index=True,
    )
    found = enc.get_encounters(coastal)
    assert len(found) == 1 and 9 < found["shore_km"].iloc[0] < 10
    assert len(enc.get_encounters(coastal, min_shore_km=9.0)) == 1
    assert enc.get_encounters(coastal, min_shore_km=10.0).empty


def test_a_port_cuts_the_start_of_an_encounter():
    # Port centre 5 km south of the start, radius 2 km: the edge is 3 km from the start and
    # the ships sail away at 1/60 degree/h = 1.853 km/h, so they are 10 km from it once
    # 3 + 1.853 h >= 10, h >= 3.78 h: a 6 h meeting keeps the grid times 03:50 ... 06:00.
    south = pd.DataFrame({"lat": [LAT - 5 / 111.195], "lon": [LON], "radius_km": [2.0]})
    out = enc.get_encounters(pair(300, 6.0), ports=south)
    assert len(out) == 1
    assert out["start"].iloc[0] == T0 + pd.Timedelta(hours=3, minutes=50)
    assert out["duration_h"].iloc[0] == pytest.approx(2 + 10 / 60)


def test_fixes_off_the_grid_are_interpolated_and_long_gaps_are_not():
    # Fixes at 00:05, 00:25, ... (every 20 min) to 03:05: grid times 00:10 ... 03:00 lie
    # between two fixes 20 min apart -> an encounter from 00:10 to 03:00 (2 h 50 min).
    a = track(900000001, LAT, LON, 3.0, step_min=20, start=T0 + pd.Timedelta(minutes=5))
    b = track(900000002, LAT, LON + east(300), 3.0, step_min=20, start=T0 + pd.Timedelta(minutes=5))
    out = enc.get_encounters(pd.concat([a, b]))
    assert out["start"].tolist() == [T0 + pd.Timedelta(minutes=10)]
    assert out["duration_h"].tolist() == [pytest.approx(17 / 6)]
    # 20 min between fixes is more than a 0.25 h leg: nothing is interpolated
    assert enc.get_encounters(pd.concat([a, b]), max_fix_gap_h=0.25).empty


def test_three_ships_give_the_pairs_within_500_m():
    # A at 0 m, B 300 m east, C 600 m east: A-B and B-C are 300 m apart, A-C 600 m
    ships = pd.concat(
        [
            track(900000003, LAT, LON, 3.0),
            track(900000001, LAT, LON + east(300), 3.0),
            track(900000002, LAT, LON + east(600), 3.0),
        ],
        ignore_index=True,
    )
    out = enc.get_encounters(ships.sample(frac=1.0, random_state=1))  # any row order
    assert list(zip(out["mmsi_a"], out["mmsi_b"])) == [
        (900000001, 900000002),
        (900000001, 900000003),
    ]
    assert out["duration_h"].tolist() == [3.0, 3.0]


def test_loitering_30_nm_offshore_but_not_5_nm():
    # 1 kn < 2 kn for 5 h (31 fixes) >= 4 h, about 30 nm from shore >= 20 nm -> one event
    out = enc.get_loitering(track(900000004, 56.0, 7.2, 5.0))
    assert len(out) == 1
    row = out.iloc[0]
    assert row["mmsi"] == 900000004 and row["start"] == T0 and row["duration_h"] == 5.0
    assert 28 < row["shore_km"] / KM_PER_NM < 32
    assert row["shore_km"] == pytest.approx(
        coast.get_shore_distance_km(round(row["lat"], 2), round(row["lon"], 2))[0]
    )
    assert enc.get_loitering(track(900000004, 56.0, 7.95, 5.0)).empty  # about 5 nm
    assert enc.get_loitering(track(900000004, 56.0, 7.2, 3.5)).empty  # 3.5 h < 4 h
    assert enc.get_loitering(track(900000004, 56.0, 7.2, 5.0, sog=2.5)).empty  # 2.5 kn
    assert list(out.columns) == enc.LOITERING_COLUMNS


def test_a_fast_fix_breaks_the_run():
    # 6 h at 1 kn, but the fix at 03:00 reports 5 kn: legs 02:50-03:00 and 03:00-03:10 are
    # not slow, so grid times 00:00 ... 02:50 and 03:10 ... 06:00 are two runs of < 4 h
    ship = track(900000004, 56.0, 7.2, 6.0)
    ship.loc[18, "sog"] = 5.0
    assert enc.get_loitering(ship).empty
    assert len(enc.get_loitering(ship, min_duration_h=2.5)) == 2


def test_empty_and_bad_input():
    empty = pair(300, 3.0).iloc[:0]
    assert enc.get_encounters(empty).empty and enc.get_loitering(empty).empty
    with pytest.raises(DataError, match="sog"):
        enc.get_encounters(pair(300, 3.0).drop(columns="sog"))
    with pytest.raises(ParameterError, match="time_step_min"):
        enc.get_encounters(pair(300, 3.0), time_step_min=0)


def test_dask_gives_the_same_tables():
    ships = pd.concat(
        [
            pair(300, 3.0),
            track(900000003, LAT, LON + east(600), 3.0),
            track(900000004, 56.0, 7.2, 5.0),
            track(900000005, LAT + 1, LON, 6.0, start=T0 + pd.Timedelta(days=1)),
            track(
                900000006,
                LAT + 1 + 2 / 60,
                LON + east(100),
                6.0,  # alongside
                start=T0 + pd.Timedelta(days=1, hours=2),
            ),
        ],
        ignore_index=True,
    )
    expected_enc = enc.get_encounters(ships, ports=FAR_PORT)
    expected_loi = enc.get_loitering(ships)
    assert len(expected_enc) == 3 and len(expected_loi) == 3
    frames = [
        dd.from_pandas(ships, npartitions=3, sort=False),  # shuffled by MMSI
        dd.from_pandas(ships.set_index("mmsi").sort_index(), npartitions=2),  # by MMSI
        ships,
    ]
    for frame in frames:
        pd.testing.assert_frame_equal(
            enc.get_encounters_dask(frame, ports=FAR_PORT, dask_scheduler="sync"), expected_enc
        )
        pd.testing.assert_frame_equal(
            enc.get_loitering_dask(frame, dask_scheduler="sync"), expected_loi
        )


def test_a_store_partitioned_by_mmsi_gives_the_same_tables(tmp_path):
    from tumen.ais import store as ais_store
    from tumen.ais import synth as ais_synth

    traffic = ais_synth.get_traffic(24_000, 10, seed=11)  # repeats, jumps, archive order
    path = tmp_path / "positions.parquet"
    traffic.positions.to_parquet(path, row_group_size=5_000, index=False)
    store = ais_store.ingest(
        path,
        "parquet",
        cache_dir=tmp_path / "cache",
        rows_per_partition=7_000,
        dask_scheduler="sync",
    )
    assert store.manifest["partitions"] > 1
    expected = enc.get_encounters(traffic.positions)
    assert len(expected) > 3  # ships slow side by side in the synthetic ports
    pd.testing.assert_frame_equal(
        enc.get_encounters_dask(store, dask_scheduler="threads"), expected
    )
    pd.testing.assert_frame_equal(
        enc.get_loitering_dask(store, dask_scheduler="sync"), enc.get_loitering(traffic.positions)
    )
    assert enc.get_encounters_dask(store, ports=traffic.sites).empty  # all in port
