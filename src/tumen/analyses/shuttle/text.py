"""The sentences and captions of the shuttle section, for any ships and ports.

The shuttle notebook holds no ship name, port name or count of ships: it passes the
``vessels`` parameter, the port names from the gazetteer and the analysis tables to these
functions, which loop over the ships and choose an honest sentence for every empty case (a
ship never heard on AIS, a port with no other traffic, no round trip, no delivery, no
container count, no sea route). Every number a sentence cites is a recorded result
(``shuttle.*``), filled in by :meth:`tumen.engine.results.Results.md`; ship and port names
go in as literal keywords (:mod:`tumen.analyses.shuttle.words`). The section's frame is in
:mod:`tumen.analyses.shuttle.framing`, its methods box in
:mod:`tumen.analyses.shuttle.methods` and the figures' alt texts in
:mod:`tumen.analyses.shuttle.alt_text`.

>>> md = describe_silences(res, vessels, heard={"Angara"}, home="Rajin", map_name="m")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from tumen.ais.fleet import parse_vessel_entry
from tumen.ais.tracks import to_window
from tumen.analyses.shuttle.reception import record_reception_rule, traffic_sentence
from tumen.analyses.shuttle.vessels import to_result_name
from tumen.analyses.shuttle.words import count_ships, get_display_name, ship_keywords
from tumen.report.words import join_words


def get_heard(vessels: Sequence[str], positions: pd.DataFrame, window=None) -> set[str]:
    """The entries with at least one AIS fix (in the window, when given)."""
    p = positions[positions["vessel"].notna()]
    win = to_window(window)
    if win is not None:
        p = p[(p["time"] >= win[0]) & (p["time"] <= win[1])]
    return set(p["vessel"]) & set(vessels)


# --- what AIS shows -------------------------------------------------------------------------


def describe_ais(res, vessels: Sequence[str], *, area: str):
    """The paragraph on what the AIS files hold (records kept, rejected, jumps)."""
    by_number = any(parse_vessel_entry(v)[0] != "name" for v in vessels)
    return res.md(
        "The AIS files hold {shuttle.ais_messages} records from {shuttle.ais_vessels} "
        + ("ship" if res["shuttle.ais_vessels"] == 1 else "ships")
        + " in "
        "{area}: position reports, static reports naming each ship, "
        "and the noise of real feeds. {shuttle.ais_positions} position reports were kept; "
        "{shuttle.ais_rejected} records were rejected (bad checksums, truncated lines, text that "
        "is not AIS, positions marked 'not available'), and position reports flagged as impossible "
        "jumps were left out ({shuttle.ais_jumps}); each is counted in {tab:shuttle_ais_quality}. "
        "Each ship of interest is identified by the MMSI whose static reports broadcast its name"
        + (", or by the MMSI or IMO number given for it." if by_number else "."),
        area=area,
    )


def describe_silences(
    res,
    vessels: Sequence[str],
    *,
    heard: Iterable[str],
    home: str,
    map_name: str,
    min_reception_ships: int = 5,
):
    """The paragraph on each ship's AIS silences and the traffic at the loading port.

    Parameters
    ----------
    res : tumen.engine.results.Results
        With the ``shuttle.*`` results recorded.
    vessels : sequence of str
        The ``vessels`` entries.
    heard : iterable of str
        The entries heard on AIS in the window (:func:`get_heard`).
    home : str
        Short name of the loading port.
    map_name : str
        Name of the route map figure (cross-reference).
    min_reception_ships : int
        With fewer other ships heard at the loading port the text calls the reception
        argument weak (recorded as ``shuttle.min_reception_ships``).
    """
    record_reception_rule(res, min_reception_ships)
    slug = {i: to_result_name(v) for i, v in enumerate(vessels)}
    text = _first_silences(res, vessels, set(heard), slug)
    text += _silence_lengths(res, vessels, slug)
    text += traffic_sentence(res, len(vessels), map_name)
    return res.md(text, home_name=home, **ship_keywords(vessels))


def _first_silences(res, vessels: Sequence[str], heard: set, slug: Mapping[int, str]) -> str:
    """When each ship heard on AIS first fell silent, which were never silent and which
    were never heard (template words)."""
    silent = [
        i
        for i, v in enumerate(vessels)
        if v in heard and res[f"shuttle.{slug[i]}.first_silence"] is not None
    ]
    steady = [
        i
        for i, v in enumerate(vessels)
        if v in heard and res[f"shuttle.{slug[i]}.first_silence"] is None
    ]
    never = [i for i, v in enumerate(vessels) if v not in heard]
    parts = []
    if silent:
        first = "{v%d} was last heard on {shuttle.%s.first_silence:.10}" % (
            silent[0],
            slug[silent[0]],
        )
        rest = ["{v%d} on {shuttle.%s.first_silence:.10}" % (i, slug[i]) for i in silent[1:]]
        parts.append(
            join_words([first] + rest)
            + (" before their first silences" if len(silent) > 1 else " before its first silence")
        )
    if steady:
        parts.append(
            join_words(["{v%d}" % i for i in steady])
            + (" was" if len(steady) == 1 else " were")
            + " not silent after the first fix in the window"
        )
    text = "; ".join(parts)
    if never:
        who = join_words(["{v%d}" % i for i in never])
        text += (
            ("; " if text else "")
            + who
            + (
                " was never heard on AIS: its silence is the whole window, and any call it made is "
                "known from satellite images alone"
                if len(never) == 1
                else " were never heard on AIS: their silence is the whole window, and any call they "
                "made is known from satellite images alone"
            )
        )
    return text


def _silence_lengths(res, vessels: Sequence[str], slug: Mapping[int, str]) -> str:
    """The longest silence and each ship's days silent, or that none was long (template words)."""
    if not res["shuttle.longest_gap_h"] > 0:
        return (
            "; "
            + ("no ship of interest was" if len(vessels) > 1 else "it was never")
            + " silent for longer than {shuttle.min_gap_h:g} hours in the window "
            "({tab:shuttle_ais_silences} is empty). "
        )
    text = (
        "; {tab:shuttle_ais_silences} lists every silence in the window with where the "
        "ship was last and next heard. The longest lasted {shuttle.longest_gap_days:.0f} "
        "days. Over the {shuttle.window_start} to {shuttle.window_end} window "
    )
    text += join_words(
        ["{v0} was silent for {shuttle.%s.ais_dark_days:.0f} days" % slug[0]]
        + [
            "{v%d} for {shuttle.%s.ais_dark_days:.0f} days" % (i, slug[i])
            for i in range(1, len(vessels))
        ]
    )
    return text + ". "


def caption_silences(res, vessels: Sequence[str]) -> str:
    """Caption of the table of AIS silences."""
    return (
        f"Every AIS silence of {join_words([get_display_name(v) for v in vessels])} longer "
        f"than {res['shuttle.min_gap_h']:g} hours in the window, and where the ship "
        "was last and next heard."
    )


# --- port calls -----------------------------------------------------------------------------


def describe_port_calls(res, *, home: str, away: str):
    """The paragraph on how calls are found and how many there are."""
    text = (
        "A port call is a stay of a ship in the geofence of {home_name} or {away_name}: "
        "seen on AIS at low speed, or seen berthed or anchored in a satellite image. Evidence "
        "of the same ship at the same port belongs to one call when it is at most "
        "{shuttle.max_call_h:g} hours apart and nothing places the ship elsewhere in "
        "between; the last evidence elsewhere before a call and the first after it bound "
        "when the ship can have arrived and left. "
    )
    if res["shuttle.port_calls_total"] == 0:
        text += (
            "The evidence gives no port call at either port in the window "
            "({fig:shuttle_vessel_timeline}, {tab:shuttle_port_calls}), so there is "
            "nothing to count below."
        )
    else:
        text += (
            "The evidence gives {shuttle.port_calls_total} calls between "
            "{shuttle.first_call:.10} and {shuttle.last_call:.10} "
            "({fig:shuttle_vessel_timeline}, {tab:shuttle_port_calls}). Of these, "
            "{shuttle.dark_port_calls} were made while the ship's AIS was silent and "
            "{shuttle.calls_from_imagery_only} are known from satellite images alone. "
        )
        if res["shuttle.home_calls"] == 0:
            text += "None of them was at {home_name}."
        else:
            text += (
                "Of the {shuttle.home_calls} calls at {home_name}, "
                "{shuttle.home_calls_with_ais} had any AIS evidence; a call known only "
                "from images rests entirely on recognising the ship in them."
            )
    return res.md(text, home_name=home, away_name=away)


def caption_port_calls(res, vessels: Sequence[str]) -> str:
    """Caption of the port-call table."""
    return (
        f"Port calls of {count_ships(len(vessels))}: when each was first and last seen, the "
        "bounds on arrival and departure, the evidence, the containers "
        "counted, and whether AIS was silent throughout (times UTC, "
        f"{str(res['shuttle.window_start'])[:4]})."
    )


# --- round trips and containers -------------------------------------------------------------


def describe_round_trips(
    res,
    vessels: Sequence[str],
    calls: pd.DataFrame,
    *,
    home: str,
    away: str,
    home_id: str,
    away_id: str,
):
    """The paragraph on round trips, per ship, with one-way deliveries said plainly."""
    slug = [to_result_name(v) for v in vessels]
    total = res["shuttle.round_trips_total"]
    whose = "each ship's" if len(vessels) > 1 else "{v0}'s"
    if total == 0:
        text = (
            "Ordering " + whose + " calls gives no round trip "
            "{home_name} → {away_name} → {home_name} inside the window."
        )
    else:
        text = (
            "Ordering " + whose + " calls gives {shuttle.round_trips_total} round trips "
            "{home_name} → {away_name} → {home_name} inside the window"
        )
        if len(vessels) > 1:
            text += ": " + join_words(
                ["{shuttle.%s.round_trips} by {v%d}" % (s, i) for i, s in enumerate(slug)]
            )
        text += "."
    one_way = [i for i, v in enumerate(vessels) if ends_one_way(calls, v, home_id, away_id)]
    if one_way:
        who = join_words(["{v%d}" % i for i in one_way])
        text += (
            " " + who + (" was" if len(one_way) == 1 else " were") + " last seen at "
            "{away_name} after a call at {home_name}, with no call at {home_name} after it "
            "in the window: a delivery without a return, which is not a round trip but "
            "counts as a delivery below."
        )
    text += (
        " Consecutive calls at the same port count as one visit, so a visit the "
        "imagery missed merges two trips into one; the count is a lower bound on what the "
        "ships did, not an estimate of it."
        if len(vessels) > 1
        else " Consecutive calls at the same port count as one visit, so a visit the "
        "imagery missed merges two trips into one; the count is a lower bound on what the "
        "ship did, not an estimate of it."
    )
    return res.md(text, home_name=home, away_name=away, **ship_keywords(vessels))


def ends_one_way(calls: pd.DataFrame, vessel: str, home_id: str, away_id: str) -> bool:
    """The vessel's visits end home → away (collapsing repeats): a delivery with no return."""
    sites = calls.sort_values("first_evidence", kind="stable")
    sites = [s for s in sites.loc[sites["vessel"] == vessel, "site"] if s in (home_id, away_id)]
    visits = [s for k, s in enumerate(sites) if k == 0 or s != sites[k - 1]]
    return len(visits) >= 2 and visits[-2:] == [home_id, away_id]


def describe_deliveries(res, vessels: Sequence[str], *, home: str, away: str):
    """The sentence on deliveries: every passage home → away, closed by a return or not."""
    slug = [to_result_name(v) for v in vessels]
    if res["shuttle.deliveries_total"] == 0:
        return (
            "No passage from {home_name} to {away_name} was found in the window: no "
            "delivery, so no containers to count and no container range "
            "({fig:shuttle_containers_per_delivery})."
        )
    text = (
        "Counted by delivery, every passage from {home_name} to {away_name} whether or not "
        "the ship came back, the evidence shows {shuttle.deliveries_total} "
        + ("delivery" if res["shuttle.deliveries_total"] == 1 else "deliveries")
    )
    if len(vessels) > 1:
        text += (
            " ("
            + join_words(["{shuttle.%s.deliveries} by {v%d}" % (s, i) for i, s in enumerate(slug)])
            + ")"
        )
    n_open = res["shuttle.deliveries_open"]
    if n_open == 0:
        text += ", each followed by a return to {home_name}. "
    else:
        who = [i for i, s in enumerate(slug) if res[f"shuttle.{s}.deliveries_open"]]
        text += (
            ", {shuttle.deliveries_open} of them with no return to {home_name} in the "
            "window (" + join_words(["{v%d}" % i for i in who]) + "). "
        )
    return text


def describe_containers(res, vessels: Sequence[str], containers: Mapping, *, home: str, away: str):
    """The paragraph on deliveries and the container range, saying what each end assumes.

    Parameters
    ----------
    res : tumen.engine.results.Results
        With the ``shuttle.*`` results recorded.
    vessels : sequence of str
        The ``vessels`` entries.
    containers : mapping
        From :func:`tumen.analyses.shuttle.analysis.get_container_range` (its ``low_basis`` and
        ``high_basis`` words say what each end assumes).
    home, away : str
        Short names of the ports.
    """
    text = describe_deliveries(res, vessels, home=home, away=away)
    if res["shuttle.deliveries_total"] == 0:
        return res.md(text, home_name=home, away_name=away, **ship_keywords(vessels))
    fig = "{fig:shuttle_containers_per_delivery}"
    if res["shuttle.deliveries_with_counts"] == 0:
        text += (
            "No image of any delivery has a container count (" + fig + "): the low end is "
            "{shuttle.containers_low}, because "
            + containers["low_basis"]
            + ", and "
            + containers["high_basis"]
            + "."
        )
        return res.md(text, home_name=home, away_name=away, **ship_keywords(vessels))
    text += (
        "Containers were counted on images of {shuttle.deliveries_with_counts} of "
        + ("it" if res["shuttle.deliveries_total"] == 1 else "them")
        + " (the most containers seen on the ship at {home_name} before the passage or "
        "at {away_name} after it, " + fig + "). "
    )
    text += "The low end, {shuttle.containers_low} containers, is " + containers["low_basis"] + ". "
    if (
        res["shuttle.deliveries_without_counts"]
        and res["shuttle.containers_high"] is not None
        and not containers["high_is_bound"]
    ):
        text += (
            "The high end, {shuttle.containers_low} + {shuttle.deliveries_without_counts} "
            "× {shuttle.containers_per_uncounted_delivery} = {shuttle.containers_high} "
            "containers, assumes that " + containers["high_basis"] + "."
        )
    else:
        text += (
            "The high end, {shuttle.containers_high} containers, assumes that "
            + containers["high_basis"]
            + "."
        )
    return res.md(text, home_name=home, away_name=away, **ship_keywords(vessels))


# --- passages -------------------------------------------------------------------------------


def describe_passages(res, *, home: str, away: str, map_name: str, route_error: str = ""):
    """The paragraph on the sea route and whether the passages were possible."""
    if "shuttle.sea_route_nm" not in res:
        return res.md(
            "The shortest water route from {home_name} to {away_name} could not be "
            "computed ({why}), so the passages between the ports are not checked "
            "against it; the map ({fig:%s}) shows the ports and the AIS evidence "
            "without a route." % map_name,
            home_name=home,
            away_name=away,
            why=route_error or "no reason given",
        )
    text = (
        "The shortest water route from {home_name} to {away_name}, drawn over the Natural "
        "Earth coastline so that it never crosses land, is {shuttle.sea_route_nm:.0f} "
        "nautical miles from open water off one port to open water off the other "
        "({fig:%s}). At {shuttle.max_speed_kn:.0f} knots, the fastest speed assumed for these "
        "ships (a parameter"
        % map_name
        + (
            "; the fastest any ship of interest reported on AIS was "
            "{shuttle.ais_fastest_sog_kn:.1f} knots"
            if res.records.get("shuttle.ais_fastest_sog_kn", {}).get("value") is not None
            else "; no ship of interest reported a speed on AIS"
        )
        + "), the passage takes at least {shuttle.min_transit_hours!floor:.1f} hours; a route "
        "section linked to these results times its sea leg at the same speed. "
    )
    if res.records.get("shuttle.legs", {}).get("value", 0) == 0:
        text += (
            "No passage between the two ports lies between two pieces of evidence, so "
            "none can be checked."
        )
    else:
        text += (
            "The quickest of the {shuttle.legs} passages took at most "
            "{shuttle.shortest_leg_h!ceil:.0f} hours, from the last evidence at one port to "
            "the first at the other, so the ship averaged at least "
            "{shuttle.fastest_leg_kn!floor:.1f} knots on the way. Passages "
            "that would have needed more than the maximum speed: {shuttle.infeasible_legs}. "
            "An impossible passage would mean a misidentified ship or a wrong time; it would "
            "be counted here, not dropped."
        )
    return res.md(text, home_name=home, away_name=away)


# --- claims ---------------------------------------------------------------------------------


def describe_claims(res, *, data_words: str, where: str):
    """The paragraph setting the results beside the published claims."""
    text = (
        "RUSI counted at least {claim.rusi_shuttle_round_trips} round trips from mid-August "
        "to {claim.rusi_shuttle_end}; " + data_words + " give {shuttle.round_trips_total}"
    )
    if res["shuttle.first_dark_call"] is not None:
        text += (
            ", the first call with AIS silent on {shuttle.first_dark_call:.10} and the "
            "last on {shuttle.last_dark_call:.10} ({tab:shuttle_claims}). "
        )
    else:
        text += ", and no call was made with AIS silent ({tab:shuttle_claims}). "
    if res["shuttle.containers_high"] is None:
        text += (
            "The White House figure of more than {claim.whitehouse_containers} containers "
            "cannot be set against a container range, since these observations give none "
            "(the images count {shuttle.containers_low}). The White House's about "
        )
    else:
        text += (
            "The White House figure of more than {claim.whitehouse_containers} containers "
            "lies {where} of the container range ({shuttle.containers_low} to "
            "{shuttle.containers_high}); RUSI's 'hundreds' is set against the low end, the "
            "containers the images count. The White House's about "
        )
    text += (
        "{claim.whitehouse_najin_containers} containers at Najin on "
        "{claim.whitehouse_najin_containers_dates_low} and "
        "{claim.whitehouse_najin_containers_dates_high} compares with "
    )
    text += (
        "at most {shuttle.containers_check_max} counted on one image of those days."
        if res["shuttle.containers_check_max"] is not None
        else "no container count on any image of the loading port on those days."
    )
    return res.md(text, where=where)


def caption_claims(data_words: str, synthetic: bool = False) -> str:
    """Caption of the claims table; with synthetic observations it says the verdicts are
    calibration checks."""
    return (
        "Published claims about the shuttle beside what this analysis "
        f"reproduces from {data_words}, and which result that is"
        + (
            "; the example observations were generated to match these figures, so each "
            "verdict is a calibration check, not evidence."
            if synthetic
            else "."
        )
    )
