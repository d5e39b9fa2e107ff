"""Tests for tumen.ais.encounter_bins: each ship's slow positions on a time grid, away from
ports, on tiny hand-made tracks (invented MMSIs, places and dates in the open North Sea)."""

import numpy as np
import pandas as pd
import pytest

from tumen.ais import encounter_bins as bins
from tumen.errors import ParameterError

T0 = pd.Timestamp("2031-03-02 00:00", tz="UTC")
BIN0 = T0.value // (10 * 60 * 10**9)  # T0 as a count of 10-minute steps since 1970
LAT, LON = 56.0, 3.0
KM_PER_DEG = 111.1951  # pi/180 * 6371.0088 km, tumen.geo.earth.EARTH_RADIUS_KM


def fixes(minutes, lats, sog=1.0, mmsi=900000001):
    """One ship's fixes at ``minutes`` after T0, on the meridian 3° E."""
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "time": T0 + pd.to_timedelta(minutes, unit="min"),
            "lat": lats,
            "lon": LON,
            "sog": sog,
        }
    )


def test_a_slow_leg_is_cut_into_grid_times_and_interpolated():
    got = bins.get_slow_bins(fixes([0, 30], [56.00, 56.03]))
    assert list(got.columns) == bins.BIN_COLUMNS
    assert got["bin"].tolist() == [BIN0, BIN0 + 1, BIN0 + 2, BIN0 + 3]  # 00:00 ... 00:30
    np.testing.assert_allclose(got["lat"], [56.00, 56.01, 56.02, 56.03])
    assert (got["lon"] == LON).all() and (got["mmsi"] == 900000001).all()


def test_a_grid_time_at_a_fix_ends_one_leg_and_starts_the_next_once():
    got = bins.get_slow_bins(fixes([0, 30, 60], [56.00, 56.03, 56.06]))
    assert got["bin"].tolist() == list(range(BIN0, BIN0 + 7))  # 00:30 counted once


def test_fast_legs_long_gaps_and_ports_give_no_bins():
    assert bins.get_slow_bins(fixes([0, 30], [56.00, 56.03], sog=[1.0, 5.0])).empty
    assert bins.get_slow_bins(fixes([0, 120], [56.00, 56.03])).empty  # 2 h > 1 h
    port = pd.DataFrame({"lat": [LAT], "lon": [LON], "radius_km": [2.0]})
    assert bins.get_slow_bins(fixes([0, 30], [56.00, 56.03]), ports=port).empty
    assert len(bins.get_slow_bins(fixes([0, 30], [56.00, 56.03]), ports=port, min_port_km=0)) == 4


def test_two_reports_at_one_time_give_the_same_bins_in_any_order():
    ship = fixes(range(0, 70, 10), 56.0 + np.arange(7) / 6 / 60)  # 1 kn north, 01:00 in all
    other = ship.iloc[[3]].assign(lat=LAT + 0.001)  # a second report at 00:30, elsewhere
    one = bins.get_slow_bins(pd.concat([ship, other], ignore_index=True))
    two = bins.get_slow_bins(pd.concat([other, ship], ignore_index=True))
    pd.testing.assert_frame_equal(one, two)
    assert len(one) == 7  # 00:00 ... 01:00


def test_port_km_is_the_distance_from_the_edge_of_the_nearest_geofence():
    ports = pd.DataFrame({"lat": [LAT, 60.0], "lon": [LON, LON], "radius_km": [2.0, 1.0]})
    km = bins.get_port_km([LAT, LAT + 0.01, LAT + 1.0], [LON, LON, LON], ports)
    # at the centre: inside; 0.01° north: 1.112 km, inside 2 km; 1° north: 111.195 - 2 km
    np.testing.assert_allclose(km, [0.0, 0.0, KM_PER_DEG - 2.0], atol=1e-3)
    assert np.isinf(bins.get_port_km([LAT], [LON], None)).all()


def test_wrap_and_check_positive():
    assert bins.wrap(np.array([190.0, -190.0, 180.0, 3.0])).tolist() == [-170.0, 170.0, -180, 3]
    bins.check_positive(a=1.0, b=0.1)
    with pytest.raises(ParameterError, match=r"time_step_min must be positive \(got 0\)"):
        bins.check_positive(max_sog_kn=2.0, time_step_min=0)
