"""The route to the depot: the rail route, the published timeline, and the distance to Ukraine.

Analysis 3 of the report. Three questions, each answered from the routes of
:mod:`tumen.geo.routing`, the geodesy of :mod:`tumen.geo.core` and the claims of
:mod:`tumen.report.claims`:

- **The route.** :func:`study_route` computes the rail route from the port of unloading to
  the depot inside the allowed countries, the same from the Russian station of the
  Tumangang crossing, the unconstrained shortest path (a contrast only), the route forced
  along a main line through given waypoints, the sensitivity of the length to the
  gap-healing threshold, and the towns the route passes.
- **The timeline.** :func:`transit_table` turns the rail distance into days at a range of
  average speeds; :func:`check_timeline` asks whether the time between two dates (the
  first delivery at the port of unloading, from the shuttle section's linked results,
  or a published shipment date, and the date trains were seen at the depot) leaves enough
  for the rail leg, which average speed that needs, and from which start the test fails.
- **The distance to Ukraine.** :func:`study_distances` measures from the depot and from
  the town: geodesic to the nearest point of the country's territory, of the land border,
  of a named part of it (Crimea), and the distance by rail to the nearest railway border
  crossing; :func:`line_measure` adds the distance to a line the author supplies (the line
  of contact at a date). :func:`distance_verdicts` sets each published distance beside
  those measures, with the difference and every reading that fits it (and the readings
  that could fit but are not measured), so no single explanation is given as *the* answer
  when another fits.

Coordinates are degrees WGS84 (EPSG:4326); distances are km (geodesic on WGS84 unless
said to be along the railway); speeds km/h; dates are calendar days (UTC).

>>> round(transit_days(9600, 40), 1)
10.0
>>> round(implied_speed_kmh(9600, 20), 1)
20.0
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from tumen.errors import DataError, NoRouteError, ParameterError
from tumen.geo import borders, earth, gazetteer, lines
from tumen.geo import rail as geo_rail

#: Kilometres per international mile.
KM_PER_MI = 1.609344
#: Hours per day.
HOURS_PER_DAY = 24.0


# ---------------------------------------------------------------------------- transit time


def transit_days(distance_km, speed_kmh):
    """Return the days a train needs for a distance at an average speed.

    Parameters
    ----------
    distance_km : float or array_like
        Distance along the railway, km.
    speed_kmh : float or array_like
        Average speed including stops, km/h (> 0).

    Returns
    -------
    float or numpy.ndarray
        Days (24 h).

    >>> transit_days(480, 20)
    1.0
    """
    speed = np.asarray(speed_kmh, float)
    if np.any(~np.isfinite(speed)) or np.any(speed <= 0):
        raise ParameterError(f"speeds must be positive km/h, got {speed_kmh!r}", field="speeds_kmh")
    days = np.asarray(distance_km, float) / (speed * HOURS_PER_DAY)
    return float(days) if days.ndim == 0 else days


def implied_speed_kmh(distance_km: float, days: float) -> float | None:
    """Return the average speed that covers a distance in a number of days, km/h.

    Returns None when no time is left (``days`` <= 0): no finite speed makes it.

    >>> implied_speed_kmh(480, 1.0)
    20.0
    """
    if days <= 0:
        return None
    return float(distance_km) / (float(days) * HOURS_PER_DAY)


def sea_passage_days(length_km: float, speed_kn: float) -> float:
    """Return the days a ship needs for a sea leg at an average speed in knots.

    >>> round(sea_passage_days(1.852 * 24, 1.0), 6)
    1.0
    """
    if not speed_kn > 0:
        raise ParameterError(
            f"ship speed must be positive knots, got {speed_kn!r}", field="max_speed_kn"
        )
    return float(length_km) / (speed_kn * earth.KM_PER_NM * HOURS_PER_DAY)


def check_speeds(speeds_kmh: Sequence[float]) -> list[float]:
    """Return the speeds as floats, sorted; raise ParameterError unless all are > 0."""
    try:
        speeds = sorted(float(s) for s in speeds_kmh)
    except (TypeError, ValueError):
        raise ParameterError(
            f"speeds_kmh must be a list of numbers, got {speeds_kmh!r}", field="speeds_kmh"
        ) from None
    if not speeds or any(not (math.isfinite(s) and s > 0) for s in speeds):
        raise ParameterError(
            f"speeds_kmh must be positive km/h, got {speeds_kmh!r}",
            field="speeds_kmh",
            hint="e.g. [10, 20, 30, 40, 50]",
        )
    return speeds


def transit_table(distances_km: Mapping[str, float], speeds_kmh: Sequence[float]) -> pd.DataFrame:
    """Return the days each distance takes at each average speed.

    Parameters
    ----------
    distances_km : mapping of str -> float
        Column label -> distance along the railway, km.
    speeds_kmh : sequence of float
        Average speeds including stops, km/h.

    Returns
    -------
    pandas.DataFrame
        One row per speed (ascending): ``Average speed (km/h)``, ``km per day``, then
        ``Days, <label>`` per distance.
    """
    speeds = check_speeds(speeds_kmh)
    table = pd.DataFrame(
        {"Average speed (km/h)": speeds, "km per day": [s * HOURS_PER_DAY for s in speeds]}
    )
    for label, km in distances_km.items():
        table[f"Days, {label}"] = [transit_days(km, s) for s in speeds]
    return table


@dataclass(frozen=True)
class TimelineCheck:
    """Does the time between two published dates leave enough for the rail leg?

    Attributes
    ----------
    start : datetime.date or datetime.datetime
        Start of the window: cargo shipped (a published date, the start of that day) or
        the first evidence of a delivery at the port of unloading (a time, UTC).
    end : datetime.date
        End of the window (trains seen at the depot).
    start_claim, end_claim : str
        Claim ids the dates come from (``start_claim`` is ``""`` for a start from the
        shuttle section's results).
    elapsed_days : float
        Days from ``start`` to the start of ``end``.
    sea_days, handling_days : float
        Days the sea leg and the handling at the port take out of the window.
    rail_days : float
        Days left for the rail leg (may be <= 0).
    distance_km : float
        Rail distance, km.
    implied_speed_kmh : float or None
        The lowest average speed that fits the rail leg into ``rail_days``, km/h; None
        when no time is left.
    fastest_kmh, slowest_kmh : float
        The range of average speeds assumed, km/h.
    earliest_arrival : datetime.date
        The day cargo shipped at the start would reach the depot at the fastest speed.
    consistent : bool
        True when the needed speed is within the assumed range (not above its fastest).
    """

    start: _dt.date
    end: _dt.date
    start_claim: str
    end_claim: str
    elapsed_days: float
    sea_days: float
    handling_days: float
    rail_days: float
    distance_km: float
    implied_speed_kmh: float | None
    fastest_kmh: float
    slowest_kmh: float
    earliest_arrival: _dt.date
    consistent: bool

    @property
    def latest_start(self) -> _dt.datetime:
        """The latest start the test passes: a later one needs more than the fastest speed
        (the end of the window less the sea leg, the handling and the rail transit at the
        fastest speed)."""
        return _as_datetime(self.end) - _dt.timedelta(
            days=self.sea_days
            + self.handling_days
            + transit_days(self.distance_km, self.fastest_kmh)
        )

    @property
    def implied_km_per_day(self) -> float | None:
        """The needed average speed as km per day (None when no time is left)."""
        return None if self.implied_speed_kmh is None else self.implied_speed_kmh * HOURS_PER_DAY

    @property
    def margin_days(self) -> float:
        """Days to spare at the fastest assumed speed (negative: too little time)."""
        return self.rail_days - transit_days(self.distance_km, self.fastest_kmh)


def _as_datetime(value) -> _dt.datetime:
    """A date as the start of that day; a datetime (or pandas Timestamp) as naive UTC."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value
    return _dt.datetime.combine(value, _dt.time())


def check_timeline(
    distance_km: float,
    start: _dt.date,
    end: _dt.date,
    *,
    speeds_kmh: Sequence[float],
    sea_days: float = 0.0,
    handling_days: float = 0.0,
    start_claim: str = "",
    end_claim: str = "",
) -> TimelineCheck:
    """Check that a rail leg fits between two dates at plausible average speeds.

    The window runs from ``start`` (a date: the start of that day; a datetime: that time,
    UTC) to the start of ``end``; the sea leg and port handling come out of it first. The needed speed is the distance over
    what is left; it is consistent when it does not exceed the fastest assumed speed.

    Parameters
    ----------
    distance_km : float
        Rail distance, km.
    start : datetime.date or datetime.datetime
        Shipment date, or the time a delivery was first seen at the port of unloading
        (then ``sea_days`` is 0).
    end : datetime.date
        The date trains were seen at the depot.
    speeds_kmh : sequence of float
        Assumed range of average freight speeds including stops, km/h.
    sea_days, handling_days : float
        Days for the sea leg and for unloading and making up the train.
    start_claim, end_claim : str
        Claim ids, copied into the result.

    Returns
    -------
    TimelineCheck

    >>> c = check_timeline(4800, _dt.date(2023, 9, 1), _dt.date(2023, 9, 12),
    ...                    speeds_kmh=[10, 40], handling_days=1.0)
    >>> c.rail_days, c.implied_speed_kmh, c.earliest_arrival.isoformat(), c.consistent
    (10.0, 20.0, '2023-09-07', True)
    >>> c.latest_start.isoformat()      # 09-12 less 1 day handling and 5 days at 40 km/h
    '2023-09-06T00:00:00'
    """
    speeds = check_speeds(speeds_kmh)
    if sea_days < 0 or handling_days < 0:
        raise ParameterError("sea and handling days must be >= 0", field="handling_days")
    elapsed = (_as_datetime(end) - _as_datetime(start)).total_seconds() / 86400.0
    rail_days = elapsed - sea_days - handling_days
    needed = implied_speed_kmh(distance_km, rail_days)
    arrive = (
        _as_datetime(start)
        + _dt.timedelta(days=sea_days + handling_days + transit_days(distance_km, speeds[-1]))
    ).date()
    start = (
        _as_datetime(start)
        if isinstance(start, _dt.datetime) or hasattr(start, "to_pydatetime")
        else start
    )
    return TimelineCheck(
        start=start,
        end=end,
        start_claim=start_claim,
        end_claim=end_claim,
        elapsed_days=elapsed,
        sea_days=float(sea_days),
        handling_days=float(handling_days),
        rail_days=rail_days,
        distance_km=float(distance_km),
        implied_speed_kmh=needed,
        fastest_kmh=speeds[-1],
        slowest_kmh=speeds[0],
        earliest_arrival=arrive,
        consistent=needed is not None and needed <= speeds[-1],
    )


def claim_date(claims: pd.DataFrame, claim_id: str, which: str = "high") -> _dt.date:
    """Return a claim's date; for an interval, its ``"low"`` or ``"high"`` end.

    Raises
    ------
    ParameterError
        When the claim is unknown or its value is not a date.
    """
    if claim_id not in claims.index:
        raise ParameterError(
            f"unknown claim {claim_id!r}", field=claim_id, hint="claim ids are in data/claims.csv"
        )
    value = claims.loc[claim_id, "value"]
    if isinstance(value, tuple):
        value = value[1] if which == "high" else value[0]
    if not isinstance(value, _dt.date):
        raise ParameterError(
            f"claim {claim_id!r} is not a date",
            field=claim_id,
            hint="the timeline needs claims whose unit is 'date'",
        )
    return value


def check_timelines(
    claims: pd.DataFrame, start_claims: Iterable[str], end_claim: str, distance_km: float, **options
) -> list[TimelineCheck]:
    """Check one timeline per start claim, all ending at ``end_claim``.

    An interval start (e.g. "mid-August") is read at its late end, the most demanding
    reading: the least time for the rail leg. Options go to :func:`check_timeline`.
    """
    end = claim_date(claims, end_claim, "low")
    return [
        check_timeline(
            distance_km,
            claim_date(claims, cid, "high"),
            end,
            start_claim=cid,
            end_claim=end_claim,
            **options,
        )
        for cid in start_claims
    ]


def first_delivery(linked: Mapping | None, prefix: str = "shuttle") -> tuple | None:
    """The first delivery's arrival at the port of unloading from a shuttle section's
    results: (time, vessel), or None when there are no results or no delivery.

    Parameters
    ----------
    linked : mapping or None
        Results records (:func:`tumen.engine.results.load`): ``<prefix>.first_delivery_arrival``
        (ISO time, UTC) and ``<prefix>.first_delivery_vessel``.

    >>> first_delivery({"shuttle.first_delivery_arrival": {"value": "2023-08-20T02:31:00"},
    ...                 "shuttle.first_delivery_vessel": {"value": "Angara"}})
    (datetime.datetime(2023, 8, 20, 2, 31), 'Angara')
    """
    if not linked:
        return None
    value = linked.get(f"{prefix}.first_delivery_arrival", {}).get("value")
    if value is None:
        return None
    vessel = linked.get(f"{prefix}.first_delivery_vessel", {}).get("value") or ""
    return _as_datetime(_dt.datetime.fromisoformat(str(value))), vessel


@dataclass(frozen=True)
class ShuttleLink:
    """What the route section takes from the shuttle section's results (a linked section).

    Attributes
    ----------
    path : str
        The results file (``""``: not linked).
    found : bool
        Whether the file exists.
    arrival : datetime.datetime or None
        First evidence of the first delivery at the port of unloading, UTC (naive).
    vessel : str
        The vessel of that delivery.
    ship_speed_kn : float or None
        The shuttle section's ship speed (``shuttle.max_speed_kn``), knots: the one speed
        the report times sea passages at.
    """

    path: str
    found: bool
    arrival: _dt.datetime | None
    vessel: str
    ship_speed_kn: float | None


def read_shuttle_link(path: str) -> ShuttleLink:
    """Read the first delivery and the ship speed from the shuttle section's results file.

    >>> read_shuttle_link("").found
    False
    """
    from tumen.engine import results as _results

    linked = _results.load_linked(path)
    first = first_delivery(linked)
    speed = (linked or {}).get("shuttle.max_speed_kn", {}).get("value")
    return ShuttleLink(
        path=str(path),
        found=linked is not None,
        arrival=first[0] if first else None,
        vessel=first[1] if first else "",
        ship_speed_kn=None if speed is None else float(speed),
    )


def timeline_table(
    checks: Sequence[TimelineCheck], claims: pd.DataFrame, *, start_label: str = ""
) -> pd.DataFrame:
    """Return the timeline checks as a report table, one row per check (a check without
    a start claim is labelled ``start_label``, e.g. the shuttle's first delivery)."""
    rows = []
    for c in checks:
        source = claims.loc[c.start_claim, "source"] if c.start_claim else start_label
        start = (
            c.start.isoformat(timespec="minutes").replace("T", " ")
            if isinstance(c.start, _dt.datetime)
            else c.start.isoformat()
        )
        rows.append(
            {
                "Shipments from (source)": f"{start} ({source})",
                "Trains at the depot (source)": f"{c.end.isoformat()} ({claims.loc[c.end_claim, 'source']})",
                "Days between": c.elapsed_days,
                "Sea leg and handling, days": c.sea_days + c.handling_days,
                "Days left for the rail leg": c.rail_days,
                "Average speed needed (km/h)": c.implied_speed_kmh,
                "Earliest arrival at the fastest speed": c.earliest_arrival.isoformat(),
                "Fails if the start is later than": c.latest_start.isoformat(
                    timespec="minutes"
                ).replace("T", " "),
                "Consistent": "yes" if c.consistent else "no",
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- the route


def places_along(
    route: geo_rail.RailRoute,
    sites: pd.DataFrame,
    *,
    within_km: float = 15.0,
    kinds: Iterable[str] = ("city", "town"),
) -> pd.DataFrame:
    """Return the gazetteer places a rail route passes, in route order.

    A place is passed when the route's line comes within ``within_km`` of it. Its
    position along the route is the length up to the route vertex nearest to it, scaled
    so the whole line measures the route's network length (the drawn line is straight
    between nodes, shorter than the track).

    Parameters
    ----------
    route : tumen.geo.routing.RailRoute
    sites : pandas.DataFrame
        Gazetteer from :func:`tumen.geo.core.load_sites`.
    within_km : float
        Largest distance from the route, km.
    kinds : iterable of str
        Site kinds considered.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name``, ``kind``, ``km_along`` (km from the route's start along
        the network), ``off_route_km`` (geodesic km to the route line), sorted by
        ``km_along``.
    """
    if not within_km >= 0:
        raise ParameterError(f"within_km must be >= 0, got {within_km!r}", field="places_within_km")
    lat, lon = np.asarray(route.lat, float), np.asarray(route.lon, float)
    steps = earth.distance_km(lat[:-1], lon[:-1], lat[1:], lon[1:]) if len(lat) > 1 else np.zeros(0)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    scale = route.length_km / along[-1] if len(along) > 1 and along[-1] > 0 else 1.0
    kinds = set(kinds)
    rows = []
    for sid, s in sites[sites["kind"].isin(kinds)].iterrows():
        to_vertex = earth.distance_km(s["lat"], s["lon"], lat, lon)
        k = int(np.argmin(to_vertex))
        lo, hi = max(k - 3, 0), min(k + 4, len(lat))
        local = (
            shapely.Point(lon[k], lat[k])
            if hi - lo < 2
            else shapely.LineString(np.column_stack([lon[lo:hi], lat[lo:hi]]))
        )
        off = borders.distance_to_geometry(s["lat"], s["lon"], local).distance_km
        if off <= within_km:
            rows.append(
                {
                    "id": sid,
                    "name": s["name"].split(" (")[0],
                    "kind": s["kind"],
                    "km_along": float(along[k] * scale),
                    "off_route_km": float(off),
                }
            )
    table = pd.DataFrame(rows, columns=["id", "name", "kind", "km_along", "off_route_km"])
    return table.sort_values(["km_along", "id"], kind="stable").reset_index(drop=True)


def heal_sensitivity(a, b, heal_gaps_km: Iterable[float], **route_options) -> pd.DataFrame:
    """Return the route's length, snaps and healed gaps for each healing threshold.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Start and end, as for :func:`tumen.geo.routing.rail_route`.
    heal_gaps_km : iterable of float
        Thresholds, km.
    **route_options
        Passed on to :func:`tumen.geo.routing.rail_route` (countries, sites, network_dir).

    Returns
    -------
    pandas.DataFrame
        One row per threshold: ``heal_gap_km``, ``rail_km`` (network length),
        ``origin_snap_km``, ``destination_snap_km``, ``total_km``, ``healed_on_route``,
        ``healed_on_route_km``, ``healed_in_network``, ``note`` (the error when no route
        was found; the numbers are then missing).
    """
    rows = []
    for gap in sorted({float(g) for g in heal_gaps_km}):
        try:
            r = geo_rail.rail_route(a, b, heal_gap_km=gap, **route_options)
        except DataError as exc:
            rows.append({"heal_gap_km": gap, "note": exc.message})
            continue
        rows.append(
            {
                "heal_gap_km": gap,
                "rail_km": r.length_km,
                "origin_snap_km": r.snaps[0].km,
                "destination_snap_km": r.snaps[-1].km,
                "total_km": r.total_km,
                "healed_on_route": len(r.healed_on_path),
                "healed_on_route_km": sum(h.km for h in r.healed_on_path),
                "healed_in_network": r.healed_total,
                "note": "",
            }
        )
    columns = [
        "heal_gap_km",
        "rail_km",
        "origin_snap_km",
        "destination_snap_km",
        "total_km",
        "healed_on_route",
        "healed_on_route_km",
        "healed_in_network",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


def heal_sensitivity_to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the heal-sensitivity table with report column names."""
    shown = table.rename(
        columns={
            "heal_gap_km": "Gaps bridged up to (km)",
            "rail_km": "Route on the network (km)",
            "origin_snap_km": "Start connector (km)",
            "destination_snap_km": "End connector (km)",
            "total_km": "With connectors (km)",
            "healed_on_route": "Gaps bridged on the route",
            "healed_on_route_km": "Their length (km)",
            "healed_in_network": "Gaps bridged in the network",
            "note": "Note",
        }
    )
    if not (table["note"] != "").any():
        shown = shown.drop(columns="Note")
    return shown


@dataclass(frozen=True)
class RouteStudy:
    """The rail routes of the analysis.

    Attributes
    ----------
    route : tumen.geo.routing.RailRoute
        Origin → destination inside the allowed countries: the route.
    crossing : tumen.geo.routing.RailRoute
        Crossing station (Khasan) → destination, same rules.
    unconstrained : tumen.geo.routing.RailRoute
        Origin → destination through any country (a contrast only).
    mainline : tumen.geo.routing.RailRoute
        Origin → destination forced through ``mainline_via`` (same rules as ``route``).
    mainline_via : tuple of str
        The waypoints (site ids).
    heal : pandas.DataFrame
        From :func:`heal_sensitivity`.
    places : pandas.DataFrame
        From :func:`places_along` for ``route``.
    """

    route: geo_rail.RailRoute
    crossing: geo_rail.RailRoute
    unconstrained: geo_rail.RailRoute
    mainline: geo_rail.RailRoute
    mainline_via: tuple
    heal: pd.DataFrame
    places: pd.DataFrame

    @property
    def skipped(self) -> tuple:
        """Main-line waypoints the route does not pass (site ids)."""
        return tuple(v for v in self.mainline_via if v not in set(self.places["id"]))

    @property
    def crossing_join(self) -> tuple[float, float]:
        """Where the route from the crossing station first meets the route: (lat, lon), degrees.

        Raises
        ------
        DataError
            When the two routes share no node.
        """
        return join_point(self.crossing, self.route)


def join_point(a: geo_rail.RailRoute, b: geo_rail.RailRoute) -> tuple[float, float]:
    """Return the first node of route ``a`` that route ``b`` also uses, as (lat, lon) degrees.

    Raises
    ------
    DataError
        When the routes share no node.
    """
    shared = set(b.nodes)
    for k, node in enumerate(a.nodes):
        if node in shared:
            return float(a.lat[k]), float(a.lon[k])
    raise DataError("the two rail routes share no node")


def nearest_place(
    lat: float,
    lon: float,
    sites: pd.DataFrame,
    kinds: Iterable[str] = ("city", "town", "junction", "station"),
) -> tuple[str, float]:
    """Return the id of the gazetteer place nearest to a point and its distance, km."""
    pool = sites[sites["kind"].isin(set(kinds))]
    if pool.empty:
        raise DataError(
            "the gazetteer has no place of the kinds asked for", hint=f"kinds: {sorted(kinds)}"
        )
    km = earth.distance_km(lat, lon, pool["lat"].to_numpy(), pool["lon"].to_numpy())
    k = int(np.argmin(km))
    return str(pool.index[k]), float(km[k])


def check_route_ends(
    route: geo_rail.RailRoute,
    sites: pd.DataFrame,
    *,
    countries=("RUS",),
    max_connector_km: float | None = None,
) -> None:
    """Raise :class:`NoRouteError` unless a route really joins its two ends.

    The router snaps each end to the nearest node of the network's main component inside
    the allowed countries, so it always finds *a* path; the path does not join the two
    places when an end lies in a country outside ``countries``, or when its straight
    connector to the network is longer than ``max_connector_km``.

    Parameters
    ----------
    route : tumen.geo.routing.RailRoute
        From :func:`tumen.geo.routing.rail_route`, with gazetteer ids as its ends.
    sites : pandas.DataFrame
        Gazetteer (its ``country`` column).
    countries : sequence of str or None
        ``ADM0_A3`` codes the route may use (None: any).
    max_connector_km : float, optional
        Longest acceptable straight connector at either end, km (None: no limit).

    Raises
    ------
    NoRouteError
        With the reason as its message.
    """
    allowed = None if countries is None else set(countries)
    for snap in (route.snaps[0], route.snaps[-1]):
        name = snap.label
        if snap.label in sites.index:
            site = gazetteer.get_site(snap.label, sites)
            name = site.name
            if allowed is not None and site.country not in allowed:
                raise NoRouteError(
                    f"{name} lies in {countries_text([site.country])}, outside "
                    f"the countries allowed ({countries_text(sorted(allowed))})",
                    field="countries",
                )
        if max_connector_km is not None and snap.km > max_connector_km:
            raise NoRouteError(
                f"the nearest railway the route may use is {snap.km:,.0f} km "
                f"from {name}, more than {max_connector_km:g} km",
                field="max_connector_km",
            )


def study_route(
    origin: str,
    destination: str,
    *,
    crossing: str,
    countries=("RUS",),
    heal_gap_km: float = 5.0,
    heal_gaps_km: Iterable[float] = (0, 1, 2, 5, 10),
    mainline_via: Sequence[str] = (),
    places_within_km: float = 15.0,
    sites=None,
    network_dir=None,
    max_connector_km: float | None = None,
) -> RouteStudy:
    """Compute every rail route the analysis reports.

    Parameters
    ----------
    origin, destination, crossing : str
        Site ids: port of unloading, depot, Russian station of the border crossing.
    countries : sequence of str
        ``ADM0_A3`` codes the route may use.
    heal_gap_km : float
        Healing threshold of the routes, km.
    heal_gaps_km : iterable of float
        Thresholds of the sensitivity table, km.
    mainline_via : sequence of str
        Waypoints (site ids) that force the main-line comparison route.
    places_within_km : float
        A place within this distance of the route is passed, km.
    sites : pandas.DataFrame, optional
        Gazetteer.
    network_dir : path, optional
        Rail network directory.
    max_connector_km : float, optional
        Longest straight connector from an end to the network, km (see
        :func:`check_route_ends`).

    Returns
    -------
    RouteStudy

    Raises
    ------
    NoRouteError
        When no route joins origin and destination within ``countries``.
    """
    sites = gazetteer.load_sites() if sites is None else sites
    opts = dict(sites=sites, network_dir=network_dir, heal_gap_km=heal_gap_km)
    countries = None if countries is None else tuple(countries)
    route = geo_rail.rail_route(origin, destination, countries=countries, **opts)
    check_route_ends(route, sites, countries=countries, max_connector_km=max_connector_km)
    return RouteStudy(
        route=route,
        crossing=geo_rail.rail_route(crossing, destination, countries=countries, **opts),
        unconstrained=geo_rail.rail_route(origin, destination, countries=None, **opts),
        mainline=geo_rail.rail_route(
            origin, destination, via=tuple(mainline_via), countries=countries, **opts
        ),
        mainline_via=tuple(mainline_via),
        heal=heal_sensitivity(
            origin,
            destination,
            heal_gaps_km,
            countries=countries,
            sites=sites,
            network_dir=network_dir,
        ),
        places=places_along(route, sites, within_km=places_within_km),
    )


def countries_text(codes: Iterable[str]) -> str:
    """Return country codes as names joined by arrows, e.g. ``"Russia → China → Russia"``.

    A code that is not in the country layer is shown as it is.
    """

    def name(code: str) -> str:
        try:
            return borders.get_country_name(code)
        except ParameterError:
            return code

    return " → ".join(name(c) for c in codes)


#: The Natural Earth scale of the country layer the distances are measured on (borders.get_border).
BORDER_SCALE = "10m"


def get_input_source(entries: Mapping[str, dict], path: str) -> str:
    """How the methods box names an input: the first clause of its ``data/sources.yaml``
    source, with its package and version when given; ``""`` when ``path`` (a file, or a
    folder: its first listed file) has no entry.

    >>> get_input_source({"d/r/e.parquet": {"source": "OSM via pkg, cut by x.py",
    ...                   "package": "pkg", "version": "2.0"}}, "d/r")
    'OSM via pkg 2.0'
    """
    want = Path(path).as_posix().rstrip("/")
    for key in sorted(entries):
        if key == want or key.startswith(want + "/"):
            entry = entries[key]
            text = str(entry.get("source", "")).split(",")[0].strip()
            package = str(entry.get("package") or "")
            release = f"{package} {entry.get('version') or ''}".strip()
            if package and package in text:  # "via pkg" -> "via pkg 2.0"
                return text.replace(package, release, 1)
            return f"{text} ({release})" if package else text
    return ""


def get_methods(
    res,
    *,
    within: str,
    network_dir: str,
    geo_dir: str,
    border: str,
    loading: str,
    origin: str,
    speeds_source: str = "",
    entries: Mapping[str, dict] | None = None,
):
    """The methods box of the route section: network and borders, routing, timeline, distances.

    Every number is a result :func:`record_route`, :func:`record_timeline` and
    :func:`record_distances` recorded; a part of the analysis that did not run (no route,
    no timed sea leg) is said to be missing. The inputs are named from ``data/sources.yaml``.

    Parameters
    ----------
    res : tumen.engine.results.Results
        The notebook's results.
    within : str
        The countries the route may use, as words (:func:`countries_text`).
    network_dir, geo_dir : str
        The rail network's folder and the Natural Earth data folder, from the project root.
    border : str
        Name of the country whose border the distances are measured to.
    loading, origin : str
        Names of the loading port and of the route's origin (the sea leg's ends).
    speeds_source : str
        The author's Markdown citing the freight speeds (cited in the section's timeline, not
        repeated in the box); "" = the speeds are an assumption.
    entries : mapping, optional
        ``data/sources.yaml`` entries by path (default: :func:`tumen.engine.sources.load`).

    Returns
    -------
    tumen.report.methods.Box
    """
    from tumen.engine import sources
    from tumen.report import methods

    entries = sources.load() if entries is None else entries
    layer = (
        f"{Path(geo_dir).as_posix()}/shapefiles/natural_earth/cultural/"
        f"ne_{BORDER_SCALE}_admin_0_countries.shp"
    )
    words = {
        "within": within,
        "border": border,
        "loading": loading,
        "origin": origin,
        "rail_source": get_input_source(entries, network_dir) or "a source not listed",
        "border_source": get_input_source(entries, layer) or "a source not listed",
        "scale": f"1:{BORDER_SCALE}",
    }
    route = (
        "The shortest path on the network within {within}; gaps in the track shorter than "
        "{route.heal_gap_km!u} are bridged by a straight link, and each end joins the "
        "nearest point of the network by a straight connector."
        if "route.rail_km" in res
        else "No rail route joins the ends within {within}: {route.no_route}."
    )
    sea = (
        "From {loading} to {origin} the shortest water route, {route.sea_km:,.0f} km at "
        "{route.ship_speed_kn!u}, the shuttle section's fastest plausible speed."
        if "route.sea_km" in res and "route.ship_speed_kn" in res
        else "Not timed: "
        + (
            "the shuttle section's results were not available."
            if "route.rail_km" in res
            else "there is no route to time."
        )
    )
    speeds = (
        "Average freight speeds of {route.speed_min_kmh} to {route.speed_max_kmh!u} "
        "including stops, "
        + (
            "as published (the source is cited below)"
            if speeds_source.strip()
            else "an assumption (no timetable cited)"
        )
        + "; {route.handling_days} "
        + ("day" if res["route.handling_days"] == 1 else "days")
        + " to unload and make up a train."
        if "route.speed_min_kmh" in res
        else "No timeline: there is no route to time."
    )
    rows = (
        (
            "Observed",
            "The railways of {rail_source} and the country borders of "
            "{border_source} at {scale}; places from the gazetteer.",
        ),
        ("Route", route),
        ("Sea leg", sea),
        ("Speeds", speeds),
        (
            "Distances",
            "Geodesic (WGS 84) from the depot and its town to the nearest point of "
            "the land border of {border}, widened by the gazetteer's position uncertainty "
            "({route.depot_uncertainty_km!u} for the depot).",
        ),
    )
    return methods.Box(rows, words)


def describe_methods(res, **options):
    """The methods box that opens the route section, as a notebook output (:func:`get_methods`)."""
    from tumen.report import methods

    return methods.show(res, get_methods(res, **options))


def route_table(routes: Mapping[str, geo_rail.RailRoute]) -> pd.DataFrame:
    """Return a table comparing rail routes: length, connectors, healed links, countries.

    Parameters
    ----------
    routes : mapping of str -> tumen.geo.routing.RailRoute
        Row label -> route.
    """
    rows = []
    for label, r in routes.items():
        rows.append(
            {
                "Route": label,
                "On the network (km)": r.length_km,
                "Start connector (km)": r.snaps[0].km,
                "End connector (km)": r.snaps[-1].km,
                "With connectors (km)": r.total_km,
                "Gaps in the track bridged": len(r.healed_on_path),
                "Countries crossed": countries_text(r.countries),
            }
        )
    return pd.DataFrame(rows)


def places_to_display(places: pd.DataFrame) -> pd.DataFrame:
    """Return the places table with report column names."""
    return pd.DataFrame(
        {
            "Place": places["name"],
            "km from the start (along the route)": places["km_along"],
            "Distance from the route line (km)": places["off_route_km"],
        }
    )


# ---------------------------------------------------------------------------- distances


@dataclass(frozen=True)
class Measure:
    """One measured distance from a reference point.

    Attributes
    ----------
    key : str
        Short stable name, e.g. ``"depot_to_border"`` (used in result names).
    label : str
        What was measured, for tables, e.g. ``"Depot → land border (straight line)"``.
    km : float
        The distance, km.
    lat, lon : float
        The far end (nearest point, or where the railway crosses), degrees WGS84.
    reason : str
        Why a published figure that fits this measure rather than the headline one
        differs from it (a phrase, no numbers), e.g. ``"measured from the town centre"``.
    """

    key: str
    label: str
    km: float
    lat: float
    lon: float
    reason: str

    @property
    def mi(self) -> float:
        """The distance in international miles."""
        return self.km / KM_PER_MI


def distance_interval(distance_km: float, uncertainty_km: float) -> tuple[float, float]:
    """Return the range of a distance when its start point may be off by ``uncertainty_km``.

    Distance to a fixed set is 1-Lipschitz: moving the start by ``u`` changes it by at
    most ``u``, and moving straight towards or away from the nearest point changes it by
    exactly ``u``, so the interval is tight (floored at 0).

    >>> distance_interval(194.6, 1.0)
    (193.6, 195.6)
    """
    if not uncertainty_km >= 0:
        raise ParameterError(
            f"uncertainty must be >= 0 km, got {uncertainty_km!r}", field="uncertainty_km"
        )
    return (max(distance_km - uncertainty_km, 0.0), distance_km + uncertainty_km)


@dataclass(frozen=True)
class DistanceStudy:
    """Distances from the depot (and its town) to a neighbouring country.

    Attributes
    ----------
    depot, town : tumen.geo.core.Site
    territory, border : tumen.geo.core.NearestPoint
        Depot → nearest point of the country's territory; → of the land border.
    town_territory, town_border : tumen.geo.core.NearestPoint
        The same from the town.
    part : tumen.geo.core.NearestPoint or None
        Depot → nearest point of a named part of the territory (Crimea), when asked.
    part_name : str
        Its name.
    rail : tumen.geo.routing.BorderCrossing
        Depot → the nearest railway border crossing, along the network.
    country, neighbour : str
        ``ADM0_A3`` codes: the country measured to, and the one the depot lies in.
    border_at_end : bool
        True when the nearest land-border point is an end of the land border (where it
        meets the sea, or the edge of the data), not a point along it.
    """

    depot: gazetteer.Site
    town: gazetteer.Site
    territory: borders.NearestPoint
    border: borders.NearestPoint
    town_territory: borders.NearestPoint
    town_border: borders.NearestPoint
    part: borders.NearestPoint | None
    part_name: str
    rail: geo_rail.BorderCrossing
    country: str
    neighbour: str
    border_at_end: bool = False

    @property
    def nearest_in_part(self) -> bool:
        """True when the nearest point of the territory lies in the named part."""
        return self.part is not None and math.isclose(
            self.part.distance_km, self.territory.distance_km, abs_tol=1e-6
        )

    def interval(self, which: str = "border") -> tuple[float, float]:
        """Return the depot's distance to ``"border"`` or ``"territory"`` as an interval
        over the depot's gazetteer uncertainty, km."""
        point = {"border": self.border, "territory": self.territory}[which]
        return distance_interval(point.distance_km, self.depot.uncertainty_km)

    def town_interval(self) -> tuple[float, float]:
        """Return the town's distance to the border over its gazetteer uncertainty, km."""
        return distance_interval(self.town_border.distance_km, self.town.uncertainty_km)

    def measures(self) -> list[Measure]:
        """Return every measure, the headline (depot → land border) first."""
        name = borders.get_country_name(self.country)
        out = [
            Measure(
                "depot_to_border",
                "Depot → land border (straight line)",
                self.border.distance_km,
                self.border.lat,
                self.border.lon,
                "the straight line to the recognised land border",
            ),
            Measure(
                "depot_to_territory",
                f"Depot → {name}'s territory, coast included (straight line)",
                self.territory.distance_km,
                self.territory.lat,
                self.territory.lon,
                f"the distance to the nearest coast of {name}",
            ),
            Measure(
                "town_to_border",
                f"{self.town.name} town centre → land border (straight line)",
                self.town_border.distance_km,
                self.town_border.lat,
                self.town_border.lon,
                "the distance from the town centre",
            ),
            Measure(
                "town_to_territory",
                f"{self.town.name} town centre → {name}'s territory (straight line)",
                self.town_territory.distance_km,
                self.town_territory.lat,
                self.town_territory.lon,
                "the distance from the town centre to the nearest coast",
            ),
        ]
        if self.part is not None:
            out.append(
                Measure(
                    "depot_to_part",
                    f"Depot → {self.part_name} (straight line)",
                    self.part.distance_km,
                    self.part.lat,
                    self.part.lon,
                    f"the distance to {self.part_name}",
                )
            )
        out.append(
            Measure(
                "depot_to_border_rail",
                "Depot → border along the railway",
                self.rail.total_km,
                self.rail.lat,
                self.rail.lon,
                "the distance along the railway to the nearest rail border crossing",
            )
        )
        return out


def study_distances(
    depot: str,
    town: str,
    *,
    country: str = "UKR",
    neighbour: str = "RUS",
    part_name: str = "",
    part_box: Sequence[float] | None = None,
    sites=None,
    heal_gap_km: float = 5.0,
    network_dir=None,
) -> DistanceStudy:
    """Measure how far the depot and its town are from a neighbouring country.

    Parameters
    ----------
    depot, town : str
        Site ids.
    country : str
        ``ADM0_A3`` of the country measured to (Natural Earth German-view edition:
        internationally recognised borders, Crimea is Ukraine).
    neighbour : str
        ``ADM0_A3`` of the country the depot lies in (the land border is theirs).
    part_name : str
        Name of a part of ``country`` to measure to as well (e.g. ``"Crimea"``).
    part_box : (lon_min, lat_min, lon_max, lat_max), optional
        Degrees WGS84: the part is the country's territory inside this box.
    sites : pandas.DataFrame, optional
        Gazetteer.
    heal_gap_km, network_dir :
        For the rail route to the border crossing.

    Returns
    -------
    DistanceStudy
    """
    sites = gazetteer.load_sites() if sites is None else sites
    d, t = gazetteer.get_site(depot, sites), gazetteer.get_site(town, sites)
    part = None
    if part_box is not None:
        if len(part_box) != 4:
            raise ParameterError(
                f"part box must be [lon_min, lat_min, lon_max, lat_max], got {part_box!r}",
                field="crimea_box",
            )
        shape = borders.get_country(country).intersection(shapely.box(*part_box))
        if shape.is_empty:
            raise ParameterError(
                f"the box {part_box!r} holds no territory of {country}", field="crimea_box"
            )
        part = borders.distance_to_geometry(d.lat, d.lon, shape, part_name or "part", "10m")
    border = borders.distance_to_border(d.lat, d.lon, neighbour, country)
    line = borders.get_border(neighbour, country)
    ends = [c for g in getattr(line, "geoms", [line]) for c in (g.coords[0], g.coords[-1])]
    at_end = any(earth.distance_km(border.lat, border.lon, y, x) < 0.01 for x, y in ends)
    return DistanceStudy(
        depot=d,
        town=t,
        territory=borders.distance_to_country(d.lat, d.lon, country),
        border=border,
        border_at_end=at_end,
        town_territory=borders.distance_to_country(t.lat, t.lon, country),
        town_border=borders.distance_to_border(t.lat, t.lon, neighbour, country),
        part=part,
        part_name=part_name,
        rail=geo_rail.rail_route_to_border(
            depot,
            country=neighbour,
            neighbour=country,
            heal_gap_km=heal_gap_km,
            sites=sites,
            network_dir=network_dir,
        ),
        country=country,
        neighbour=neighbour,
    )


#: Why a published distance may differ from the recognised border when no line of contact
#: is supplied: the reading the report names but cannot measure.
LINE_OF_CONTACT_READING = "the straight line to the line of contact"


def line_measure(depot: gazetteer.Site, line: lines.Line) -> Measure:
    """The straight-line (geodesic) distance from the depot to a supplied line, e.g. the
    line of contact at a date, as a :class:`Measure` (key ``depot_to_line_of_contact``).

    >>> import shapely
    >>> site = gazetteer.Site("d", "D", "XXX", "depot", 0.0, 1.0, 0.0, 0.0, "")
    >>> m = line_measure(site, lines.Line(shapely.LineString([(0, -1), (0, 1)]), "2023-10-13", "s", ""))
    >>> round(m.km, 2), m.key                       # one degree along the equator
    (111.32, 'depot_to_line_of_contact')
    """
    near = borders.distance_to_geometry(depot.lat, depot.lon, line.geometry, "line of contact")
    return Measure(
        "depot_to_line_of_contact",
        f"Depot → line of contact of {line.date} (straight line)",
        near.distance_km,
        near.lat,
        near.lon,
        f"{LINE_OF_CONTACT_READING} of {line.date}",
    )


def measures_to_display(measures: Sequence[Measure]) -> pd.DataFrame:
    """Return the measures as a report table: km, miles and the far end's coordinates."""
    return pd.DataFrame(
        {
            "Measured": [m.label for m in measures],
            "km": [m.km for m in measures],
            "miles": [m.mi for m in measures],
            "Far end, latitude (°N)": [f"{m.lat:.3f}" for m in measures],
            "Far end, longitude (°E)": [f"{m.lon:.3f}" for m in measures],
        }
    )


# ---------------------------------------------------------------------------- verdicts


def rounding_step(value: float) -> float:
    """Return the step a published round figure was likely rounded to.

    The largest of 100, 50, 10, 5, 1 (or a decimal step for non-integers) that divides
    the figure: ``200`` → 100, ``290`` → 10, ``125`` → 5, ``73`` → 1, ``2.6`` → 0.1.

    >>> [rounding_step(v) for v in (200, 250, 290, 125, 120, 73, 2.6)]
    [100, 50, 10, 5, 10, 1, 0.1]
    """
    value = abs(float(value))
    if value == 0:
        return 1
    if value.is_integer():
        for step in (100, 50, 10, 5):
            if value % step == 0:
                return step
        return 1
    decimals = len(repr(value).split(".")[1].rstrip("0"))
    return 10.0**-decimals


def tolerance(value: float, rtol: float = 0.0) -> float:
    """Return how far a published "about" figure may be from the truth, in its unit.

    Half its rounding step (:func:`rounding_step`), or ``rtol`` times the figure when
    that is larger (an "about"/"roughly" figure is loose by a few per cent).

    >>> tolerance(290), tolerance(290, 0.05), tolerance(200, 0.05)
    (5.0, 14.5, 50.0)
    """
    if not rtol >= 0:
        raise ParameterError(f"rtol must be >= 0, got {rtol!r}", field="about_rtol")
    return max(rounding_step(value) / 2, rtol * abs(float(value)))


def to_km(value: float, unit: str) -> float:
    """Convert a distance in ``km``, ``m`` or ``mi`` to km.

    >>> to_km(125, "mi")
    201.168
    """
    factors = {"km": 1.0, "m": 1e-3, "mi": KM_PER_MI}
    if unit not in factors:
        raise ParameterError(
            f"unit {unit!r} is not a distance unit", field="unit", hint="one of km, m, mi"
        )
    return float(value) * factors[unit]


def converted_from(claims: pd.DataFrame, cid: str, ids: Sequence[str]) -> str:
    """Return the id of an earlier km claim that a miles claim equals once converted and rounded.

    A figure in miles "comes from" a figure in km published no later when the km figure,
    converted to miles and rounded to the miles figure's own step
    (:func:`rounding_step`), gives exactly the miles figure; ``""`` when none does.
    """
    row = claims.loc[cid]
    if row["unit"] != "mi":
        return ""
    step = rounding_step(row["value"])
    for other in ids:
        o = claims.loc[other]
        if other == cid or o["unit"] != "km" or _published(o) > _published(row):
            continue
        if round(o["value"] / KM_PER_MI / step) * step == row["value"]:
            return other
    return ""


def _published(row: pd.Series) -> str:
    """Return a claim's publication date padded for comparison (``2024`` → ``2024-00-00``)."""
    parts = str(row["published"]).split("-") + ["00", "00"]
    return "-".join(parts[:3])


def distance_verdicts(
    claims: pd.DataFrame,
    ids: Sequence[str],
    measures: Sequence[Measure],
    *,
    rtol: float = 0.05,
    unmeasured: Sequence[str] = (),
) -> pd.DataFrame:
    """Set each published distance beside the computed measures and explain any gap.

    For each claim the published figure is converted to km and compared with the
    headline measure (the first of ``measures``) and with the closest one. A figure
    agrees with a measure when their difference is within :func:`tolerance` (half the
    figure's rounding step, or ``rtol`` of it). The likely reason is: the headline
    agrees (naming the closest measure when it fits much better); else the reason
    attached to the closest measure that agrees; else no measure here fits. A miles
    figure that equals an earlier km figure converted and rounded (:func:`converted_from`)
    says so.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`tumen.report.claims.read_claims`.
    ids : sequence of str
        Claim ids of published distances (units km, m or mi).
    measures : sequence of Measure
        Computed distances; the first is the headline.
    rtol : float
        Relative looseness of an "about" figure.
    unmeasured : sequence of str
        Readings that could explain a figure but are not measured here (phrases, e.g.
        :data:`LINE_OF_CONTACT_READING` when no line of contact is supplied); named for
        every figure that disagrees with the headline.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``claim``, ``source``, ``published`` (as written, with unit),
        ``published_km``, ``tolerance_km``, ``headline_km``, ``difference_km`` (published −
        headline), ``agrees`` (bool, with the headline), ``closest`` (label),
        ``closest_difference_km`` (published − closest), ``fits`` / ``fits_reason`` (key
        and reason of the closest measure within the tolerance, ``""`` when none),
        ``readings`` (tuple of the reasons of every measure within the tolerance, closest
        first), ``unmeasured`` (tuple: ``unmeasured`` for a figure that disagrees with the
        headline, else empty), ``converted_from`` (the claim id a miles figure was
        converted from, or ``""``), ``reason``.
    """
    if not measures:
        raise ParameterError("no measures to compare with", field="measures")
    headline = measures[0]
    rows = []
    for cid in ids:
        if cid not in claims.index:
            raise ParameterError(
                f"unknown claim {cid!r}", field=cid, hint="claim ids are in data/claims.csv"
            )
        row = claims.loc[cid]
        if isinstance(row["value"], (tuple, _dt.date)) or row["value"] is None:
            raise ParameterError(f"claim {cid!r} is not a single distance", field=cid)
        km = to_km(row["value"], row["unit"])
        tol = to_km(tolerance(row["value"], rtol), row["unit"])
        closest = min(measures, key=lambda m: (abs(km - m.km), m.key))
        agrees = abs(km - headline.km) <= tol
        fitting = sorted(
            (m for m in measures if abs(km - m.km) <= tol), key=lambda m: (abs(km - m.km), m.key)
        )
        others = () if agrees else tuple(unmeasured)
        source = converted_from(claims, cid, ids)
        reason = _reason(km, tol, headline, closest, fitting, others)
        best = fitting[0] if fitting else None
        if source:
            reason += (
                f"; it is {claims.loc[source, 'source']}'s "
                f"{claims.loc[source, 'value_text']} {claims.loc[source, 'unit']} "
                f"converted to miles and rounded to the nearest "
                f"{rounding_step(row['value']):g}"
            )
        rows.append(
            {
                "claim": cid,
                "source": row["source"],
                "published": f"{row['value_text']} {row['unit']}",
                "published_km": km,
                "tolerance_km": tol,
                "headline_km": headline.km,
                "difference_km": km - headline.km,
                "agrees": bool(agrees),
                "closest": closest.label,
                "closest_difference_km": km - closest.km,
                "fits": "" if best is None else best.key,
                "fits_reason": "" if best is None else best.reason,
                "readings": tuple(m.reason for m in fitting),
                "unmeasured": others,
                "converted_from": source,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows)


def _reason(
    km: float,
    tol: float,
    headline: Measure,
    closest: Measure,
    fitting: Sequence[Measure],
    unmeasured: Sequence[str] = (),
) -> str:
    """Return the likely reason for a published distance (see :func:`distance_verdicts`)."""
    gap = abs(km - headline.km)
    if gap <= tol:
        reason = "Agrees within its rounding"
        if closest is not headline and gap > tol / 2 and abs(km - closest.km) < gap / 2:
            reason += f", though it matches {closest.reason} best"
        return reason
    side = "longer" if km > headline.km else "shorter"
    if not fitting and not unmeasured:
        return f"Fits no measure here: {side} than {headline.reason}"
    return (
        f"Too far from {headline.reason}; it "
        if fitting
        else f"{side.capitalize()} than {headline.reason}; it "
    ) + describe_readings([m.reason for m in fitting], unmeasured)


def describe_readings(readings: Sequence[str], unmeasured: Sequence[str] = ()) -> str:
    """Words for every reading that fits a published figure, and those not measured: a
    verb phrase that never gives one reading as *the* answer when another may fit.

    >>> describe_readings(["the rail distance"])
    'fits the rail distance'
    >>> describe_readings(["the rail distance"], ["the line of contact"])
    'fits the rail distance; the line of contact could fit as well, but is not measured here'
    >>> describe_readings(["a", "b"])
    'fits more than one reading: a, or b'
    >>> describe_readings([], ["the line of contact"])
    'fits none of the distances measured here; the line of contact could fit, but is not measured here'
    """
    readings, unmeasured = list(readings), list(unmeasured)
    if not readings:
        text = "fits none of the distances measured here"
        return text + (
            "; "
            + " or ".join(unmeasured)
            + " could fit, but "
            + ("is" if len(unmeasured) == 1 else "are")
            + " not measured here"
            if unmeasured
            else ""
        )
    text = (
        "fits " + readings[0]
        if len(readings) == 1
        else "fits more than one reading: " + ", or ".join(readings)
    )
    if unmeasured:
        text += (
            "; "
            + " or ".join(unmeasured)
            + " could fit as well, but "
            + ("is" if len(unmeasured) == 1 else "are")
            + " not measured here"
        )
    return text


def verdicts_to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the verdict table with report column names."""
    return pd.DataFrame(
        {
            "Source": table["source"],
            "Published": table["published"],
            "In km": table["published_km"],
            "Minus depot → border (km)": table["difference_km"],
            "Verdict (± rounding, km)": [
                f"{_verdict(a)} (± {t:g})" for a, t in zip(table["agrees"], table["tolerance_km"])
            ],
            "Closest measure": table["closest"],
            "Likely reason": table["reason"],
        }
    )


def _verdict(agrees: bool) -> str:
    """The verdict word of one distance, from the one verdict function of tumen.report.claims (so
    this table and the claims table can never word one claim differently)."""
    from tumen.report.claims import get_verdict

    return get_verdict(
        [{"published": "", "reproduced": "", "kind": "within", "agrees": bool(agrees)}]
    ).kind


def claim_tests(
    claims: pd.DataFrame,
    distance_ids: Sequence[str],
    *,
    distance_result: str,
    rtol: float = 0.05,
    arrival_claim: str | None = None,
    arrival_result: str | None = None,
) -> dict:
    """Return the tests for :func:`tumen.report.claims.compare`.

    Each distance claim is tested ``within`` its :func:`tolerance` of ``distance_result``
    (converted to the claim's unit by ``compare``); the arrival claim, when given, is
    tested ``at_most``: the earliest possible arrival must not come after the date trains
    were seen at the depot.
    """
    tests = {}
    for cid in distance_ids:
        if cid not in claims.index:
            raise ParameterError(
                f"unknown claim {cid!r}", field=cid, hint="claim ids are in data/claims.csv"
            )
        tests[cid] = {
            "result": distance_result,
            "kind": "within",
            "tol": tolerance(claims.loc[cid, "value"], rtol),
            "label": "straight line, depot → recognised border",
        }
    if arrival_claim is not None:
        tests[arrival_claim] = {
            "result": arrival_result,
            "kind": "at_most",
            "label": "earliest arrival at the fastest speed assumed",
        }
    return tests


# ---------------------------------------------------------------------------- results


def record_route(res, study: RouteStudy, prefix: str = "route") -> dict:
    """Record the route results under stable names (``route.rail_km``, ...)."""
    r, k, u, m = study.route, study.crossing, study.unconstrained, study.mainline
    heal = study.heal.dropna(subset=["rail_km"])
    items = [
        (
            "rail_km",
            r.length_km,
            "km",
            "Rail route origin → depot on the network, inside the "
            "allowed countries (connectors excluded)",
        ),
        ("total_km", r.total_km, "km", "Rail route with the straight connectors at both ends"),
        (
            "origin_snap_km",
            r.snaps[0].km,
            "km",
            "Straight connector from the origin to the nearest node of the network",
        ),
        (
            "destination_snap_km",
            r.snaps[-1].km,
            "km",
            "Straight connector from the depot to the nearest node of the network",
        ),
        (
            "origin_node_lat",
            r.snaps[0].node_lat,
            "degrees",
            "Latitude of the node the origin snaps to",
        ),
        (
            "origin_node_lon",
            r.snaps[0].node_lon,
            "degrees",
            "Longitude of the node the origin snaps to",
        ),
        ("healed_gaps", len(r.healed_on_path), "links", "Healed gaps on the route"),
        (
            "healed_gaps_km",
            sum(h.km for h in r.healed_on_path),
            "km",
            "Total length of the healed gaps on the route",
        ),
        ("healed_network", r.healed_total, "links", "Gaps healed in the whole network"),
        ("heal_gap_km", r.heal_gap_km, "km", "Healing threshold"),
        (
            "khasan_rail_km",
            k.length_km,
            "km",
            "Rail route crossing station (Khasan) → depot on the network",
        ),
        ("khasan_total_km", k.total_km, "km", "Rail route Khasan → depot with connectors"),
        ("khasan_snap_km", k.snaps[0].km, "km", "Connector from Khasan station to the network"),
        (
            "unconstrained_km",
            u.length_km,
            "km",
            "Shortest rail route through any country (contrast only)",
        ),
        (
            "unconstrained_saving_km",
            r.length_km - u.length_km,
            "km",
            "How much shorter the unconstrained route is",
        ),
        (
            "unconstrained_countries",
            countries_text(u.countries),
            "",
            "Countries the unconstrained route crosses, in order",
        ),
        (
            "mainline_km",
            m.length_km,
            "km",
            "Rail route forced through the main-line waypoints, on the network",
        ),
        (
            "mainline_extra_km",
            m.length_km - r.length_km,
            "km",
            "How much longer the main-line route is than the shortest",
        ),
        ("heal_min_gap_km", heal["heal_gap_km"].min(), "km", "Smallest healing threshold tried"),
        ("heal_max_gap_km", heal["heal_gap_km"].max(), "km", "Largest healing threshold tried"),
        (
            "heal_min_rail_km",
            heal["rail_km"].min(),
            "km",
            "Shortest route length over the healing thresholds",
        ),
        (
            "heal_max_rail_km",
            heal["rail_km"].max(),
            "km",
            "Longest route length over the healing thresholds",
        ),
        (
            "heal_min_origin_snap_km",
            heal["origin_snap_km"].min(),
            "km",
            "Shortest start connector over the healing thresholds",
        ),
        (
            "heal_max_origin_snap_km",
            heal["origin_snap_km"].max(),
            "km",
            "Longest start connector over the healing thresholds",
        ),
        (
            "heal_min_total_km",
            heal["total_km"].min(),
            "km",
            "Shortest route with connectors over the healing thresholds",
        ),
        (
            "heal_max_total_km",
            heal["total_km"].max(),
            "km",
            "Longest route with connectors over the healing thresholds",
        ),
        (
            "places_passed",
            len(study.places),
            "places",
            "Gazetteer towns and cities the route passes",
        ),
    ]
    return _record(res, prefix, items)


def record_timeline(
    res,
    transit: pd.DataFrame,
    checks: Sequence[TimelineCheck],
    *,
    sea_km: float | None,
    sea_days: float,
    prefix: str = "route",
    delivery: TimelineCheck | None = None,
) -> dict:
    """Record the transit-time range and the timeline checks.

    The checks from published start dates are ``route.timeline_start``, ``…_2``, …; the
    check from the shuttle section's first delivery, when given, is ``route.delivery_*``
    (the headline). Each records ``latest_start``: a later start fails the test.
    ``sea_hours`` is recorded only when the sea leg is timed (``sea_km`` given).
    """
    days = transit[[c for c in transit.columns if c.startswith("Days, ")][0]]
    first = checks[0] if checks else delivery
    items = [
        (
            "speed_min_kmh",
            transit["Average speed (km/h)"].min(),
            "km/h",
            "Slowest average freight speed assumed",
        ),
        (
            "speed_max_kmh",
            transit["Average speed (km/h)"].max(),
            "km/h",
            "Fastest average freight speed assumed",
        ),
        (
            "transit_days_min",
            days.min(),
            "days",
            "Rail transit origin → depot at the fastest speed assumed (route with connectors)",
        ),
        (
            "transit_days_max",
            days.max(),
            "days",
            "Rail transit origin → depot at the slowest speed assumed (route with connectors)",
        ),
        (
            "handling_days",
            first.handling_days,
            "days",
            "Time assumed for unloading and making up the train",
        ),
    ]
    if sea_km is not None:
        items += [
            ("sea_km", sea_km, "km", "Sea leg from the loading port to the origin"),
            (
                "sea_hours",
                sea_days * HOURS_PER_DAY,
                "hours",
                "Time of the sea leg at the ship speed",
            ),
        ]
    for n, c in enumerate(checks):
        stem = "" if n == 0 else f"_{n + 1}"
        items += _check_items(c, lambda key, stem=stem: f"{key}{stem}", c.start_claim)
    if delivery is not None:
        short = {
            "timeline_start": "start",
            "timeline_end": "end",
            "timeline_days": "days",
            "timeline_consistent": "consistent",
        }
        items += _check_items(
            delivery,
            lambda key: "delivery_" + short.get(key, key),
            "first delivery at the port of unloading, shuttle section",
        )
    return _record(res, prefix, items)


def _check_items(c: TimelineCheck, name, start: str) -> list:
    """The results of one timeline check, named by ``name(key)``."""
    return [
        (name("timeline_start"), c.start, "date", f"Start of the window ({start})"),
        (name("timeline_end"), c.end, "date", f"End of the window ({c.end_claim})"),
        (name("timeline_days"), c.elapsed_days, "days", "Days in the window"),
        (name("rail_days"), c.rail_days, "days", "Days left for the rail leg"),
        (
            name("implied_speed_kmh"),
            c.implied_speed_kmh,
            "km/h",
            "Lowest average rail speed that fits the window",
        ),
        (name("implied_km_per_day"), c.implied_km_per_day, "km/day", "The same as km per day"),
        (
            name("earliest_arrival"),
            c.earliest_arrival,
            "date",
            "Earliest arrival at the depot at the fastest speed of the range",
        ),
        (name("margin_days"), c.margin_days, "days", "Days to spare at the fastest speed"),
        (
            name("timeline_consistent"),
            c.consistent,
            "",
            "Whether the needed speed is within the speed range",
        ),
        (
            name("latest_start"),
            c.latest_start,
            "date",
            "Latest start that passes the test (a later one needs more than the fastest speed)",
        ),
    ]


def record_distances(
    res,
    study: DistanceStudy,
    verdicts: pd.DataFrame,
    prefix: str = "route",
    line: lines.Line | None = None,
    line_km: Measure | None = None,
) -> dict:
    """Record the distances to the neighbouring country and the verdict counts; with
    ``line`` and ``line_km`` (:func:`line_measure`), the distance to the line of contact,
    its date and source; per claim, how many measured readings fit it."""
    b, t = study.border, study.territory
    lo, hi = study.interval("border")
    tlo, thi = study.town_interval()
    items = [
        (
            "depot_to_border_km",
            b.distance_km,
            "km",
            "Depot → nearest point of the land border, geodesic WGS84",
        ),
        ("depot_to_border_mi", b.distance_km / KM_PER_MI, "mi", "The same in miles"),
        ("border_point_lat", b.lat, "degrees", "Latitude of the nearest land-border point"),
        ("border_point_lon", b.lon, "degrees", "Longitude of the nearest land-border point"),
        (
            "depot_to_territory_km",
            t.distance_km,
            "km",
            "Depot → nearest point of the territory (coast included), geodesic WGS84",
        ),
        ("depot_to_territory_mi", t.distance_km / KM_PER_MI, "mi", "The same in miles"),
        ("territory_point_lat", t.lat, "degrees", "Latitude of the nearest territory point"),
        ("territory_point_lon", t.lon, "degrees", "Longitude of the nearest territory point"),
        (
            "town_to_border_km",
            study.town_border.distance_km,
            "km",
            "Town centre → nearest point of the land border, geodesic WGS84",
        ),
        ("town_to_border_mi", study.town_border.distance_km / KM_PER_MI, "mi", "The same in miles"),
        (
            "town_to_territory_km",
            study.town_territory.distance_km,
            "km",
            "Town centre → nearest point of the territory, geodesic WGS84",
        ),
        (
            "depot_uncertainty_km",
            study.depot.uncertainty_km,
            "km",
            "Gazetteer uncertainty of the depot's position",
        ),
        (
            "town_uncertainty_km",
            study.town.uncertainty_km,
            "km",
            "Gazetteer uncertainty of the town centre's position",
        ),
        (
            "depot_to_border_low_km",
            lo,
            "km",
            "Depot → border, lower end over the position uncertainty",
        ),
        (
            "depot_to_border_high_km",
            hi,
            "km",
            "Depot → border, upper end over the position uncertainty",
        ),
        (
            "town_to_border_low_km",
            tlo,
            "km",
            "Town → border, lower end over the position uncertainty",
        ),
        (
            "town_to_border_high_km",
            thi,
            "km",
            "Town → border, upper end over the position uncertainty",
        ),
        (
            "depot_to_border_rail_km",
            study.rail.total_km,
            "km",
            "Depot → nearest railway "
            "border crossing along the network (with the depot's connector)",
        ),
        (
            "rail_crossing_lat",
            study.rail.lat,
            "degrees",
            "Latitude where that railway meets the border",
        ),
        (
            "rail_crossing_lon",
            study.rail.lon,
            "degrees",
            "Longitude where that railway meets the border",
        ),
        (
            "nearest_in_part",
            study.nearest_in_part,
            "",
            "Whether the nearest point of the territory lies in the named part (Crimea)",
        ),
        (
            "verdicts_agree",
            int(verdicts["agrees"].sum()),
            "claims",
            "Published distances that agree with depot → border within their rounding",
        ),
        ("verdicts_total", len(verdicts), "claims", "Published distances compared"),
    ]
    if study.part is not None:
        items.append(
            (
                "depot_to_part_km",
                study.part.distance_km,
                "km",
                f"Depot → nearest point of {study.part_name}, geodesic WGS84",
            )
        )
    items.append(
        (
            "line_of_contact_measured",
            line is not None,
            "",
            "Whether a line of contact was supplied and the distance to it measured",
        )
    )
    if line is not None and line_km is not None:
        items += [
            (
                "depot_to_line_of_contact_km",
                line_km.km,
                "km",
                f"Depot → nearest point of the line of contact of {line.date}, geodesic WGS84",
            ),
            ("depot_to_line_of_contact_mi", line_km.mi, "mi", "The same in miles"),
            ("line_of_contact_date", line.date, "date", "Date of the line of contact"),
            ("line_of_contact_source", line.source, "", "Source of the line of contact"),
        ]
    for row in verdicts.itertuples():
        items.append(
            (
                f"claim_readings_{row.claim}",
                len(row.readings),
                "readings",
                f"Measured distances that fit published {row.published}",
            )
        )
        items.append(
            (
                f"claim_km_{row.claim}",
                row.published_km,
                "km",
                f"Published distance {row.published} in km",
            )
        )
        items.append(
            (
                f"claim_diff_km_{row.claim}",
                row.difference_km,
                "km",
                f"Published {row.published} minus depot → border",
            )
        )
        items.append(
            (
                f"claim_gap_km_{row.claim}",
                abs(row.difference_km),
                "km",
                f"How far published {row.published} is from depot → border",
            )
        )
    return _record(res, prefix, items)


def _record(res, prefix: str, items) -> dict:
    """Record (name, value, unit, description) items under ``prefix``; return name → value."""
    out = {}
    for name, value, unit, description in items:
        if isinstance(value, (np.floating, np.integer)):
            value = value.item()
        out[f"{prefix}.{name}"] = res.record(f"{prefix}.{name}", value, unit, description)
    return out
