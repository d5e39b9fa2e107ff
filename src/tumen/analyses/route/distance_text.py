"""The words of the route section on the distance to the neighbouring country: the
distances, the map of the depot and what each published distance measured.

As in :mod:`tumen.analyses.route.text`, every number a sentence cites is a recorded result
(``route.*``, ``claim.*``); place and source names go in as literal keywords.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tumen.analyses.route.distances import DistanceStudy, Measure
from tumen.analyses.route.verdicts import to_km
from tumen.engine import results
from tumen.geo import borders, gazetteer, lines


def describe_distances(
    res,
    study: DistanceStudy,
    *,
    depot_map: str,
    country: str,
    adjective: str,
    border_end_note: str,
    reference: str,
    sites: pd.DataFrame,
    territory_note: str,
    part: str,
    town: str,
):
    """How far the depot and its town are from ``country``'s border and territory.

    ``depot_map``: the map's figure name; ``adjective``: the country's adjective ("" = its
    name); ``reference``: the site id of a place the nearest border point is measured from
    ("" = none), named from the gazetteer ``sites``; the notes are the author's ("" = left out).
    """
    return res.md(
        "Measured on the WGS84 ellipsoid, the depot lies {route.depot_to_border_km:.0f} km "
        "({route.depot_to_border_mi:.0f} miles) from the nearest point of {country}'s internationally "
        "recognised land border, at {route.border_point_lat:.3f}° N, {route.border_point_lon:.3f}° E"
        + (
            ", the end of the land border " + (border_end_note + ", " if border_end_note else ", ")
            if study.border_at_end
            else ", "
        )
        + (
            f"{{route.{reference}_to_border_point_km:.0f}} km from {{reference}} "
            if reference
            else ""
        )
        + f"({{fig:{depot_map}}}, {{tab:route_distances}}). The nearest {{adjective}} "
        + (
            "territory of any kind is {route.depot_to_territory_km:.0f} km "
            "({route.depot_to_territory_mi:.0f} miles) away, on the coast at "
            "{route.territory_point_lat:.3f}° N, {route.territory_point_lon:.3f}° E. "
            if study.territory.distance_km < study.border.distance_km - 1e-6
            else "territory of any kind is that same point. "
        )
        + (territory_note + " " if territory_note else "")
        + part_sentence(study)
        + "From the centre of {town} town the border is {route.town_to_border_km:.0f} km "
        "({route.town_to_border_mi:.0f} miles). The gazetteer places the depot within "
        "{route.depot_uncertainty_km:g} km of its true position and the town centre within "
        "{route.town_uncertainty_km:g} km; a distance moves by at most as much as its start "
        "point, so the depot is {route.depot_to_border_low_km!floor:.0f}–{route.depot_to_border_high_km!ceil:.0f} "
        "km from the border and the town {route.town_to_border_low_km!floor:.0f}–"
        "{route.town_to_border_high_km!ceil:.0f} km. Natural Earth's 10m border is generalised, which "
        "adds far less than the spread of the published figures. By rail, the nearest crossing "
        "into {country} on the network is {route.depot_to_border_rail_km:.0f} km from the depot.",
        country=country,
        adjective=adjective or country,
        part=part,
        town=town,
        reference=gazetteer.get_site(reference, sites).name if reference else "",
    )


def part_sentence(study: DistanceStudy) -> str:
    """Whether the named part of the country (Crimea) holds the nearest point ("" when no
    part is measured)."""
    if study.part is None:
        return ""
    return (
        "The nearest point is in {part}, so whether {part} counts as {country} matters. "
        if study.nearest_in_part
        else "The nearest point is not in {part}, so whether {part} counts as {country} does not change "
        "the distance; {part} itself is {route.depot_to_part_km:.0f} km away. "
    )


def distance_rings(claims: pd.DataFrame, ids: Sequence[str]) -> tuple[list[int], list[str]]:
    """The published distances drawn as circles on the map of the depot: km (rounded) and
    labels (the figure as published, with its source)."""
    rings = [to_km(claims.loc[c, "value"], claims.loc[c, "unit"]) for c in ids]
    labels = [
        f"{claims.loc[c, 'value_text']} {claims.loc[c, 'unit']} ({claims.loc[c, 'source']})"
        for c in ids
    ]
    return [round(k) for k in rings], labels


def line_points(line: lines.Line | None, measure: Measure | None) -> list[borders.NearestPoint]:
    """The nearest point of the line of contact, for the map of the depot ([] when no line
    is supplied)."""
    if not line:
        return []
    return [
        borders.NearestPoint(
            measure.km, measure.lat, measure.lon, f"line of contact of {line.date}", ""
        )
    ]


def caption_depot_map(
    *,
    depot: str,
    country: str,
    adjective: str,
    line: lines.Line | None,
    rings: bool,
    ring_merge_km: float,
) -> str:
    """The caption of the map of the depot (``adjective``: the country's, "" = its name;
    ``rings``: published distances are drawn, circles within ``ring_merge_km`` of each other
    as one band)."""
    return (
        f"The {depot} and {country} within its internationally recognised "
        "borders (Natural Earth 10m, Lambert conformal projection): straight lines to "
        f"the nearest {adjective or country} territory and to the nearest point of the land border, "
        "the rail route to the nearest railway crossing"
        + (
            f", the line of contact of {line.date} ({line.source}) and the straight "
            "line to its nearest point"
            if line
            else ""
        )
        + (
            ", and dashed circles at the distances published for the depot "
            f"(distances within {ring_merge_km:g} km of each other form one shaded "
            "band, each labelled with its km)."
            if rings
            else "."
        )
    )


def alt_depot_map(res, alt: str, *, depot: str, country: str) -> str:
    """The alt text of the map of the depot (``alt``: the author's template of results,
    "" = a plain sentence)."""
    return (
        results.render(alt, res.records, html=False)
        if alt
        else f"Regional map around the {depot}: straight lines of about "
        f"{res['route.depot_to_border_km']:.0f} km run to the nearest point of "
        f"{country}'s border."
    )


def describe_verdicts(
    res,
    verdicts: pd.DataFrame,
    measures: Sequence[Measure],
    claims: pd.DataFrame,
    *,
    line: lines.Line | None,
    line_km: Measure | None,
    country: str,
):
    """What the published distances measured: those that disagree with the straight line
    to the border and the readings that fit them (among ``measures`` and, when a ``line``
    of contact is supplied, ``line_km``), and those converted from another."""
    disagree = verdicts[~verdicts["agrees"]]
    converted = verdicts[verdicts["converted_from"] != ""]
    keys = {m.reason: m.key for m in list(measures) + [line_km] * bool(line)}
    return res.md(
        "Of the {route.verdicts_total} published distances, {route.verdicts_agree} are consistent with "
        "the straight line from the depot to the recognised border within their rounding "
        "({tab:route_distance_verdicts}). "
        + "".join(
            ("The exception is " if len(disagree) == 1 else "Not so ")
            + f"{results.escape_text(row.source)} ({{claim.{row.claim}!u}}), which is "
            f"{{route.claim_gap_km_{row.claim}:.0f}} km "
            f"{'more' if row.difference_km > 0 else 'less'} than that line. "
            + readings_text(row, keys, line)
            for row in disagree.itertuples()
        )
        + "".join(
            converted_text(claims, src, group)
            for src, group in converted.groupby("converted_from", sort=False)
        ),
        country=country,
        front_source=line.source if line is not None else "",
    )


def readings_text(row, keys: dict, line: lines.Line | None) -> str:
    """Every computed distance that fits a published figure (a row of
    :func:`tumen.analyses.route.verdicts.distance_verdicts`; ``keys``: measure reason ->
    key), and the line of contact."""
    found = [f"{r} ({{route.{keys[r]}_km:.0f}} km)" for r in row.readings]
    text = (
        "Of the distances computed here, it fits " + found[0] + ". "
        if len(found) == 1
        else "More than one distance computed here fits it: " + ", or ".join(found) + ". "
        if found
        else "None of the distances computed here fits it. "
    )
    if line is None:
        text += (
            "It may instead measure to the line of contact, the ground {country} held at "
            "the time, which could fit as well; this report has no line of contact "
            "(an author can supply one as `line_of_contact_geojson`), so that reading is "
            "not measured. "
        )
    elif "depot_to_line_of_contact" not in [keys[r] for r in row.readings]:
        text += (
            "The line of contact of {route.line_of_contact_date} ({front_source}) is "
            "{route.depot_to_line_of_contact_km:.0f} km from the depot, which does not "
            "fit it. "
        )
    return text + ("A road distance would also come out larger. " if row.difference_km > 0 else "")


def converted_text(claims: pd.DataFrame, src: str, group: pd.DataFrame) -> str:
    """The published figures (rows of the verdicts) that are claim ``src`` converted to
    miles and rounded."""
    return (
        " and ".join(
            f"{results.escape_text(r.source)} ({{claim.{r.claim}!u}})" for r in group.itertuples()
        )
        + " "
        f"{'both give' if len(group) > 1 else 'gives'} "
        f"{results.escape_text(claims.loc[src, 'source'])}'s {{claim.{src}!u}} converted to miles and "
        "rounded, so "
        f"{'they were' if len(group) > 1 else 'it was'} likely taken from that "
        "report rather than measured again. "
    )
