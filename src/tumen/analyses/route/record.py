"""The record step of the route section: every number the section reports, recorded under
stable names (``route.rail_km``, ...) through :meth:`tumen.engine.results.Results.recorder`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tumen.analyses.route.distances import KM_PER_MI, DistanceStudy, Measure
from tumen.analyses.route.route import RouteStudy, countries_text
from tumen.analyses.route.timeline import HOURS_PER_DAY, TimelineCheck
from tumen.geo import lines


def record_route(res, study: RouteStudy, prefix: str = "route") -> dict:
    """Record the route results under stable names (``route.rail_km``, ...); return what was
    recorded, name (without the prefix) -> value."""
    out, rec = res.recorder(prefix)
    record_route_network(rec, study.route)
    record_alternatives(rec, study)
    record_heal(rec, study.heal)
    rec(
        "places_passed",
        len(study.places),
        "places",
        "Gazetteer towns and cities the route passes",
    )
    return out


def record_route_network(rec, r) -> None:
    """The route's length, its connectors and the healed gaps (``rec``: a
    :meth:`~tumen.engine.results.Results.recorder`)."""
    rec(
        "rail_km",
        r.length_km,
        "km",
        "Rail route origin → depot on the network, inside the "
        "allowed countries (connectors excluded)",
    )
    rec("total_km", r.total_km, "km", "Rail route with the straight connectors at both ends")
    rec(
        "origin_snap_km",
        r.snaps[0].km,
        "km",
        "Straight connector from the origin to the nearest node of the network",
    )
    rec(
        "destination_snap_km",
        r.snaps[-1].km,
        "km",
        "Straight connector from the depot to the nearest node of the network",
    )
    rec(
        "origin_node_lat",
        r.snaps[0].node_lat,
        "degrees",
        "Latitude of the node the origin snaps to",
    )
    rec(
        "origin_node_lon",
        r.snaps[0].node_lon,
        "degrees",
        "Longitude of the node the origin snaps to",
    )
    rec("healed_gaps", len(r.healed_on_path), "links", "Healed gaps on the route")
    rec(
        "healed_gaps_km",
        sum(h.km for h in r.healed_on_path),
        "km",
        "Total length of the healed gaps on the route",
    )
    rec("healed_network", r.healed_total, "links", "Gaps healed in the whole network")
    rec("heal_gap_km", r.heal_gap_km, "km", "Healing threshold")


def record_alternatives(rec, study: RouteStudy) -> None:
    """The route from the crossing station, the unconstrained and the main-line routes."""
    r, k, u, m = study.route, study.crossing, study.unconstrained, study.mainline
    rec(
        "khasan_rail_km",
        k.length_km,
        "km",
        "Rail route crossing station (Khasan) → depot on the network",
    )
    rec("khasan_total_km", k.total_km, "km", "Rail route Khasan → depot with connectors")
    rec("khasan_snap_km", k.snaps[0].km, "km", "Connector from Khasan station to the network")
    rec(
        "unconstrained_km",
        u.length_km,
        "km",
        "Shortest rail route through any country (contrast only)",
    )
    rec(
        "unconstrained_saving_km",
        r.length_km - u.length_km,
        "km",
        "How much shorter the unconstrained route is",
    )
    rec(
        "unconstrained_countries",
        countries_text(u.countries),
        "",
        "Countries the unconstrained route crosses, in order",
    )
    rec(
        "mainline_km",
        m.length_km,
        "km",
        "Rail route forced through the main-line waypoints, on the network",
    )
    rec(
        "mainline_extra_km",
        m.length_km - r.length_km,
        "km",
        "How much longer the main-line route is than the shortest",
    )


def record_heal(rec, heal: pd.DataFrame) -> None:
    """The range of the route's length and connectors over the healing thresholds
    (:func:`tumen.analyses.route.route.heal_sensitivity`)."""
    heal = heal.dropna(subset=["rail_km"])
    rec("heal_min_gap_km", heal["heal_gap_km"].min(), "km", "Smallest healing threshold tried")
    rec("heal_max_gap_km", heal["heal_gap_km"].max(), "km", "Largest healing threshold tried")
    rec(
        "heal_min_rail_km",
        heal["rail_km"].min(),
        "km",
        "Shortest route length over the healing thresholds",
    )
    rec(
        "heal_max_rail_km",
        heal["rail_km"].max(),
        "km",
        "Longest route length over the healing thresholds",
    )
    rec(
        "heal_min_origin_snap_km",
        heal["origin_snap_km"].min(),
        "km",
        "Shortest start connector over the healing thresholds",
    )
    rec(
        "heal_max_origin_snap_km",
        heal["origin_snap_km"].max(),
        "km",
        "Longest start connector over the healing thresholds",
    )
    rec(
        "heal_min_total_km",
        heal["total_km"].min(),
        "km",
        "Shortest route with connectors over the healing thresholds",
    )
    rec(
        "heal_max_total_km",
        heal["total_km"].max(),
        "km",
        "Longest route with connectors over the healing thresholds",
    )


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
    """Record the transit-time range and the timeline checks; return what was recorded.

    The checks from published start dates are ``route.timeline_start``, ``…_2``, …; the
    check from the shuttle section's first delivery, when given, is ``route.delivery_*``
    (the headline). Each records ``latest_start``: a later start fails the test.
    ``sea_hours`` is recorded only when the sea leg is timed (``sea_km`` given).
    """
    out, rec = res.recorder(prefix)
    record_transit(rec, transit, checks[0] if checks else delivery)
    if sea_km is not None:
        rec("sea_km", sea_km, "km", "Sea leg from the loading port to the origin")
        rec(
            "sea_hours",
            sea_days * HOURS_PER_DAY,
            "hours",
            "Time of the sea leg at the ship speed",
        )
    for n, c in enumerate(checks):
        stem = "" if n == 0 else f"_{n + 1}"
        record_check(rec, c, lambda key, stem=stem: f"{key}{stem}", c.start_claim)
    if delivery is not None:
        short = {
            "timeline_start": "start",
            "timeline_end": "end",
            "timeline_days": "days",
            "timeline_consistent": "consistent",
        }
        record_check(
            rec,
            delivery,
            lambda key: "delivery_" + short.get(key, key),
            "first delivery at the port of unloading, shuttle section",
        )
    return out


def record_transit(rec, transit: pd.DataFrame, first: TimelineCheck) -> None:
    """The range of speeds and transit days (:func:`tumen.analyses.route.timeline.transit_table`)
    and the handling time of the first check."""
    days = transit[[c for c in transit.columns if c.startswith("Days, ")][0]]
    rec(
        "speed_min_kmh",
        transit["Average speed (km/h)"].min(),
        "km/h",
        "Slowest average freight speed assumed",
    )
    rec(
        "speed_max_kmh",
        transit["Average speed (km/h)"].max(),
        "km/h",
        "Fastest average freight speed assumed",
    )
    rec(
        "transit_days_min",
        days.min(),
        "days",
        "Rail transit origin → depot at the fastest speed assumed (route with connectors)",
    )
    rec(
        "transit_days_max",
        days.max(),
        "days",
        "Rail transit origin → depot at the slowest speed assumed (route with connectors)",
    )
    rec(
        "handling_days",
        first.handling_days,
        "days",
        "Time assumed for unloading and making up the train",
    )


def record_check(rec, c: TimelineCheck, name, start: str) -> None:
    """The results of one timeline check, named by ``name(key)``."""
    rec(name("timeline_start"), c.start, "date", f"Start of the window ({start})")
    rec(name("timeline_end"), c.end, "date", f"End of the window ({c.end_claim})")
    rec(name("timeline_days"), c.elapsed_days, "days", "Days in the window")
    rec(name("rail_days"), c.rail_days, "days", "Days left for the rail leg")
    rec(
        name("implied_speed_kmh"),
        c.implied_speed_kmh,
        "km/h",
        "Lowest average rail speed that fits the window",
    )
    rec(name("implied_km_per_day"), c.implied_km_per_day, "km/day", "The same as km per day")
    rec(
        name("earliest_arrival"),
        c.earliest_arrival,
        "date",
        "Earliest arrival at the depot at the fastest speed of the range",
    )
    rec(name("margin_days"), c.margin_days, "days", "Days to spare at the fastest speed")
    rec(
        name("timeline_consistent"),
        c.consistent,
        "",
        "Whether the needed speed is within the speed range",
    )
    rec(
        name("latest_start"),
        c.latest_start,
        "date",
        "Latest start that passes the test (a later one needs more than the fastest speed)",
    )


def record_distances(
    res,
    study: DistanceStudy,
    verdicts: pd.DataFrame,
    prefix: str = "route",
    line: lines.Line | None = None,
    line_km: Measure | None = None,
) -> dict:
    """Record the distances to the neighbouring country and the verdict counts; with
    ``line`` and ``line_km`` (:func:`tumen.analyses.route.distances.line_measure`), the
    distance to the line of contact, its date and source; per claim, how many measured
    readings fit it. Return what was recorded."""
    out, rec = res.recorder(prefix)
    record_depot_distances(rec, study)
    record_town_distances(rec, study)
    rec(
        "nearest_in_part",
        study.nearest_in_part,
        "",
        "Whether the nearest point of the territory lies in the named part (Crimea)",
    )
    rec(
        "verdicts_agree",
        int(verdicts["agrees"].sum()),
        "claims",
        "Published distances that agree with depot → border within their rounding",
    )
    rec("verdicts_total", len(verdicts), "claims", "Published distances compared")
    if study.part is not None:
        rec(
            "depot_to_part_km",
            study.part.distance_km,
            "km",
            f"Depot → nearest point of {study.part_name}, geodesic WGS84",
        )
    rec(
        "line_of_contact_measured",
        line is not None,
        "",
        "Whether a line of contact was supplied and the distance to it measured",
    )
    if line is not None and line_km is not None:
        rec(
            "depot_to_line_of_contact_km",
            line_km.km,
            "km",
            f"Depot → nearest point of the line of contact of {line.date}, geodesic WGS84",
        )
        rec("depot_to_line_of_contact_mi", line_km.mi, "mi", "The same in miles")
        rec("line_of_contact_date", line.date, "date", "Date of the line of contact")
        rec("line_of_contact_source", line.source, "", "Source of the line of contact")
    for row in verdicts.itertuples():
        record_claim_distance(rec, row)
    return out


def record_depot_distances(rec, study: DistanceStudy) -> None:
    """The depot's distances to the land border and the territory, their far ends, the
    interval over the depot's uncertainty, and the distance by rail."""
    b, t = study.border, study.territory
    lo, hi = study.interval("border")
    rec(
        "depot_to_border_km",
        b.distance_km,
        "km",
        "Depot → nearest point of the land border, geodesic WGS84",
    )
    rec("depot_to_border_mi", b.distance_km / KM_PER_MI, "mi", "The same in miles")
    rec("border_point_lat", b.lat, "degrees", "Latitude of the nearest land-border point")
    rec("border_point_lon", b.lon, "degrees", "Longitude of the nearest land-border point")
    rec(
        "depot_to_territory_km",
        t.distance_km,
        "km",
        "Depot → nearest point of the territory (coast included), geodesic WGS84",
    )
    rec("depot_to_territory_mi", t.distance_km / KM_PER_MI, "mi", "The same in miles")
    rec("territory_point_lat", t.lat, "degrees", "Latitude of the nearest territory point")
    rec("territory_point_lon", t.lon, "degrees", "Longitude of the nearest territory point")
    rec(
        "depot_uncertainty_km",
        study.depot.uncertainty_km,
        "km",
        "Gazetteer uncertainty of the depot's position",
    )
    rec(
        "depot_to_border_low_km",
        lo,
        "km",
        "Depot → border, lower end over the position uncertainty",
    )
    rec(
        "depot_to_border_high_km",
        hi,
        "km",
        "Depot → border, upper end over the position uncertainty",
    )
    rec(
        "depot_to_border_rail_km",
        study.rail.total_km,
        "km",
        "Depot → nearest railway border crossing along the network (with the depot's connector)",
    )
    rec(
        "rail_crossing_lat",
        study.rail.lat,
        "degrees",
        "Latitude where that railway meets the border",
    )
    rec(
        "rail_crossing_lon",
        study.rail.lon,
        "degrees",
        "Longitude where that railway meets the border",
    )


def record_town_distances(rec, study: DistanceStudy) -> None:
    """The town centre's distances and its interval over the town's uncertainty."""
    tlo, thi = study.town_interval()
    rec(
        "town_to_border_km",
        study.town_border.distance_km,
        "km",
        "Town centre → nearest point of the land border, geodesic WGS84",
    )
    rec("town_to_border_mi", study.town_border.distance_km / KM_PER_MI, "mi", "The same in miles")
    rec(
        "town_to_territory_km",
        study.town_territory.distance_km,
        "km",
        "Town centre → nearest point of the territory, geodesic WGS84",
    )
    rec(
        "town_uncertainty_km",
        study.town.uncertainty_km,
        "km",
        "Gazetteer uncertainty of the town centre's position",
    )
    rec(
        "town_to_border_low_km",
        tlo,
        "km",
        "Town → border, lower end over the position uncertainty",
    )
    rec(
        "town_to_border_high_km",
        thi,
        "km",
        "Town → border, upper end over the position uncertainty",
    )


def record_claim_distance(rec, row) -> None:
    """One published distance (a row of
    :func:`tumen.analyses.route.verdicts.distance_verdicts`): the readings that fit it, in
    km, and its difference from depot → border."""
    rec(
        f"claim_readings_{row.claim}",
        len(row.readings),
        "readings",
        f"Measured distances that fit published {row.published}",
    )
    rec(
        f"claim_km_{row.claim}",
        row.published_km,
        "km",
        f"Published distance {row.published} in km",
    )
    rec(
        f"claim_diff_km_{row.claim}",
        row.difference_km,
        "km",
        f"Published {row.published} minus depot → border",
    )
    rec(
        f"claim_gap_km_{row.claim}",
        abs(row.difference_km),
        "km",
        f"How far published {row.published} is from depot → border",
    )
