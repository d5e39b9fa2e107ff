"""The railway network: the OpenStreetMap railway graph, restricted, healed and snapped to.

``data/geo/rail/`` holds the OpenStreetMap-derived railway graph (from the ``scgraph_data``
package, © OpenStreetMap contributors, ODbL) for a region spanning Korea, Russia and
Ukraine: nodes with their country, undirected edges with their track length in km.
:class:`RailNetwork` reads it, keeps only the edges inside allowed countries
(:meth:`~RailNetwork.restrict`), heals gaps between components with straight links
(:meth:`~RailNetwork.heal`: the extract has lines broken where the source graph was
simplified), snaps a point to the nearest node (:meth:`~RailNetwork.snap`, a :class:`Snap`,
also the record of a sea route's ends) and finds shortest paths (Dijkstra,
``scipy.sparse.csgraph``). The routes themselves are :mod:`tumen.geo.rail`'s.

Coordinates are degrees WGS84 (EPSG:4326); lengths are km.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from tumen import paths
from tumen.errors import DataError, ParameterError
from tumen.geo.earth import EARTH_RADIUS_KM, distance_km


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
        return connected_components(self.matrix(), directed=False)[1]

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
        i, j = self._close_pairs(labels, heal_gap_km)
        if len(i) == 0:
            return self
        gap = distance_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
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

    def _close_pairs(self, labels: np.ndarray, heal_gap_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the node rows ``(i, j)`` of the pairs of nodes with edges, in different
        components, whose chord is within ``heal_gap_km`` (empty arrays when none)."""
        has_edge = np.zeros(self.n_nodes, bool)
        has_edge[self.u] = has_edge[self.v] = True
        rows = np.flatnonzero(has_edge)
        tree = cKDTree(_unit_xyz(self.lat[rows], self.lon[rows]) * EARTH_RADIUS_KM)
        # chord length <= arc length, so this finds every pair within the gap
        pairs = tree.query_pairs(heal_gap_km, output_type="ndarray")
        if len(pairs) == 0:
            return rows[:0], rows[:0]
        i, j = rows[pairs[:, 0]], rows[pairs[:, 1]]
        different = labels[i] != labels[j]
        return i[different], j[different]

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
            distance_km(lat, lon, self.lat[node], self.lon[node]),
        )

    def shortest_path(self, source: int, target: int) -> tuple[list[int], float]:
        """Return the node rows of the shortest path and its length in km.

        Raises
        ------
        DataError
            When the two nodes are not connected.
        """
        dist, pred = dijkstra(
            self.matrix(), directed=False, indices=source, return_predecessors=True
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

    def matrix(self):
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
    return _load_rail_network(str(rail_dir(directory)))


def rail_dir(directory) -> Path:
    return (Path(directory) if directory is not None else paths.geo() / "rail").resolve()


@functools.cache
def _load_rail_network(directory: str) -> RailNetwork:
    return RailNetwork.from_parquet(directory)
