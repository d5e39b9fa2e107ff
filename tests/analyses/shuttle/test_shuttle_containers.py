"""Tests for tumen.analyses.shuttle.containers: the container range and where a published figure lies against it.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pandas as pd

from tumen.analyses.shuttle import containers as shuttle_containers
from tumen.analyses.shuttle import trips as shuttle_trips


def test_container_range_with_capacity(calls):
    trips = shuttle_trips.get_round_trips(calls, "rajin_port", "dunai_port")
    rng = shuttle_containers.get_container_range(trips, capacity=400)
    # seen: 150 (Angara) + 200 (Maria) = 350; capacity: 2 trips x 400 = 800
    assert (rng["low"], rng["high"], rng["deliveries"], rng["counted"]) == (350, 800, 2, 2)
    assert rng["high_is_bound"] and "bound" in rng["high_basis"]
    # a capacity below what was seen does not lower the high end: max(150,160)+max(200,160)
    assert shuttle_containers.get_container_range(trips, capacity=160)["high"] == 360


def test_container_range_extrapolated_to_deliveries_without_counts():
    trips = pd.DataFrame({"containers_max": pd.array([150, 200, pd.NA], dtype="Int64")})
    rng = shuttle_containers.get_container_range(trips)
    # low 350; mean 175, sample sd sqrt((25^2 + 25^2) / 1) = 35.36: 210.36 per uncounted
    # delivery, rounded to a whole container first (210), so the high end adds up by hand:
    # 350 + 1 x 210 = 560 (rounding the total up instead gave 561)
    assert (rng["low"], rng["estimate"], rng["high"], rng["counted"]) == (350, 210, 560, 2)
    assert rng["high"] == rng["low"] + rng["uncounted"] * rng["estimate"]
    # the high end is an assumption, never called a bound
    assert not rng["high_is_bound"] and "an assumption, not a bound" in rng["high_basis"]
    none = shuttle_containers.get_container_range(
        pd.DataFrame({"containers_max": pd.array([pd.NA], "Int64")})
    )
    assert (none["low"], none["high"], none["estimate"]) == (0, None, None)
    every = shuttle_containers.get_container_range(
        pd.DataFrame({"containers_max": pd.array([150, 200], "Int64")})
    )
    assert (every["low"], every["high"], every["estimate"]) == (350, 350, None)


def test_high_end_adds_up_by_hand_when_the_estimate_has_a_fraction():
    # counts 247, 305, 187, 220: mean 239.75, sd sqrt(7482.75 / 3) = 49.94: 289.69 -> 290
    # per uncounted delivery; 959 + 4 x 290 = 2,119 (959 + 4 x 289.69 = 2,117.8 would round
    # to 2,118 and not check against the figure printed per delivery)
    d = pd.DataFrame({"containers_max": pd.array([247, 305, 187, 220] + [pd.NA] * 4, "Int64")})
    rng = shuttle_containers.get_container_range(d)
    assert (rng["low"], rng["estimate"], rng["high"]) == (959, 290, 2119)


def test_container_estimate_per_uncounted_delivery():
    trips = pd.DataFrame({"containers_max": pd.array([150, 200, pd.NA], dtype="Int64")})
    assert shuttle_containers.get_container_range(trips)["estimate"] == 210  # 210.36, whole
    assert shuttle_containers.get_container_range(trips, capacity=400)["estimate"] == 400


def test_describe_range():
    assert shuttle_containers.describe_range(700, 1900, 1000) == "between the low and the high end"
    assert shuttle_containers.describe_range(1200, 1900, 1000) == "below the low end"
    assert shuttle_containers.describe_range(700, 900, 1000) == "above the high end"
    assert (
        shuttle_containers.describe_range(700, None, 1000) == "beside a range with an unknown end"
    )
