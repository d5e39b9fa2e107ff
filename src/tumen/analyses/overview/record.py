"""The overview's results: the numbers of the sections it summarises, recorded again under
``overview.*`` so the report's opening cites them from one place.

Every value is the linked section's own (:mod:`tumen.analyses.overview.read`): nothing is
recomputed, so the opening and the sections can never disagree.
"""

from __future__ import annotations

from tumen.analyses.overview.read import OverviewLinks


def record_overview(res, link: OverviewLinks) -> dict:
    """Record the overview's results from its links; return them (name -> value).

    Records ``overview.sea_km`` and ``sea_nm`` (the shuttle section's sea route),
    ``overview.rail_km``, ``rail_total_km``, ``khasan_rail_km``, ``depot_to_border_km`` and
    ``no_route`` (the route section's results), each only where the section has it.
    """
    out, rec = res.recorder("overview")
    no_route = link.value("route.no_route")
    if no_route is not None:
        rec(
            "no_route",
            no_route,
            "",
            "Why no rail route joins the places within the allowed countries "
            "(the route section's route.no_route)",
        )
    if link.sea is not None:
        rec(
            "sea_km",
            link.sea.length_km,
            "km",
            "Shortest water route loading port → origin (the shuttle section's sea route)",
        )
        rec("sea_nm", link.sea.length_nm, "nmi", "The same in nautical miles")
    if link.rail is not None:
        rec(
            "rail_km",
            link.value("route.rail_km"),
            "km",
            "Rail route origin → depot on the network, inside the allowed countries "
            "(the route section's route.rail_km)",
        )
        rec(
            "rail_total_km",
            link.value("route.total_km"),
            "km",
            "The same with the straight connectors at both ends (route.total_km)",
        )
    if link.crossing is not None:
        rec(
            "khasan_rail_km",
            link.value("route.khasan_rail_km"),
            "km",
            "Rail route crossing station → depot on the network (route.khasan_rail_km)",
        )
    border_km = link.value("route.depot_to_border_km")
    if border_km is not None:
        rec(
            "depot_to_border_km",
            border_km,
            "km",
            "Depot → nearest point of the land border, geodesic WGS84 "
            "(the route section's route.depot_to_border_km)",
        )
    return out
