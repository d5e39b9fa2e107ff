"""The results of the shuttle section: every number the report cites, recorded under stable
``shuttle.*`` names.

Each ``record_*`` function records values already computed (by
:mod:`tumen.analyses.shuttle.summary`, or a table's own numbers such as the container range)
through :meth:`tumen.engine.results.Results.recorder` and returns what it recorded;
:func:`record_results` computes the section's numbers first, then records them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tumen.analyses.shuttle.summary import (
    as_deliveries,
    count_calls,
    count_deliveries,
    count_home_calls,
    count_legs,
    count_vessel,
    get_route_numbers,
    get_settings,
)
from tumen.analyses.shuttle.vessels import to_result_name

#: The default of an optional value that, given, is recorded even when it is None (n/a).
NOT_GIVEN = object()


def record_results(
    results,
    *,
    vessels: Sequence[str],
    gaps: pd.DataFrame,
    calls: pd.DataFrame,
    trips: pd.DataFrame,
    containers: Mapping,
    counts: Mapping[str, int] | None = None,
    legs: pd.DataFrame | None = None,
    route_km: float | None = None,
    max_speed_kn: float = 14.0,
    traffic: Mapping | None = None,
    containers_check=NOT_GIVEN,
    home: str | None = None,
    settings: Mapping | None = None,
    deliveries: pd.DataFrame | None = None,
    fastest_sog_kn=NOT_GIVEN,
) -> dict:
    """Record every number of the shuttle section under stable ``shuttle.*`` names.

    ``results`` is a :class:`tumen.engine.results.Results`; ``vessels`` the ships of
    interest as named in the calls (each gets ``shuttle.<v>.*``, ``<v>`` from
    :func:`tumen.analyses.shuttle.vessels.to_result_name`); ``gaps``, ``calls``, ``trips``,
    ``deliveries`` and ``legs`` the tables of :func:`tumen.analyses.shuttle.analysis.analyse`
    (without ``deliveries`` the round trips stand in, each a closed delivery);
    ``containers`` its container range. The optional values add their results when given:
    ``counts`` (:func:`record_ais_counts`), ``route_km`` with ``max_speed_kn``
    (:func:`record_route`), ``traffic`` (:func:`record_traffic`), ``home``
    (:func:`record_home_calls`), ``settings`` (:func:`record_settings`), and
    ``containers_check``, ``fastest_sog_kn`` (:func:`record_checks`; None is recorded as
    n/a).

    Returns
    -------
    dict
        name -> value of everything recorded.
    """
    if deliveries is None:
        deliveries = as_deliveries(trips)
    per_vessel = {v: count_vessel(v, calls, gaps, trips, deliveries) for v in vessels}
    together = count_calls(calls, gaps, trips)
    delivered = count_deliveries(deliveries)
    route = get_route_numbers(route_km, max_speed_kn) if route_km is not None else None
    leg_counts = count_legs(legs) if legs is not None and "feasible" in legs else None
    home_calls = count_home_calls(calls, home) if home is not None else None
    chosen = get_settings(settings or {})
    checks = {"max_speed_kn": float(max_speed_kn)} if legs is not None else {}
    if fastest_sog_kn is not NOT_GIVEN:
        checks["ais_fastest_sog_kn"] = fastest_sog_kn
    if containers_check is not NOT_GIVEN:
        checks["containers_check_max"] = containers_check

    out: dict = {}
    for vessel, values in per_vessel.items():
        out |= record_vessel(results, vessel, values)
    out |= record_calls(results, together)
    out |= record_deliveries(results, delivered)
    out |= record_containers(results, containers)
    if counts is not None:
        out |= record_ais_counts(results, counts)
    if route is not None:
        out |= record_route(results, route, max_speed_kn)
    if leg_counts is not None:
        out |= record_legs(results, leg_counts)
    if traffic is not None:
        out |= record_traffic(results, traffic)
    if home_calls is not None:
        out |= record_home_calls(results, home_calls)
    out |= record_settings(results, chosen)
    return out | record_checks(results, checks)


def record_vessel(results, vessel: str, values: Mapping) -> dict:
    """``shuttle.<v>.*`` of one ship, from :func:`tumen.analyses.shuttle.summary.count_vessel`."""
    out, rec = results.recorder("shuttle")
    v = to_result_name(vessel)
    for name, unit, text in (
        ("port_calls", "calls", "Port calls of {vessel} (AIS or imagery)"),
        ("dark_port_calls", "calls", "Port calls of {vessel} made while its AIS was silent"),
        ("round_trips", "round trips", "Round trips of {vessel} in the window"),
        ("ais_dark_hours", "h", "Hours {vessel} was silent on AIS (gaps summed)"),
        ("ais_dark_days", "days", "Days {vessel} was silent on AIS (gaps summed)"),
        ("longest_gap_h", "h", "Longest AIS silence of {vessel}"),
        (
            "deliveries",
            "deliveries",
            "Deliveries of {vessel} (loading port → unloading port), with a return or not",
        ),
        (
            "deliveries_open",
            "deliveries",
            "Deliveries of {vessel} with no return to the loading port in the window",
        ),
        (
            "deliveries_with_counts",
            "deliveries",
            "Deliveries of {vessel} with a container count from imagery",
        ),
        (
            "containers_observed",
            "containers",
            "Containers seen on {vessel}'s deliveries (largest count per delivery, summed)",
        ),
        ("first_silence", "date", "Last AIS fix of {vessel} before its first silence"),
    ):
        rec(f"{v}.{name}", values[name], unit, text.format(vessel=vessel))
    return out


def record_calls(results, values: Mapping) -> dict:
    """The calls, round trips and silences of all the ships
    (:func:`tumen.analyses.shuttle.summary.count_calls`)."""
    out, rec = results.recorder("shuttle")
    rec(
        "port_calls_total",
        values["port_calls_total"],
        "calls",
        "Port calls of the vessels, all evidence",
    )
    rec(
        "dark_port_calls",
        values["dark_port_calls"],
        "calls",
        "Port calls made while AIS was silent",
    )
    rec(
        "round_trips_total",
        values["round_trips_total"],
        "round trips",
        "Round trips of all vessels in the window",
    )
    rec("first_call", values["first_call"], "date", "Earliest evidence of a port call")
    rec("last_call", values["last_call"], "date", "Latest evidence of a port call")
    rec("longest_gap_h", values["longest_gap_h"], "h", "Longest AIS silence of any of the vessels")
    rec(
        "longest_gap_days",
        values["longest_gap_days"],
        "days",
        "Longest AIS silence of any of the vessels",
    )
    rec(
        "first_dark_call",
        values["first_dark_call"],
        "date",
        "Earliest evidence of a port call made while AIS was silent",
    )
    rec(
        "last_dark_call",
        values["last_dark_call"],
        "date",
        "Latest evidence of a port call made while AIS was silent",
    )
    rec(
        "calls_from_imagery_only",
        values["calls_from_imagery_only"],
        "calls",
        "Port calls known from satellite images alone",
    )
    return out


def record_deliveries(results, values: Mapping) -> dict:
    """The deliveries of all the ships and the earliest one
    (:func:`tumen.analyses.shuttle.summary.count_deliveries`)."""
    out, rec = results.recorder("shuttle")
    rec(
        "deliveries_total",
        values["deliveries_total"],
        "deliveries",
        "Deliveries of all vessels (loading port → unloading port), with a return or not",
    )
    rec(
        "deliveries_open",
        values["deliveries_open"],
        "deliveries",
        "Deliveries with no return to the loading port in the window",
    )
    rec(
        "first_delivery_arrival",
        values["first_delivery_arrival"],
        "date",
        "First evidence at the unloading port of the earliest delivery",
    )
    rec(
        "first_delivery_departure",
        values["first_delivery_departure"],
        "date",
        "Last evidence at the loading port before the earliest delivery",
    )
    rec(
        "first_delivery_vessel",
        values["first_delivery_vessel"],
        "vessel",
        "The vessel of the earliest delivery",
    )
    return out


def record_containers(results, containers: Mapping) -> dict:
    """The container range (:func:`tumen.analyses.shuttle.containers.get_container_range`)."""
    out, rec = results.recorder("shuttle")
    rec(
        "containers_low",
        containers["low"],
        "containers",
        "Containers delivered, low end: " + containers["low_basis"],
    )
    rec(
        "containers_high",
        containers["high"],
        "containers",
        "Containers delivered, high end: " + containers["method"],
    )
    rec(
        "deliveries_with_counts",
        containers["counted"],
        "deliveries",
        "Deliveries with a container count from imagery",
    )
    rec(
        "deliveries_without_counts",
        containers["uncounted"],
        "deliveries",
        "Deliveries without a container count from imagery",
    )
    rec(
        "containers_per_uncounted_delivery",
        containers["estimate"],
        "containers",
        "Containers the high end assumes for each delivery without a count (an assumption)",
    )
    rec(
        "containers_high_is_bound",
        bool(containers["high_is_bound"]),
        "yes/no",
        "Whether the high end is a bound (only with a capacity assumption)",
    )
    return out


def record_ais_counts(results, counts: Mapping) -> dict:
    """The AIS records read and rejected, from :func:`tumen.ais.clean.count_records`, and
    with :func:`tumen.ais.clean.get_summary` the positions kept, jumps and ships."""
    out, rec = results.recorder("shuttle")
    rec("ais_messages", int(counts["records"]), "records", "AIS records read (messages or rows)")
    rec(
        "ais_rejected",
        int(counts["rejected"]),
        "records",
        "AIS records rejected as noise (checksum, junk, impossible position, ...)",
    )
    for key, unit, text in (
        ("positions", "reports", "AIS position reports kept"),
        (
            "jumps",
            "reports",
            "AIS positions flagged as impossible jumps and left out of the analysis",
        ),
        ("vessels", "ships", "Ships (MMSIs) with positions in the AIS data"),
    ):
        if key in counts:
            rec(f"ais_{key}", int(counts[key]), unit, text)
    return out


def record_route(results, values: Mapping, max_speed_kn: float) -> dict:
    """The sea route (:func:`tumen.analyses.shuttle.summary.get_route_numbers`)."""
    out, rec = results.recorder("shuttle")
    rec("sea_route_nm", values["sea_route_nm"], "nmi", "Sea-route distance between the two ports")
    rec(
        "min_transit_hours",
        values["min_transit_hours"],
        "h",
        f"Shortest passage between the ports at {max_speed_kn:g} kn",
    )
    return out


def record_legs(results, values: Mapping) -> dict:
    """The legs between ports (:func:`tumen.analyses.shuttle.summary.count_legs`)."""
    out, rec = results.recorder("shuttle")
    rec(
        "infeasible_legs",
        values["infeasible_legs"],
        "legs",
        "Voyages between calls too fast for the maximum plausible speed",
    )
    rec("legs", values["legs"], "legs", "Voyages between calls at different ports")
    rec(
        "shortest_leg_h",
        values["shortest_leg_h"],
        "h",
        "Time from the last evidence at one port to the first at the other on the "
        "quickest voyage: the most that voyage can have taken",
    )
    rec(
        "fastest_leg_kn",
        values["fastest_leg_kn"],
        "kn",
        "Average speed the quickest voyage implies: the least its ship can have averaged",
    )
    return out


def record_traffic(results, traffic: Mapping) -> dict:
    """Other ships at the loading port (:func:`tumen.ais.traffic.get_site_traffic`)."""
    out, rec = results.recorder("shuttle")
    rec(
        "home_traffic_reports",
        int(traffic["reports"]),
        "reports",
        "AIS position reports of other ships inside the loading port's geofence",
    )
    rec(
        "home_traffic_vessels",
        int(traffic["vessels"]),
        "ships",
        "Other ships heard on AIS inside the loading port's geofence",
    )
    rec(
        "home_traffic_longest_silence_h",
        traffic["longest_silence_h"],
        "h",
        "Longest silence of another ship between two fixes inside the loading port",
    )
    if "excluded_reports" in traffic:
        rec(
            "home_fleet_reports",
            int(traffic["excluded_reports"]),
            "reports",
            "AIS position reports of the vessels of interest inside the loading port",
        )
    return out


def record_home_calls(results, values: Mapping) -> dict:
    """The calls at the loading port (:func:`tumen.analyses.shuttle.summary.count_home_calls`)."""
    out, rec = results.recorder("shuttle")
    rec("home_calls", values["home_calls"], "calls", "Port calls at the loading port")
    rec(
        "home_calls_with_ais",
        values["home_calls_with_ais"],
        "calls",
        "Port calls at the loading port with any AIS evidence",
    )
    return out


def record_settings(results, values: Mapping) -> dict:
    """The analysis choices the text cites (:func:`tumen.analyses.shuttle.summary.get_settings`),
    in their order."""
    out, rec = results.recorder("shuttle")
    what = {
        "window_start": ("date", "Start of the period analysed"),
        "window_end": ("date", "End of the period analysed"),
        "min_gap_h": ("h", "Shortest AIS silence counted as a gap"),
        "max_call_h": ("h", "Longest time between two pieces of evidence of one port call"),
    }
    for name, value in values.items():
        rec(name, value, *what[name])
    return out


def record_checks(results, values: Mapping) -> dict:
    """The values given to check against: ``max_speed_kn`` (the fastest plausible speed),
    ``ais_fastest_sog_kn`` (:func:`tumen.ais.traffic.get_fastest_speed`) and
    ``containers_check_max`` (:func:`tumen.analyses.shuttle.observations.get_max_count`),
    those present, in that order; None is recorded as n/a."""
    out, rec = results.recorder("shuttle")
    if "max_speed_kn" in values:
        rec("max_speed_kn", values["max_speed_kn"], "kn", "Fastest plausible speed of the ships")
    if "ais_fastest_sog_kn" in values:
        rec(
            "ais_fastest_sog_kn",
            values["ais_fastest_sog_kn"],
            "kn",
            "Fastest speed over ground any ship of interest reported on AIS",
        )
    if "containers_check_max" in values:
        rec(
            "containers_check_max",
            values["containers_check_max"],
            "containers",
            "Most containers counted on one image of the loading port on the checked days",
        )
    return out
