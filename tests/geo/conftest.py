"""Fixtures of the geo tests: the hand-made toy railway network."""

import numpy as np
import pytest

from tumen.geo.railways import RailNetwork


@pytest.fixture
def toy_net() -> RailNetwork:
    """The toy network of tests/fixtures/geo/README.md (nodes on the equator)."""
    lon = np.array([0.00, 0.10, 0.20, 0.23, 0.33, 0.60, 0.70])
    u = np.array([0, 1, 0, 3, 5])
    v = np.array([1, 2, 2, 4, 6])
    km = np.array([11.0, 11.0, 25.0, 11.0, 11.0])  # n0-n2 direct is longer than via n1
    country = np.array(["AAA"] * 5 + ["BBB"] * 2)
    return RailNetwork(np.zeros(7), lon, country, u, v, km)
