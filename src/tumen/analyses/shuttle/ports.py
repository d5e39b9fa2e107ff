"""The two ports of the shuttle and the sea between them: their names from the gazetteer, the
sea route (:func:`get_sea_route`) and the extent of the map that shows them
(:func:`get_map_extent`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.ais.tracks import get_sites
from tumen.errors import DataError, ParameterError
from tumen.geo import sea


def get_sea_route(home: str, away: str, sites: pd.DataFrame | Mapping):
    """The shortest water route between the ports, or why there is none.

    Parameters
    ----------
    home, away : str
        Site ids.
    sites : pandas.DataFrame
        Gazetteer.

    Returns
    -------
    (tumen.geo.sea.SeaRoute or None, str)
        The route and ``""``; or None and one sentence saying why it could not be computed
        (ports too far apart for a coastal grid, no water path, ...).
    """
    try:
        return sea.sea_route(home, away, sites=sites), ""
    except (ParameterError, DataError) as exc:
        return None, str(exc.args[0] if exc.args else exc).rstrip(".")


def get_map_extent(
    extent: Sequence[float] | None,
    sites: pd.DataFrame | Mapping,
    ports: Sequence[str],
    *,
    positions: pd.DataFrame | None = None,
    route=None,
    pad: float = 0.15,
    min_span_deg: float = 0.5,
) -> tuple:
    """The map extent: the one given, else the bounding box of the ports and the tracks.

    Parameters
    ----------
    extent : sequence of 4 floats or None
        ``lon_min, lon_max, lat_min, lat_max`` (degrees); empty or None for the default.
    sites : pandas.DataFrame or mapping
        Gazetteer (the ports' centres).
    ports : sequence of str
        Site ids of the ports.
    positions : pandas.DataFrame, optional
        AIS fixes of the vessels of interest (``lat, lon``).
    route : tumen.geo.sea.SeaRoute, optional
        Its line is included.
    pad : float
        Margin added on each side, as a share of the box's span.
    min_span_deg : float
        Smallest span of either side, degrees.

    Returns
    -------
    tuple of 4 floats
        ``(lon_min, lon_max, lat_min, lat_max)``, degrees WGS84.

    >>> get_map_extent([1, 2, 3, 4], {}, [])
    (1.0, 2.0, 3.0, 4.0)
    """
    if extent is not None and len(extent):
        if len(extent) != 4:
            raise DataError(
                "map_extent needs four numbers",
                field="map_extent",
                hint="lon_min, lon_max, lat_min, lat_max (degrees), or [] for the ports and tracks",
            )
        return tuple(float(x) for x in extent)
    p = get_sites(sites, ports)
    lats, lons = [p["lat"].to_numpy(float)], [p["lon"].to_numpy(float)]
    if positions is not None and len(positions):
        lats.append(positions["lat"].to_numpy(float))
        lons.append(positions["lon"].to_numpy(float))
    if route is not None:
        lats.append(np.asarray(route.lat, float))
        lons.append(np.asarray(route.lon, float))
    return _frame(np.concatenate(lats), np.concatenate(lons), pad, min_span_deg)


def _frame(lat: np.ndarray, lon: np.ndarray, pad: float, min_span_deg: float) -> tuple:
    """The box around the points, padded, no side shorter than half the other (in km),
    rounded outwards to 0.01 degrees: ``(lon_min, lon_max, lat_min, lat_max)``."""
    lo = [float(np.nanmin(lon)), float(np.nanmin(lat))]
    hi = [float(np.nanmax(lon)), float(np.nanmax(lat))]
    span = [max((b - a) * (1 + 2 * pad), min_span_deg) for a, b in zip(lo, hi)]
    shrink = math.cos(math.radians((lo[1] + hi[1]) / 2))  # km per degree of lon / of lat
    # neither side shorter than half the other, in km
    span[1] = max(span[1], 0.5 * span[0] * shrink)
    span[0] = max(span[0], 0.5 * span[1] / shrink)
    box = []
    for a, b, s in zip(lo, hi, span):
        mid = (a + b) / 2
        box += [math.floor((mid - s / 2) * 100) / 100, math.ceil((mid + s / 2) * 100) / 100]
    return tuple(box)


def get_port_names(sites: pd.DataFrame, ports: Sequence[str]) -> tuple[dict, dict]:
    """Names of the ports from the gazetteer: full (before any bracket) and short.

    Returns
    -------
    (dict, dict)
        Site id -> name up to any bracket (``"Rajin"``, ``"Dunai port facility"``), and
        site id -> short name without trailing generic words (``"Dunai"``; ``"Port
        Alder"`` stays as it is).

    >>> get_port_names({"d": {"name": "Dunai port facility", "lat": 0, "lon": 0,
    ...                       "radius_km": 1}}, ["d"])
    ({'d': 'Dunai port facility'}, {'d': 'Dunai'})
    """
    p = get_sites(sites, ports)
    names = {
        i: str(n).split(" (")[0].strip()
        for i, n in zip(p["id"], p["name"] if "name" in p else p["id"])
    }
    return names, {i: _short_name(n) for i, n in names.items()}


_GENERIC = {"port", "facility", "harbour", "harbor", "terminal", "anchorage", "berth", "pier"}


def _short_name(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _GENERIC:
        words.pop()
    return " ".join(words)
