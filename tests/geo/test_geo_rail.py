"""Tests for tumen.geo.rail on the toy network (tests/geo/conftest.py) and the real data."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from tumen.errors import DataError, ParameterError
from tumen.geo import borders, earth, gazetteer, rail

FIXTURES = Path(__file__).parents[1] / "fixtures" / "geo"
KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


def write_toy_network(directory: Path, net) -> None:
    pq.write_table(
        pa.table({"lat": net.lat, "lon": net.lon, "country": net.country}),
        directory / "nodes.parquet",
    )
    pq.write_table(pa.table({"u": net.u, "v": net.v, "km": net.km}), directory / "edges.parquet")


def test_rail_route_end_to_end_on_toy_files(tmp_path, toy_net):
    write_toy_network(tmp_path, toy_net)
    sites = gazetteer.load_sites(FIXTURES / "sites.csv")
    route = rail.rail_route(
        (0.01, 0.0),
        (0.0, 0.34),
        countries=("AAA",),
        heal_gap_km=5.0,
        sites=sites,
        network_dir=tmp_path,
    )
    assert route.nodes == (0, 1, 2, 3, 4)
    assert route.length_km == pytest.approx(33 + 0.03 * KM_PER_DEG, abs=1e-6)
    assert [s.node for s in route.snaps] == [0, 4]
    assert route.snaps[1].km == pytest.approx(0.01 * KM_PER_DEG, abs=1e-6)
    assert route.total_km == pytest.approx(route.length_km + route.snap_km)
    assert len(route.healed_on_path) == 1 and route.healed_total == 1
    assert route.countries == ("AAA",)
    assert route.geometry.coords[0] == (0.0, 0.0)
    assert "healed gaps <= 5 km: 1" in route.report()
    # without healing, the far end snaps back to the first component
    unhealed = rail.rail_route(
        (0.01, 0.0), (0.0, 0.34), heal_gap_km=0.0, countries=None, network_dir=tmp_path
    )
    assert unhealed.snaps[1].node == 2 and unhealed.healed_total == 0


def test_rail_route_rejects_bad_countries(tmp_path, toy_net):
    write_toy_network(tmp_path, toy_net)
    with pytest.raises(ParameterError):
        rail.rail_route((0, 0), (0, 0.1), countries=["Russia"], network_dir=tmp_path)


def write_border_network(directory: Path) -> None:
    """A line across a border at lon 0.15 (AAA west, BBB east), and a far second crossing.

    ```
    n0 (0.00, AAA) --11 km-- n1 (0.10, AAA) --11 km-- n2 (0.20, BBB)
     |
     +--50 km-- n3 (0.05 lat 0.3, AAA) --11 km-- n4 (0.20 lat 0.3, BBB)
    ```
    """
    pq.write_table(
        pa.table(
            {
                "lat": [0.0, 0.0, 0.0, 0.3, 0.3],
                "lon": [0.00, 0.10, 0.20, 0.05, 0.20],
                "country": ["AAA", "AAA", "BBB", "AAA", "BBB"],
            }
        ),
        directory / "nodes.parquet",
    )
    pq.write_table(
        pa.table({"u": [0, 1, 0, 3], "v": [1, 2, 3, 4], "km": [11.0, 11.0, 50.0, 11.0]}),
        directory / "edges.parquet",
    )


def test_rail_route_to_border_known_answer(tmp_path):
    write_border_network(tmp_path)
    border = shapely.LineString([(0.15, -1.0), (0.15, 1.0)])
    crossing = rail.rail_route_to_border(
        (0.0, 0.0),
        country="AAA",
        neighbour="BBB",
        heal_gap_km=0.0,
        network_dir=tmp_path,
        border=border,
    )
    # n0 -> n1 is 11 km; the crossing edge n1 -> n2 (11 km of track) meets the border half-way
    assert crossing.route.nodes == (0, 1)
    assert (crossing.lat, crossing.lon) == pytest.approx((0.0, 0.15))
    assert crossing.edge_km == pytest.approx(5.5, rel=1e-6)
    assert crossing.length_km == pytest.approx(16.5, rel=1e-6)
    assert crossing.total_km == pytest.approx(16.5)  # the start is on node n0
    assert crossing.target == "AAA|BBB border"
    assert crossing.path_lon.tolist() == pytest.approx([0.0, 0.1, 0.15])
    assert crossing.route.countries == ("AAA",)
    # from the northern branch the northern crossing is nearer by rail
    north = rail.rail_route_to_border(
        (0.3, 0.05),
        country="AAA",
        neighbour="BBB",
        heal_gap_km=0.0,
        network_dir=tmp_path,
        border=border,
    )
    assert north.route.nodes == (3,)
    assert (north.lat, north.lon) == pytest.approx((0.3, 0.15))
    assert north.length_km == pytest.approx(11.0 * 0.10 / 0.15, rel=1e-3)


def test_rail_route_to_border_without_a_crossing(tmp_path):
    write_border_network(tmp_path)
    with pytest.raises(DataError, match="no railway of the network crosses"):
        rail.rail_route_to_border(
            (0.0, 0.0),
            country="AAA",
            neighbour="CCC",
            network_dir=tmp_path,
            border=shapely.LineString([(0.15, -1), (0.15, 1)]),
        )


def test_border_point_falls_back_to_the_nearest_point_of_the_edge(tmp_path):
    write_border_network(tmp_path)
    # a border that the straight edge n1-n2 never touches: the edge's nearest point counts
    border = shapely.LineString([(0.15, 0.05), (0.15, 1.0)])
    crossing = rail.rail_route_to_border(
        (0.0, 0.0),
        country="AAA",
        neighbour="BBB",
        heal_gap_km=0.0,
        network_dir=tmp_path,
        border=border,
    )
    assert (crossing.lat, crossing.lon) == pytest.approx((0.0, 0.15))


def test_dunai_to_tikhoretsk_within_russia_is_one_connected_path():
    route = rail.rail_route("dunai_port", "tikhoretsk_depot")
    assert route.countries == ("RUS",)
    assert 8000 < route.length_km < 11000
    # the Dunai branch is missing from the extract: the snap lands on the Nakhodka line
    # near Smolyaninovo, tens of km away, and is reported
    dunai, depot = route.snaps
    assert 30 < dunai.km < 50 and depot.km < 10
    assert route.healed_total >= 1
    # consecutive vertices are joined by network edges (no jumps)
    steps = earth.distance_km(route.lat[:-1], route.lon[:-1], route.lat[1:], route.lon[1:])
    assert steps.max() < 600


def test_depot_to_ukraine_by_rail_crosses_the_land_border():
    crossing = rail.rail_route_to_border("tikhoretsk_depot", country="RUS", neighbour="UKR")
    assert crossing.route.countries == ("RUS",)
    straight = borders.distance_to_border(45.8884, 40.0424, "RUS", "UKR").distance_km
    assert straight < crossing.length_km < 3 * straight
    assert (
        borders.get_border("RUS", "UKR").distance(shapely.Point(crossing.lon, crossing.lat)) < 1e-6
    )


def test_unconstrained_route_is_shorter_and_leaves_russia():
    russia = rail.rail_route("dunai_port", "tikhoretsk_depot")
    anywhere = rail.rail_route("dunai_port", "tikhoretsk_depot", countries=None)
    assert anywhere.length_km < russia.length_km
    assert "CHN" in anywhere.countries
