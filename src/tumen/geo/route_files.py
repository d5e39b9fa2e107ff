"""Route files: rail and sea routes written to GeoJSON and read back exactly.

A notebook that computes a route leaves it for the notebooks that link to its results
(:mod:`tumen.engine.links`) with :func:`write_routes`; a reader gets the same
:class:`tumen.geo.rail.RailRoute` and :class:`tumen.geo.sea.SeaRoute` objects back with
:func:`read_routes`, every number equal to the one computed (floats pass through JSON's
shortest round-trip repr; a non-finite float is written as a string), so what the reader
draws and cites is what the producer computed. Each route is one GeoJSON Feature: a
LineString of its vertices (lon, lat degrees WGS84) and its other fields (snaps, healed
gaps, lengths, ...) as properties. A route that could not be computed is listed with the
reason under the collection's ``missing`` member.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tumen import paths
from tumen.errors import DataError
from tumen.geo.rail import RailRoute
from tumen.geo.railways import HealedGap, Snap
from tumen.geo.sea import SeaRoute


@dataclass(frozen=True)
class RouteFile:
    """The routes of one route file.

    Attributes
    ----------
    routes : dict
        Name -> :class:`tumen.geo.rail.RailRoute` or :class:`tumen.geo.sea.SeaRoute`.
    missing : dict
        Name -> why that route could not be computed.
    """

    routes: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)


def _num(x):
    """A float for JSON: itself when finite, else its name ("inf", "nan")."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


def _snap(s: Snap) -> dict:
    return {
        "label": str(s.label),
        "lat": _num(s.lat),
        "lon": _num(s.lon),
        "node": int(s.node),
        "node_lat": _num(s.node_lat),
        "node_lon": _num(s.node_lon),
        "km": _num(s.km),
    }


def _gap(h: HealedGap) -> dict:
    keys = ("u_lat", "u_lon", "v_lat", "v_lon", "km")
    return {"u": int(h.u), "v": int(h.v), **{k: _num(getattr(h, k)) for k in keys}}


def to_feature(name: str, route: RailRoute | SeaRoute) -> dict:
    """One route as a GeoJSON Feature (``kind`` ``rail`` or ``sea``), every field kept."""
    if not isinstance(route, (RailRoute, SeaRoute)):
        raise TypeError(f"not a rail or sea route: {type(route).__name__}")
    props: dict = {"name": str(name), "length_km": _num(route.length_km)}
    if isinstance(route, RailRoute):
        props |= {
            "kind": "rail",
            "healed_on_path": [_gap(h) for h in route.healed_on_path],
            "healed_total": int(route.healed_total),
            "nodes": [int(n) for n in route.nodes],
            "countries": [str(c) for c in route.countries],
            "allowed_countries": None
            if route.allowed_countries is None
            else [str(c) for c in route.allowed_countries],
            "heal_gap_km": _num(route.heal_gap_km),
        }
    else:
        props |= {
            "kind": "sea",
            "length_nm": _num(route.length_nm),
            "cell_km": _num(route.cell_km),
            "clearance_km": _num(route.clearance_km),
            "crs": str(route.crs),
        }
    props["snaps"] = [_snap(s) for s in route.snaps]
    coords = [[_num(x), _num(y)] for x, y in zip(route.lon, route.lat)]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def from_feature(feature: Mapping) -> RailRoute | SeaRoute:
    """The route of a Feature written by :func:`to_feature`."""
    p = feature["properties"]
    coords = np.asarray(
        [[float(x), float(y)] for x, y in feature["geometry"]["coordinates"]], dtype=float
    ).reshape(-1, 2)
    lat, lon = coords[:, 1].copy(), coords[:, 0].copy()
    snaps = tuple(
        Snap(
            label=s["label"],
            lat=float(s["lat"]),
            lon=float(s["lon"]),
            node=int(s["node"]),
            node_lat=float(s["node_lat"]),
            node_lon=float(s["node_lon"]),
            km=float(s["km"]),
        )
        for s in p["snaps"]
    )
    if p["kind"] == "sea":
        return SeaRoute(
            length_km=float(p["length_km"]),
            length_nm=float(p["length_nm"]),
            snaps=snaps,
            lat=lat,
            lon=lon,
            cell_km=float(p["cell_km"]),
            clearance_km=float(p["clearance_km"]),
            crs=p["crs"],
        )
    allowed = p["allowed_countries"]
    return RailRoute(
        length_km=float(p["length_km"]),
        snaps=snaps,
        healed_on_path=tuple(
            HealedGap(
                u=int(h["u"]),
                v=int(h["v"]),
                **{k: float(h[k]) for k in ("u_lat", "u_lon", "v_lat", "v_lon", "km")},
            )
            for h in p["healed_on_path"]
        ),
        healed_total=int(p["healed_total"]),
        nodes=tuple(int(n) for n in p["nodes"]),
        lat=lat,
        lon=lon,
        countries=tuple(p["countries"]),
        allowed_countries=None if allowed is None else tuple(allowed),
        heal_gap_km=float(p["heal_gap_km"]),
    )


def write_routes(
    routes: Mapping[str, RailRoute | SeaRoute | None],
    path: str | os.PathLike,
    *,
    missing: Mapping[str, str] | None = None,
) -> Path:
    """Write routes to a GeoJSON file (atomically); return its path.

    Parameters
    ----------
    routes : mapping
        Name -> route; a ``None`` route is left out (say why in ``missing``).
    path : path
        The file, usually in the notebook's ``links_dir``.
    missing : mapping, optional
        Name -> why a route could not be computed (empty reasons are left out).
    """
    data = {
        "type": "FeatureCollection",
        "missing": {str(k): str(v) for k, v in (missing or {}).items() if v},
        "features": [to_feature(n, r) for n, r in routes.items() if r is not None],
    }
    return paths.atomic_write(Path(path), json.dumps(data, ensure_ascii=False) + "\n")


def read_routes(path: str | os.PathLike) -> RouteFile:
    """Read a file written by :func:`write_routes`.

    Raises
    ------
    DataError
        When the file cannot be read or is not a route file.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return RouteFile(
            routes={f["properties"]["name"]: from_feature(f) for f in data["features"]},
            missing=dict(data.get("missing", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"not a route file: {exc}", file=path, hint="write it with write_routes"
        ) from None
