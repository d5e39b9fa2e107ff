"""Rail routes: the shortest way by rail between places, or from a place to a border.

:func:`rail_route` keeps only the railway edges inside the allowed countries, heals gaps
between components shorter than ``heal_gap_km`` with straight links, snaps the ends (and
waypoints) to the nearest node of the main component, and finds the shortest path over
:mod:`tumen.geo.railways`. :func:`rail_route_to_border` finds the nearest point, by rail,
where a railway crosses into a neighbouring country. Every snap and every healed gap is
reported (:class:`RailRoute`), so a reader can see what the route assumes.

Coordinates are degrees WGS84 (EPSG:4326); lengths are geodesic km on WGS84.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from scipy.sparse.csgraph import dijkstra

from tumen.errors import DataError, ParameterError
from tumen.geo.borders import get_border
from tumen.geo.earth import distance_km
from tumen.geo.gazetteer import to_point
from tumen.geo.railways import RailNetwork, load_rail_network, rail_dir


@dataclass(frozen=True)
class RailRoute:
    """A shortest rail route.

    Attributes
    ----------
    length_km : float
        Length along the network between the snapped endpoints, km: track lengths from
        OpenStreetMap plus any healed links on the path. Snap distances are not included.
    snaps : tuple of Snap
        The endpoint (and waypoint) snaps, in route order.
    healed_on_path : tuple of HealedGap
        Healed links the route uses.
    healed_total : int
        How many links healing added to the whole network.
    nodes : tuple of int
        Node rows along the route.
    lat, lon : numpy.ndarray
        Route vertices, degrees WGS84 (straight lines between nodes: the extract keeps
        junctions and bends, not every curve, so the drawn line is shorter than the track).
    countries : tuple of str
        Countries the route passes through, in order.
    allowed_countries : tuple of str or None
        The restriction used.
    heal_gap_km : float
        The healing threshold used, km.
    """

    length_km: float
    snaps: tuple
    healed_on_path: tuple
    healed_total: int
    nodes: tuple
    lat: np.ndarray = field(repr=False)
    lon: np.ndarray = field(repr=False)
    countries: tuple
    allowed_countries: tuple | None
    heal_gap_km: float

    @property
    def geometry(self) -> shapely.LineString:
        """The route as a shapely LineString in (lon, lat) degrees."""
        return shapely.LineString(np.column_stack([self.lon, self.lat]))

    @property
    def snap_km(self) -> float:
        """Sum of the snap distances, km."""
        return float(sum(s.km for s in self.snaps))

    @property
    def total_km(self) -> float:
        """Network length plus the straight snap legs, km (an upper-end estimate)."""
        return self.length_km + self.snap_km

    def report(self) -> str:
        """Return a few lines describing the route, its snaps and healed gaps."""
        allowed = (
            "any country" if self.allowed_countries is None else "+".join(self.allowed_countries)
        )
        lines = [
            f"rail route {self.snaps[0].label} -> {self.snaps[-1].label}: "
            f"{self.length_km:.1f} km on the network ({allowed}; "
            f"through {' > '.join(self.countries)})"
        ]
        for s in self.snaps:
            lines.append(
                f"  snap {s.label}: ({s.lat:.4f}, {s.lon:.4f}) -> node {s.node} "
                f"({s.node_lat:.3f}, {s.node_lon:.3f}), {s.km:.2f} km"
            )
        lines.append(
            f"  healed gaps <= {self.heal_gap_km:g} km: {self.healed_total} in the "
            f"network, {len(self.healed_on_path)} on this route"
        )
        for h in self.healed_on_path:
            lines.append(
                f"    gap ({h.u_lat:.3f}, {h.u_lon:.3f}) - ({h.v_lat:.3f}, "
                f"{h.v_lon:.3f}): {h.km:.2f} km"
            )
        return "\n".join(lines)


@functools.cache
def _prepared(directory: str, countries: tuple | None, heal_gap_km: float):
    """Return (healed network, main-component mask) for one restriction (cached)."""
    net = load_rail_network(directory).restrict(countries).heal(heal_gap_km)
    return net, net.main_component()


def rail_route(
    a,
    b,
    *,
    via=(),
    countries=("RUS",),
    heal_gap_km: float = 5.0,
    sites=None,
    network_dir: str | Path | None = None,
) -> RailRoute:
    """Return the shortest rail route between two places.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Start and end: gazetteer ids, sites, or points in degrees WGS84.
    via : sequence, optional
        Waypoints visited in order (same forms as ``a``).
    countries : sequence of str or None
        ``ADM0_A3`` codes of the countries the route may use (both nodes of every edge
        must lie in them); default Russia only. None allows every country (the shortest
        path from Primorye to the west then runs through China).
    heal_gap_km : float
        Components closer than this are joined by straight links, km.
    sites : pandas.DataFrame, optional
        Gazetteer for resolving ids; default ``data/sites.csv``.
    network_dir : path, optional
        Directory with ``nodes.parquet``/``edges.parquet``; default ``data/geo/rail``.

    Returns
    -------
    RailRoute

    Raises
    ------
    ParameterError
        Bad point or threshold.
    DataError
        Unknown site, or no connected path.
    """
    allowed = None if countries is None else tuple(sorted(set(countries)))
    if allowed is not None and not all(isinstance(c, str) and len(c) == 3 for c in allowed):
        raise ParameterError(
            f"countries must be ADM0_A3 codes like 'RUS', got {countries!r}", field="countries"
        )
    net, main = _prepared(str(rail_dir(network_dir)), allowed, float(heal_gap_km))
    points = [to_point(p, sites) for p in (a, *via, b)]
    snaps = tuple(net.snap(lat, lon, label, mask=main) for lat, lon, label in points)
    nodes: list[int] = [snaps[0].node]
    length = 0.0
    for s, t in zip(snaps[:-1], snaps[1:]):
        leg, km = net.shortest_path(s.node, t.node)
        nodes += leg[1:]
        length += km
    return _make_route(net, snaps, nodes, length, allowed, heal_gap_km)


def _make_route(
    net: RailNetwork,
    snaps: tuple,
    nodes: list,
    length: float,
    allowed: tuple | None,
    heal_gap_km: float,
) -> RailRoute:
    """Return the RailRoute along ``nodes`` of ``net`` (healed links and countries found)."""
    healed_edges = {(h.u, h.v): h for h in net.healed}
    on_path = tuple(
        healed_edges[(min(p, q), max(p, q))]
        for p, q in zip(nodes[:-1], nodes[1:])
        if (min(p, q), max(p, q)) in healed_edges
        and net.edge_km(p, q) == healed_edges[(min(p, q), max(p, q))].km
    )
    passed = [str(c) for c in net.country[nodes]]
    countries_seq = tuple(c for k, c in enumerate(passed) if k == 0 or c != passed[k - 1])
    return RailRoute(
        length_km=length,
        snaps=snaps,
        healed_on_path=on_path,
        healed_total=len(net.healed),
        nodes=tuple(int(n) for n in nodes),
        lat=net.lat[nodes].copy(),
        lon=net.lon[nodes].copy(),
        countries=countries_seq,
        allowed_countries=allowed,
        heal_gap_km=float(heal_gap_km),
    )


@dataclass(frozen=True)
class BorderCrossing:
    """The nearest point, by rail, where a railway crosses into a neighbouring country.

    Attributes
    ----------
    length_km : float
        Along the network from the snapped start to the border point, km: the route to
        the last node before the border plus the part of the crossing track up to it.
    lat, lon : float
        Where the crossing track meets the border, degrees WGS84.
    route : RailRoute
        The route from the start to the last node before the border (its ``snaps`` hold
        the start's snap only).
    edge_km : float
        Length of the crossing track from that node to the border point, km (the track
        length of the edge, in proportion to the geodesic distance along it).
    target : str
        What was crossed into, e.g. ``"RUS|UKR border"``.
    """

    length_km: float
    lat: float
    lon: float
    route: RailRoute
    edge_km: float
    target: str

    @property
    def path_lat(self) -> np.ndarray:
        """Latitudes of the route followed by the border point, degrees."""
        return np.append(self.route.lat, self.lat)

    @property
    def path_lon(self) -> np.ndarray:
        """Longitudes of the route followed by the border point, degrees."""
        return np.append(self.route.lon, self.lon)

    @property
    def total_km(self) -> float:
        """Network length plus the straight snap leg of the start, km."""
        return self.length_km + self.route.snap_km


def rail_route_to_border(
    a,
    *,
    country: str = "RUS",
    neighbour: str = "UKR",
    heal_gap_km: float = 5.0,
    sites=None,
    network_dir: str | Path | None = None,
    border=None,
) -> BorderCrossing:
    """Return the shortest rail route from a place to the border of a neighbouring country.

    The route stays inside ``country`` (as :func:`rail_route` with
    ``countries=(country,)``) and ends on a railway edge of the unrestricted network that
    joins a node of ``country`` to a node of ``neighbour``, at the point where that edge
    meets the border line (or, when the straight edge misses the line, the point of the
    edge nearest to it). Of all such crossings the one nearest by rail wins.

    Parameters
    ----------
    a : str or Site or (lat, lon)
        Start: a gazetteer id, a site, or a point in degrees WGS84.
    country, neighbour : str
        ``ADM0_A3`` codes, e.g. ``"RUS"`` and ``"UKR"``.
    heal_gap_km : float
        Healing threshold of the network inside ``country``, km.
    sites : pandas.DataFrame, optional
        Gazetteer for resolving ids.
    network_dir : path, optional
        Directory with ``nodes.parquet``/``edges.parquet``; default ``data/geo/rail``.
    border : shapely geometry, optional
        The border line in (lon, lat) degrees; default the Natural Earth 10m land border
        of the two countries (:func:`tumen.geo.borders.get_border`).

    Returns
    -------
    BorderCrossing

    Raises
    ------
    DataError
        When no railway of the network crosses between the two countries, or none of the
        crossings can be reached from the start.
    """
    allowed = (str(country),)
    directory = str(rail_dir(network_dir))
    net, main = _prepared(directory, allowed, float(heal_gap_km))
    full = load_rail_network(directory)
    home, cross = _crossing_edges(full, country, neighbour, directory)
    border = get_border(country, neighbour) if border is None else border
    lat, lon, label = to_point(a, sites)
    start = net.snap(lat, lon, label, mask=main)
    dist, pred = dijkstra(
        net.matrix(), directed=False, indices=start.node, return_predecessors=True
    )
    best = _nearest_crossing(full, home, cross, dist, border)
    if best is None:
        raise DataError(
            f"no railway crossing into {neighbour} can be reached from {label}",
            hint="raise heal_gap_km",
        )
    length, h, plat, plon, edge_km = best
    nodes = [h]
    while nodes[-1] != start.node:
        nodes.append(int(pred[nodes[-1]]))
    route = _make_route(net, (start,), nodes[::-1], float(dist[h]), allowed, heal_gap_km)
    return BorderCrossing(
        length_km=length,
        lat=plat,
        lon=plon,
        route=route,
        edge_km=edge_km,
        target=f"{country}|{neighbour} border",
    )


def _crossing_edges(
    full: RailNetwork, country: str, neighbour: str, directory: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return (the edges starting in ``country``, the edges joining it to ``neighbour``)
    as boolean masks over the edges of the unrestricted network; DataError when none cross."""
    home = full.country[full.u] == country
    cross = (home & (full.country[full.v] == neighbour)) | (
        (full.country[full.u] == neighbour) & (full.country[full.v] == country)
    )
    if not cross.any():
        raise DataError(
            f"no railway of the network crosses from {country} into {neighbour}",
            file=directory,
            hint="check the country codes",
        )
    return home, cross


def _nearest_crossing(full: RailNetwork, home, cross, dist, border) -> tuple | None:
    """Return ``(length_km, node, lat, lon, edge_km)`` of the crossing nearest by rail (its
    home node's distance ``dist`` plus the crossing track up to the border), or None."""
    best = None
    for k in np.flatnonzero(cross):
        h, o = (full.u[k], full.v[k]) if home[k] else (full.v[k], full.u[k])
        if not np.isfinite(dist[h]):
            continue
        plat, plon = _border_point(full, h, o, border)
        whole = distance_km(full.lat[h], full.lon[h], full.lat[o], full.lon[o])
        part = distance_km(full.lat[h], full.lon[h], plat, plon)
        edge_km = float(full.km[k]) * (part / whole if whole > 0 else 0.0)
        candidate = (float(dist[h]) + edge_km, int(h), plat, plon, edge_km)
        if best is None or candidate < best:
            best = candidate
    return best


def _border_point(net: RailNetwork, h: int, o: int, border) -> tuple[float, float]:
    """Return (lat, lon) where the straight edge h-o meets the border (nearest h)."""
    segment = shapely.LineString([(net.lon[h], net.lat[h]), (net.lon[o], net.lat[o])])
    hit = segment.intersection(border)
    if hit.is_empty:
        point = shapely.ops.nearest_points(segment, border)[0]
    else:
        points = [
            g
            for part in getattr(hit, "geoms", [hit])
            for g in (shapely.points(np.asarray(part.coords)).tolist())
        ]
        point = min(points, key=lambda p: segment.project(p))
    return float(point.y), float(point.x)
