"""Tests for tumen.ais.store_write: how the positions store is cut into partitions."""

import pandas as pd

from tumen.ais import store_write as ais_store_write


def test_mmsi_ranges_never_split_a_vessel():
    counts = pd.Series([3, 10, 1, 1, 6], index=[5, 7, 8, 9, 12])
    assert ais_store_write.get_mmsi_ranges(counts, 5) == [(5, 7), (7, 12), (12, 13)]
    assert ais_store_write.get_mmsi_ranges(counts, 100) == [(5, 13)]
    assert ais_store_write.get_mmsi_ranges(pd.Series([], dtype="int64"), 5) == [(0, 1)]
