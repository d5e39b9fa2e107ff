"""What AIS hears at a site and of the ships of interest: other traffic, reported speeds.

This module owns the checks on AIS coverage the report cites beside the gaps: how many
other ships AIS heard inside a geofence and their longest silence there
(:func:`get_site_traffic`: reception, as against a transponder switched off), and the
fastest speed the ships of interest reported (:func:`get_fastest_speed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.ais.timecols import to_hours
from tumen.ais.tracks import add_site, get_sites, require_columns, run_starts, shift_diff


def get_fastest_speed(positions: pd.DataFrame, vessels: Sequence[str]) -> float | None:
    """The fastest speed over ground any of ``vessels`` reported on AIS, knots.

    What the AIS shows of the ships' speed, against which the assumed ``max_speed_kn`` is
    set. Positions flagged ``is_jump`` are left out; None when no ship of interest reported
    a speed.

    >>> p = pd.DataFrame({"vessel": ["A", "A", None], "sog": [11.5, 3.0, 20.0]})
    >>> get_fastest_speed(p, ["A"])
    11.5
    """
    p = positions
    if "is_jump" in p:
        p = p[~p["is_jump"].astype(bool)]
    sog = p.loc[p["vessel"].isin(list(vessels)), "sog"].dropna()
    return float(sog.max()) if len(sog) else None


def get_site_traffic(
    positions: pd.DataFrame,
    sites: pd.DataFrame | Mapping,
    site: str,
    *,
    exclude: Iterable[int] = (),
) -> dict:
    """How well AIS hears other ships at a site: reports, ships, longest silence.

    A ship's silence at the site is the time between two consecutive fixes of that ship
    that both lie inside the geofence; the longest of these says how long a transmitting
    ship there can go unheard (receiver coverage), as against a transponder switched off.

    Parameters
    ----------
    positions : pandas.DataFrame
        All AIS fixes (``mmsi, time, lat, lon``), e.g. ``AisData.positions``.
    sites : pandas.DataFrame or mapping
        Geofences (see :func:`get_sites`).
    site : str
        The site id.
    exclude : iterable of int
        MMSIs to leave out (the vessels of interest).

    Returns
    -------
    dict
        ``reports`` and ``vessels`` (int: fixes inside the geofence and distinct MMSIs),
        ``longest_silence_h`` (float hours; None when no ship was heard twice there),
        ``excluded_reports`` (int: fixes of the excluded MMSIs inside the geofence).
    """
    require_columns(positions, ["mmsi", "time", "lat", "lon"], "positions")
    p = add_site(
        positions[["mmsi", "time", "lat", "lon"]].sort_values(
            ["mmsi", "time"], kind="stable", ignore_index=True
        ),
        get_sites(sites, [site]),
    )
    excluded = p["mmsi"].isin(list(exclude)).to_numpy()
    n_excluded = int(((p["site"] == site).to_numpy() & excluded).sum())
    p = p[~excluded].reset_index(drop=True)
    inside = (p["site"] == site).to_numpy()
    same = ~run_starts(p["mmsi"].to_numpy()) & inside & np.r_[False, inside[:-1]]
    dt = shift_diff(to_hours(p["time"]))[same]
    return {
        "reports": int(inside.sum()),
        "vessels": int(p.loc[inside, "mmsi"].nunique()),
        "longest_silence_h": float(dt.max()) if len(dt) else None,
        "excluded_reports": n_excluded,
    }
