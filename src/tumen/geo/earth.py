"""The Earth: one radius, one nautical mile, and the two distances the project uses.

- :func:`haversine_km`: great circle on a sphere of :data:`EARTH_RADIUS_KM`, vectorised; for
  AIS tracks, geofences and speeds, where millions of pairs are measured;
- :func:`distance_km` and :func:`line_length_km`: geodesics on the WGS 84 ellipsoid (pyproj),
  for the distances the report states (rail routes, distances to borders).
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
KM_PER_NM = 1.852


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
