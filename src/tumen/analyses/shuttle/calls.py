"""Port calls of the shuttle section: AIS stays and satellite sightings merged into one call
per visit (:func:`get_port_calls`), with bounds on arrival and departure, and the calls made
while AIS was silent marked (:func:`add_dark_flag`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from tumen.ais.fleet import normalise_name
from tumen.ais.timecols import to_hours
from tumen.ais.tracks import Window, add_site, require_columns, run_starts, shift_down, to_window

#: The columns of a port-call table, in order (:func:`get_port_calls`).
CALL_COLUMNS = [
    "call_id",
    "vessel",
    "site",
    "arrival_earliest",
    "first_evidence",
    "last_evidence",
    "departure_latest",
    "evidence_types",
    "ais_fixes",
    "sightings",
    "containers_min",
    "containers_max",
    "evidence",
]


def get_port_calls(
    ais_calls: pd.DataFrame,
    sightings: pd.DataFrame,
    positions: pd.DataFrame,
    sites: pd.DataFrame | Mapping,
    *,
    max_call_h: float = 48.0,
    window: Window = None,
    vessels: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Merge AIS stays and satellite sightings into one call per vessel and port visit.

    Evidence items (an AIS stay; a sighting at a site that is not ``underway``) of the same
    vessel at the same site belong to one call when they are at most ``max_call_h`` apart
    and no evidence puts the vessel elsewhere in between (an AIS fix outside that site's
    geofence, a sighting at another place). Arrival is bounded by the last evidence
    elsewhere before the call and the first evidence of it; departure by the last evidence
    of it and the first evidence elsewhere after.

    Parameters
    ----------
    ais_calls : pandas.DataFrame
        From :func:`tumen.ais.tracks.get_ais_port_calls` (``vessel`` column).
    sightings : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.observations.read_sightings`.
    positions : pandas.DataFrame
        All AIS fixes of the vessels (``vessel, time, lat, lon``), the evidence elsewhere.
    sites : pandas.DataFrame or mapping
        Port geofences.
    max_call_h : float
        Longest time between two pieces of evidence of one call, hours.
    window : (start, end), optional
        Only evidence inside the window counts (AIS stays, sightings and fixes).
    vessels : iterable of str, optional
        Vessel names as the report spells them. Names in the inputs that match one
        case-insensitively are replaced by it; otherwise the spelling of AIS data wins,
        then the first spelling in the sightings.

    Returns
    -------
    pandas.DataFrame
        One row per call, sorted by ``vessel, first_evidence``: ``call_id`` (1, 2, ...),
        ``vessel``, ``site``, ``arrival_earliest`` (NaT when unknown), ``first_evidence``,
        ``last_evidence``, ``departure_latest`` (NaT when unknown), ``evidence_types``
        (``ais``, ``satellite`` or ``ais+satellite``), ``ais_fixes``, ``sightings``,
        ``containers_min``, ``containers_max`` (Int64, from sightings with counts),
        ``evidence`` (one readable line per item, joined by ``"; "``).
    """
    require_columns(positions, ["vessel", "time", "lat", "lon"], "positions")
    ais_calls, sightings, positions = _in_window(ais_calls, sightings, positions, window)
    ais_calls, sightings, positions = _spell_vessels(ais_calls, sightings, positions, vessels)
    evidence = _evidence(ais_calls, sightings)
    elsewhere = _places(positions, sightings, sites)
    evidence = evidence.sort_values(
        ["vessel", "t_first", "t_last"], kind="stable", ignore_index=True
    )
    evidence["call"] = _number_calls(evidence, elsewhere, max_call_h)
    calls = _aggregate_calls(evidence)
    calls["arrival_earliest"], calls["departure_latest"] = _bounds(calls, elsewhere)
    return calls[CALL_COLUMNS]


def _in_window(ais_calls, sightings, positions, window: Window):
    """The AIS stays, sightings and fixes inside the window (all of them without one)."""
    win = to_window(window)
    if win is None:
        return ais_calls, sightings, positions
    return (
        ais_calls[(ais_calls["first_fix"] >= win[0]) & (ais_calls["last_fix"] <= win[1])],
        sightings[sightings["observed"].between(win[0], win[1])],
        positions[positions["time"].between(win[0], win[1])],
    )


def _spell_vessels(ais_calls, sightings, positions, vessels):
    """The three tables with each vessel spelled one way (see :func:`get_port_calls`)."""
    labels = _vessel_labels(
        pd.Series(list(vessels or ()), dtype=object),
        ais_calls["vessel"],
        positions["vessel"],
        sightings.sort_values("line")["vessel"] if "line" in sightings else sightings["vessel"],
    )
    return (
        ais_calls.assign(vessel=_canonical(ais_calls["vessel"], labels)),
        sightings.assign(vessel=_canonical(sightings["vessel"], labels)),
        positions.assign(vessel=_canonical(positions["vessel"], labels)),
    )


def _number_calls(evidence: pd.DataFrame, elsewhere: pd.DataFrame, max_call_h: float):
    """The call number of each evidence item (sorted by vessel and time): a new call when
    the vessel or site changes, the item is over ``max_call_h`` after the last, or the
    vessel was seen elsewhere in between."""
    key, site = evidence["vessel"].to_numpy(object), evidence["site"].to_numpy(object)
    t_first, t_last = to_hours(evidence["t_first"]), to_hours(evidence["t_last"])
    prev_last = shift_down(pd.Series(t_last).groupby(key).cummax().to_numpy())
    same = ~run_starts(key, site)
    between = _count_elsewhere(evidence, elsewhere, prev_last, t_first)
    new = ~same | (t_first - prev_last > max_call_h) | (between > 0)
    return np.cumsum(new)


def _vessel_labels(*names: pd.Series) -> dict[str, str]:
    """Normalised name -> its first spelling among ``names`` (earlier series win)."""
    spellings = pd.concat([n.dropna().astype(object) for n in names], ignore_index=True)
    keys = normalise_name(spellings)
    first = ~keys.duplicated()
    return dict(zip(keys[first], spellings[first]))


def _canonical(names: pd.Series, labels: Mapping[str, str]) -> pd.Series:
    """Replace names by their AIS label when they match case-insensitively."""
    unique = pd.Series(pd.unique(names.dropna()), dtype=object)
    spelling = dict(zip(unique, normalise_name(unique).map(labels).fillna(unique)))
    return names.astype(object).map(spelling)  # a lookup per distinct name, not per row


def _evidence(ais_calls: pd.DataFrame, sightings: pd.DataFrame) -> pd.DataFrame:
    """One row per evidence item of a call: vessel, site, t_first, t_last, kind, label..."""
    fmt = "%Y-%m-%dT%H:%MZ"
    a = ais_calls
    ais_ev = pd.DataFrame(
        {
            "vessel": a["vessel"].astype(object),
            "site": a["site"].astype(object),
            "t_first": a["first_fix"],
            "t_last": a["last_fix"],
            "kind": "ais",
            "fixes": a["fixes"].astype("int64"),
            "containers": pd.array([pd.NA] * len(a), "Int64"),
            "label": (
                "AIS "
                + a["fixes"].astype(str)
                + " fixes "
                + a["first_fix"].dt.strftime(fmt)
                + " to "
                + a["last_fix"].dt.strftime(fmt)
            ),
        }
    )
    s = sightings[sightings["site"].notna() & (sightings["status"] != "underway")]
    count = s["containers"].astype("Int64")
    sat_ev = pd.DataFrame(
        {
            "vessel": s["vessel"].astype(object),
            "site": s["site"].astype(object),
            "t_first": s["observed"],
            "t_last": s["observed"],
            "kind": "satellite",
            "fixes": np.zeros(len(s), "int64"),
            "containers": count,
            "label": (
                "image "
                + s["image_id"].fillna("(no id)").astype(str)
                + " "
                + s["observed"].dt.strftime(fmt)
                + " "
                + s["status"].fillna("at site").astype(str)
                + count.map(lambda c: "" if pd.isna(c) else f", {c} containers").astype(str)
            ),
        }
    )
    parts = [f for f in (ais_ev, sat_ev) if len(f)] or [ais_ev]
    ev = pd.concat(parts, ignore_index=True)
    for col in ("t_first", "t_last"):
        ev[col] = ev[col].astype("datetime64[ns, UTC]")
    return ev


def _places(
    positions: pd.DataFrame, sightings: pd.DataFrame, sites: pd.DataFrame | Mapping
) -> pd.DataFrame:
    """Where each vessel was seen, from every AIS fix and sighting: vessel, hours, site."""
    p = add_site(
        positions.loc[positions["vessel"].notna(), ["vessel", "time", "lat", "lon"]], sites
    )
    places = pd.concat(
        [
            pd.DataFrame(
                {
                    "vessel": p["vessel"].astype(object),
                    "hours": to_hours(p["time"]),
                    "site": p["site"].astype(object),
                }
            ),
            pd.DataFrame(
                {
                    "vessel": sightings["vessel"].astype(object),
                    "hours": to_hours(sightings["observed"]),
                    "site": sightings["site"].astype(object),
                }
            ),
        ],
        ignore_index=True,
    )
    places["site"] = places["site"].where(places["site"].notna(), "")
    return places.sort_values(["vessel", "hours"], kind="stable", ignore_index=True)


def _elsewhere_groups(frame: pd.DataFrame, places: pd.DataFrame):
    """Yield (row positions in ``frame``, sorted hours when the vessel was not at the site)."""
    by_vessel = {v: g for v, g in places.groupby("vessel", sort=False)}
    for (vessel, site), rows in frame.groupby(["vessel", "site"], sort=False).indices.items():
        g = by_vessel.get(vessel)
        hours = (
            np.sort(g.loc[g["site"] != site, "hours"].to_numpy()) if g is not None else np.array([])
        )
        yield rows, hours


def _count_elsewhere(
    evidence: pd.DataFrame, places: pd.DataFrame, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """How often each item's vessel was seen elsewhere strictly between lo and hi (hours)."""
    count = np.zeros(len(evidence), int)
    for rows, hours in _elsewhere_groups(evidence, places):
        a, b = np.nan_to_num(lo[rows], nan=-np.inf), hi[rows]
        count[rows] = np.maximum(
            np.searchsorted(hours, b, "left") - np.searchsorted(hours, a, "right"), 0
        )
    return count


def _bounds(calls: pd.DataFrame, places: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Last time seen elsewhere before each call, first time seen elsewhere after it."""
    before = np.full(len(calls), np.nan)
    after = np.full(len(calls), np.nan)
    first, last = to_hours(calls["first_evidence"]), to_hours(calls["last_evidence"])
    for rows, hours in _elsewhere_groups(calls, places):
        i = np.searchsorted(hours, first[rows], "left") - 1
        j = np.searchsorted(hours, last[rows], "right")
        padded = np.r_[hours, np.nan]
        before[rows] = np.where(i >= 0, padded[np.maximum(i, 0)], np.nan)
        after[rows] = np.where(j < len(hours), padded[np.minimum(j, len(hours))], np.nan)
    return from_hours(before), from_hours(after)


def from_hours(hours: np.ndarray) -> pd.Series:
    """Hours since 1970 (:func:`tumen.ais.timecols.to_hours`) back to UTC times; NaN -> NaT."""
    ns = np.round(np.nan_to_num(hours) * 3.6e12).astype("int64")
    times = pd.Series(pd.to_datetime(ns, unit="ns", utc=True)).astype("datetime64[ns, UTC]")
    return times.where(~np.isnan(hours))


def _aggregate_calls(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per call from its evidence items (grouped, vectorised)."""
    g = evidence.groupby("call", sort=True)
    calls = g.agg(
        vessel=("vessel", "first"),
        site=("site", "first"),
        first_evidence=("t_first", "min"),
        last_evidence=("t_last", "max"),
        ais_fixes=("fixes", "sum"),
        containers_min=("containers", "min"),
        containers_max=("containers", "max"),
        evidence=("label", "; ".join),
    ).reset_index(drop=True)
    kinds = evidence.groupby(["call", "kind"]).size().unstack(fill_value=0)
    has_ais = kinds.get("ais", pd.Series(0, index=kinds.index)).to_numpy() > 0
    n_sat = kinds.get("satellite", pd.Series(0, index=kinds.index)).to_numpy()
    calls["sightings"] = n_sat.astype("int64")
    calls["evidence_types"] = np.where(
        has_ais & (n_sat > 0), "ais+satellite", np.where(has_ais, "ais", "satellite")
    )
    calls["ais_fixes"] = calls["ais_fixes"].astype("int64")
    for col in ("containers_min", "containers_max"):
        calls[col] = calls[col].astype("Int64")
    calls = calls.sort_values(["vessel", "first_evidence"], kind="stable", ignore_index=True)
    calls.insert(0, "call_id", np.arange(1, len(calls) + 1))
    return calls


def add_dark_flag(calls: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Add ``is_dark``: the call lies inside one AIS gap of its vessel (AIS was silent).

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`get_port_calls`.
    gaps : pandas.DataFrame
        From :func:`tumen.ais.tracks.get_gaps` (``vessel`` column); with a window, calls
        before a vessel's first fix, after its last, or of a vessel never seen on AIS are dark
        too.

    Returns
    -------
    pandas.DataFrame
        A copy with ``is_dark`` (bool).
    """
    pairs = calls[["call_id", "vessel", "first_evidence", "last_evidence"]].merge(
        gaps[["vessel", "start", "end"]], on="vessel"
    )
    inside = pairs[
        (pairs["start"] <= pairs["first_evidence"]) & (pairs["last_evidence"] <= pairs["end"])
    ]
    out = calls.copy()
    out["is_dark"] = out["call_id"].isin(inside["call_id"])
    return out
