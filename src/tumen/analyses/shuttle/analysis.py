"""The shuttle analysis as one step: AIS gaps, port calls from AIS and satellite sightings,
round trips, deliveries, legs and the container range, for the ships of interest between two
ports (:func:`analyse`, returning a :class:`ShuttleAnalysis`).

The reasoning of the published finding, rebuilt from raw evidence: AIS shows where a ship
stops being visible (:func:`tumen.ais.tracks.get_gaps`); AIS positions inside a port geofence
at low speed show calls it did not hide (:func:`tumen.ais.tracks.get_ais_port_calls`);
satellite sightings show it at a port while dark
(:func:`tumen.analyses.shuttle.observations.read_sightings`). The steps live in their own
modules of :mod:`tumen.analyses.shuttle`: ``observations`` (sightings), ``calls`` (evidence
-> port calls, the dark flag), ``trips`` (legs, round trips, deliveries), ``containers`` (the
container range), ``tables`` (the port-call table), ``summary`` and ``record`` (the
``shuttle.*`` results), ``claims``, ``plots`` and ``route_map`` (figures), ``ports`` (names,
sea route, map extent), ``vessels`` (the ``vessels`` parameter).

Conventions: times are ``datetime64[ns, UTC]``; distances km (great circle, see
:func:`tumen.geo.earth.haversine_km`); speeds knots; durations hours. Vessels are named by a
``vessel`` column (positions get it from :func:`tumen.ais.fleet.add_vessel`); names are matched
case-insensitively. Sites are a DataFrame (or mapping id -> fields) with ``id, lat, lon,
radius_km``: a position is at a site when its distance to the centre is <= ``radius_km``.

>>> a = analyse(positions, sightings, sites, vessels=["Angara"], home="rajin_port",
...             away="dunai_port", window=("2023-08-15", "2023-10-15"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from tumen.ais.tracks import Window, get_ais_port_calls, get_gaps, get_sites
from tumen.analyses.shuttle.calls import add_dark_flag, get_port_calls
from tumen.analyses.shuttle.containers import get_container_range
from tumen.analyses.shuttle.trips import (
    add_leg_feasibility,
    get_deliveries,
    get_legs,
    get_round_trips,
)


@dataclass(frozen=True)
class ShuttleAnalysis:
    """Every table of the shuttle analysis (see :func:`analyse`).

    Attributes
    ----------
    gaps, ais_calls, calls, trips, deliveries, legs : pandas.DataFrame
        From :func:`tumen.ais.tracks.get_gaps`, :func:`tumen.ais.tracks.get_ais_port_calls`,
        :func:`tumen.analyses.shuttle.calls.get_port_calls` with
        :func:`tumen.analyses.shuttle.calls.add_dark_flag`,
        :func:`tumen.analyses.shuttle.trips.get_round_trips`,
        :func:`tumen.analyses.shuttle.trips.get_deliveries`,
        :func:`tumen.analyses.shuttle.trips.get_legs` with
        :func:`tumen.analyses.shuttle.trips.add_leg_feasibility` (without a route distance, no
        feasibility columns).
    containers : dict
        From :func:`tumen.analyses.shuttle.containers.get_container_range` over the deliveries.
    route_km : float or None
        Sea-route distance between the two ports, km.
    """

    gaps: pd.DataFrame
    ais_calls: pd.DataFrame
    calls: pd.DataFrame
    trips: pd.DataFrame
    legs: pd.DataFrame
    containers: dict
    deliveries: pd.DataFrame
    route_km: float | None


def analyse(
    positions: pd.DataFrame,
    sightings: pd.DataFrame,
    sites: pd.DataFrame | Mapping,
    *,
    vessels: Sequence[str],
    home: str,
    away: str,
    window: Window = None,
    min_gap_h: float = 6.0,
    max_sog_kn: float = 1.0,
    min_dwell_h: float = 2.0,
    max_call_h: float = 48.0,
    max_speed_kn: float = 14.0,
    route_km: float | None = None,
    capacity: float | None = None,
) -> ShuttleAnalysis:
    """Run the shuttle analysis: gaps, calls (AIS and imagery, dark ones marked), round
    trips home → away → home, deliveries home → away (closed by a return or not), legs
    checked against the sea route, container range over the deliveries.

    Parameters
    ----------
    positions : pandas.DataFrame
        AIS fixes with ``vessel`` (:func:`tumen.ais.fleet.add_vessel`); fixes flagged
        ``is_jump`` are left out.
    sightings : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.observations.read_sightings`.
    sites : pandas.DataFrame or mapping
        Gazetteer; calls are looked for at ``home`` and ``away`` only.
    vessels : sequence of str
        The vessels of interest, as the report names them.
    home, away : str
        Site ids of the loading port and the other port (e.g. ``rajin_port``, ``dunai_port``).
    window : (start, end), optional
        The period analysed (UTC).
    min_gap_h : float
        Shortest AIS silence reported, hours.
    max_sog_kn, min_dwell_h, max_call_h : float
        Port-call thresholds (knots, hours, hours): see
        :func:`tumen.ais.tracks.get_ais_port_calls` and
        :func:`tumen.analyses.shuttle.calls.get_port_calls`.
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.
    route_km : float, optional
        Sea-route distance home - away, km (legs are checked against it).
    capacity : float, optional
        Containers one delivery can carry (see
        :func:`tumen.analyses.shuttle.containers.get_container_range`).

    Returns
    -------
    ShuttleAnalysis
    """
    if "is_jump" in positions:
        positions = positions[~positions["is_jump"].astype(bool)]
    ports = get_sites(sites, [home, away])
    gaps = get_gaps(positions, min_gap_h, window=window, vessels=vessels)
    ais_calls = get_ais_port_calls(
        positions, ports, max_sog_kn=max_sog_kn, min_dwell_h=min_dwell_h, max_silence_h=min_gap_h
    )
    calls = get_port_calls(
        ais_calls,
        sightings,
        positions,
        ports,
        max_call_h=max_call_h,
        window=window,
        vessels=vessels,
    )
    calls = add_dark_flag(calls, gaps)
    deliveries = get_deliveries(calls, home, away, window=window)
    return ShuttleAnalysis(
        gaps=gaps,
        ais_calls=ais_calls,
        calls=calls,
        trips=get_round_trips(calls, home, away, window=window),
        legs=_get_legs(calls, home, away, route_km, max_speed_kn),
        containers=get_container_range(deliveries, capacity=capacity),
        deliveries=deliveries,
        route_km=route_km,
    )


def _get_legs(calls, home, away, route_km, max_speed_kn) -> pd.DataFrame:
    """The legs between calls, checked against the sea route when its length is known."""
    legs = get_legs(calls)
    if route_km is not None:
        legs = add_leg_feasibility(legs, {(home, away): route_km}, max_speed_kn=max_speed_kn)
    return legs
