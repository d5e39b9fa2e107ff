"""Voyages of the shuttle section, from its port calls: legs between ports checked against the
sea route (:func:`get_legs`, :func:`add_leg_feasibility`), round trips home → away → home
(:func:`get_round_trips`) and deliveries home → away, closed by a return or not
(:func:`get_deliveries`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tumen.ais.timecols import to_hours
from tumen.ais.tracks import Window, run_starts, to_window
from tumen.errors import DataError
from tumen.geo.earth import KM_PER_NM

#: The columns of a round-trip table, in order (:func:`get_round_trips`).
TRIP_COLUMNS = [
    "vessel",
    "trip",
    "depart",
    "arrive",
    "leave",
    "back",
    "duration_h",
    "calls",
    "dark_calls",
    "containers_min",
    "containers_max",
]
#: The columns of a delivery table, in order (:func:`get_deliveries`).
DELIVERY_COLUMNS = [
    "vessel",
    "delivery",
    "depart",
    "arrive",
    "leave",
    "back",
    "returned",
    "calls",
    "dark_calls",
    "containers_min",
    "containers_max",
]


def get_legs(calls: pd.DataFrame) -> pd.DataFrame:
    """Consecutive calls of a vessel at different sites: the voyages between ports.

    Returns
    -------
    pandas.DataFrame
        ``vessel, from_site, to_site, from_call, to_call``, ``depart`` (last evidence at
        the first port), ``arrive`` (first evidence at the next), ``max_transit_h`` (the
        most time the passage can have taken, hours).
    """
    c = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    v, s = c["vessel"].to_numpy(object), c["site"].to_numpy(object)
    nxt = np.flatnonzero((v[1:] == v[:-1]) & (s[1:] != s[:-1])) + 1
    prv = nxt - 1
    legs = pd.DataFrame(
        {
            "vessel": v[nxt],
            "from_site": s[prv],
            "to_site": s[nxt],
            "from_call": c["call_id"].to_numpy()[prv],
            "to_call": c["call_id"].to_numpy()[nxt],
            "depart": c["last_evidence"].array[prv],
            "arrive": c["first_evidence"].array[nxt],
        }
    )
    for col in ("depart", "arrive"):
        legs[col] = legs[col].astype("datetime64[ns, UTC]")
    legs["max_transit_h"] = to_hours(legs["arrive"]) - to_hours(legs["depart"])
    return legs


def add_leg_feasibility(
    legs: pd.DataFrame, distance_km: Mapping[tuple[str, str], float], *, max_speed_kn: float = 14.0
) -> pd.DataFrame:
    """Check every leg against the sea-route distance at the fastest plausible speed.

    Parameters
    ----------
    legs : pandas.DataFrame
        From :func:`get_legs`.
    distance_km : mapping of (site, site) to float
        Sea-route distance between sites, km (either order is looked up), e.g. from
        ``tumen.geo.sea``.
    max_speed_kn : float
        Fastest plausible speed of the ships, knots.

    Returns
    -------
    pandas.DataFrame
        A copy with ``distance_km``, ``min_transit_h`` (distance at ``max_speed_kn``),
        ``implied_speed_kn`` (distance over ``max_transit_h``) and ``feasible`` (bool;
        False when the ship would have had to go faster than ``max_speed_kn``).

    Raises
    ------
    DataError
        When a leg's site pair has no distance.
    """
    table = {**{(b, a): d for (a, b), d in distance_km.items()}, **dict(distance_km)}
    pairs = list(zip(legs["from_site"], legs["to_site"]))
    missing = [p for p in pairs if p not in table]
    if missing:
        raise DataError(
            f"no sea-route distance between {missing[0][0]} and {missing[0][1]}",
            field="distance_km",
            hint="add the pair to the distances",
        )
    out = legs.copy()
    out["distance_km"] = np.array([table[p] for p in pairs], dtype=float)
    out["min_transit_h"] = out["distance_km"] / KM_PER_NM / max_speed_kn
    with np.errstate(divide="ignore"):
        out["implied_speed_kn"] = out["distance_km"] / KM_PER_NM / out["max_transit_h"]
    out["feasible"] = out["max_transit_h"] >= out["min_transit_h"]
    return out


def get_round_trips(
    calls: pd.DataFrame,
    home: str,
    away: str,
    *,
    window: Window = None,
    allow_stops: bool = False,
    cargo_from: str | None = None,
) -> pd.DataFrame:
    """Round trips home → away → home of each vessel, with the containers seen on each.

    Consecutive calls at the same port count as one visit. A trip is three consecutive
    visits home, away, home (two trips may share a home visit: R D R D R is two trips from
    R). With ``allow_stops`` calls at other ports are skipped; without, they break a trip.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.calls.get_port_calls` (``is_dark`` used when present).
    home, away : str
        Site ids, e.g. ``"rajin_port"`` and ``"dunai_port"``.
    window : (start, end), optional
        Only trips that leave home and are back within the window count.
    allow_stops : bool
        Whether calls at other ports may lie between.
    cargo_from : str, optional
        The port where the cargo is loaded (default ``home``): the containers of a trip are
        those seen at the loading visit and the next visit (where it is unloaded).

    Returns
    -------
    pandas.DataFrame
        One row per trip: ``vessel``, ``trip`` (1, 2, ... per vessel), ``depart`` (last
        evidence at home), ``arrive`` (first evidence away), ``leave`` (last evidence
        away), ``back`` (first evidence at home again), ``duration_h``, ``calls`` (call
        ids of the three visits, ``;``-joined), ``dark_calls`` (how many of them were made
        with AIS dark), ``containers_min``, ``containers_max`` (Int64; NA without counts).
    """
    cargo_from = home if cargo_from is None else cargo_from
    if cargo_from not in (home, away):
        raise DataError(
            f"cargo_from {cargo_from!r} is neither {home!r} nor {away!r}", field="cargo_from"
        )
    c = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    if allow_stops:
        c = c[c["site"].isin([home, away])].reset_index(drop=True)
    visits = _visits(c)
    v, s = visits["vessel"].to_numpy(object), visits["site"].to_numpy(object)
    i = np.arange(max(len(visits) - 2, 0))
    ok = (s[i] == home) & (s[i + 1] == away) & (s[i + 2] == home)
    i = i[ok & (v[i] == v[i + 1]) & (v[i] == v[i + 2])]
    trips = _tidy_passages(_trip_rows(visits, i, cargo_from == home), window, until="back")
    trips["duration_h"] = to_hours(trips["back"]) - to_hours(trips["depart"])
    trips.insert(1, "trip", trips.groupby("vessel").cumcount().to_numpy() + 1)
    return trips[TRIP_COLUMNS]


def _trip_rows(visits: pd.DataFrame, i: np.ndarray, load_at_home: bool) -> pd.DataFrame:
    """The round trips whose home visits are ``i`` and ``i + 2``; the containers are those
    seen at the loading visit and the next."""
    load = i if load_at_home else i + 1
    col = lambda name, k: visits[name].to_numpy()[k]  # noqa: E731
    return pd.DataFrame(
        {
            "vessel": visits["vessel"].to_numpy(object)[i],
            "depart": col("last_evidence", i),
            "arrive": col("first_evidence", i + 1),
            "leave": col("last_evidence", i + 1),
            "back": col("first_evidence", i + 2),
            "calls": [
                ";".join(x) for x in zip(col("calls", i), col("calls", i + 1), col("calls", i + 2))
            ],
            "dark_calls": col("dark", i) + col("dark", i + 1) + col("dark", i + 2),
            "containers_min": pd.array(
                np.fmin(col("cmin", load), col("cmin", load + 1)), "Float64"
            ),
            "containers_max": pd.array(
                np.fmax(col("cmax", load), col("cmax", load + 1)), "Float64"
            ),
        }
    )


def get_deliveries(
    calls: pd.DataFrame, home: str, away: str, *, window: Window = None
) -> pd.DataFrame:
    """Deliveries home → away of each vessel, closed by a return or not, with the containers
    seen on each.

    Consecutive calls at the same port count as one visit. A delivery is a visit at
    ``home`` followed by a visit at ``away`` (the passage that carries the cargo); it is
    *closed* when the vessel's next visit is at ``home`` again (a round trip of
    :func:`get_round_trips` is a closed delivery), *open* when the vessel has no later
    visit or its next visit is elsewhere. So a ship's final one-way delivery counts.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.calls.get_port_calls` (``is_dark`` used when present).
    home, away : str
        Site ids of the loading and the unloading port.
    window : (start, end), optional
        Only deliveries that leave home and reach away within the window count.

    Returns
    -------
    pandas.DataFrame
        One row per delivery: ``vessel``, ``delivery`` (1, 2, ... per vessel), ``depart``
        (last evidence at home), ``arrive`` (first evidence away), ``leave`` (last evidence
        away), ``back`` (first evidence at home again; NaT when open), ``returned`` (bool),
        ``calls`` (call ids of the two visits, ``;``-joined), ``dark_calls`` (how many were
        made with AIS dark), ``containers_min``, ``containers_max`` (Int64: the fewest and
        most containers counted on any image of the loading visit or the unloading visit;
        NA without a count).

    >>> calls = pd.DataFrame({"vessel": ["A"] * 3, "site": ["r", "d", "r"],
    ...     "call_id": ["1", "2", "3"], "containers_min": [None, 120, None],
    ...     "containers_max": [None, 150, None], "first_evidence": pd.to_datetime(
    ...     ["2023-09-01", "2023-09-03", "2023-09-05"], utc=True)}).assign(
    ...     last_evidence=lambda c: c["first_evidence"])
    >>> get_deliveries(calls, "r", "d")[["delivery", "returned", "containers_max"]].values.tolist()
    [[1, True, 150]]
    """
    c = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    visits = _visits(c)
    v, s = visits["vessel"].to_numpy(object), visits["site"].to_numpy(object)
    n = len(visits)
    i = np.arange(max(n - 1, 0))
    i = i[(s[i] == home) & (s[i + 1] == away) & (v[i] == v[i + 1])]
    nxt = np.minimum(i + 2, max(n - 1, 0))
    returned = (i + 2 < n) & (s[nxt] == home) & (v[nxt] == v[i]) if n else np.zeros(0, bool)
    out = _tidy_passages(_delivery_rows(visits, i, nxt, returned), window, until="arrive")
    out.insert(1, "delivery", out.groupby("vessel").cumcount().to_numpy() + 1)
    return out[DELIVERY_COLUMNS]


def _delivery_rows(
    visits: pd.DataFrame, i: np.ndarray, nxt: np.ndarray, returned: np.ndarray
) -> pd.DataFrame:
    """The deliveries whose home visits are ``i``; ``nxt`` the visit after the away one,
    ``returned`` whether it is at home."""
    col = lambda name, k: visits[name].to_numpy()[k]  # noqa: E731
    back = pd.Series(col("first_evidence", nxt) if len(visits) else [], dtype="datetime64[ns, UTC]")
    return pd.DataFrame(
        {
            "vessel": visits["vessel"].to_numpy(object)[i],
            "depart": col("last_evidence", i),
            "arrive": col("first_evidence", i + 1),
            "leave": col("last_evidence", i + 1),
            "back": back.where(returned).to_numpy(),
            "returned": returned.astype(bool),
            "calls": [";".join(x) for x in zip(col("calls", i), col("calls", i + 1))],
            "dark_calls": col("dark", i) + col("dark", i + 1),
            "containers_min": pd.array(np.fmin(col("cmin", i), col("cmin", i + 1)), "Float64"),
            "containers_max": pd.array(np.fmax(col("cmax", i), col("cmax", i + 1)), "Float64"),
        }
    )


def _tidy_passages(table: pd.DataFrame, window: Window, *, until: str) -> pd.DataFrame:
    """Types of a trips or deliveries table; keep the rows from ``depart`` to ``until``
    inside the window."""
    for name in ("depart", "arrive", "leave", "back"):
        table[name] = table[name].astype("datetime64[ns, UTC]")
    win = to_window(window)
    if win is not None:
        table = table[(table["depart"] >= win[0]) & (table[until] <= win[1])]
    table = table.reset_index(drop=True)
    table["dark_calls"] = table["dark_calls"].astype("int64")
    for name in ("containers_min", "containers_max"):
        table[name] = table[name].round().astype("Int64")
    return table


def _visits(calls: pd.DataFrame) -> pd.DataFrame:
    """Collapse consecutive calls of a vessel at the same site into visits."""
    v, s = calls["vessel"].to_numpy(object), calls["site"].to_numpy(object)
    new = run_starts(v, s)
    c = calls.assign(
        visit=np.cumsum(new),
        dark=calls["is_dark"].astype(int) if "is_dark" in calls else 0,
        cmin=calls["containers_min"].astype("Float64").to_numpy(float, na_value=np.nan),
        cmax=calls["containers_max"].astype("Float64").to_numpy(float, na_value=np.nan),
        ids=calls["call_id"].astype(str),
    )
    return (
        c.groupby("visit", sort=True)
        .agg(
            vessel=("vessel", "first"),
            site=("site", "first"),
            first_evidence=("first_evidence", "min"),
            last_evidence=("last_evidence", "max"),
            calls=("ids", ",".join),
            dark=("dark", "sum"),
            cmin=("cmin", "min"),
            cmax=("cmax", "max"),
        )
        .reset_index(drop=True)
    )
