"""The Earth: one radius, one nautical mile, and the two distances the project uses.

- :func:`haversine_km`: great circle on a sphere of :data:`EARTH_RADIUS_KM`, vectorised; for
  AIS tracks, geofences and speeds, where millions of pairs are measured;
- :func:`distance_km` and :func:`line_length_km`: geodesics on the WGS 84 ellipsoid (pyproj),
  for the distances the report states (rail routes, distances to borders), with the one
  ellipsoid :data:`GEOD`.

Coordinates are degrees of latitude and longitude on WGS 84 (EPSG:4326); distances are
kilometres.

>>> round(distance_km(55.7558, 37.6173, 59.9311, 30.3609))  # Moscow - St Petersburg
633
"""

from __future__ import annotations

import numpy as np
import pyproj

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
KM_PER_NM = 1.852
#: The WGS84 ellipsoid, for every geodesic computation in the project.
GEOD = pyproj.Geod(ellps="WGS84")


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance on a sphere of radius :data:`EARTH_RADIUS_KM`.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like
        Coordinates in degrees (WGS 84); arrays broadcast.

    Returns
    -------
    float or numpy.ndarray
        Distance in km (NaN where an input is NaN).

    >>> round(float(haversine_km(42.0, 130.0, 43.0, 130.0)), 3)
    111.195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(lat1, lon1, lat2, lon2):
    """Return the geodesic distance on WGS84 between two points (or arrays of points).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like
        Degrees WGS84.

    Returns
    -------
    float or numpy.ndarray
        Kilometres (arrays broadcast against each other).

    >>> round(distance_km(0, 0, 0, 1), 3)  # one degree of longitude on the equator
    111.319
    """
    if any(np.ndim(v) for v in (lat1, lon1, lat2, lon2)):
        lat1, lon1, lat2, lon2 = (
            np.ascontiguousarray(v, dtype=float)
            for v in np.broadcast_arrays(lat1, lon1, lat2, lon2)
        )
        return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def line_length_km(lats, lons) -> float:
    """Return the geodesic length of a polyline through the points, km (degrees WGS84)."""
    if len(lats) < 2:
        return 0.0
    return float(GEOD.line_length(np.asarray(lons, float), np.asarray(lats, float))) / 1000.0
