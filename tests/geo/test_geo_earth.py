"""Tests for tumen.geo.earth: geodesic distances on WGS84 against known values."""

import numpy as np
import pytest

from tumen.geo import earth


def test_distance_km_known_values():
    # WGS84: one degree of longitude on the equator is a*pi/180
    assert earth.distance_km(0, 0, 0, 1) == pytest.approx(6378.137 * np.pi / 180, abs=1e-6)
    # WGS84 meridian quadrant (equator to pole): 10,001.965729 km
    assert earth.distance_km(0, 0, 90, 0) == pytest.approx(10001.965729, abs=1e-5)
    # arrays broadcast
    d = earth.distance_km(0.0, 0.0, np.zeros(3), np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(d, [0.0, 111.319491, 222.638982], atol=1e-5)


def test_line_length_km_is_sum_of_legs():
    lats, lons = [0.0, 0.0, 1.0], [0.0, 1.0, 1.0]
    expected = earth.distance_km(0, 0, 0, 1) + earth.distance_km(0, 1, 1, 1)
    assert earth.line_length_km(lats, lons) == pytest.approx(expected, rel=1e-9)
    assert earth.line_length_km([1.0], [1.0]) == 0.0
