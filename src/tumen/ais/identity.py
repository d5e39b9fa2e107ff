"""Who is behind an MMSI: identity changes, shared names and tracks that teleport.

An MMSI is a number typed into a transponder, and a ship's name, IMO number, call sign
and ship type are free text in its static reports (AIS message types 5, 19 and 24): any
of them can change, be borrowed or be broadcast by two transmitters at once. This module
reads what the AIS data themselves say about that, for every MMSI in the archive:

- :func:`get_identity_history`: each distinct static record of an MMSI, first and last
  seen, with the fields that differ from the record before;
- :func:`get_identity_changes`: the MMSIs whose name, IMO number, call sign or ship type
  changed, with what changed and when;
- :func:`get_shared_names`: names (compared after :func:`tumen.ais.fleet.normalise_name`)
  broadcast by more than one MMSI;
- :func:`tumen.ais.transmitters.split_transmitters`: tracks that jump back and forth
  between two places faster than any ship sails, split into two candidate transmitters
  and flagged as a possibly shared identity (also from a store or any Dask DataFrame:
  :func:`tumen.ais.transmitters.split_transmitters_dask`);
- :func:`get_identity_checks`: all of them at once.

The static table of an archive is small (one row per distinct record, kept by a store as
one file: ``AisStore.vessels``), so the first three read it in memory on either path; the
positions are not, and :func:`tumen.ais.transmitters.split_transmitters_dask` maps the
per-vessel work over the partitions of a store partitioned by MMSI.

Conventions as in :mod:`tumen.ais.records`: times ``datetime64[ns, UTC]``, distances km on a
sphere (:func:`tumen.geo.earth.haversine_km`), speeds knots.

>>> data = read_ais(["data/ais/terrestrial.nmea"])                           # doctest: +SKIP
>>> get_identity_changes(data.vessels), get_shared_names(data.vessels)  # doctest: +SKIP
>>> split_transmitters(data.positions, max_jump_kn=50.0)             # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tumen.ais import fleet as ais_fleet
from tumen.ais import records as ais_records
from tumen.ais.transmitters import split_transmitters, split_transmitters_dask

#: The identity fields of a static record, in the order the tables list them.
IDENTITY_FIELDS = ("name", "imo", "callsign", "ship_type")
#: Words for the fields in the ``what`` column of :func:`get_identity_changes`.
FIELD_WORDS = {"name": "name", "imo": "IMO", "callsign": "call sign", "ship_type": "ship type"}
_TIME = "%Y-%m-%d\u00a0%H:%M"


@dataclass(frozen=True)
class IdentityChecks:
    """What :func:`get_identity_checks` finds (each table as its function returns it).

    Attributes
    ----------
    history : pandas.DataFrame
        :func:`get_identity_history`.
    changes : pandas.DataFrame
        :func:`get_identity_changes`.
    shared_names : pandas.DataFrame
        :func:`get_shared_names`.
    splits : pandas.DataFrame
        :func:`split_transmitters` (or :func:`split_transmitters_dask`).
    """

    history: pd.DataFrame
    changes: pd.DataFrame
    shared_names: pd.DataFrame
    splits: pd.DataFrame


def get_identity_checks(
    vessels: pd.DataFrame,
    positions,
    *,
    max_jump_kn: float = 50.0,
    min_jumps: int = 4,
    min_fixes: int = 3,
    min_share: float = 0.05,
    jitter_km: float = 0.5,
    resume_h: float = 1.0,
    scheduler: str | None = None,
) -> IdentityChecks:
    """All identity checks of an archive, in memory or on the Dask path.

    Parameters
    ----------
    vessels : pandas.DataFrame
        The static table (``AisData.vessels`` or ``AisStore.vessels``).
    positions : pandas.DataFrame, tumen.ais.store.AisStore or dask.dataframe.DataFrame
        Positions *before* flagged jumps are dropped (see :func:`split_transmitters`);
        a pandas table is checked in memory unless ``scheduler`` is given.
    max_jump_kn, min_jumps, min_fixes, min_share, jitter_km, resume_h
        As in :func:`split_transmitters`.
    scheduler : str or distributed.Client, optional
        Run :func:`split_transmitters_dask` on it (always for a store or Dask frame,
        default ``"threads"``).

    Returns
    -------
    IdentityChecks
    """
    options = {
        "max_jump_kn": max_jump_kn,
        "min_jumps": min_jumps,
        "min_fixes": min_fixes,
        "min_share": min_share,
        "jitter_km": jitter_km,
        "resume_h": resume_h,
    }
    if isinstance(positions, pd.DataFrame) and scheduler is None:
        splits = split_transmitters(positions, **options)
    else:
        splits = split_transmitters_dask(positions, scheduler=scheduler or "threads", **options)
    return IdentityChecks(
        get_identity_history(vessels),
        get_identity_changes(vessels),
        get_shared_names(vessels),
        splits,
    )


# --- static reports -------------------------------------------------------------------


def get_identity_history(vessels: pd.DataFrame) -> pd.DataFrame:
    """Every distinct static record of every MMSI, in the order it was first broadcast.

    Parameters
    ----------
    vessels : pandas.DataFrame
        The ``vessels`` table of :class:`tumen.ais.records.AisData` (or ``AisStore.vessels``).

    Returns
    -------
    pandas.DataFrame
        One row per MMSI per distinct record, sorted by ``mmsi, first_seen``: ``mmsi``,
        ``record`` (1, 2, … per MMSI), ``name, imo, callsign, ship_type`` (as broadcast;
        None / NA when a record does not carry the field, e.g. a type 24 part A has no
        call sign), ``first_seen, last_seen`` (UTC), ``records`` (messages),
        ``changed`` (the fields whose value differs from the last value the MMSI
        broadcast for them, e.g. ``"name"``; ``""`` when none).
    """
    ais_records.require_table_columns(
        vessels, ("mmsi", *IDENTITY_FIELDS, "first_seen", "last_seen", "records")
    )
    order = ["mmsi", "first_seen", "last_seen", "name", "callsign", "ship_type"]
    v = vessels.sort_values(order, kind="stable", na_position="first", ignore_index=True)
    v = v[["mmsi", *IDENTITY_FIELDS, "first_seen", "last_seen", "records"]].copy()
    v.insert(1, "record", v.groupby("mmsi", sort=False).cumcount().astype("int64") + 1)
    changed = [[] for _ in range(len(v))]
    for field in IDENTITY_FIELDS:
        key = _comparable(v[field])
        last = key.groupby(v["mmsi"], sort=False).ffill().groupby(v["mmsi"], sort=False).shift()
        differs = (key.notna() & last.notna() & (key != last)).to_numpy(bool)
        for i in np.flatnonzero(differs):
            changed[i].append(field)
    v["changed"] = [", ".join(c) for c in changed]
    return v


def get_identity_changes(vessels: pd.DataFrame) -> pd.DataFrame:
    """The MMSIs whose name, IMO number, call sign or ship type changed, and when.

    A field changes when an MMSI broadcasts a second value for it (names and call signs
    compared after :func:`tumen.ais.fleet.normalise_name`, so case and spacing are not changes);
    a record that does not carry the field is not a change. Each new value counts once, at
    the time it was first broadcast.

    Parameters
    ----------
    vessels : pandas.DataFrame
        The ``vessels`` table of :class:`tumen.ais.records.AisData`.

    Returns
    -------
    pandas.DataFrame
        One row per MMSI with a change, sorted by ``mmsi``: ``mmsi``, ``fields`` (e.g.
        ``"name, IMO"``), ``changes`` (new values broadcast), ``first_change``,
        ``last_change`` (UTC: when the first / last new value was first broadcast),
        ``what`` (e.g. ``"name KESTREL → WREN (2024-01-02 03:00)"``).
    """
    history = get_identity_history(vessels)
    rows = []
    for mmsi, h in history.groupby("mmsi", sort=True):
        changes = []
        for field in IDENTITY_FIELDS:
            first = h.assign(key=_comparable(h[field])).dropna(subset=["key"])
            first = first.drop_duplicates("key", keep="first")  # history is in time order
            values, times = first[field].tolist(), first["first_seen"].tolist()
            changes += [(times[i], field, values[i - 1], values[i]) for i in range(1, len(first))]
        if changes:
            changes.sort(key=lambda c: (c[0], IDENTITY_FIELDS.index(c[1])))
            fields = [f for f in IDENTITY_FIELDS if any(c[1] == f for c in changes)]
            rows.append(
                (
                    int(mmsi),
                    ", ".join(FIELD_WORDS[f] for f in fields),
                    len(changes),
                    changes[0][0],
                    changes[-1][0],
                    "; ".join(
                        f"{FIELD_WORDS[f]} {old} → {new} ({t.strftime(_TIME)})"
                        for t, f, old, new in changes
                    ),
                )
            )
    out = pd.DataFrame(
        rows, columns=["mmsi", "fields", "changes", "first_change", "last_change", "what"]
    )
    for col in ("first_change", "last_change"):
        out[col] = pd.to_datetime(out[col], utc=True).astype("datetime64[ns, UTC]")
    return out.astype({"mmsi": "int64", "changes": "int64", "fields": object, "what": object})


def get_shared_names(vessels: pd.DataFrame) -> pd.DataFrame:
    """Names broadcast by more than one MMSI.

    Parameters
    ----------
    vessels : pandas.DataFrame
        Static records, ``mmsi, name, first_seen, last_seen`` at least.

    Returns
    -------
    pandas.DataFrame
        One row per shared name, sorted by it: ``name`` (normalised: upper case, single
        spaces), ``mmsis`` (how many MMSIs broadcast it), ``mmsi_list`` (them, ascending,
        comma-separated), ``first_seen, last_seen`` (UTC, over all of them).
    """
    ais_records.require_table_columns(vessels, ("mmsi", "name", "first_seen", "last_seen"))
    v = vessels.assign(key=ais_fleet.normalise_name(vessels["name"])).dropna(subset=["key"])
    v = v[v["key"] != ""]
    groups = v.groupby("key", sort=True)
    out = pd.DataFrame(
        {
            "mmsis": groups["mmsi"].nunique(),
            "mmsi_list": groups["mmsi"].agg(lambda s: ", ".join(str(m) for m in sorted(set(s)))),
            "first_seen": groups["first_seen"].min(),
            "last_seen": groups["last_seen"].max(),
        }
    )
    out = out[out["mmsis"] > 1].rename_axis("name").reset_index()
    out["mmsis"] = out["mmsis"].astype("int64")
    for col in ("name", "mmsi_list"):
        out[col] = out[col].astype(object)
    for col in ("first_seen", "last_seen"):
        out[col] = out[col].astype("datetime64[ns, UTC]")
    return out


def _comparable(values: pd.Series) -> pd.Series:
    """Values as compared for a change: normalised text, other values as they are."""
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        key = ais_fleet.normalise_name(values)
        return key.where(key.notna() & (key != ""), None)
    return values.astype(object).where(values.notna(), None)
