"""The words of the route section: its sentences, captions and alt texts.

The route notebook passes its parameters (site names, the author's notes) and what the
analysis computed to these functions, which choose an honest sentence for every case (no
route, no linked delivery, no timed sea leg, no line of contact). Every number a sentence
cites is a recorded result (``route.*``, ``claim.*``), filled in by
:meth:`tumen.engine.results.Results.md`; place and source names go in as literal keywords.
``describe_*`` return the notebook output; ``caption_*``, ``alt_*`` and the other functions
return the text.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tumen.analyses.route.route import RouteStudy, nearest_place
from tumen.analyses.route.verdicts import describe_readings
from tumen.engine import results
from tumen.errors import DataError
from tumen.geo import gazetteer

# ---------------------------------------------------------------------------- summary


def describe_summary(
    res,
    *,
    study: RouteStudy | None,
    delivery,
    checks: Sequence,
    verdicts: pd.DataFrame,
    start_claims: Sequence[str],
    end_claim: str,
    speeds_source: str,
    origin: str,
    destination: str,
    within: str,
    country: str,
):
    """The key finding of the route section: the route, the timeline's verdict and the
    distances (``delivery``: the check from the shuttle's first delivery, or None;
    ``checks``: those from the published start dates ``start_claims``)."""
    readings = verdicts[
        ~verdicts["agrees"] & (verdicts["readings"].map(len) + verdicts["unmeasured"].map(len) > 0)
    ]
    return res.md(
        (
            summary_route(delivery, checks, start_claims, end_claim, speeds_source)
            if study is not None
            else "**The route to the depot.** No railway joins {origin} and {destination} within "
            "{within}: {route.no_route}. "
        )
        + "The depot is {route.depot_to_border_km:.0f} km ({route.depot_to_border_mi:.0f} miles) from "
        "{country}'s recognised border; published distances consistent with it: "
        "{route.verdicts_agree} of {route.verdicts_total}"
        + "".join(
            f"; {{claim.{row.claim}!u}} ({results.escape_text(row.source)}) "
            + describe_readings(row.readings, row.unmeasured)
            for row in readings.itertuples()
        )
        + ".",
        origin=origin,
        destination=destination,
        within=within,
        country=country,
    )


def summary_route(
    delivery, checks: Sequence, start_claims: Sequence[str], end_claim: str, speeds_source: str
) -> str:
    """The key finding's route and timeline (a template of ``route.*`` results)."""
    return (
        "**The route to the depot.** Within {within} the railway from {origin} to the {destination} "
        "is {route.total_km:,.0f} km long; "
        + (
            (
                "between the first delivery the shuttle section finds at {origin} "
                "({route.delivery_start:.10}) and trains seen at the depot "
                f"({{claim.{end_claim}}}) "
                if delivery is not None
                else f"between the first published shipment ({{claim.{start_claims[0]}}}) and "
                f"trains seen at the depot ({{claim.{end_claim}}}) "
            )
            + (
                (
                    "it needs an average of at least {route.%simplied_speed_kmh!floor:.0f} km/h, "
                    % ("delivery_" if delivery is not None else "")
                    + ("within " if (delivery or checks[0]).consistent else "faster than ")
                    + "the fastest freight speed "
                    + ("cited" if speeds_source.strip() else "assumed")
                    + " ({route.speed_max_kmh:.0f} km/h); "
                )
                if (delivery or checks[0]).implied_speed_kmh is not None
                else "there is no time for the rail leg at all; "
            )
            + (
                "a first delivery after {route.delivery_latest_start:.16} UTC would have failed the "
                "test. "
                if delivery is not None
                else "a shipment after {route.latest_start:.16} UTC would have failed the test. "
            )
        )
    )


# ---------------------------------------------------------------------------- the rail route


def describe_route(
    res,
    study: RouteStudy | None,
    *,
    route_map: str,
    origin_note: str,
    within: str,
    origin: str,
    destination: str,
):
    """The rail route: its length, its connectors and the gaps it crosses (or why there is
    none); ``route_map`` is the map's figure name."""
    if study is None:
        return res.md(
            "No railway of the network joins {origin} and the {destination} within "
            "{within}: {route.no_route}. Without a route there is no rail distance, "
            "transit time or timeline to test; the distances from the depot are measured "
            "all the same.",
            origin=origin,
            destination=destination,
            within=within,
        )
    r = study.route
    return res.md(
        "Within {within}, the shortest rail route from {origin} to the depot runs "
        f"{{route.rail_km:,.0f}} km on the network ({{fig:{route_map}}}, "
        "{tab:route_alternatives}). "
        + (origin_note + " the route starts" if origin_note else "The route starts")
        + " at the point of the network nearest to {origin}, "
        "{route.origin_snap_km:.0f} km away in a straight line (the track would be "
        "longer). At the other end the depot is {route.destination_snap_km:.1f} km from the "
        "network. Where two pieces of track in the map data come within "
        "{route.heal_gap_km:.0f} km of each other, a straight link bridges the gap; "
        + (
            "the route crosses no such gap. "
            if not r.healed_on_path
            else "the route crosses {route.healed_gaps} such "
            + ("gap" if len(r.healed_on_path) == 1 else "gaps")
            + ", {route.healed_gaps_km:.1f} km in all. "
        )
        + "With the two "
        "straight connectors the route measures {route.total_km:,.0f} km, the distance used for "
        "the transit times below.",
        within=within,
        origin=origin,
    )


def map_routes(study: RouteStudy, *, within: str, mainline: bool) -> dict:
    """The routes of the Russia-wide map, by legend label (the main-line route when
    ``mainline``)."""
    routes = {f"Shortest within {within}": study.route}
    if mainline:
        routes["Via the Trans-Siberian main line"] = study.mainline
    routes["Shortest through any country (contrast)"] = study.unconstrained
    return routes


def caption_route_map(*, origin: str, destination: str, within: str, mainline: bool) -> str:
    """The caption of the Russia-wide map of the routes."""
    return (
        f"Rail routes from {origin} to the {destination} over the OpenStreetMap "
        "railway network (Albers equal-area conic projection): the shortest route "
        f"within {within}, "
        + ("the same forced along the Trans-Siberian main line, " if mainline else "")
        + "and the shortest route through any country, shown only as a contrast."
    )


def alt_route_map(
    res,
    study: RouteStudy,
    sites: pd.DataFrame,
    *,
    area: str,
    within: str,
    origin: str,
    town: str,
    mainline_via: Sequence[str],
) -> str:
    """The alt text of the Russia-wide map (``area``: what it shows, "" = a plain
    sentence)."""
    return (
        (f"Map of {area}. " if area else "Map of the rail routes. ")
        + f"The shortest rail route within "
        f"{within} runs from {origin} through {', '.join(study.places['name'])} to the "
        f"depot near {town}; "
        + (
            f"a dashed line follows the main line through "
            f"{' and '.join(gazetteer.get_site(s, sites).name for s in mainline_via)}; "
            if mainline_via
            else ""
        )
        + f"a dotted line runs {res['route.unconstrained_countries']}."
    )


def caption_start_map(note: str = "") -> str:
    """The caption of the map of the start of the routes (``note``: the author's words on
    it, "" = a plain sentence)."""
    return "The eastern end of the routes (Natural Earth 10m, Lambert conformal projection). " + (
        note
        or "Grey lines are the railways of the OpenStreetMap extract; dotted lines are "
        "the straight connectors from each end to the nearest point of the network."
    )


def alt_start_map(res, alt: str, *, origin: str, crossing: str) -> str:
    """The alt text of the map of the start of the routes (``alt``: the author's template of
    results, "" = a plain sentence)."""
    return (
        results.render(alt, res.records, html=False)
        if alt
        else f"Regional map of the start of the routes from {origin} and "
        f"{crossing} over the railways of the extract."
    )


def describe_places(
    res,
    study: RouteStudy,
    sites: pd.DataFrame,
    *,
    mainline: bool,
    mainline_note: str,
    contrast_note: str,
    crossing_note: str,
    within: str,
    crossing: str,
    origin: str,
):
    """The places the route passes, the main-line and unconstrained alternatives, and where
    the route from the crossing station joins it."""
    skipped = [gazetteer.get_site(s, sites).name for s in study.skipped]
    try:
        join = gazetteer.get_site(nearest_place(*study.crossing_join, sites)[0], sites).name
    except DataError:  # the route from the crossing never meets the route
        join = ""
    return res.md(
        "The route passes {route.places_passed} towns and cities of the gazetteer "
        "({tab:route_places}). "
        + (
            f"It does not pass {' or '.join(map(results.escape_text, skipped))}"
            + (": " + mainline_note if mainline_note else "")
            + ". "
            "Forced along the Trans-Siberian main line the route is "
            "{route.mainline_km:,.0f} km, {route.mainline_extra_km:,.0f} km longer; a train might "
            "well take that busier but faster line, so the two lengths bracket the distance. "
            if skipped
            else "It follows the Trans-Siberian main line. "
            if mainline
            else ""
        )
        + "Without the restriction to {within} the shortest path on the network is "
        "{route.unconstrained_km:,.0f} km, {route.unconstrained_saving_km:,.0f} km shorter, but it "
        "runs {route.unconstrained_countries}; "
        + (contrast_note if contrast_note else "it is shown only as a contrast")
        + ". "
        + (crossing_note + " {crossing}" if crossing_note else "Trains from {crossing} start")
        + ", {route.khasan_rail_km:,.0f} km by rail from the depot"
        + (
            f"; they join the route from {{origin}} near {results.escape_text(join)}."
            if join
            else ", on a route that never meets the one from {origin}."
        ),
        within=within,
        crossing=crossing,
        origin=origin,
    )


def describe_heal(res, study: RouteStudy, *, origin: str):
    """How little the route's length depends on the gaps in the track bridged."""
    return res.md(
        "The length hardly depends on which gaps in the track are bridged ({tab:route_heal}): for "
        "thresholds from {route.heal_min_gap_km:g} to {route.heal_max_gap_km:g} km the route "
        "measures between {route.heal_min_rail_km!floor:,.0f} and {route.heal_max_rail_km!ceil:,.0f} km on the "
        "network, and between {route.heal_min_total_km!floor:,.0f} and {route.heal_max_total_km!ceil:,.0f} km "
        "with its connectors. "
        + (
            "The start connector measures between {route.heal_min_origin_snap_km!floor:.1f} and "
            "{route.heal_max_origin_snap_km!ceil:.1f} km: bridging few or no gaps, the track nearest to {origin} is a "
            "different one."
            if study.heal["origin_snap_km"].nunique() > 1
            else ""
        ),
        origin=origin,
    )


# ---------------------------------------------------------------------------- the timeline


def describe_timeline(
    res,
    *,
    study: RouteStudy | None,
    delivery,
    checks: Sequence,
    link,
    sea,
    sea_timed: bool,
    sea_error: str | None,
    start_claims: Sequence[str],
    end_claim: str,
    speeds_source: str,
    notes: Sequence[str] = ("", ""),
    within: str,
    origin: str,
):
    """How long the journey takes and whether the dates leave time for it.

    ``delivery`` is the check from the shuttle section's first delivery (None: not linked
    or no delivery, ``link``: :class:`tumen.analyses.route.read.ShuttleLink`), ``checks``
    those from the published start dates ``start_claims``; ``sea_timed``: the sea leg is
    timed at the shuttle's speed (``sea``: its route, None when ``sea_error`` says why not);
    ``notes``: the author's ``timeline_note`` and ``timeline_note_2``.
    """
    if study is None:
        return res.md(
            "With no rail route within {within} there is no journey to time.", within=within
        )
    start_claim = start_claims[0]
    fastest = "the fastest speed " + ("cited" if speeds_source.strip() else "assumed")
    text = timeline_speeds(speeds_source)
    if delivery is not None:
        text += timeline_from_delivery(delivery, checks, start_claim, end_claim, fastest, notes[0])
    else:
        text += timeline_from_dates(
            checks,
            link,
            start_claim,
            end_claim,
            fastest,
            notes[0],
            sea_timed=sea_timed,
            sea_found=sea is not None,
        )
    if len(checks) > 1:
        text += (
            (
                notes[1]
                or "From the later start date ({route.timeline_start_2}) "
                "the rail leg needs {route.implied_speed_kmh_2:.0f} km/h."
            )
            if checks[1].implied_speed_kmh is not None
            else ""
        )
    return res.md(text, origin=origin, vessel=link.vessel, path=link.path, sea_error=sea_error)


def timeline_speeds(speeds_source: str) -> str:
    """The transit times at the range of speeds, and where the speeds come from."""
    return (
        "At average speeds from {route.speed_min_kmh:.0f} to {route.speed_max_kmh:.0f} km/h, "
        "stops included, the {route.total_km:,.0f} km from {origin} take between "
        "{route.transit_days_min!floor:.0f} and {route.transit_days_max!ceil:.0f} days "
        "({tab:route_transit}). "
        + (
            "The speeds come from " + speeds_source.strip() + " "
            if speeds_source.strip()
            else "These speeds are an assumption: no timetable is cited for them, so the verdict "
            "below is only as good as the fastest of them. "
        )
    )


def speed_verdict(stem: str, c, fastest: str) -> str:
    """How much speed the rail leg needs from one start, and whether that fits (``stem``: the
    check's result names, ``"delivery_"`` or ``""``; ``fastest``: the fastest speed, in words)."""
    if c.implied_speed_kmh is None:
        return (
            ", none at all: the start comes too late for its cargo to be on the trains "
            "seen, and the test fails. "
        )
    return (
        ", which then needs an average of at least {route.%simplied_speed_kmh!floor:.0f} km/h "
        "({route.%simplied_km_per_day:,.0f} km a day). " % (stem, stem)
    ) + (
        f"That is within {fastest}, {{route.speed_max_kmh:.0f}} km/h: the timeline is "
        "physically consistent with the rail distance. "
        if c.consistent
        else f"That is faster than {fastest}, {{route.speed_max_kmh:.0f}} km/h: the "
        "timeline does not fit the rail distance. "
    )


def timeline_from_delivery(
    delivery, checks: Sequence, start: str, end: str, fastest: str, note: str = ""
) -> str:
    """The timeline from the shuttle section's first delivery, then from the published
    dates (claim ids ``start``, ``end``)."""
    text = (
        "The test starts where the shuttle section puts the cargo: its first delivery, "
        "by {vessel}, is first seen at {origin} on {route.delivery_start:.16} UTC (the "
        "ship may have arrived earlier; this reading leaves the rail leg the least "
        f"time), and trains are seen at the depot on {{claim.{end}}}. That leaves "
        "{route.delivery_days:.1f} days; less {route.handling_days:.0f} day for "
        "unloading and making up a train, {route.delivery_rail_days:.1f} days remain for "
        "the rail leg"
        + speed_verdict("delivery_", delivery, fastest)
        + "The test could have failed: a first delivery reaching {origin} later than "
        "{route.delivery_latest_start:.16} UTC would have needed more than "
        "{route.speed_max_kmh:.0f} km/h"
        + (
            ", and with this arrival a fastest speed below "
            "{route.delivery_implied_speed_kmh:.0f} km/h would have failed it"
            if delivery.implied_speed_kmh is not None
            else ""
        )
        + " ({tab:route_timeline}). "
    )
    text += ((note + " ") if note else "") + (
        "Timed from the published dates instead, shipped from "
        f"{{claim.{start}}}, the sea leg ({{route.sea_km:.0f}} km, {{route.sea_hours:.0f}} "
        "hours at {route.ship_speed_kn:.0f} knots, the shuttle section's speed) and the "
        "handling leave {route.rail_days:.1f} days for the rail leg"
        + speed_verdict("", checks[0], fastest)
    )
    return text


def timeline_from_dates(
    checks: Sequence,
    link,
    start: str,
    end: str,
    fastest: str,
    note: str = "",
    *,
    sea_timed: bool,
    sea_found: bool,
) -> str:
    """The timeline from the published dates, when no delivery is linked (``link`` says
    why)."""
    why = (
        "no shuttle results are linked"
        if not link.path
        else "the shuttle section's results hold no delivery"
        if link.found
        else "there are no shuttle results at {path}"
    )
    return (
        "The test cannot start from a delivery the evidence shows (" + why + "), so it "
        "starts at the published shipment date. "
        + (
            note + " "
            if note
            else f"The first shipment is dated {{claim.{start}}} and trains are seen at the "
            f"depot on {{claim.{end}}}. "
        )
        + "That window is {route.timeline_days:.0f} days. Less "
        + (
            "the sea leg ({route.sea_km:.0f} km, {route.sea_hours:.0f} hours at "
            "{route.ship_speed_kn:.0f} knots) and "
            if sea_timed
            else ""
        )
        + "{route.handling_days:.0f} day for unloading and making up a train"
        + (
            ""
            if sea_timed
            else (
                " (the sea leg is not subtracted: its route could not be computed, {sea_error})"
                if not sea_found
                else " (the sea leg is not subtracted: no ship speed is linked)"
            )
        )
        + ", {route.rail_days:.1f} days remain for the rail leg"
        + speed_verdict("", checks[0], fastest)
        + "A shipment later than {route.latest_start:.16} UTC would have failed the "
        "test ({tab:route_timeline}). "
    )
