"""Step 1 of the encounter and loitering detectors: each ship's slow positions on a time grid.

This module owns the per-ship half of :mod:`tumen.ais.encounters` (see its docstring for
the method): a ship's track resampled to a regular time grid inside its *slow legs*
(:func:`get_slow_bins`), grid times near a port left out (:func:`get_port_km`: distance
from the edge of a port's geofence). Each ship's bins depend on that ship alone, so on a
Dask DataFrame partitioned by MMSI this step runs in each partition.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tumen.ais.records import position_order
from tumen.ais.timecols import to_ns
from tumen.errors import DataError, ParameterError
from tumen.geo.earth import EARTH_RADIUS_KM, haversine_km

#: Columns the detectors read.
COLUMNS = ["mmsi", "time", "lat", "lon", "sog"]
#: Columns of :func:`get_slow_bins`: ``bin`` is the grid time as a count of time steps
#: since 1970-01-01T00:00Z.
BIN_COLUMNS = ["mmsi", "bin", "lat", "lon"]
#: Nanoseconds per minute.
NS_PER_MIN = 60_000_000_000


def get_slow_bins(
    positions: pd.DataFrame,
    *,
    max_sog_kn: float = 2.0,
    time_step_min: float = 10.0,
    max_fix_gap_h: float = 1.0,
    ports: pd.DataFrame | None = None,
    min_port_km: float = 10.0,
) -> pd.DataFrame:
    """Each ship's slow positions on a regular time grid, away from ports.

    Parameters
    ----------
    positions : pandas.DataFrame
        ``mmsi, time, lat, lon, sog`` (UTC times, degrees WGS84, knots), in any order.
    max_sog_kn : float
        A leg is slow when both its fixes report a speed over ground under this, knots.
    time_step_min : float
        Grid step, minutes.
    max_fix_gap_h : float
        Longest leg interpolated, hours.
    ports : pandas.DataFrame, optional
        ``lat, lon, radius_km`` of each port (degrees, km).
    min_port_km : float
        Grid times nearer a port's geofence than this are left out, km.

    Returns
    -------
    pandas.DataFrame
        :data:`BIN_COLUMNS`, sorted by ``mmsi, bin``.
    """
    check_positive(max_sog_kn=max_sog_kn, time_step_min=time_step_min, max_fix_gap_h=max_fix_gap_h)
    step = int(round(time_step_min * NS_PER_MIN))
    mmsi, t, lat, lon, sog = _sorted_track(positions)
    ok = (
        (mmsi[1:] == mmsi[:-1])
        & (sog[1:] < max_sog_kn)
        & (sog[:-1] < max_sog_kn)
        & (t[1:] - t[:-1] <= max_fix_gap_h * 60 * NS_PER_MIN)
    )
    leg = np.flatnonzero(ok)
    first, last = -(-t[leg] // step), t[leg + 1] // step
    count = np.maximum(last - first + 1, 0)
    at = np.repeat(leg, count)
    k = np.repeat(first, count) + np.arange(len(at)) - np.repeat(np.cumsum(count) - count, count)
    frac = (k * step - t[at]) / np.maximum(t[at + 1] - t[at], 1)
    out_lat = lat[at] + frac * (lat[at + 1] - lat[at])
    out_lon = wrap(lon[at] + frac * wrap(lon[at + 1] - lon[at]))
    keep = np.ones(len(at), bool)  # a grid time at a fix ends one leg and starts the next
    ship = mmsi[at]
    keep[1:] = (k[1:] != k[:-1]) | (ship[1:] != ship[:-1])
    keep &= ~_near_port(out_lat, out_lon, ports, min_port_km)
    return pd.DataFrame(
        {"mmsi": ship[keep], "bin": k[keep], "lat": out_lat[keep], "lon": out_lon[keep]}
    )


def _sorted_track(positions: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """``mmsi, time (ns), lat, lon, sog`` arrays sorted by ship and time (ties by the
    values, so any row order gives the same arrays); rows missing one are left out."""
    missing = [c for c in COLUMNS if c not in positions.columns]
    if missing:
        raise DataError(
            f"positions have no column {missing[0]!r}",
            field=missing[0],
            hint=f"positions have: {', '.join(map(str, positions.columns))}",
        )
    p = positions[COLUMNS].dropna(subset=["mmsi", "time", "lat", "lon"])
    mmsi = p["mmsi"].to_numpy("int64")
    t = to_ns(p["time"])
    lat, lon = p["lat"].to_numpy(float), p["lon"].to_numpy(float)
    sog = p["sog"].to_numpy(float, na_value=np.nan)
    track = (mmsi, t, lat, lon, sog)
    if not np.all((mmsi[1:] > mmsi[:-1]) | ((mmsi[1:] == mmsi[:-1]) & (t[1:] >= t[:-1]))):
        order = position_order(mmsi, t)
        track = tuple(a[order] for a in track)
    return _order_ties(*track)


def _order_ties(*track: np.ndarray) -> tuple[np.ndarray, ...]:
    """Reports of one ship at one time (rare) put in the order of their values, so that the
    result does not depend on the order they came in."""
    mmsi, t = track[:2]
    pair = (mmsi[1:] == mmsi[:-1]) & (t[1:] == t[:-1])
    if not pair.any():
        return track
    tie = np.zeros(len(t), bool)
    tie[1:] |= pair
    tie[:-1] |= pair
    rows = np.flatnonzero(tie)  # runs of tied rows keep their places in the track
    moved = rows[np.lexsort(tuple(a[rows] for a in reversed(track)))]
    out = tuple(a.copy() for a in track)
    for new, old in zip(out, track):
        new[rows] = old[moved]
    return out


def _near_port(
    lat: np.ndarray, lon: np.ndarray, ports: pd.DataFrame | None, km: float
) -> np.ndarray:
    """True where a point is nearer than ``km`` to a port's geofence (the great circle is
    computed only for the points inside a box around the port)."""
    near = np.zeros(len(lat), bool)
    if ports is None or not len(ports) or not km > 0:
        return near
    for row in ports[["lat", "lon", "radius_km"]].itertuples(index=False):
        reach = float(row.radius_km) + km
        dlat = np.degrees(reach / EARTH_RADIUS_KM) * 1.01 + 1e-9
        top = min(abs(float(row.lat)) + dlat, 90.0)
        dlon = 360.0 if top >= 89.0 else dlat / np.cos(np.radians(top))
        box = np.flatnonzero(
            (np.abs(lat - row.lat) <= dlat) & (np.abs(wrap(lon - row.lon)) <= dlon)
        )
        near[box] |= haversine_km(lat[box], lon[box], float(row.lat), float(row.lon)) < reach
    return near


def get_port_km(lat, lon, ports: pd.DataFrame | None) -> np.ndarray:
    """Distance from each point to the nearest port's geofence, km (0 inside one).

    Parameters
    ----------
    lat, lon : array_like
        Degrees WGS84.
    ports : pandas.DataFrame or None
        ``lat, lon, radius_km``; None or empty gives ``inf`` everywhere.

    Returns
    -------
    numpy.ndarray
        Great-circle distance to the nearest centre minus its ``radius_km``, at least 0.

    >>> float(get_port_km([42.0], [130.0], pd.DataFrame({"lat": [42.0], "lon": [130.1],
    ...                                                  "radius_km": [2.0]}))[0].round(2))
    6.26
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    best = np.full(lat.shape, np.inf)
    if ports is None or not len(ports):
        return best
    for row in ports[["lat", "lon", "radius_km"]].itertuples(index=False):
        edge = haversine_km(lat, lon, float(row.lat), float(row.lon)) - float(row.radius_km)
        best = np.minimum(best, np.maximum(edge, 0.0))
    return best


def wrap(lon: np.ndarray) -> np.ndarray:
    """Longitudes (or differences) into [-180, 180)."""
    return (np.asarray(lon, float) + 180.0) % 360.0 - 180.0


def check_positive(**values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ParameterError(f"{name} must be positive (got {value!r})", field=name)
