"""The numbers of the shuttle section, computed from its tables before they are recorded.

Each ``count_*``/``get_*`` function here turns the analysis tables into plain values (name ->
number, date or text), the ones :mod:`tumen.analyses.shuttle.record` records under
``shuttle.*``. Nothing here records; nothing there computes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tumen.ais.tracks import to_window
from tumen.errors import DataError
from tumen.geo.earth import KM_PER_NM


def get_dark(calls: pd.DataFrame) -> pd.Series:
    """``is_dark`` of the calls (all False when the calls have no dark flag)."""
    return calls["is_dark"] if "is_dark" in calls else pd.Series(False, index=calls.index)


def as_deliveries(trips: pd.DataFrame) -> pd.DataFrame:
    """Round trips as deliveries: every round trip is a closed delivery."""
    return trips.rename(columns={"trip": "delivery"}).assign(returned=True)


def count_vessel(
    vessel: str,
    calls: pd.DataFrame,
    gaps: pd.DataFrame,
    trips: pd.DataFrame,
    deliveries: pd.DataFrame,
) -> dict:
    """One ship's calls, silences, round trips and deliveries (``shuttle.<v>.*``)."""
    mine = calls["vessel"] == vessel
    g = gaps[gaps["vessel"] == vessel]
    d = deliveries[deliveries["vessel"] == vessel]
    silent = g[g["kind"].isin(["between", "after_last"])]
    return {
        "port_calls": int(mine.sum()),
        "dark_port_calls": int((mine & get_dark(calls)).sum()),
        "round_trips": len(trips[trips["vessel"] == vessel]),
        "ais_dark_hours": float(g["duration_h"].sum()),
        "ais_dark_days": float(g["duration_h"].sum()) / 24.0,
        "longest_gap_h": float(g["duration_h"].max()) if len(g) else 0.0,
        "deliveries": len(d),
        "deliveries_open": int((~d["returned"].astype(bool)).sum()),
        "deliveries_with_counts": int(d["containers_max"].notna().sum()),
        "containers_observed": int(d["containers_max"].sum()),
        "first_silence": silent["start"].min() if len(silent) else None,
    }


def count_calls(calls: pd.DataFrame, gaps: pd.DataFrame, trips: pd.DataFrame) -> dict:
    """The calls, round trips and silences of all the ships together."""
    dark = get_dark(calls)
    longest = float(gaps["duration_h"].max()) if len(gaps) else 0.0
    dark_calls = calls[dark.astype(bool)]
    return {
        "port_calls_total": len(calls),
        "dark_port_calls": int(dark.sum()),
        "round_trips_total": len(trips),
        "first_call": calls["first_evidence"].min() if len(calls) else None,
        "last_call": calls["last_evidence"].max() if len(calls) else None,
        "longest_gap_h": longest,
        "longest_gap_days": longest / 24.0,
        "first_dark_call": dark_calls["first_evidence"].min() if len(dark_calls) else None,
        "last_dark_call": dark_calls["last_evidence"].max() if len(dark_calls) else None,
        "calls_from_imagery_only": int((calls["evidence_types"] == "satellite").sum()),
    }


def count_deliveries(deliveries: pd.DataFrame) -> dict:
    """The deliveries of all the ships, the open ones, and the earliest delivery."""
    first = deliveries.sort_values("arrive", kind="stable").head(1)
    return {
        "deliveries_total": len(deliveries),
        "deliveries_open": int((~deliveries["returned"].astype(bool)).sum()),
        "first_delivery_arrival": first["arrive"].iloc[0] if len(first) else None,
        "first_delivery_departure": first["depart"].iloc[0] if len(first) else None,
        "first_delivery_vessel": str(first["vessel"].iloc[0]) if len(first) else None,
    }


def get_route_numbers(route_km: float, max_speed_kn: float) -> dict:
    """The sea route in nautical miles and the shortest passage at ``max_speed_kn``."""
    nm = float(route_km) / KM_PER_NM
    return {"sea_route_nm": nm, "min_transit_hours": nm / max_speed_kn}


def count_legs(legs: pd.DataFrame) -> dict:
    """The legs (:func:`tumen.analyses.shuttle.trips.add_leg_feasibility`): how many, how
    many too fast, the quickest."""
    return {
        "infeasible_legs": int((~legs["feasible"]).sum()),
        "legs": len(legs),
        "shortest_leg_h": float(legs["max_transit_h"].min()) if len(legs) else None,
        "fastest_leg_kn": float(legs["implied_speed_kn"].max()) if len(legs) else None,
    }


def count_home_calls(calls: pd.DataFrame, home: str) -> dict:
    """The calls at the loading port, and those with any AIS evidence."""
    at_home = calls["site"] == home
    return {
        "home_calls": int(at_home.sum()),
        "home_calls_with_ais": int((at_home & (calls["ais_fixes"] > 0)).sum()),
    }


def get_settings(settings: Mapping) -> dict:
    """The analysis choices the text cites: ``window`` as ``window_start`` and
    ``window_end``, ``min_gap_h`` and ``max_call_h`` as floats (hours).

    Raises
    ------
    DataError
        For any other setting.
    """
    out: dict = {}
    for key, value in settings.items():
        if key == "window":
            out["window_start"], out["window_end"] = to_window(value)
        elif key in ("min_gap_h", "max_call_h"):
            out[key] = float(value)
        else:
            raise DataError(
                f"unknown setting {key!r}", field="settings", hint="window, min_gap_h or max_call_h"
            )
    return out
