"""Routes over the real networks: rail over OpenStreetMap railways, sea over open water.

**Rail.** ``data/geo/rail/`` holds the OpenStreetMap-derived railway graph (from the
``scgraph_data`` package, © OpenStreetMap contributors, ODbL) for a region spanning
Korea, Russia and Ukraine: nodes with their country, undirected edges with their track
length in km. The extract has gaps (a line broken where the source graph was simplified,
a branch missing). :func:`rail_route` keeps only edges inside the allowed countries,
heals gaps between components shorter than ``heal_gap_km`` with straight links, snaps
the two endpoints to the nearest node of the main component, and finds the shortest path
(Dijkstra, ``scipy.sparse.csgraph``). Every snap and every healed gap is reported, so a
reader can see what the route assumes.

**Sea.** Global marine networks snap Rajin and Dunai to nodes tens of km away or cut
across land, so :func:`sea_route` computes coastal legs itself: the shortest water-only
path over a land mask rasterised from Natural Earth 10m land on a local grid
(``skimage.graph.MCP_Geometric``), pulled taut and checked never to cross land.
:func:`ocean_route` uses the ``searoute`` marine network, for ocean-scale legs only.

Coordinates are degrees WGS84 (EPSG:4326); lengths are geodesic km on WGS84 unless
named ``_nm`` (international nautical miles, 1.852 km).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pyproj
import shapely
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from tumen import paths
from tumen.errors import DataError, ParameterError
from tumen.geo import core as geo

NM_KM = 1.852
_EARTH_KM = 6371.0088


# ---------------------------------------------------------------------------- rail


@dataclass(frozen=True)
class Snap:
    """An endpoint moved onto the network.

    Attributes
    ----------
    label : str
        Site id or ``"lat,lon"`` of the requested point.
    lat, lon : float
        Requested point, degrees WGS84.
    node : int
        Row of the node (rail) or flat index of the grid cell (sea) it was moved to.
    node_lat, node_lon : float
        Where it was moved to, degrees WGS84.
    km : float
        Geodesic length of the move, km.
    """

    label: str
    lat: float
    lon: float
    node: int
    node_lat: float
    node_lon: float
    km: float


@dataclass(frozen=True)
class HealedGap:
    """A straight link added between two network components closer than ``heal_gap_km``.

    Attributes
    ----------
    u, v : int
        Node rows joined.
    u_lat, u_lon, v_lat, v_lon : float
        Their positions, degrees WGS84.
    km : float
        Geodesic length of the link, km.
    """

    u: int
    v: int
    u_lat: float
    u_lon: float
    v_lat: float
    v_lon: float
    km: float


@dataclass(frozen=True)
class RailNetwork:
    """A railway graph: node positions and countries, undirected weighted edges.

    Attributes
    ----------
    lat, lon : numpy.ndarray
        Node positions, degrees WGS84.
    country : numpy.ndarray of str
        ``ADM0_A3`` code of the country each node lies in.
    u, v : numpy.ndarray of int
        Edge endpoints (node rows).
    km : numpy.ndarray of float
        Edge lengths, km (track length for railway edges, geodesic for healed links).
    healed : tuple of HealedGap
        Links added by :meth:`heal` (their edges are the last ``len(healed)`` edges).
    """

    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray
    u: np.ndarray
    v: np.ndarray
    km: np.ndarray
    healed: tuple = ()

    @classmethod
    def from_parquet(cls, directory: Path | str | None = None) -> RailNetwork:
        """Read ``nodes.parquet`` and ``edges.parquet`` (default ``data/geo/rail``)."""
        directory = Path(directory) if directory is not None else paths.geo() / "rail"
        try:
            nodes = pq.read_table(directory / "nodes.parquet").to_pydict()
            edges = pq.read_table(directory / "edges.parquet").to_pydict()
        except (FileNotFoundError, OSError) as exc:
            raise DataError(
                f"cannot read the rail network: {exc}",
                file=directory,
                hint="run scripts/build_geodata.py",
            ) from None
        for name, table, cols in (
            ("nodes", nodes, ("lat", "lon", "country")),
            ("edges", edges, ("u", "v", "km")),
        ):
            for col in cols:
                if col not in table:
                    raise DataError("missing column", file=directory / f"{name}.parquet", field=col)
        return cls(
            lat=np.asarray(nodes["lat"], float),
            lon=np.asarray(nodes["lon"], float),
            country=np.asarray(nodes["country"], dtype=object).astype(str),
            u=np.asarray(edges["u"], np.int64),
            v=np.asarray(edges["v"], np.int64),
            km=np.asarray(edges["km"], float),
        )

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.lat)

    def restrict(self, countries) -> RailNetwork:
        """Return the network with only the edges whose two nodes lie in ``countries``.

        Parameters
        ----------
        countries : iterable of str or None
            ``ADM0_A3`` codes; None keeps every edge.
        """
        if countries is None:
            return self
        allowed = np.isin(self.country, list(countries))
        keep = allowed[self.u] & allowed[self.v]
        return RailNetwork(
            self.lat, self.lon, self.country, self.u[keep], self.v[keep], self.km[keep], ()
        )

    def components(self) -> np.ndarray:
        """Return the connected-component label of every node (isolated nodes get their own)."""
        return connected_components(self._matrix(), directed=False)[1]

    def main_component(self) -> np.ndarray:
        """Return a boolean mask of the nodes in the largest component that has edges."""
        labels = self.components()
        sizes = (
            np.bincount(labels[np.concatenate([self.u, self.v])])
            if len(self.u)
            else np.bincount(labels)
        )
        return labels == int(np.argmax(sizes))

    def heal(self, heal_gap_km: float) -> RailNetwork:
        """Join components whose nearest nodes are closer than ``heal_gap_km``.

        For every pair of components with nodes within ``heal_gap_km`` km of each other,
        one straight link is added between their two closest nodes (ties broken by node
        row, so the result is deterministic). Nodes without edges are left alone.

        Parameters
        ----------
        heal_gap_km : float
            Largest gap to bridge, km (geodesic). 0 heals nothing.

        Returns
        -------
        RailNetwork
            A new network whose ``healed`` lists the links added.
        """
        if heal_gap_km < 0 or not math.isfinite(heal_gap_km):
            raise ParameterError(
                f"heal_gap_km must be a finite number >= 0, got {heal_gap_km}", field="heal_gap_km"
            )
        if heal_gap_km == 0 or len(self.u) == 0:
            return self
        labels = self.components()
        has_edge = np.zeros(self.n_nodes, bool)
        has_edge[self.u] = has_edge[self.v] = True
        rows = np.flatnonzero(has_edge)
        tree = cKDTree(_unit_xyz(self.lat[rows], self.lon[rows]) * _EARTH_KM)
        # chord length <= arc length, so this finds every pair within the gap
        pairs = tree.query_pairs(heal_gap_km, output_type="ndarray")
        if len(pairs) == 0:
            return self
        i, j = rows[pairs[:, 0]], rows[pairs[:, 1]]
        different = labels[i] != labels[j]
        i, j = i[different], j[different]
        if len(i) == 0:
            return self
        gap = geo.distance_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
        ok = gap <= heal_gap_km
        i, j, gap = i[ok], j[ok], np.atleast_1d(gap)[ok]
        a, b = np.minimum(labels[i], labels[j]), np.maximum(labels[i], labels[j])
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        order = np.lexsort((hi, lo, gap, b, a))
        first = np.ones(len(order), bool)
        first[1:] = (a[order][1:] != a[order][:-1]) | (b[order][1:] != b[order][:-1])
        pick = order[first]
        healed = tuple(
            HealedGap(
                int(lo[k]),
                int(hi[k]),
                float(self.lat[lo[k]]),
                float(self.lon[lo[k]]),
                float(self.lat[hi[k]]),
                float(self.lon[hi[k]]),
                float(gap[k]),
            )
            for k in pick
        )
        return RailNetwork(
            self.lat,
            self.lon,
            self.country,
            np.concatenate([self.u, lo[pick]]),
            np.concatenate([self.v, hi[pick]]),
            np.concatenate([self.km, gap[pick]]),
            self.healed + healed,
        )

    def snap(self, lat: float, lon: float, label: str = "", mask=None) -> Snap:
        """Return the nearest node (geodesic) to a point, among ``mask`` nodes (default all)."""
        rows = np.flatnonzero(mask) if mask is not None else np.arange(self.n_nodes)
        if len(rows) == 0:
            raise DataError(
                "the rail network has no nodes to snap to", hint="check the allowed countries"
            )
        tree = cKDTree(_unit_xyz(self.lat[rows], self.lon[rows]))
        _, k = tree.query(_unit_xyz(np.array([lat]), np.array([lon]))[0])
        node = int(rows[k])
        return Snap(
            label,
            float(lat),
            float(lon),
            node,
            float(self.lat[node]),
            float(self.lon[node]),
            geo.distance_km(lat, lon, self.lat[node], self.lon[node]),
        )

    def shortest_path(self, source: int, target: int) -> tuple[list[int], float]:
        """Return the node rows of the shortest path and its length in km.

        Raises
        ------
        DataError
            When the two nodes are not connected.
        """
        dist, pred = dijkstra(
            self._matrix(), directed=False, indices=source, return_predecessors=True
        )
        if not np.isfinite(dist[target]):
            raise DataError(
                f"no rail path between nodes {source} and {target}",
                hint="raise heal_gap_km or allow more countries",
            )
        path = [target]
        while path[-1] != source:
            path.append(int(pred[path[-1]]))
        return path[::-1], float(dist[target])

    def edge_km(self, a: int, b: int) -> float:
        """Return the shortest length of an edge joining two nodes, km."""
        m = ((self.u == a) & (self.v == b)) | ((self.u == b) & (self.v == a))
        return float(self.km[m].min())

    def _matrix(self):
        """Return the symmetric sparse adjacency matrix (shortest parallel edge wins)."""
        n = self.n_nodes
        # parallel edges: scipy sums duplicates, so keep the minimum explicitly
        key = np.minimum(self.u, self.v) * n + np.maximum(self.u, self.v)
        order = np.lexsort((self.km, key))
        first = np.ones(len(order), bool)
        first[1:] = key[order][1:] != key[order][:-1]
        sel = order[first]
        lo, hi, w = np.minimum(self.u, self.v)[sel], np.maximum(self.u, self.v)[sel], self.km[sel]
        # a zero-length edge would vanish in a sparse matrix: floor at 1 mm
        w = np.maximum(w, 1e-6)
        return coo_matrix((w, (lo, hi)), shape=(n, n)).tocsr()


def _unit_xyz(lat, lon) -> np.ndarray:
    """Return unit vectors (ECEF on a sphere) for positions in degrees."""
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def load_rail_network(directory: str | Path | None = None) -> RailNetwork:
    """Return the regional railway network (default ``data/geo/rail``; cached per directory)."""
    return _load_rail_network(str(_rail_dir(directory)))


def _rail_dir(directory) -> Path:
    return (Path(directory) if directory is not None else paths.geo() / "rail").resolve()


@functools.cache
def _load_rail_network(directory: str) -> RailNetwork:
    return RailNetwork.from_parquet(directory)


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
    net = _load_rail_network(directory).restrict(countries).heal(heal_gap_km)
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
    net, main = _prepared(str(_rail_dir(network_dir)), allowed, float(heal_gap_km))
    points = [geo.to_point(p, sites) for p in (a, *via, b)]
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
        of the two countries (:func:`tumen.geo.core.get_border`).

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
    directory = str(_rail_dir(network_dir))
    net, main = _prepared(directory, allowed, float(heal_gap_km))
    full = _load_rail_network(directory)
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
    border = geo.get_border(country, neighbour) if border is None else border
    lat, lon, label = geo.to_point(a, sites)
    start = net.snap(lat, lon, label, mask=main)
    dist, pred = dijkstra(
        net._matrix(), directed=False, indices=start.node, return_predecessors=True
    )
    best = None
    for k in np.flatnonzero(cross):
        h, o = (full.u[k], full.v[k]) if home[k] else (full.v[k], full.u[k])
        if not np.isfinite(dist[h]):
            continue
        plat, plon = _border_point(full, h, o, border)
        whole = geo.distance_km(full.lat[h], full.lon[h], full.lat[o], full.lon[o])
        part = geo.distance_km(full.lat[h], full.lon[h], plat, plon)
        edge_km = float(full.km[k]) * (part / whole if whole > 0 else 0.0)
        candidate = (float(dist[h]) + edge_km, int(h), plat, plon, edge_km)
        if best is None or candidate < best:
            best = candidate
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


def _border_point(net: RailNetwork, h: int, o: int, border) -> tuple[float, float]:
    """Return (lat, lon) where the straight edge h-o meets the border (nearest h)."""
    import shapely.ops

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


# ---------------------------------------------------------------------------- sea


@dataclass(frozen=True)
class SeaRoute:
    """A water-only route between two coastal points.

    Attributes
    ----------
    length_km, length_nm : float
        Geodesic length of the water path between the snapped endpoints (km, nautical
        miles); snap distances are not included.
    snaps : tuple of Snap
        Start and end moved to the nearest open-water grid cell (``node`` = flat cell index).
    lat, lon : numpy.ndarray
        Vertices of the simplified path, degrees WGS84.
    cell_km : float
        Grid resolution used, km.
    clearance_km : float
        Minimum distance kept from land cell centres, km.
    crs : str
        PROJ string of the local grid (transverse Mercator centred between the ends).
    """

    length_km: float
    length_nm: float
    snaps: tuple
    lat: np.ndarray = field(repr=False)
    lon: np.ndarray = field(repr=False)
    cell_km: float
    clearance_km: float
    crs: str

    @property
    def geometry(self) -> shapely.LineString:
        """The route as a shapely LineString in (lon, lat) degrees."""
        return shapely.LineString(np.column_stack([self.lon, self.lat]))

    @property
    def total_km(self) -> float:
        """Water-path length plus the two straight snap legs, km."""
        return self.length_km + sum(s.km for s in self.snaps)

    def report(self) -> str:
        """Return a few lines describing the route and its snaps."""
        how = (
            f"grid {self.cell_km * 1000:.0f} m"
            if math.isfinite(self.cell_km)
            else "searoute marine network"
        )
        lines = [
            f"sea route {self.snaps[0].label} -> {self.snaps[1].label}: "
            f"{self.length_km:.1f} km = {self.length_nm:.1f} nm "
            f"({how}, {len(self.lat)} vertices)"
        ]
        for s in self.snaps:
            lines.append(
                f"  snap {s.label}: ({s.lat:.4f}, {s.lon:.4f}) -> water at "
                f"({s.node_lat:.4f}, {s.node_lon:.4f}), {s.km:.2f} km"
            )
        return "\n".join(lines)


@functools.cache
def _land_polygons(geo_dir: str, resolution: str):
    """Return Natural Earth land (and nothing else) as one shapely geometry, lon/lat."""
    import shapefile

    path = Path(geo_dir) / "shapefiles" / "natural_earth" / "physical" / f"ne_{resolution}_land.shp"
    if not path.exists():
        raise DataError("land layer not found", file=path, hint="run scripts/build_geodata.py")
    with shapefile.Reader(str(path)) as r:
        geoms = [shapely.geometry.shape(s.__geo_interface__) for s in r.shapes()]
    return shapely.union_all(geoms)


def get_land(resolution: str = "10m"):
    """Return Natural Earth land as a shapely (Multi)Polygon in lon/lat degrees (WGS84).

    The 10m layer is clipped to the regional boxes of ``data/geo/regions.json``; outside
    them :func:`tumen.geo.core.get_world_layer` reads the same land unclipped.
    """
    return _land_polygons(str(paths.geo()), resolution)


def sea_route(
    a,
    b,
    *,
    cell_km: float = 0.25,
    margin_km: float = 30.0,
    clearance_cells: int = 1,
    sites=None,
    land=None,
    max_snap_km: float = 15.0,
) -> SeaRoute:
    """Return the shortest water-only route between two coastal points.

    The land mask is Natural Earth 10m land rasterised on a local transverse Mercator grid
    of ``cell_km`` cells around the two points (plus ``margin_km``), dilated by
    ``clearance_cells`` so the path keeps off the coast. Both ends are snapped to the
    nearest cell of the largest open-water area; the minimum-cost path
    (``skimage.graph.MCP_Geometric``, 8-connected) is then pulled taut: each vertex is
    joined to the farthest later vertex it can see without touching land (forwards and
    backwards; the shorter wins). The result is checked never to intersect land. The
    route is computed in a fixed order of the two ends, so A→B and B→A are the same line.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Ports: gazetteer ids, sites, or points in degrees WGS84.
    cell_km : float
        Grid cell size, km (0.25 resolves harbour approaches at Natural Earth 10m).
    margin_km : float
        Grid margin around the two points, km.
    clearance_cells : int
        Cells of clearance from land.
    sites : pandas.DataFrame, optional
        Gazetteer for resolving ids.
    land : shapely geometry, optional
        Land polygons in lon/lat degrees (tests pass a hand-made coast); default
        Natural Earth 10m land (the regional layer, or the world-wide one outside it).
    max_snap_km : float
        Farthest an end may be from the open water the route uses, km: an end on other
        water (a sea no path inside the grid joins) or far inland has no route.

    Returns
    -------
    SeaRoute

    Raises
    ------
    ParameterError
        A bad parameter, or a grid too large for a coastal leg.
    DataError
        No water path between the ends, or an end farther than ``max_snap_km`` from it.
    """
    if cell_km is None or not (0.01 <= cell_km <= 10) or margin_km < 0 or clearance_cells < 0:
        raise ParameterError(
            "sea_route needs 0.01 <= cell_km <= 10, margin_km >= 0, clearance_cells >= 0",
            field="cell_km",
        )
    pa, pb = geo.to_point(a, sites), geo.to_point(b, sites)
    if pa[:2] <= pb[:2]:
        return _sea_route(pa, pb, cell_km, margin_km, clearance_cells, land, max_snap_km)
    r = _sea_route(pb, pa, cell_km, margin_km, clearance_cells, land, max_snap_km)
    return SeaRoute(
        length_km=r.length_km,
        length_nm=r.length_nm,
        snaps=r.snaps[::-1],
        lat=r.lat[::-1].copy(),
        lon=r.lon[::-1].copy(),
        cell_km=r.cell_km,
        clearance_km=r.clearance_km,
        crs=r.crs,
    )


def _sea_route(pa, pb, cell_km, margin_km, clearance_cells, land, max_snap_km) -> SeaRoute:
    """Compute :func:`sea_route` for resolved ends ``(lat, lon, label)``."""
    from skimage.graph import MCP_Geometric

    (lat_a, lon_a, label_a), (lat_b, lon_b, label_b) = pa, pb
    crs = (
        f"+proj=tmerc +lat_0={(lat_a + lat_b) / 2:.6f} +lon_0={(lon_a + lon_b) / 2:.6f} "
        "+k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )
    fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    xa, ya = fwd.transform(lon_a, lat_a)
    xb, yb = fwd.transform(lon_b, lat_b)
    cell, margin = cell_km * 1000.0, margin_km * 1000.0
    x0, x1 = min(xa, xb) - margin, max(xa, xb) + margin
    y0, y1 = min(ya, yb) - margin, max(ya, yb) + margin
    nx, ny = int(math.ceil((x1 - x0) / cell)), int(math.ceil((y1 - y0) / cell))
    if nx * ny > 6_000_000:
        raise ParameterError(
            f"sea grid of {nx}x{ny} cells is too large for a coastal leg",
            field="cell_km",
            hint="raise cell_km or use an ocean route",
        )
    xs, ys = x0 + (np.arange(nx) + 0.5) * cell, y0 + (np.arange(ny) + 0.5) * cell
    corner_lon, corner_lat = fwd.transform(
        np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1]), direction="INVERSE"
    )
    view = shapely.box(
        min(corner_lon) - 0.1, min(corner_lat) - 0.1, max(corner_lon) + 0.1, max(corner_lat) + 0.1
    )
    land_xy = shapely.transform(
        _land_in(view, land, corner_lon, corner_lat),
        lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])),
    )
    shapely.prepare(land_xy)
    gx, gy = np.meshgrid(xs, ys)
    is_land = shapely.contains_xy(land_xy, gx, gy)
    blocked = (
        ndimage.binary_dilation(
            is_land, structure=np.ones((3, 3), bool), iterations=clearance_cells
        )
        if clearance_cells
        else is_land
    )
    labels, n = ndimage.label(~blocked, structure=np.ones((3, 3), int))
    if n == 0:
        raise DataError("no open water in the sea grid", hint="check the two points")
    sea = labels == (1 + int(np.argmax(np.bincount(labels.ravel())[1:])))
    snaps = []
    inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    for (lat, lon, label), (x, y) in (
        ((lat_a, lon_a, label_a), (xa, ya)),
        ((lat_b, lon_b, label_b), (xb, yb)),
    ):
        rows, cols = np.nonzero(sea)
        k = int(np.argmin((xs[cols] - x) ** 2 + (ys[rows] - y) ** 2))
        r, c = int(rows[k]), int(cols[k])
        slon, slat = inv.transform(xs[c], ys[r])
        snaps.append(
            (
                Snap(
                    label,
                    lat,
                    lon,
                    r * nx + c,
                    float(slat),
                    float(slon),
                    geo.distance_km(lat, lon, slat, slon),
                ),
                (r, c),
            )
        )
        if snaps[-1][0].km > max_snap_km:
            raise DataError(
                f"no water path joins the two ports: {label} is "
                f"{snaps[-1][0].km:.0f} km from the open water the route would use",
                hint=f"are the ports on waters that connect within {margin_km:.0f} km of them?",
            )
    costs = np.where(sea, 1.0, np.inf)
    mcp = MCP_Geometric(costs)
    (ra, ca), (rb, cb) = snaps[0][1], snaps[1][1]
    cum, _ = mcp.find_costs([(ra, ca)], [(rb, cb)])
    if not np.isfinite(cum[rb, cb]):
        raise DataError(f"no water path between {label_a} and {label_b}")
    cells = np.asarray(mcp.traceback((rb, cb)))
    path_xy = np.column_stack([xs[cells[:, 1]], ys[cells[:, 0]]])
    forward, backward = _pull_taut(path_xy, land_xy), _pull_taut(path_xy[::-1], land_xy)[::-1]
    taut = min((forward, backward), key=lambda p: np.hypot(*np.diff(p, axis=0).T).sum())
    line = shapely.LineString(taut)
    if line.intersects(land_xy):
        raise DataError(
            "internal check failed: the sea route touches land",
            hint="lower cell_km or raise clearance_cells",
        )
    dense = shapely.segmentize(line, max_segment_length=1000.0)
    lon, lat = inv.transform(*np.asarray(dense.coords).T)
    vlon, vlat = inv.transform(taut[:, 0], taut[:, 1])
    length = geo.line_length_km(lat, lon)
    return SeaRoute(
        length_km=length,
        length_nm=length / NM_KM,
        snaps=(snaps[0][0], snaps[1][0]),
        lat=np.asarray(vlat),
        lon=np.asarray(vlon),
        cell_km=cell_km,
        clearance_km=clearance_cells * cell_km,
        crs=crs,
    )


def _land_in(view, land, lons, lats):
    """Land inside ``view`` (lon/lat): the given geometry, else Natural Earth 10m land from
    the detailed regional layer when the grid's corners lie in one region, else from the
    world-wide layer (the same data, unclipped)."""
    if land is not None:
        return land.intersection(view)
    if geo.get_region_covering(lons, lats, "10m") is not None:
        return get_land("10m").intersection(view)
    return shapely.union_all(geo.get_world_layer("land", view.bounds))


def ocean_route(a, b, *, sites=None) -> SeaRoute:
    """Return an ocean-scale route over the ``searoute`` marine network (Eurostat marnet).

    For long legs only (e.g. Rajin to a Chinese shipyard): the network is coarse near the
    coast, so the endpoints can snap tens to hundreds of km; the snaps are reported and
    are not part of ``length_km``. Use :func:`sea_route` for coastal legs.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Ports: gazetteer ids, sites, or points in degrees WGS84.
    sites : pandas.DataFrame, optional
        Gazetteer for resolving ids.

    Returns
    -------
    SeaRoute
        ``cell_km`` and ``clearance_km`` are NaN, ``crs`` is ``"EPSG:4326"``; ``node`` of
        each snap is the index of the route vertex it snapped to.
    """
    import searoute

    (lat_a, lon_a, label_a), (lat_b, lon_b, label_b) = (geo.to_point(p, sites) for p in (a, b))
    feature = searoute.searoute([lon_a, lat_a], [lon_b, lat_b], units="km")
    coords = np.asarray(feature["geometry"]["coordinates"], float)
    lon, lat = coords[:, 0], coords[:, 1]
    snaps = (
        Snap(
            label_a,
            lat_a,
            lon_a,
            0,
            float(lat[0]),
            float(lon[0]),
            geo.distance_km(lat_a, lon_a, lat[0], lon[0]),
        ),
        Snap(
            label_b,
            lat_b,
            lon_b,
            len(lat) - 1,
            float(lat[-1]),
            float(lon[-1]),
            geo.distance_km(lat_b, lon_b, lat[-1], lon[-1]),
        ),
    )
    length = geo.line_length_km(lat, lon)
    return SeaRoute(
        length_km=length,
        length_nm=length / NM_KM,
        snaps=snaps,
        lat=lat,
        lon=lon,
        cell_km=float("nan"),
        clearance_km=float("nan"),
        crs="EPSG:4326",
    )


def _pull_taut(path: np.ndarray, land) -> np.ndarray:
    """Simplify a grid path: join each kept vertex to the farthest vertex visible over water.

    Parameters
    ----------
    path : numpy.ndarray, shape (n, 2)
        Vertices in projected metres.
    land : shapely geometry (prepared)
        Obstacles in the same coordinates.

    Returns
    -------
    numpy.ndarray, shape (m, 2)
        A subset of the vertices, first and last kept; consecutive vertices see each other.
    """
    keep = [0]
    n = len(path)
    while keep[-1] < n - 1:
        i = keep[-1]
        lo, hi = i + 1, n - 1  # lo is always visible (adjacent cells are water)
        if not _blocked(path[i], path[hi], land):
            keep.append(hi)
            continue
        while hi - lo > 1:  # binary search for the last visible vertex
            mid = (lo + hi) // 2
            if _blocked(path[i], path[mid], land):
                hi = mid
            else:
                lo = mid
        keep.append(lo)
    return path[keep]


def _blocked(p, q, land) -> bool:
    """Return True when the segment p-q touches land."""
    return bool(land.intersects(shapely.LineString([p, q])))


def main(argv=None) -> int:
    """Print the pipeline's routes with their snaps and healed gaps.

    Usage: ``python -m tumen.geo.routing [--heal-gap-km 5]``.
    """
    import argparse

    ap = argparse.ArgumentParser(
        description="Print the Rajin -> Dunai sea route and the Dunai -> Tikhoretsk rail routes."
    )
    ap.add_argument("--heal-gap-km", type=float, default=5.0)
    args = ap.parse_args(argv)
    print(sea_route("rajin_port", "dunai_port").report())
    for countries in (("RUS",), None):
        print(
            rail_route(
                "dunai_port", "tikhoretsk_depot", countries=countries, heal_gap_km=args.heal_gap_km
            ).report()
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
