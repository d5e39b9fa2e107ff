"""Tests for tumen.ais.silences: every silence explained (neighbour control, cell
reception, GFW's rule), in memory and on Dask, against hand-worked answers.

The tracks lie off the coast of Namibia (invented ships and dates): the silent ship falls
silent at (23.0 S, 13.32 E), about 60 nm from shore, or at the same place moved 1° east,
(23.0 S, 14.32 E), about 5 nm from shore; the shore distances are checked first.
"""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from tumen.ais import silence_rules, tracks
from tumen.ais import silences as sil
from tumen.ais import store as ais_store
from tumen.errors import DataError, ParameterError
from tumen.geo import coast
from tumen.geo.earth import KM_PER_NM

SHIP, SECOND, FILLER, NEIGHBOUR = 990000001, 990000004, 990000002, 990000003
FAR_LON, NEAR_LON, LAT = 13.32, 14.32, -23.0
T0 = pd.Timestamp("2031-05-10 12:00", tz="UTC")  # the silence starts (last fix)
H = pd.Timedelta(hours=1)


def test_the_test_points_are_where_the_tests_say():
    nm = (
        coast.get_shore_distance_km(
            [LAT, LAT, -22.9, -22.9], [FAR_LON, NEAR_LON, FAR_LON, NEAR_LON]
        )
        / KM_PER_NM
    )
    assert 59 < nm[0] < 62 and 4.5 < nm[1] < 5.5  # start points: 60 nm and 5 nm
    assert 59 < nm[2] < 62 and 5.5 < nm[3] < 7  # end points (0.1° north)


def reports(mmsi, times, lat, lon):
    return pd.DataFrame({"mmsi": mmsi, "time": pd.DatetimeIndex(times), "lat": lat, "lon": lon})


def archive(lon0, *, filler=True, neighbour=None):
    """The silent ship: 15 fixes every 45 min up to T0 at (LAT, lon0) (the earliest 10.5 h
    before T0), silent 13 h, next fix at (-22.9, lon0), the next day. Filler: 20 reports of
    another ship in the same 1° cell on the first morning, before the silence. So the cell
    holds 36 reports on 3 ship-days (the ship on two days, the filler on one)."""
    parts = [
        reports(SHIP, [T0 - 0.75 * k * H for k in range(14, -1, -1)], LAT, lon0),
        reports(SHIP, [T0 + 13 * H], -22.9, lon0),
    ]
    if filler:
        parts.append(
            reports(
                FILLER,
                [T0 - 12 * H + 4 * k * pd.Timedelta(minutes=1) for k in range(20)],
                -22.5,
                lon0 + 0.3,
            )
        )
    if neighbour is not None:
        parts.append(neighbour)
    return pd.concat(parts, ignore_index=True).sort_values(["mmsi", "time"], ignore_index=True)


def gaps_of(positions, **kw):
    p = positions[positions["mmsi"] == SHIP].assign(vessel="Test Ship")
    return tracks.get_gaps(p, 6.0, **kw)


FLEET = pd.DataFrame({"vessel": ["Test Ship"], "mmsi": [SHIP]})


def explain(positions, gaps=None, **kw):
    gaps = gaps_of(positions) if gaps is None else gaps
    return sil.explain_silences(gaps, positions, by="vessel", exclude_mmsi=FLEET, **kw)


def test_cell_reception_is_reports_per_ship_day():
    # cell (-23, 13): silent ship 15 + 1 on two days, filler 20 on one day = 36 reports on
    # 3 ship-days = 12.0 per ship a day (GFW's measure)
    cells = sil.get_cell_reception(archive(FAR_LON))
    assert cells.to_dict("records") == [
        {"cell_lat": -23.0, "cell_lon": 13.0, "positions": 36, "ship_days": 3, "per_day": 12.0}
    ]


def test_far_offshore_silence_counts_for_gfw():
    row = explain(archive(FAR_LON)).iloc[0]
    # 13 h >= 12; 60.3 nm >= 50; 12.0 per ship a day > 10; 15 fixes in the 12 h up to T0 >= 14
    assert row["duration_h"] == 13.0 and row["fixes_before"] == 15
    assert row["cell_per_day"] == 12.0 and (row["cell_lat"], row["cell_lon"]) == (-23.0, 13.0)
    assert 59 < row["shore_km_before"] / KM_PER_NM < 62
    assert row["gfw"] and row["gfw_reason"].startswith("lasts 13.0 h, starts 60.")
    # nobody heard during the silence, but the cell is well received: undetermined
    assert row["neighbours"] == 0 and row["neighbour_rate_per_h"] == 0.0
    assert row["class"] == "undetermined" and row["reason"] == (
        "no other ship heard within 20 km of where it fell silent or reappeared during the "
        "silence; its 1° cell receives 12.0 reports per ship a day, but no neighbour shows that "
        "reception worked then"
    )


def test_the_same_silence_near_shore_does_not_count_for_gfw():
    row = explain(archive(NEAR_LON)).iloc[0]
    assert not row["gfw"]
    assert (
        row["gfw_reason"] == "starts 5.1 nm from shore (rule: at least 50 nm)"
    )  # the only failure


def every_ten_minutes(mmsi, lat, lon):
    # strictly inside (T0, T0 + 13 h): T0 + 10 min ... T0 + 12 h 50 min, 77 reports
    return reports(mmsi, [T0 + k * pd.Timedelta(minutes=10) for k in range(1, 78)], lat, lon)


def test_a_neighbour_heard_every_ten_minutes_means_switched_off():
    # the neighbour is 0.05° (5.6 km) north of the start point, inside neighbour_km = 20
    table = explain(archive(NEAR_LON, neighbour=every_ten_minutes(NEIGHBOUR, -22.95, NEAR_LON)))
    row = table.iloc[0]
    assert row["neighbours"] == 1 and row["neighbour_positions"] == 77
    assert row["neighbour_rate_per_h"] == pytest.approx(77 / 13)  # 5.9 an hour >= 1
    assert row["class"] == "likely switched off"
    assert (
        row["reason"].startswith("1 other ship heard within 20 km")
        and "5.9 reports" in row["reason"]
    )
    # cell: 36 + 77 = 113 reports on 3 + 2 ship-days (the neighbour on both days)
    assert row["cell_per_day"] == pytest.approx(113 / 5)


def test_the_ships_own_second_mmsi_is_not_a_neighbour():
    positions = archive(NEAR_LON, neighbour=every_ten_minutes(SECOND, -22.95, NEAR_LON))
    fleet = pd.DataFrame({"vessel": ["Test Ship", "Test Ship"], "mmsi": [SHIP, SECOND]})
    gaps = gaps_of(positions)
    own = sil.explain_silences(gaps, positions, exclude_mmsi=fleet).iloc[0]
    other = sil.explain_silences(gaps, positions, exclude_mmsi=FLEET).iloc[0]
    assert own["neighbours"] == 0 and own["class"] == "undetermined"
    assert other["neighbours"] == 1 and other["class"] == "likely switched off"


def test_no_neighbour_in_a_poorly_received_cell_is_possibly_reception():
    # without the filler the cell holds the ship's 16 reports: 16 / 2 ship-days = 8.0 <= 10
    row = explain(archive(NEAR_LON, filler=False)).iloc[0]
    assert row["cell_per_day"] == 8.0 and row["neighbours"] == 0
    assert row["class"] == "possibly reception"
    assert "8.0 reports per ship a day (at most 10)" in row["reason"]
    assert not row["gfw"] and "8.0 reports per ship a day (rule: more than 10)" in row["gfw_reason"]


def test_a_neighbour_too_rarely_heard_or_too_far_is_no_evidence():
    # 5 reports in 13 h, 5 km south of the start: 0.38 an hour < 1; and one every 10 min
    # 25 km south (> 20 km; 36 km from the end point). Both in the cell to the south, so
    # the start cell keeps the ship's 16 reports: 8.0 a day
    rare = reports(NEIGHBOUR, [T0 + k * H for k in (1, 3, 5, 7, 9)], LAT - 5 / 111.2, NEAR_LON)
    far = every_ten_minutes(FILLER + 10, LAT - 25 / 111.2, NEAR_LON)
    positions = archive(NEAR_LON, filler=False, neighbour=pd.concat([rare, far]))
    row = explain(positions).iloc[0]
    assert row["neighbours"] == 1 and row["neighbour_positions"] == 5
    assert row["class"] == "possibly reception" and "(fewer than 1)" in row["reason"]
    # at 30 km the far ship counts: 2 ships, 82 reports / 13 h = 6.3 an hour
    wide = explain(positions, neighbour_km=30.0).iloc[0]
    assert wide["neighbours"] == 2 and wide["class"] == "likely switched off"


def test_reports_at_the_first_and_last_fix_times_are_not_during_the_silence():
    edge = reports(NEIGHBOUR, [T0, T0 + 13 * H], -22.95, NEAR_LON)
    row = explain(archive(NEAR_LON, neighbour=edge)).iloc[0]
    assert row["neighbours"] == 0


def test_window_edge_silences_are_undetermined():
    positions = archive(FAR_LON, neighbour=every_ten_minutes(NEIGHBOUR, -22.95, FAR_LON))
    ship = positions[positions["mmsi"] == SHIP].assign(vessel="Test Ship")
    gaps = tracks.get_gaps(
        ship, 6.0, window=("2031-05-09", "2031-05-12"), vessels=["Test Ship", "Never Heard"]
    )
    table = sil.explain_silences(gaps, positions, exclude_mmsi=FLEET)
    kinds = dict(zip(table["kind"], table["class"]))
    assert kinds == {
        "before_first": "undetermined",
        "between": "likely switched off",
        "after_last": "undetermined",
        "no_ais": "undetermined",
    }
    edge = table[table["kind"] != "between"]
    assert not edge["gfw"].any()
    assert edge["reason"].tolist() == [silence_rules.EDGE_REASONS[k] for k in edge["kind"]]
    never = table[table["kind"] == "no_ais"].iloc[0]
    assert pd.isna(never["neighbours"]) and pd.isna(never["fixes_before"])
    assert np.isnan(never["cell_per_day"])


def test_too_few_fixes_before_and_too_short_fail_gfw():
    positions = archive(FAR_LON)
    positions = positions.drop(index=positions.index[(positions["mmsi"] == SHIP)][:2])
    row = explain(positions, gfw_min_gap_h=14.0).iloc[0]
    # two earliest fixes dropped: 13 fixes; cell 34 reports / 3 ship-days
    assert row["fixes_before"] == 13 and row["cell_per_day"] == pytest.approx(34 / 3)
    assert row["gfw_reason"] == (
        "lasts 13.0 h (rule: at least 14 h); 13 reports in the 12 h before (rule: at least 14)"
    )


def test_sensitivity_counts_move_with_the_thresholds():
    # a neighbour every 10 min 15 km south of the start (26 km from the end), in the cell
    # to the south: the start cell keeps 26 reports, 13.0 a day
    positions = archive(FAR_LON, neighbour=every_ten_minutes(NEIGHBOUR, LAT - 15 / 111.2, FAR_LON))
    table = sil.get_silence_sensitivity(gaps_of(positions), positions, exclude_mmsi=FLEET)
    rows = {(r["parameter"], r["change"]): r for r in table.to_dict("records")}
    base = rows[("all as set", "as set")]
    assert base["likely switched off"] == 1 and base["GFW would count"] == 1
    assert base == {**base, **explain_counts(explain(positions))}
    # 15 km away: at 10 km it is not a neighbour, and the cell's 13.0 a day is > 10
    assert rows[("neighbour_km", "halved")]["undetermined"] == 1
    assert rows[("neighbour_km", "halved")]["value"] == 10.0
    # 77 / 13 = 5.9 an hour: still enough at 2 an hour
    assert rows[("min_neighbour_rate_per_h", "doubled")]["likely switched off"] == 1
    assert rows[("gfw_min_gap_h", "doubled")]["GFW would count"] == 0  # 13 h < 24 h
    assert rows[("gfw_min_shore_nm", "doubled")]["GFW would count"] == 0  # 60 nm < 100
    assert rows[("gfw_min_fixes_before", "doubled")]["value"] == 28.0
    assert rows[("before_h", "halved")]["GFW would count"] == 0  # 6 h: 9 fixes (T0-6h..T0)
    assert len(table) == 1 + 2 * len(silence_rules.VARIED)


def explain_counts(table):
    counts = table["class"].value_counts()
    return {
        **{c: int(counts.get(c, 0)) for c in silence_rules.CLASSES},
        "GFW would count": int(table["gfw"].sum()),
    }


def test_bad_inputs_are_named():
    positions = archive(FAR_LON)
    with pytest.raises(ParameterError, match="MMSI of 'Test Ship' is not known"):
        sil.explain_silences(gaps_of(positions), positions)
    with pytest.raises(DataError, match="no column 'kind'"):
        sil.explain_silences(gaps_of(positions).drop(columns="kind"), positions, exclude_mmsi=FLEET)
    with pytest.raises(ParameterError, match="neighbour_km"):
        explain(positions, neighbour_km=-1.0)
    with pytest.raises(ParameterError, match="unknown silence threshold 'neighbor_km'"):
        sil.get_silence_sensitivity(
            gaps_of(positions), positions, exclude_mmsi=FLEET, neighbor_km=5.0
        )


def test_no_silences_give_an_empty_table():
    positions = archive(FAR_LON)
    table = explain(positions, gaps=gaps_of(positions).iloc[:0])
    assert len(table) == 0 and "class" in table and "gfw_reason" in table


# --- the same tables on Dask --------------------------------------------------------


def big_archive():
    """Both scenarios side by side and a second silent ship by MMSI: several cells."""
    near = archive(NEAR_LON, neighbour=every_ten_minutes(NEIGHBOUR, -22.95, NEAR_LON))
    far = archive(FAR_LON, filler=False)
    far["mmsi"] = far["mmsi"].replace({SHIP: SHIP + 100})
    return pd.concat([near, far], ignore_index=True).sort_values(
        ["mmsi", "time"], ignore_index=True
    )


@pytest.mark.parametrize("npartitions", [1, 3])
def test_dask_frames_give_the_in_memory_tables(npartitions):
    positions = big_archive()
    gaps = tracks.get_gaps(positions, 6.0, by="mmsi")
    assert len(gaps) == 2
    expected = sil.explain_silences(gaps, positions, by="mmsi")
    assert expected["class"].tolist() == ["likely switched off", "possibly reception"]
    # indexed by mmsi (as a store is) and, shuffled, with mmsi as a column in any partition
    frames = [
        dd.from_pandas(positions.set_index("mmsi"), npartitions=npartitions),
        dd.from_pandas(
            positions.sample(frac=1.0, random_state=3), npartitions=npartitions, sort=False
        ),
    ]
    for frame in frames:
        got = sil.explain_silences(gaps, frame, by="mmsi", dask_scheduler="sync")
        pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(
        sil.get_cell_reception(frames[1], dask_scheduler="sync"), sil.get_cell_reception(positions)
    )
    pd.testing.assert_frame_equal(
        sil.get_silence_sensitivity(gaps, frames[0], by="mmsi", dask_scheduler="threads"),
        sil.get_silence_sensitivity(gaps, positions, by="mmsi"),
    )


def test_a_positions_store_gives_the_in_memory_table(tmp_path):
    positions = big_archive()
    path = tmp_path / "positions.parquet"
    positions.to_parquet(path, index=False)
    store = ais_store.ingest(
        path, "parquet", cache_dir=tmp_path / "cache", rows_per_partition=60, dask_scheduler="sync"
    )
    assert store.manifest["partitions"] > 1
    gaps = tracks.get_gaps(positions, 6.0, by="mmsi")
    pd.testing.assert_frame_equal(
        sil.explain_silences(gaps, store, by="mmsi", dask_scheduler="sync"),
        sil.explain_silences(gaps, positions, by="mmsi"),
    )


def test_the_ais_layer_imports_no_analysis():
    import subprocess
    import sys

    code = (
        "import sys, tumen.ais.silences; "
        "print(sorted(m for m in sys.modules if m.startswith(('tumen.analyses', 'tumen.report'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
