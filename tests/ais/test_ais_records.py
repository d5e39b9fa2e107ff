"""Tests for tumen.ais.records: the row order of the positions table."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tumen.ais import records as ais_records


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 400), st.sampled_from([3, 300, 70_000]), st.integers(0, 2**31), st.booleans())
def test_position_order_is_the_lexsort_of_mmsi_time_and_minor_keys(n, vessels, seed, minor2):
    rng = np.random.default_rng(seed)
    mmsi = rng.integers(1, vessels + 1, n) * 1000
    time_ns = rng.integers(0, 5, n) * 10**9  # many ties
    line = rng.permutation(n) // 2  # ties too: then the input order decides
    rank = rng.integers(0, 3, n)
    minor = (rank, line) if minor2 else (line,)
    want = np.lexsort((*reversed(minor), time_ns, mmsi))
    np.testing.assert_array_equal(ais_records.position_order(mmsi, time_ns, *minor), want)


def test_position_order_with_more_vessels_than_16_bit_ranks():
    rng = np.random.default_rng(1)
    mmsi, time_ns = rng.permutation(70_000), rng.integers(0, 3, 70_000)
    np.testing.assert_array_equal(
        ais_records.position_order(mmsi, time_ns), np.lexsort((time_ns, mmsi))
    )
