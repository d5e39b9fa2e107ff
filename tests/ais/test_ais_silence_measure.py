"""Tests for tumen.ais.silence_measure: the per-partition counts behind the silences and
their order-free sum, on a hand-made archive on the equator (invented ships and dates).

One silence of ship 1 from h 0 to h 10 (h = hours after T0), both ends at (0.0 N, 0.5 E).
Ship 2 is heard during it at 0.6 E (11.1 km away) at h 2 and 4 and at 0.52 E (2.2 km) at
h 4.5; ship 3 at 1.5 E (111 km) at h 5. Ship 1 itself is heard at h -2, -1, 0 and 10.
"""

import numpy as np
import pandas as pd
import pytest

from tumen.ais import silence_measure as measure
from tumen.errors import DataError, ParameterError

T0 = pd.Timestamp("2031-05-10 12:00", tz="UTC")
RADII, BEFORES = (5.0, 20.0), (1.0, 12.0)


def archive() -> pd.DataFrame:
    rows = [
        (1, -2, 0.5),
        (1, -1, 0.5),
        (1, 0, 0.5),
        (1, 10, 0.5),
        (2, 2, 0.6),
        (2, 4, 0.6),
        (2, 4.5, 0.52),
        (3, 5, 1.5),
    ]
    return pd.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "time": [T0 + pd.Timedelta(hours=r[1]) for r in rows],
            "lat": 0.0,
            "lon": [r[2] for r in rows],
        }
    )


SILENCES = pd.DataFrame(
    {
        "start": [T0.value],
        "end": [(T0 + pd.Timedelta(hours=10)).value],
        "lat_b": [0.0],
        "lon_b": [0.5],
        "lat_a": [0.0],
        "lon_a": [0.5],
        "own": [(1,)],
    }
)


def counts(parts):
    return measure.reduce_parts(parts, len(SILENCES), len(RADII), len(BEFORES))


def part(frame):
    return measure.measure_partition(
        frame, silences=SILENCES, radii=RADII, befores=BEFORES, cell_deg=1.0
    )


def test_one_partition_counts_neighbours_own_reports_and_cells():
    m = counts([part(archive())])
    # ship 2: 1 report within 5 km, 3 within 20 km; ship 3 is too far; ship 1 is the ship
    assert m["ships"].tolist() == [[1, 1]] and m["reports"].tolist() == [[1, 3]]
    # own reports up to the start: h -1 and 0 within 1 h, h -2, -1 and 0 within 12 h
    assert m["before"].tolist() == [[2, 3]]
    corner = measure.cell_corner(m["cells"].index.to_numpy(), 1.0)
    assert [c.tolist() for c in corner] == [[0.0, 0.0], [0.0, 1.0]]
    # cell (0, 0): 4 + 3 reports on 2 ship-days; cell (0, 1): ship 3's one report
    assert m["cells"].to_dict("list") == {"positions": [7, 1], "ship_days": [2, 1]}


def test_any_partitioning_gives_the_same_sums():
    whole = counts([part(archive())])
    p = archive()
    for split in ([p.iloc[:4], p.iloc[4:]], [p.iloc[::2], p.iloc[1::2]], [p.iloc[::-1]]):
        m = counts([part(s) for s in split])
        pd.testing.assert_frame_equal(m["cells"], whole["cells"])
        for k in ("ships", "reports", "before"):
            assert m[k].tolist() == whole[k].tolist(), k


def test_cell_keys_and_corners():
    keys = measure.cell_key(np.array([-23.0, 42.5, 0.0]), np.array([13.32, 190.0, -0.1]), 1.0)
    lat, lon = measure.cell_corner(keys, 1.0)
    assert lat.tolist() == [-23.0, 42.0, 0.0] and lon.tolist() == [13.0, -170.0, -1.0]


def test_bad_positions_are_named():
    with pytest.raises(DataError, match="no column 'lat'"):
        part(archive().drop(columns="lat"))
    with pytest.raises(ParameterError, match="cannot read positions from list"):
        measure.to_frame([])
