"""The words of the shuttle section: sentences, captions and alt texts for any ships and ports.

The shuttle notebook holds no ship name, port name or count of ships: it passes the
``vessels`` parameter, the port names from the gazetteer and the analysis tables to these
functions, which loop over the ships and choose an honest sentence for every empty case (a
ship never heard on AIS, a port with no other traffic, no round trip, no delivery, no
container count, no sea route). Every number a sentence cites is a recorded result (``shuttle.*``), filled in
by :meth:`tumen.engine.results.Results.md`; ship and port names go in as literal keywords.

>>> md = describe_silences(res, vessels, heard={"Angara"}, home="Rajin", map_name="m")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from tumen.ais.decode import parse_vessel_entry
from tumen.analyses.shuttle.vessels import to_result_name

_COUNT_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


def get_display_name(entry: str) -> str:
    """How the report names a ``vessels`` entry: the name, or ``MMSI …`` / ``IMO …``.

    >>> get_display_name("Sparta IV"), get_display_name("mmsi:273111111")
    ('Sparta IV', 'MMSI 273111111')
    """
    kind, value = parse_vessel_entry(entry)
    return str(entry) if kind == "name" else f"{kind.upper()} {value}"


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> join_words(["x"]), join_words(["x", "y", "z"])
    ('x', 'x, y and z')
    """
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def count_ships(n: int) -> str:
    """``the ship``, ``the two ships``, ``the 12 ships``."""
    return "the ship" if n == 1 else f"the {_COUNT_WORDS.get(n, str(n))} ships"


def _keywords(vessels: Sequence[str]) -> dict[str, str]:
    return {f"v{i}": get_display_name(v) for i, v in enumerate(vessels)}


def get_heard(vessels: Sequence[str], positions: pd.DataFrame, window=None) -> set[str]:
    """The entries with at least one AIS fix (in the window, when given)."""
    from tumen.ais.tracks import to_window

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
    res.record(
        "shuttle.min_reception_ships",
        int(min_reception_ships),
        "ships",
        "Fewest other ships at the loading port for a reception argument not called weak",
    )
    heard = set(heard)
    slug = {i: to_result_name(v) for i, v in enumerate(vessels)}
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
    gaps_any = res["shuttle.longest_gap_h"] > 0
    if gaps_any:
        text += (
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
        text += ". "
    else:
        text += (
            "; "
            + ("no ship of interest was" if len(vessels) > 1 else "it was never")
            + " silent for longer than {shuttle.min_gap_h:g} hours in the window "
            "({tab:shuttle_ais_silences} is empty). "
        )
    text += _traffic_sentence(res, len(vessels), map_name)
    return res.md(text, home_name=home, **_keywords(vessels))


def _other_ships(res) -> str:
    """``rests on N other ships heard M times at {home_name}`` (template words)."""
    n = res["shuttle.home_traffic_vessels"]
    return (
        "rests on {shuttle.home_traffic_vessels} "
        + ("other ship" if n == 1 else "other ships")
        + " heard {shuttle.home_traffic_reports} times at {home_name}"
    )


def is_reception_weak(res) -> bool:
    """True when fewer other ships than ``shuttle.min_reception_ships`` were heard at home."""
    return (
        res["shuttle.home_traffic_vessels"]
        < res.records.get("shuttle.min_reception_ships", {"value": 5})["value"]
    )


def _traffic_sentence(res, n_vessels: int, map_name: str) -> str:
    fleet = "the ships of interest" if n_vessels > 1 else "the ship of interest"
    lead = (
        "Whether a silence is a transponder switched off or a gap in reception can be judged "
        "only against the other ships at the same place: "
    )
    if res["shuttle.home_traffic_reports"] == 0:
        return (
            lead + "no other ship was heard inside the {home_name} geofence, so the data "
            "cannot tell the two apart there and the reception argument cannot be made; "
            + _fleet_reports(res, fleet)
            + " ({fig:%s})." % map_name
        )
    if res["shuttle.home_traffic_longest_silence_h"] is None:
        return (
            lead + "the argument " + _other_ships(res) + ", but no ship twice in a row "
            "there, so how long a transmitting ship can go unheard there is unknown and the "
            "reception argument cannot be made; "
            + _fleet_reports(res, fleet)
            + " ({fig:%s})." % map_name
        )
    text = (
        lead + "the argument " + _other_ships(res) + ", never more than "
        "{shuttle.home_traffic_longest_silence_h!ceil:.1f} hours apart, while "
        + _fleet_reports(res, fleet)
        + " ({fig:%s})." % map_name
    )
    if is_reception_weak(res):
        text += (
            " With fewer than {shuttle.min_reception_ships} other ships the argument is "
            "weak: so few ships show how reception behaved for them, not across every "
            "hour and berth where a silent ship may have been."
        )
    return text


def _fleet_reports(res, fleet: str) -> str:
    """How often the ships of interest were heard at the loading port, in words."""
    if not res["shuttle.home_fleet_reports"]:
        return f"not one report from {fleet} came from there"
    return f"{fleet} sent " + "{shuttle.home_fleet_reports} reports from there"


def caption_silences(res, vessels: Sequence[str]) -> str:
    """Caption of the table of AIS silences."""
    return (
        f"Every AIS silence of {join_words([get_display_name(v) for v in vessels])} longer "
        f"than {res['shuttle.min_gap_h']:g} hours in the window, and where the ship "
        "was last and next heard."
    )


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
    from tumen.ais.tracks import get_sites
    from tumen.geo.earth import haversine_km

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
    return text + " " + "; ".join(bits) + "." if bits else text.rstrip(";") + "."


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
    one_way = [i for i, v in enumerate(vessels) if _ends_one_way(calls, v, home_id, away_id)]
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
    return res.md(text, home_name=home, away_name=away, **_keywords(vessels))


def _ends_one_way(calls: pd.DataFrame, vessel: str, home_id: str, away_id: str) -> bool:
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
        return res.md(text, home_name=home, away_name=away, **_keywords(vessels))
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
        return res.md(text, home_name=home, away_name=away, **_keywords(vessels))
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
    return res.md(text, home_name=home, away_name=away, **_keywords(vessels))


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


def get_data_words(files: Iterable[str]) -> tuple[str, str]:
    """How the prose names the observations: (subject, object) phrases.

    ``("the example data", "the example observations")`` when any input is synthetic
    (``data/sources.yaml``), else ``("the observations", "the observations")``.
    """
    from tumen.engine import sources

    synthetic = sources.is_synthetic(files)
    return (
        ("the example data", "the example observations")
        if synthetic
        else ("the observations", "the observations")
    )


def ship_keywords(vessels: Sequence[str]) -> Mapping[str, str]:
    """``{v0: name, v1: name, ...}`` for templates of one's own."""
    return _keywords(vessels)


# --- methods --------------------------------------------------------------------------------

#: Words in an AIS file's name that say which kind of receiver heard it, and how the box
#: names that kind. A file matching none is "receiver not stated".
RECEIVER_WORDS = {"satellite": ("sat",), "terrestrial": ("terr", "coast", "shore")}


def get_receivers(files: Iterable[str]) -> dict[str, list[str]]:
    """Group AIS files by the receiver kind their names give: satellite, terrestrial or "".

    >>> get_receivers(["a/terrestrial.nmea", "a/satellite.nmea", "a/feed.csv"])
    {'terrestrial': ['terrestrial.nmea'], 'satellite': ['satellite.nmea'], '': ['feed.csv']}
    """
    from pathlib import Path

    out: dict[str, list[str]] = {}
    for f in files:
        name = Path(str(f)).name
        kind = next(
            (k for k, parts in RECEIVER_WORDS.items() if any(w in name.lower() for w in parts)), ""
        )
        out.setdefault(kind, []).append(name)
    return out


def _receiver_words(receivers: Mapping[str, list[str]], most: int = 3) -> str:
    """``terrestrial receivers (a.nmea) and satellites (b.nmea)``, at most ``most`` names each."""
    nouns = {
        "terrestrial": "terrestrial receivers",
        "satellite": "satellites",
        "": "receivers the file names do not state",
    }
    parts = []
    for kind in ("terrestrial", "satellite", ""):
        names = receivers.get(kind, [])
        if names:
            shown = ", ".join(names[:most]) + (
                f" and {len(names) - most} more" if len(names) > most else ""
            )
            parts.append(f"{nouns[kind]} ({shown})")
    return join_words(parts)


def _count_images(sightings: pd.DataFrame) -> int:
    """Distinct images of the sightings: one per image id, one per row without an id."""
    ids = (
        sightings["image_id"] if "image_id" in sightings else pd.Series(None, index=sightings.index)
    )
    named = ids.notna() & (ids.astype(str).str.strip() != "")
    return int(ids[named].astype(str).str.strip().nunique() + (~named).sum())


def get_methods(
    res,
    files: Sequence[str],
    sightings: pd.DataFrame,
    *,
    home: str,
    away: str,
    radius_km: Mapping[str, float],
    max_sog_kn: float,
    min_dwell_h: float,
):
    """The methods box of the shuttle section: AIS, its reception, the images, the rules.

    Records the new numbers: ``shuttle.ais_files``, ``shuttle.sighting_images`` (distinct
    image ids), ``shuttle.sighting_gsd_min_m``/``_max_m`` when the sightings carry a
    ``gsd_m`` column, the ports' geofence radii (``shuttle.home_geofence_km``,
    ``shuttle.away_geofence_km``) and the call rule's ``shuttle.max_sog_kn`` and
    ``shuttle.min_dwell_h``. The other numbers were recorded by
    :func:`tumen.analyses.shuttle.analysis.record_results`. The receiver kind of each AIS file is read from its
    name (:func:`get_receivers`).

    Parameters
    ----------
    res : tumen.engine.results.Results
        The notebook's results, after :func:`tumen.analyses.shuttle.analysis.record_results`.
    files : sequence of str
        The AIS files read.
    sightings : pandas.DataFrame
        The sightings (:func:`tumen.analyses.shuttle.analysis.read_sightings`); optional columns ``image_id``,
        ``provider`` and ``gsd_m`` (m).
    home, away : str
        Short names of the loading and unloading ports (words from data).
    radius_km : mapping
        ``{"home": km, "away": km}``: the ports' geofence radii from the gazetteer.
    max_sog_kn, min_dwell_h : float
        The port-call rule (parameters): slower than this, for at least this long.

    Returns
    -------
    tumen.report.methods.Box
    """
    from tumen.report import methods

    res.record("shuttle.ais_files", len(files), "files", "AIS files read")
    n_images = res.record(
        "shuttle.sighting_images",
        _count_images(sightings),
        "images",
        "Satellite images in the sightings (distinct image ids)",
    )
    has_gsd = "gsd_m" in sightings and methods.record_range(
        res,
        "shuttle.sighting_gsd",
        pd.to_numeric(sightings["gsd_m"], errors="coerce"),
        "m",
        "ground sample distance of the images of the sightings",
    )
    for end in ("home", "away"):
        res.record(
            f"shuttle.{end}_geofence_km",
            float(radius_km[end]),
            "km",
            f"Geofence radius of the {'loading' if end == 'home' else 'unloading'} port",
        )
    res.record(
        "shuttle.max_sog_kn",
        float(max_sog_kn),
        "kn",
        "Speed over ground below which a ship in a port geofence is in port",
    )
    res.record(
        "shuttle.min_dwell_h",
        float(min_dwell_h),
        "h",
        "Shortest AIS stay in a port geofence that counts as a port call",
    )
    providers = methods.distinct_words(sightings.get("provider", pd.Series(dtype=object)))
    ships = "ship" if res["shuttle.ais_vessels"] == 1 else "ships"
    window = (
        "; period analysed {shuttle.window_start} to {shuttle.window_end}"
        if "shuttle.window_start" in res
        else ""
    )
    imagery = (
        "No satellite image of the ships of interest in the sightings file."
        if not n_images
        else "{shuttle.sighting_images} satellite "
        + ("image" if n_images == 1 else "images")
        + (" from {providers}" if providers else ", provider not recorded")
        + "; resolution "
        + (
            "{shuttle.sighting_gsd_min_m} to {shuttle.sighting_gsd_max_m!u}."
            if has_gsd
            else "not recorded in the sightings."
        )
    )
    rows = (
        (
            "Observed",
            "AIS: {shuttle.ais_messages} records in {shuttle.ais_files} "
            + ("file" if len(files) == 1 else "files")
            + "; {shuttle.ais_positions} position "
            "reports kept, from {shuttle.ais_vessels} " + ships + window + ".",
        ),
        (
            "Reception",
            "Heard by {receivers}, as the file names say." if files else "No AIS file was read.",
        ),
        ("Imagery", imagery),
        (
            "Gap rule",
            "A silence longer than {shuttle.min_gap_h!u} between two reports of a ship is a gap.",
        ),
        (
            "Call rule",
            "A ship is in port when AIS places it inside the port's geofence ({home} "
            "{shuttle.home_geofence_km!u}, {away} {shuttle.away_geofence_km!u}) slower than "
            "{shuttle.max_sog_kn!u} for at least {shuttle.min_dwell_h!u}, or an image shows it "
            "berthed or anchored there; evidence at most {shuttle.max_call_h!u} apart is one call.",
        ),
    )
    return methods.Box(
        rows,
        {
            "receivers": _receiver_words(get_receivers(files)),
            "providers": join_words(providers),
            "home": home,
            "away": away,
        },
    )


def describe_methods(res, files: Sequence[str], sightings: pd.DataFrame, **rules):
    """The methods box that opens the shuttle section, as a notebook output (:func:`get_methods`)."""
    from tumen.report import methods

    return methods.show(res, get_methods(res, files, sightings, **rules))


# --- framing --------------------------------------------------------------------------------


def describe_intro(res, background: str, *, home: str, away: str):
    """The section title (between the two ports) and the ``background`` paragraph.

    ``background`` is the author's Markdown, shown as written; the port names are literal.
    """
    from IPython.display import Markdown

    from tumen.engine.results import escape_text

    title = f"# The vessel shuttle between {escape_text(home)} and {escape_text(away)}"
    return Markdown(title + ("\n\n" + background.strip() if background.strip() else ""))


_LIMITS = """## What AIS gaps cannot prove

An AIS silence shows that no report from a ship reached a receiver, not that its
transponder was switched off. Reception fails for ordinary reasons: distance from the coast,
a receiver outage, message collisions in busy waters, and the hours between satellite
passes. The argument therefore rests on comparison: a ship that stays silent for weeks where
other ships are heard every few hours has likely switched its transponder off, while a
silence of a few hours proves nothing.

AIS identity is what a ship says about itself. A ship can broadcast another name or MMSI, and
two ships can share a name; the static reports tie a name to an MMSI, not to a hull. In the
images a ship is identified by its length, shape and colour, with the analyst's confidence in
each sighting; a misidentified sighting would add a call that did not happen, which the
passage check above catches only when the times are impossible.

Between two pieces of evidence a silent ship could have gone anywhere it had time to reach:
a round trip says the ship was at {home_name}, then at {away_name}, then at {home_name} again, not that it
sailed straight between them or carried the same cargo both ways. Container counts are
counts of boxes visible on the quay and on deck; they say nothing about what the boxes hold,
whether a box seen at {home_name} is the one seen at {away_name}, or where it went next. The depot
section follows the cargo's likely route inland.

Finally, when the observations are the synthetic examples shipped with this report
(generated to match the published figures; the first page says so), the numbers above show
that the method works and what it can and cannot establish. They are not evidence about the
ships."""


_ALTERNATIVE = """

**The strongest alternative.** The ships may have been ordinary commercial traffic between
the two ports, with AIS gaps from poor reception rather than transponders switched off.
What tells the two apart is the reception of the neighbouring ships: if other ships at
{home_name} are heard steadily through the hours the ships of interest are silent, poor
reception does not explain the silences. """


def describe_limits(res, *, home: str, away: str):
    """The closing subsection: what AIS gaps, identities and counts cannot prove.

    Names the strongest alternative to the shuttle (ordinary commercial traffic whose
    silences are poor reception) and how many neighbouring ships the comparison that tells
    them apart rests on.
    """
    text = _LIMITS + _ALTERNATIVE
    if "shuttle.home_traffic_vessels" not in res or res["shuttle.home_traffic_reports"] == 0:
        text += (
            "Here no other ship was heard at {home_name}, so the data cannot tell the two "
            "apart; a receiver's log of those hours or the tracks of other ships would."
        )
    else:
        text += (
            "Here that comparison "
            + _other_ships(res)
            + (
                "; so few ships cannot rule out poor reception, and the tracks of more "
                "ships, or a receiver's log of those hours, would be needed."
                if "shuttle.min_reception_ships" in res and is_reception_weak(res)
                else "; a receiver's log of the silent hours would make it firmer."
            )
        )
    return res.md(text, home_name=home, away_name=away)
