"""Tests for tumen.ais.clean: repeats, impossible jumps, the quality table and the counts."""

import pandas as pd
import pytest
from fixtures.ais_files import NMEA, categories, h

from tumen.ais import clean as ais_clean
from tumen.ais import nmea as ais_nmea
from tumen.geo import earth


def test_drop_duplicates_moves_the_repeat_to_skipped():
    data = ais_clean.drop_duplicates(ais_nmea.read_nmea(NMEA))
    assert len(data.positions) == 16
    assert categories(data)[8] == "duplicate"  # line 8 repeats line 7; the first is kept
    assert 7 in set(data.positions["source_line"])


def test_jump_flag_marks_only_the_impossible_fix():
    pos = ais_clean.clean(ais_nmea.read_nmea(NMEA), max_speed_kn=50.0).positions
    star = pos[pos["mmsi"] == 440000003].set_index("source_line")
    # 42.10 N -> 45.00 N along 131.5 E in 0.5 h: 2.90 deg * 111.1951 km/deg = 322.4657 km
    # = 174.1175 nmi, / 0.5 h = 348.235 kn; back to 42.20 N: 2.80 deg -> 336.227 kn
    assert star.loc[19, "implied_speed_kn"] == pytest.approx(348.235, abs=1e-3)
    assert star.loc[20, "implied_speed_kn"] == pytest.approx(336.227, abs=1e-3)
    assert star["is_jump"].to_dict() == {17: False, 18: False, 19: True, 20: False, 22: False}
    # 0.10 deg in 1 h = 11.1195 km = 6.004 kn
    assert star.loc[18, "implied_speed_kn"] == pytest.approx(6.004, abs=1e-3)
    assert not pos.loc[pos["mmsi"] != 440000003, "is_jump"].any()


@pytest.mark.parametrize(
    "lats, expected",
    [
        ([45.0, 42.0, 42.1, 42.2], [True, False, False, False]),  # first fix is the outlier
        ([42.0, 45.0, 42.1, 42.2], [False, True, False, False]),  # not the first fix as well
        ([42.0, 42.1, 42.2, 45.0], [False, False, False, True]),  # last fix is the outlier
        ([42.0, 45.0], [False, False]),  # two fixes: cannot tell
        ([42.0, 42.1, 42.2, 42.3], [False, False, False, False]),  # 0.1 deg/h = 6 kn
    ],
)
def test_jump_flag_at_track_ends(lats, expected):
    n = len(lats)
    pos = pd.DataFrame(
        {
            "mmsi": [1] * n + [2] * 2,
            "time": [h(i) for i in range(n)] + [h(0), h(1)],
            "lat": lats + [42.0, 45.0],
            "lon": 131.0,
        }
    )
    assert ais_clean.add_jump_flag(pos)["is_jump"].tolist() == expected + [False, False]


def test_quality_table_and_counts():
    data = ais_clean.clean(ais_nmea.read_nmea(NMEA))
    table = ais_clean.get_quality_table(data).set_index("category")
    assert table.loc["position", "records"] == 16
    assert table.loc["static", "records"] == 4
    assert table.loc["duplicate", "status"] == "removed"
    assert table.loc["bad_checksum", "examples"].endswith("shuttle.nmea:25")
    # 34 lines, two type 5 messages of two lines each: 32 records;
    # rejected = 10 (lines 21, 25, 27-34); other_type and duplicate are neither
    assert ais_clean.count_records(data) == {"records": 32, "kept": 20, "rejected": 10}


def test_haversine_one_degree_of_latitude():
    # pi/180 * 6371.0088 km = 111.1951 km
    assert earth.haversine_km(42.0, 130.0, 43.0, 130.0) == pytest.approx(111.1951, abs=1e-4)


def test_density_grid_counts_positions_per_cell():
    pos = ais_nmea.read_nmea(NMEA).positions
    grid = ais_clean.to_density_grid(pos, [42.0, 42.5, 43.0], [130.0, 131.25, 132.5])
    # lat 42.0-42.5: MARIA 42.40, 42.49, 42.20 (lon 131.0) and SEA STAR 42.0, 42.1, 42.2,
    # 42.3 (131.5); 42.50 N is in the upper row. 42.5-43.0: ANGARA x8 (132.35), MARIA 42.50.
    assert grid.sel(lat=42.25).values.tolist() == [3, 4]
    assert grid.sel(lat=42.75).values.tolist() == [1, 8]
    assert int(grid.sum()) == 16  # 45.0 N is outside the grid


def test_quality_table_lists_flagged_jumps_without_counting_them_twice():
    data = ais_clean.clean(ais_nmea.read_nmea(NMEA))
    table = ais_clean.get_quality_table(data).set_index("category")
    # SEA STAR at 45 N on line 19 between fixes near 42 N: flagged, still a position
    assert table.loc["jump", ["status", "records"]].tolist() == ["flagged", 1]
    assert table.loc["jump", "examples"].endswith("shuttle.nmea:19")
    assert table.index.tolist().index("jump") == 2  # after position and static
    assert ais_clean.count_records(data) == {"records": 32, "kept": 20, "rejected": 10}
    assert "jump" not in ais_clean.get_quality_table(ais_nmea.read_nmea(NMEA))["category"].tolist()


def test_summary_counts_positions_jumps_and_ships():
    data = ais_clean.clean(ais_nmea.read_nmea(NMEA))
    assert ais_clean.get_summary(data) == {
        "records": 32,
        "kept": 20,
        "rejected": 10,
        "positions": 16,
        "jumps": 1,
        "vessels": 3,
    }
    assert ais_clean.get_summary(ais_nmea.read_nmea(NMEA))["jumps"] == 0
