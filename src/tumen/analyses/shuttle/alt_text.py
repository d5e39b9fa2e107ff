"""The alt texts of the shuttle section's figures: what the route map, the vessel timeline and
the containers chart show, in words, for a reader who cannot see them.

Each alt text is built from the tables the figure draws (and, for the route map, where each
ship first fell silent: :func:`get_silence_places`), so it says what this build's figure
shows, for any ships and ports, including the empty cases.

>>> alt_containers(deliveries)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from tumen.ais.tracks import get_sites
from tumen.analyses.shuttle.words import get_display_name
from tumen.geo.earth import haversine_km
from tumen.report.words import join_words


def get_silence_places(
    gaps: pd.DataFrame, sites, ports: Sequence[str], labels: Mapping[str, str]
) -> dict[str, str]:
    """Where each ship first fell silent: the label of the nearest of ``ports``.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`tumen.ais.tracks.get_gaps` (``vessel``).
    sites : pandas.DataFrame or mapping
        Gazetteer.
    ports : sequence of str
        Site ids to choose from.
    labels : mapping of str to str
        Site id -> name used in the text.

    Returns
    -------
    dict
        Vessel -> port label, for the vessels with a silence after a fix.
    """
    p = get_sites(sites, ports)
    first = (
        gaps[gaps["kind"].isin(["between", "after_last"])]
        .sort_values("start", kind="stable")
        .groupby("vessel", sort=False)
        .head(1)
    )
    out = {}
    for vessel, lat, lon in zip(first["vessel"], first["lat_before"], first["lon_before"]):
        km = haversine_km(lat, lon, p["lat"].to_numpy(), p["lon"].to_numpy())
        out[vessel] = labels.get(p["id"].iloc[int(km.argmin())], p["id"].iloc[int(km.argmin())])
    return out


def alt_route_map(
    vessels: Sequence[str],
    *,
    home: str,
    away: str,
    route_found: bool,
    heard: Iterable[str],
    home_fleet_reports: int,
    traffic: bool,
    silent_near: Mapping[str, str],
) -> str:
    """Alt text of the route map, from what it shows.

    ``silent_near``: vessel -> the port it first fell silent near
    (:func:`get_silence_places`).
    """
    heard = set(heard)
    text = f"Map of the sea between {home} and {away}."
    if traffic:
        text += (
            " AIS traffic lanes run along the coast and out of the ports"
            + (
                ", but the straight route between the two ports crosses empty sea"
                if route_found
                else ""
            )
            + ";"
        )
    else:
        text += " No other AIS traffic is shown;"
    if not route_found:
        text += " no sea route is drawn (it could not be computed);"
    bits = _ship_bits(vessels, heard, silent_near, home=home, home_fleet_reports=home_fleet_reports)
    return text + " " + "; ".join(bits) + "." if bits else text.rstrip(";") + "."


def _ship_bits(
    vessels: Sequence[str],
    heard: set,
    silent_near: Mapping[str, str],
    *,
    home: str,
    home_fleet_reports: int,
) -> list[str]:
    """The route map's words on the ships: where each fell silent, which were heard without
    a long silence, whether any was heard at ``home`` and which never were."""
    places: dict[str, list[str]] = {}
    steady, never = [], []
    for v in vessels:
        if v not in heard:
            never.append(get_display_name(v))
        elif v in silent_near:
            places.setdefault(silent_near[v], []).append(get_display_name(v))
        else:
            steady.append(get_display_name(v))
    bits = [
        f"{join_words(who)} " + ("fall" if len(who) > 1 else "falls") + f" silent near {where}"
        for where, who in places.items()
    ]
    if steady:
        bits.append(
            f"{join_words(steady)} "
            + ("are" if len(steady) > 1 else "is")
            + " heard without a long silence"
        )
    if home_fleet_reports == 0 and (places or steady):
        if len(bits) == 1:
            n = sum(len(w) for w in places.values()) + len(steady)
            bits[0] += " and " + ("are" if n > 1 else "is") + f" never heard at {home}"
        else:
            bits.append(f"none of them is heard at {home}")
    if never:
        bits.append(
            f"{join_words(never)} " + ("are" if len(never) > 1 else "is") + " never heard on AIS"
        )
    return bits


def alt_timeline(
    vessels: Sequence[str],
    calls: pd.DataFrame,
    gaps: pd.DataFrame,
    *,
    home: str,
    away: str,
    home_id: str,
    away_id: str,
) -> str:
    """Alt text of the vessel timeline, from the calls and gaps it shows."""
    names = join_words([get_display_name(v) for v in vessels])
    silences = gaps[gaps["kind"].isin(["between", "after_last"])]
    dark = calls[calls["is_dark"].astype(bool)] if "is_dark" in calls else calls.iloc[:0]
    if len(silences):
        month = silences["start"].min().strftime("%B")
        text = f"Timeline of {names}: AIS coverage stops in {month} and a long grey silence follows"
    elif (gaps["kind"] == "no_ais").any() and len(gaps["kind"].unique()) == 1:
        text = f"Timeline of {names}: no AIS coverage at all, a grey silence over the whole window"
    else:
        text = f"Timeline of {names}: AIS coverage"
    if len(dark) and set(dark["site"]) >= {home_id, away_id}:
        text += (
            f", during which hatched calls alternate between {home} and {away}, each marked "
            "by satellite images."
        )
    elif len(calls):
        text += f"; the port calls at {home} and {away} are drawn as blocks."
    else:
        text += "; no port call is drawn."
    return text


def alt_containers(deliveries: pd.DataFrame) -> str:
    """Alt text of the containers-per-delivery chart."""
    if deliveries.empty:
        return (
            "Empty chart: no delivery was found, so there are no containers per delivery to show."
        )
    counted = deliveries["containers_max"].notna()
    if not counted.any():
        return (
            "Bar chart of containers per delivery: no delivery has a count; each shows 'no count'."
        )
    return (
        "Bar chart of containers per delivery: some deliveries have counts of "
        + (
            "a few hundred containers"
            if deliveries["containers_max"].max() >= 100
            else "containers"
        )
        + " each; the others have no count and show the estimate."
        if (~counted).any()
        else "Bar chart of containers per delivery: every delivery has a count."
    )
