"""Tests for tumen.geo.railways on the hand-made toy network (tests/geo/conftest.py)."""

import numpy as np
import pytest

from tumen.errors import DataError, ParameterError
from tumen.geo import earth, railways

KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


def test_components_and_main_component(toy_net):
    net = toy_net
    labels = net.components()
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] != labels[5]
    assert net.main_component().tolist() == [True] * 3 + [False] * 4


def test_heal_joins_only_gaps_below_threshold(toy_net):
    net = toy_net.heal(5.0)
    assert len(net.healed) == 1
    gap = net.healed[0]
    assert (gap.u, gap.v) == (2, 3)
    assert gap.km == pytest.approx(0.03 * KM_PER_DEG, abs=1e-6)
    assert net.main_component().tolist() == [True] * 5 + [False] * 2


def test_heal_adds_one_link_per_component_pair(toy_net):
    net = toy_net.heal(50.0)
    pairs = sorted((h.u, h.v) for h in net.healed)
    # comp1-comp2 via n2-n3, comp2-comp3 via n4-n5, comp1-comp3 via n2-n5 (44.5 km)
    assert pairs == [(2, 3), (2, 5), (4, 5)]
    assert net.main_component().all()


def test_heal_zero_and_bad_threshold(toy_net):
    net = toy_net
    assert net.heal(0.0) is net
    with pytest.raises(ParameterError):
        net.heal(-1.0)


def test_snap_known_distance_and_main_component_only(toy_net):
    net = toy_net.heal(5.0)
    snap = net.snap(0.01, 0.0, "north_of_n0")
    assert snap.node == 0
    assert snap.km == pytest.approx(earth.distance_km(0.01, 0.0, 0.0, 0.0), abs=1e-9)
    # next to n6, but n6 is not in the main component: snaps to n4 instead
    far = net.snap(0.0, 0.69, mask=net.main_component())
    assert far.node == 4
    assert far.km == pytest.approx(0.36 * KM_PER_DEG, abs=1e-6)


def test_shortest_path_known_answer(toy_net):
    net = toy_net.heal(5.0)
    nodes, km = net.shortest_path(0, 4)
    assert nodes == [0, 1, 2, 3, 4]
    assert km == pytest.approx(11 + 11 + 0.03 * KM_PER_DEG + 11, abs=1e-6)
    with pytest.raises(DataError, match="no rail path"):
        net.shortest_path(0, 6)


def test_restrict_to_countries(toy_net):
    net = toy_net.restrict(["AAA"])
    assert len(net.u) == 4 and not ((net.u == 5) | (net.v == 5)).any()
    assert toy_net.restrict(None).u.size == 5


def test_missing_network_files(tmp_path):
    with pytest.raises(DataError, match="rail network"):
        railways.RailNetwork.from_parquet(tmp_path)
