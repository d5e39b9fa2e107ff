"""The report tables of the route section: the computed routes, places, healing
sensitivity, timeline checks, distances and verdicts with report column names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence

import pandas as pd

from tumen.analyses.route.distances import Measure
from tumen.analyses.route.route import RouteStudy, countries_text
from tumen.analyses.route.timeline import TimelineCheck
from tumen.geo import rail as geo_rail
from tumen.report.claims import get_verdict


def route_table(routes: Mapping[str, geo_rail.RailRoute]) -> pd.DataFrame:
    """Return a table comparing rail routes: length, connectors, healed links, countries.

    Parameters
    ----------
    routes : mapping of str -> tumen.geo.rail.RailRoute
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


def route_alternatives(
    study: RouteStudy, *, origin: str, crossing: str, within: str, mainline: bool
) -> pd.DataFrame:
    """The table of the rail routes to the depot (:func:`route_table`): from ``origin`` and
    from ``crossing`` within the allowed countries, along the main line (when ``mainline``)
    and through any country."""
    alternatives = {
        f"{origin} → depot, within {within}": study.route,
        f"{crossing} → depot, within {within}": study.crossing,
    }
    if mainline:
        alternatives[f"{origin} → depot via the Trans-Siberian main line"] = study.mainline
    alternatives[f"{origin} → depot through any country (contrast)"] = study.unconstrained
    return route_table(alternatives)


def places_to_display(places: pd.DataFrame) -> pd.DataFrame:
    """Return the places table with report column names."""
    return pd.DataFrame(
        {
            "Place": places["name"],
            "km from the start (along the route)": places["km_along"],
            "Distance from the route line (km)": places["off_route_km"],
        }
    )


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


def verdicts_to_display(table: pd.DataFrame) -> pd.DataFrame:
    """Return the verdict table with report column names."""
    return pd.DataFrame(
        {
            "Source": table["source"],
            "Published": table["published"],
            "In km": table["published_km"],
            "Minus depot → border (km)": table["difference_km"],
            "Verdict (± rounding, km)": [
                f"{verdict_word(a)} (± {t:g})"
                for a, t in zip(table["agrees"], table["tolerance_km"])
            ],
            "Closest measure": table["closest"],
            "Likely reason": table["reason"],
        }
    )


def verdict_word(agrees: bool) -> str:
    """The verdict word of one distance, from the one verdict function of tumen.report.claims (so
    this table and the claims table can never word one claim differently)."""
    return get_verdict(
        [{"published": "", "reproduced": "", "kind": "within", "agrees": bool(agrees)}]
    ).kind
