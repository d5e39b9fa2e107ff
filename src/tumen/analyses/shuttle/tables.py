"""The port-call table of the shuttle section: as the report shows it
(:func:`to_port_call_display`) and as reviewers get it in ``port_calls.csv``
(:func:`to_port_call_table`, :func:`write_port_calls`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from tumen.report.tables import write_csv


def to_port_call_table(
    calls: pd.DataFrame, site_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The port-call table for reviewers (``port_calls.csv``): times as ISO 8601 UTC text.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.calls.get_port_calls` /
        :func:`tumen.analyses.shuttle.calls.add_dark_flag`.
    site_names : mapping of str to str, optional
        Site id -> readable name, added as ``port`` (the id where no name is given).

    Returns
    -------
    pandas.DataFrame
        The same rows; time columns as ``YYYY-MM-DDTHH:MMZ`` (empty when unknown).
    """
    out = calls.copy()
    for col in ("arrival_earliest", "first_evidence", "last_evidence", "departure_latest"):
        out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%MZ").fillna("")
    if site_names is not None:
        port = out["site"].map(site_names).fillna(out["site"])
        out.insert(out.columns.get_loc("site") + 1, "port", port)
    return out


def to_port_call_display(
    calls: pd.DataFrame, site_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The port-call table as the report shows it: one row per call, times to the minute.

    Parameters
    ----------
    calls : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.calls.get_port_calls` /
        :func:`tumen.analyses.shuttle.calls.add_dark_flag`.
    site_names : mapping of str to str, optional
        Site id -> name shown.

    Returns
    -------
    pandas.DataFrame
        ``call``, ``vessel``, ``port``, ``arrived after``, ``seen`` (first to last
        evidence), ``left before`` (``DD Mon HH:MM`` UTC with no-break spaces, empty when
        unknown),
        ``evidence`` (e.g. ``AIS (332 fixes), 1 image`` or ``3 images``), ``containers``
        (``min–max`` counted, empty without a count), ``AIS dark`` (``yes``/``no``).
    """
    fmt = "%d\u00a0%b\u00a0%H:%M"  # no-break spaces: a time never wraps in a table cell
    times = {
        new: calls[old].dt.strftime(fmt).fillna("")
        for new, old in (
            ("arrived after", "arrival_earliest"),
            ("first", "first_evidence"),
            ("last", "last_evidence"),
            ("left before", "departure_latest"),
        )
    }
    first, last = times.pop("first"), times.pop("last")
    seen = [a if a == b else f"{a} – {b}" for a, b in zip(first, last)]
    dark = calls["is_dark"] if "is_dark" in calls else pd.Series(False, index=calls.index)
    return pd.DataFrame(
        {
            "call": calls["call_id"].to_numpy(),
            "vessel": calls["vessel"].to_numpy(),
            "port": calls["site"]
            .map(dict(site_names or {}))
            .astype(object)
            .fillna(calls["site"])
            .to_numpy(),
            "arrived after": times["arrived after"].to_numpy(),
            "seen": seen,
            "left before": times["left before"].to_numpy(),
            "evidence": _evidence_words(calls),
            "containers": _container_words(calls),
            "AIS dark": np.where(dark, "yes", "no"),
        }
    )


def write_port_calls(
    calls: pd.DataFrame, path: str | os.PathLike, site_names: Mapping[str, str] | None = None
) -> None:
    """Write the full port-call table with its evidence list (:func:`to_port_call_table`)
    as UTF-8 CSV with LF line ends, for reviewers. Text from the data (a ship's name as it
    broadcast it) is neutralised against spreadsheet formulas (:func:`tumen.report.tables.write_csv`)."""
    write_csv(to_port_call_table(calls, site_names), path)


def _evidence_words(calls: pd.DataFrame) -> list[str]:
    """``AIS (332 fixes), 1 image`` for each call."""
    return [
        ", ".join(
            ([f"AIS ({a} fixes)"] if a else [])
            + ([f"{n} image" + ("s" if n > 1 else "")] if n else [])
        )
        for a, n in zip(calls["ais_fixes"], calls["sightings"])
    ]


def _container_words(calls: pd.DataFrame) -> list[str]:
    """``min–max`` containers counted for each call (one number when equal, empty without)."""
    lo, hi = calls["containers_min"].astype("Int64"), calls["containers_max"].astype("Int64")
    return ["" if pd.isna(b) else f"{a}" if a == b else f"{a}–{b}" for a, b in zip(lo, hi)]
