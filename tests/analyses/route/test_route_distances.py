"""Tests for tumen.analyses.route.distances: distance intervals and the distances from the
depot on the offline data."""

from __future__ import annotations

import pytest
import shapely

from tumen.analyses.route import distances
from tumen.errors import ParameterError
from tumen.geo import borders


def test_distance_interval_is_shifted_by_the_uncertainty():
    assert distances.distance_interval(194.6, 1.0) == pytest.approx((193.6, 195.6))
    assert distances.distance_interval(0.5, 2.0) == (0.0, 2.5)
    with pytest.raises(ParameterError):
        distances.distance_interval(10, -1)


def test_depot_distances_on_the_offline_data():
    study = distances.study_distances(
        "tikhoretsk_depot", "tikhoretsk", part_name="Crimea", part_box=[32.0, 44.0, 37.0, 46.15]
    )
    # nearest territory is the Azov coast next to the land border, not Crimea
    assert study.territory.distance_km <= study.border.distance_km
    assert 150 < study.border.distance_km < 250
    assert not study.nearest_in_part and study.part.distance_km > study.border.distance_km
    assert study.border_at_end  # where the land border meets the Sea of Azov
    assert study.interval("border") == pytest.approx(
        (study.border.distance_km - 1.0, study.border.distance_km + 1.0)
    )
    # the town is south-east of the depot, farther from the border
    assert study.town_border.distance_km > study.border.distance_km
    # by rail is longer than in a straight line, and ends on the land border
    assert study.rail.total_km > study.border.distance_km
    border = borders.get_border("RUS", "UKR")
    assert border.distance(shapely.Point(study.rail.lon, study.rail.lat)) < 1e-6
    keys = [m.key for m in study.measures()]
    assert keys[0] == "depot_to_border" and "depot_to_border_rail" in keys
    assert all(m.mi == pytest.approx(m.km / 1.609344) for m in study.measures())
    with pytest.raises(ParameterError):
        distances.study_distances("tikhoretsk_depot", "tikhoretsk", part_box=[0, 0, 1, 1])
