"""The route step of the route section: the rail routes from the port of unloading to the
depot.

:func:`study_route` computes the rail route from the port of unloading to the depot inside
the allowed countries, the same from the Russian station of the Tumangang crossing, the
unconstrained shortest path (a contrast only), the route forced along a main line through
given waypoints, the sensitivity of the length to the gap-healing threshold
(:func:`heal_sensitivity`), and the towns the route passes (:func:`places_along`); all from
the routes of :mod:`tumen.geo.rail` and the geodesy of :mod:`tumen.geo.earth`.

Coordinates are degrees WGS84 (EPSG:4326); distances are km along the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from tumen.errors import DataError, NoRouteError, ParameterError
from tumen.geo import borders, earth, gazetteer
from tumen.geo import rail as geo_rail


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
    route : tumen.geo.rail.RailRoute
    sites : pandas.DataFrame
        Gazetteer from :func:`tumen.geo.gazetteer.load_sites`.
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
        off = borders.distance_to_geometry(s["lat"], s["lon"], local_line(lat, lon, k)).distance_km
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


def local_line(lat: np.ndarray, lon: np.ndarray, k: int):
    """The stretch of a route's line around its vertex ``k`` (three vertices each side), or
    the vertex itself when the line has one vertex: what a place's distance to the route is
    measured to."""
    lo, hi = max(k - 3, 0), min(k + 4, len(lat))
    if hi - lo < 2:
        return shapely.Point(lon[k], lat[k])
    return shapely.LineString(np.column_stack([lon[lo:hi], lat[lo:hi]]))


def heal_sensitivity(a, b, heal_gaps_km: Iterable[float], **route_options) -> pd.DataFrame:
    """Return the route's length, snaps and healed gaps for each healing threshold.

    Parameters
    ----------
    a, b : str or Site or (lat, lon)
        Start and end, as for :func:`tumen.geo.rail.rail_route`.
    heal_gaps_km : iterable of float
        Thresholds, km.
    **route_options
        Passed on to :func:`tumen.geo.rail.rail_route` (countries, sites, network_dir).

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


@dataclass(frozen=True)
class RouteStudy:
    """The rail routes of the analysis.

    Attributes
    ----------
    route : tumen.geo.rail.RailRoute
        Origin → destination inside the allowed countries: the route.
    crossing : tumen.geo.rail.RailRoute
        Crossing station (Khasan) → destination, same rules.
    unconstrained : tumen.geo.rail.RailRoute
        Origin → destination through any country (a contrast only).
    mainline : tumen.geo.rail.RailRoute
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
    route : tumen.geo.rail.RailRoute
        From :func:`tumen.geo.rail.rail_route`, with gazetteer ids as its ends.
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
    heal_gap_km, heal_gaps_km : float, iterable of float
        Healing threshold of the routes, and the thresholds of the sensitivity table, km.
    mainline_via : sequence of str
        Waypoints (site ids) that force the main-line comparison route.
    places_within_km : float
        A place within this distance of the route is passed, km.
    sites, network_dir : optional
        Gazetteer (pandas.DataFrame) and rail network directory.
    max_connector_km : float, optional
        Longest straight connector from an end to the network, km (see
        :func:`check_route_ends`: a :class:`NoRouteError` when no route joins origin and
        destination within ``countries``).
    """
    sites = gazetteer.load_sites() if sites is None else sites
    opts = dict(sites=sites, network_dir=network_dir, heal_gap_km=heal_gap_km)
    countries = None if countries is None else tuple(countries)
    route = joined_route(
        origin, destination, countries=countries, max_connector_km=max_connector_km, **opts
    )
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


def joined_route(
    a, b, *, sites: pd.DataFrame, countries=("RUS",), max_connector_km=None, **route_options
) -> geo_rail.RailRoute:
    """Return the rail route ``a`` → ``b`` within ``countries`` that really joins its two
    ends (:func:`check_route_ends`); ``route_options`` go to
    :func:`tumen.geo.rail.rail_route` (network_dir, heal_gap_km).

    Raises
    ------
    NoRouteError
        When the route does not join the two ends.
    """
    route = geo_rail.rail_route(a, b, countries=countries, sites=sites, **route_options)
    check_route_ends(route, sites, countries=countries, max_connector_km=max_connector_km)
    return route


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


def map_places(study: RouteStudy, extra: Sequence[str] = ()) -> list:
    """The places labelled on the map of the routes: those the route passes (cities before
    towns), the main-line waypoints it does not pass, then ``extra`` (site ids)."""
    by_size = study.places.sort_values("kind", kind="stable")["id"]  # cities before towns
    return [*by_size, *study.skipped, *extra]
