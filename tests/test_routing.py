"""Tests for tumen.geo.routing on a hand-made toy network and on the real offline data."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from tumen.errors import DataError, ParameterError
from tumen.geo import core as geo
from tumen.geo import routing

FIXTURES = Path(__file__).parent / "fixtures" / "geo"
KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


def toy_network() -> routing.RailNetwork:
    """The toy network of tests/fixtures/geo/README.md (nodes on the equator)."""
    lon = np.array([0.00, 0.10, 0.20, 0.23, 0.33, 0.60, 0.70])
    u = np.array([0, 1, 0, 3, 5])
    v = np.array([1, 2, 2, 4, 6])
    km = np.array([11.0, 11.0, 25.0, 11.0, 11.0])  # n0-n2 direct is longer than via n1
    country = np.array(["AAA"] * 5 + ["BBB"] * 2)
    return routing.RailNetwork(np.zeros(7), lon, country, u, v, km)


def test_components_and_main_component():
    net = toy_network()
    labels = net.components()
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] != labels[5]
    assert net.main_component().tolist() == [True] * 3 + [False] * 4


def test_heal_joins_only_gaps_below_threshold():
    net = toy_network().heal(5.0)
    assert len(net.healed) == 1
    gap = net.healed[0]
    assert (gap.u, gap.v) == (2, 3)
    assert gap.km == pytest.approx(0.03 * KM_PER_DEG, abs=1e-6)
    assert net.main_component().tolist() == [True] * 5 + [False] * 2


def test_heal_adds_one_link_per_component_pair():
    net = toy_network().heal(50.0)
    pairs = sorted((h.u, h.v) for h in net.healed)
    # comp1-comp2 via n2-n3, comp2-comp3 via n4-n5, comp1-comp3 via n2-n5 (44.5 km)
    assert pairs == [(2, 3), (2, 5), (4, 5)]
    assert net.main_component().all()


def test_heal_zero_and_bad_threshold():
    net = toy_network()
    assert net.heal(0.0) is net
    with pytest.raises(ParameterError):
        net.heal(-1.0)


def test_snap_known_distance_and_main_component_only():
    net = toy_network().heal(5.0)
    snap = net.snap(0.01, 0.0, "north_of_n0")
    assert snap.node == 0
    assert snap.km == pytest.approx(geo.distance_km(0.01, 0.0, 0.0, 0.0), abs=1e-9)
    # next to n6, but n6 is not in the main component: snaps to n4 instead
    far = net.snap(0.0, 0.69, mask=net.main_component())
    assert far.node == 4
    assert far.km == pytest.approx(0.36 * KM_PER_DEG, abs=1e-6)


def test_shortest_path_known_answer():
    net = toy_network().heal(5.0)
    nodes, km = net.shortest_path(0, 4)
    assert nodes == [0, 1, 2, 3, 4]
    assert km == pytest.approx(11 + 11 + 0.03 * KM_PER_DEG + 11, abs=1e-6)
    with pytest.raises(DataError, match="no rail path"):
        net.shortest_path(0, 6)


def test_restrict_to_countries():
    net = toy_network().restrict(["AAA"])
    assert len(net.u) == 4 and not ((net.u == 5) | (net.v == 5)).any()
    assert toy_network().restrict(None).u.size == 5


def write_toy_network(directory: Path) -> None:
    net = toy_network()
    pq.write_table(
        pa.table({"lat": net.lat, "lon": net.lon, "country": net.country}),
        directory / "nodes.parquet",
    )
    pq.write_table(pa.table({"u": net.u, "v": net.v, "km": net.km}), directory / "edges.parquet")


def test_rail_route_end_to_end_on_toy_files(tmp_path):
    write_toy_network(tmp_path)
    sites = geo.load_sites(FIXTURES / "sites.csv")
    route = routing.rail_route(
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
    unhealed = routing.rail_route(
        (0.01, 0.0), (0.0, 0.34), heal_gap_km=0.0, countries=None, network_dir=tmp_path
    )
    assert unhealed.snaps[1].node == 2 and unhealed.healed_total == 0


def test_rail_route_rejects_bad_countries(tmp_path):
    write_toy_network(tmp_path)
    with pytest.raises(ParameterError):
        routing.rail_route((0, 0), (0, 0.1), countries=["Russia"], network_dir=tmp_path)


def test_missing_network_files(tmp_path):
    with pytest.raises(DataError, match="rail network"):
        routing.RailNetwork.from_parquet(tmp_path)


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
    crossing = routing.rail_route_to_border(
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
    north = routing.rail_route_to_border(
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
        routing.rail_route_to_border(
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
    crossing = routing.rail_route_to_border(
        (0.0, 0.0),
        country="AAA",
        neighbour="BBB",
        heal_gap_km=0.0,
        network_dir=tmp_path,
        border=border,
    )
    assert (crossing.lat, crossing.lon) == pytest.approx((0.0, 0.15))


# ---------------------------------------------------------------------------- real data


def test_dunai_to_tikhoretsk_within_russia_is_one_connected_path():
    route = routing.rail_route("dunai_port", "tikhoretsk_depot")
    assert route.countries == ("RUS",)
    assert 8000 < route.length_km < 11000
    # the Dunai branch is missing from the extract: the snap lands on the Nakhodka line
    # near Smolyaninovo, tens of km away, and is reported
    dunai, depot = route.snaps
    assert 30 < dunai.km < 50 and depot.km < 10
    assert route.healed_total >= 1
    # consecutive vertices are joined by network edges (no jumps)
    steps = geo.distance_km(route.lat[:-1], route.lon[:-1], route.lat[1:], route.lon[1:])
    assert steps.max() < 600


def test_depot_to_ukraine_by_rail_crosses_the_land_border():
    crossing = routing.rail_route_to_border("tikhoretsk_depot", country="RUS", neighbour="UKR")
    assert crossing.route.countries == ("RUS",)
    straight = geo.distance_to_border(45.8884, 40.0424, "RUS", "UKR").distance_km
    assert straight < crossing.length_km < 3 * straight
    assert geo.get_border("RUS", "UKR").distance(shapely.Point(crossing.lon, crossing.lat)) < 1e-6


def test_unconstrained_route_is_shorter_and_leaves_russia():
    russia = routing.rail_route("dunai_port", "tikhoretsk_depot")
    anywhere = routing.rail_route("dunai_port", "tikhoretsk_depot", countries=None)
    assert anywhere.length_km < russia.length_km
    assert "CHN" in anywhere.countries


# ---------------------------------------------------------------------------- sea


def test_sea_route_goes_round_a_hand_made_wall():
    # a north-south wall at lon 0.09-0.11 from 0.5 S to 0.05 N: the way round is north
    wall = shapely.box(0.09, -0.5, 0.11, 0.05)
    route = routing.sea_route((0.0, 0.0), (0.0, 0.2), land=wall, margin_km=12.0, cell_km=0.25)
    assert not route.geometry.intersects(wall)
    assert route.lat.max() > 0.05
    # at least the taut path round the wall's corners; at most a little longer
    taut = 2 * geo.distance_km(0.0, 0.0, 0.05, 0.09) + 0.02 * KM_PER_DEG
    assert taut < route.length_km < taut * 1.08
    assert route.length_nm == pytest.approx(route.length_km / 1.852)
    assert all(s.km < 0.5 for s in route.snaps)


def test_sea_route_open_water_is_straight():
    route = routing.sea_route((0.0, 0.0), (0.1, 0.1), land=shapely.box(5, 5, 6, 6), margin_km=5.0)
    assert len(route.lat) == 2
    straight = geo.distance_km(0.0, 0.0, 0.1, 0.1)
    assert route.length_km == pytest.approx(straight, abs=0.5)


def test_sea_route_rajin_to_dunai_stays_on_water():
    route = routing.sea_route("rajin_port", "dunai_port")
    assert 150 < route.length_km < 260
    assert route.length_nm == pytest.approx(route.length_km / 1.852)
    assert [s.label for s in route.snaps] == ["rajin_port", "dunai_port"]
    assert all(0 <= s.km < 5 for s in route.snaps)
    assert route.length_km < route.total_km < route.length_km + 10
    land = routing.get_land("10m")
    # never crosses land, checked in lon/lat on the densified geodesic line too
    assert not route.geometry.intersects(land)
    dense = shapely.segmentize(route.geometry, 0.005)
    assert not dense.intersects(land)
    assert "nm" in route.report()


def test_sea_route_outside_the_regions_uses_the_world_layer():
    """Across the Strait of Gibraltar (far outside the regional boxes): Algeciras (36.13 N,
    5.43 W, inside its bay) to Tanger Med (35.89 N, 5.50 W). The straight line is about
    27 km and crosses no land; leaving the bay adds a few km, so the route lies between the
    straight line and 1.5 times it, and never touches Natural Earth 10m land."""
    a, b = (36.13, -5.43, "algeciras"), (35.89, -5.50, "tanger_med")
    assert geo.get_region_covering([a[1], b[1]], [a[0], b[0]]) is None
    route = routing.sea_route(a[:2], b[:2])
    straight = geo.distance_km(a[0], a[1], b[0], b[1])
    assert 26 < straight < 28
    assert straight <= route.length_km < 1.5 * straight
    assert all(s.km < 3 for s in route.snaps)
    land = shapely.union_all(geo.get_world_layer("land", (-6.5, 35.0, -4.5, 37.0)))
    assert not shapely.segmentize(route.geometry, 0.005).intersects(land)


def test_world_land_equals_the_regional_land_inside_a_region():
    """The world layer is the same Natural Earth 10m land, only unclipped."""
    bounds = (129.0, 41.5, 132.0, 43.5)  # inside the korea_primorye box
    world = shapely.union_all(geo.get_world_layer("land", bounds))
    regional = routing.get_land("10m").intersection(shapely.box(*bounds))
    assert world.area > 1.0
    assert world.symmetric_difference(regional).area < 1e-9 * world.area


def test_ports_on_waters_that_do_not_connect_have_no_route():
    """Kerch (Black Sea side, 45.33 N 37.37 E) and Makhachkala (Caspian, 42.98 N 47.52 E):
    a grid of (about 830 + 60) x (260 + 60) km is allowed, but the two seas do not connect,
    so one end is hundreds of km from the largest open water: no route."""
    with pytest.raises(DataError, match="no water path joins the two ports"):
        routing.sea_route((45.33, 37.37), (42.98, 47.52))


def test_a_sea_grid_too_large_is_refused():
    with pytest.raises(ParameterError, match="too large for a coastal leg"):
        routing.sea_route((36.13, -5.43), (40.6, 14.3))  # Gibraltar to the Bay of Naples


def test_ocean_route_reports_its_coarse_snaps():
    # searoute's network snaps Rajin far offshore: the snap is reported, not hidden
    route = routing.ocean_route("rajin_port", (29.95, 122.15))
    assert route.snaps[0].km > 20
    assert 1000 < route.length_km < 2500
    assert "searoute" in route.report()


def test_main_prints_routes_with_snaps_and_healed_gaps(capsys):
    assert routing.main([]) == 0
    out = capsys.readouterr().out
    assert "sea route rajin_port -> dunai_port" in out
    assert out.count("rail route dunai_port -> tikhoretsk_depot") == 2
    assert "snap dunai_port" in out and "healed gaps <= 5 km" in out


def test_sea_route_is_the_same_line_both_ways():
    wall = shapely.box(0.09, -0.5, 0.11, 0.05)
    there = routing.sea_route((0.0, 0.0), (0.0, 0.2), land=wall, margin_km=12.0)
    back = routing.sea_route((0.0, 0.2), (0.0, 0.0), land=wall, margin_km=12.0)
    assert back.length_km == there.length_km
    np.testing.assert_array_equal(back.lat, there.lat[::-1])
    assert [s.label for s in back.snaps] == [s.label for s in there.snaps][::-1]
