"""Identity checks in the shuttle section: results, the report's table and its sentences.

:mod:`tumen.ais.identity` finds, for every MMSI of the archive, the identity changes, the
names broadcast by more than one MMSI and the tracks that jump between two places (a
possibly shared identity). This module puts them in the report from the side of the ships
of interest: :func:`record_identity` records the counts under ``shuttle.*`` (for the whole
archive and per ship), :func:`to_identity_display` makes one row per MMSI worth a look
(every MMSI of a ship of interest, and every other one with a finding) and
:func:`describe_identity` says what was found, with a sentence for every empty case.

>>> checks = ais_identity.get_identity_checks(data.vessels, data.positions)   # doctest: +SKIP
>>> record_identity(res, checks, fleet, vessels, max_jump_kn=50.0)          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tumen.ais.fleet import normalise_name
from tumen.ais.identity import IdentityChecks
from tumen.ais.transmitters import SHARED
from tumen.analyses.shuttle.vessels import to_result_name
from tumen.analyses.shuttle.words import get_display_name
from tumen.report.words import join_words


def get_name_users(checks: IdentityChecks) -> dict[str, list[int]]:
    """Each shared name (normalised) -> the MMSIs that broadcast it, ascending."""
    h = checks.history.assign(key=normalise_name(checks.history["name"]))
    shared = set(checks.shared_names["name"])
    users = h[h["key"].isin(shared)].groupby("key")["mmsi"].agg(lambda s: sorted(set(s)))
    return {k: [int(m) for m in v] for k, v in users.items()}


def record_identity(
    res,
    checks: IdentityChecks,
    fleet: pd.DataFrame,
    vessels: Sequence[str],
    *,
    max_jump_kn: float,
    min_jumps: int = 4,
    min_fixes: int = 3,
    min_share: float = 0.05,
) -> dict:
    """Record the identity checks under ``shuttle.*``.

    Records ``identity_changed_mmsis`` (MMSIs whose name, IMO, call sign or type changed),
    ``shared_names`` (names broadcast by more than one MMSI), ``possibly_shared_identities``
    (MMSIs whose track splits into two transmitters), the thresholds ``max_jump_kn``,
    ``identity_min_jumps``, ``identity_min_fixes``, ``identity_min_share``, and per ship
    of interest ``<v>``:
    ``<v>.mmsis`` (MMSIs matched to it), ``<v>.identity_changes`` (of those, with a
    change), ``<v>.shared_names`` (names its MMSIs broadcast that more than one MMSI
    broadcast), ``<v>.shared_name_mmsis`` (the most MMSIs behind one of those names; 0
    without one), ``<v>.possibly_shared_identities``.

    Returns
    -------
    dict
        Result name (no ``shuttle.`` prefix) -> the value recorded.
    """
    rows = get_identity_results(
        checks,
        fleet,
        vessels,
        max_jump_kn=max_jump_kn,
        min_jumps=min_jumps,
        min_fixes=min_fixes,
        min_share=min_share,
    )
    out, rec = res.recorder("shuttle")
    for name, value, unit, description in rows:
        rec(name, value, unit, description)
    return out


def get_identity_results(
    checks: IdentityChecks,
    fleet: pd.DataFrame,
    vessels: Sequence[str],
    *,
    max_jump_kn: float,
    min_jumps: int = 4,
    min_fixes: int = 3,
    min_share: float = 0.05,
) -> list[tuple]:
    """What :func:`record_identity` records, in its order: ``(name, value, unit,
    description)`` rows (names without ``shuttle.``)."""
    flagged = set(checks.splits.loc[checks.splits["verdict"] == SHARED, "mmsi"])
    changed = set(checks.changes["mmsi"])
    rows = [
        (
            "identity_changed_mmsis",
            len(changed),
            "MMSIs",
            "MMSIs whose broadcast name, IMO number, call sign or ship type changed",
        ),
        (
            "shared_names",
            len(checks.shared_names),
            "names",
            "Ship names broadcast by more than one MMSI",
        ),
        (
            "possibly_shared_identities",
            len(flagged),
            "MMSIs",
            "MMSIs whose track jumps back and forth between two places: possibly two transmitters",
        ),
        ("max_jump_kn", float(max_jump_kn), "kn", "Implied speed that marks a jump between fixes"),
        (
            "identity_min_jumps",
            int(min_jumps),
            "jumps",
            "Fewest switches between two places for a possibly shared identity",
        ),
        (
            "identity_min_fixes",
            int(min_fixes),
            "fixes",
            "Fewest fixes at each of the two places for a possibly shared identity",
        ),
        (
            "identity_min_share",
            float(min_share),
            "1",
            "Smallest share of an MMSI's fixes at each of the two places for that flag",
        ),
    ]
    users = get_name_users(checks)
    for vessel in vessels:
        mmsis = set(fleet.loc[fleet["vessel"] == vessel, "mmsi"].astype("int64"))
        rows += _vessel_results(vessel, mmsis, users, changed=changed, flagged=flagged)
    return rows


def _vessel_results(
    vessel: str, mmsis: set, users: Mapping, *, changed: set, flagged: set
) -> list[tuple]:
    """The rows of :func:`get_identity_results` of one ship of interest, from its MMSIs."""
    v = to_result_name(vessel)
    names = [k for k, who in users.items() if mmsis & set(who)]
    return [
        (f"{v}.mmsis", len(mmsis), "MMSIs", f"MMSIs matched to {vessel}"),
        (
            f"{v}.identity_changes",
            len(mmsis & changed),
            "MMSIs",
            f"MMSIs of {vessel} whose broadcast identity changed",
        ),
        (
            f"{v}.shared_names",
            len(names),
            "names",
            f"Names broadcast by {vessel}'s MMSIs that more than one MMSI broadcast",
        ),
        (
            f"{v}.shared_name_mmsis",
            max((len(users[k]) for k in names), default=0),
            "MMSIs",
            f"Most MMSIs behind one shared name of {vessel}",
        ),
        (
            f"{v}.possibly_shared_identities",
            len(mmsis & flagged),
            "MMSIs",
            f"MMSIs of {vessel} whose track splits into two transmitters",
        ),
    ]


def to_identity_display(
    checks: IdentityChecks, fleet: pd.DataFrame, labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """The identity table of the report: every MMSI of a ship of interest and every other
    MMSI with a finding, one row each, sorted by MMSI.

    Parameters
    ----------
    checks : tumen.ais.identity.IdentityChecks
    fleet : pandas.DataFrame
        ``vessel, mmsi`` (:func:`tumen.ais.fleet.get_fleet`).
    labels : dict, optional
        ``vessels`` entry -> name shown (e.g. ``MMSI 273111111`` for ``mmsi:273111111``).

    Returns
    -------
    pandas.DataFrame
        ``MMSI``, ``ship of interest`` (empty for other traffic), ``names``, ``IMO``,
        ``call signs`` (every value broadcast, in the order first heard, `` / ``-joined),
        ``finding`` (each change, each name shared with another MMSI, a possibly shared
        identity; ``none`` when there is none).
    """
    labels = dict(labels or {})
    users = get_name_users(checks)
    splits = checks.splits.set_index("mmsi")
    flagged = set(splits.index[splits["verdict"] == SHARED])
    what = dict(zip(checks.changes["mmsi"], checks.changes["what"]))
    shown = sorted(
        set(fleet["mmsi"].astype("int64"))
        | set(what)
        | flagged
        | {m for who in users.values() for m in who}
    )
    rows = []
    for mmsi in shown:
        h = checks.history[checks.history["mmsi"] == mmsi]
        ships = fleet.loc[fleet["mmsi"] == mmsi, "vessel"]
        found = [what[mmsi]] if mmsi in what else []
        found += [
            f"name {name} also broadcast by MMSI " + ", ".join(str(m) for m in who if m != mmsi)
            for name, who in sorted(users.items())
            if mmsi in who
        ]
        if mmsi in flagged:
            found.append(f"{SHARED}: {splits.loc[mmsi, 'reason']}")
        rows.append(
            {
                "MMSI": str(mmsi),
                "ship of interest": ", ".join(labels.get(v, v) for v in ships),
                "names": _values(h["name"]),
                "IMO": _values(h["imo"]),
                "call signs": _values(h["callsign"]),
                "finding": "; ".join(found) or "none",
            }
        )
    columns = ["MMSI", "ship of interest", "names", "IMO", "call signs", "finding"]
    return pd.DataFrame(rows, columns=columns).astype(object)


def _values(values: pd.Series) -> str:
    """Distinct values in order, `` / ``-joined (missing values left out)."""
    seen = [str(v) for v in values.dropna().tolist() if str(v).strip()]
    return " / ".join(dict.fromkeys(seen))


def describe_identity(
    res,
    vessels: Sequence[str],
    checks: IdentityChecks,
    fleet: pd.DataFrame,
    *,
    table_name: str = "shuttle_identity",
):
    """The paragraph on identities: shared names, changes, possibly shared MMSIs.

    Needs :func:`record_identity`. Every case has a sentence: no shared name, no change
    and no split track are said in words.

    Parameters
    ----------
    res : tumen.engine.results.Results
    vessels : sequence of str
        The ``vessels`` entries.
    checks : tumen.ais.identity.IdentityChecks
    fleet : pandas.DataFrame
        ``vessel, mmsi`` (:func:`tumen.ais.fleet.get_fleet`).
    table_name : str
        Name of the identity table (cross-reference).

    Returns
    -------
    IPython.display.Markdown
    """
    words = {f"v{i}": get_display_name(v) for i, v in enumerate(vessels)}
    slugs = [to_result_name(v) for v in vessels]
    text = (
        "Every MMSI in the AIS data was checked for what its static reports broadcast "
        "over time and for a track that jumps between two places ({tab:%s} lists the "
        "MMSIs of the ships of interest and every other MMSI with a finding). " % table_name
    )
    text += _names_sentence(res, vessels, slugs, checks, fleet, words) + " "
    text += _changes_and_splits(res, slugs)
    if res["shuttle.possibly_shared_identities"]:
        text += (
            " The analysis leaves such fixes out as impossible jumps, so a shared "
            "identity can hide part of a ship's track."
        )
    return res.md(text, **words)


def _changes_and_splits(res, slugs: Sequence[str]) -> str:
    """The sentences on changed identities and on tracks that split into two transmitters."""
    text = _count_sentence(
        res,
        "identity_changed_mmsis",
        "identity_changes",
        slugs,
        (
            "No MMSI changed its name, IMO number, call sign or ship type in the data.",
            " changed a name, IMO number, call sign or ship type in the data",
        ),
    )
    text += " " + _count_sentence(
        res,
        "possibly_shared_identities",
        "possibly_shared_identities",
        slugs,
        (
            "No track jumps back and forth between two places often enough (at least "
            "{shuttle.identity_min_jumps} jumps faster than {shuttle.max_jump_kn:g} knots) to "
            "suggest two transmitters sharing one MMSI.",
            " sent a track that jumps back and forth between two places, with at least "
            "{shuttle.identity_min_jumps} jumps faster than {shuttle.max_jump_kn:g} knots: "
            "possibly two transmitters sharing one identity",
        ),
    )
    return text


def _names_sentence(res, vessels, slugs, checks, fleet, words) -> str:
    """Names broadcast by more than one MMSI, naming those of the ships of interest."""
    silent = [i for i, s in enumerate(slugs) if not res[f"shuttle.{s}.mmsis"]]
    lead = ""
    if silent:
        lead = (
            join_words(["{v%d}" % i for i in silent])
            + " matched no MMSI of the AIS data, so no identity of "
            + ("it" if len(silent) == 1 else "theirs")
            + " could be checked. "
        )
    n = res["shuttle.shared_names"]
    if not n:
        return lead + "No name was broadcast by more than one MMSI."
    users = get_name_users(checks)
    ours = []
    for i, (vessel, s) in enumerate(zip(vessels, slugs)):
        mmsis = set(fleet.loc[fleet["vessel"] == vessel, "mmsi"])
        names = sorted(
            (k for k, who in users.items() if mmsis & set(who)), key=lambda k: (-len(users[k]), k)
        )
        if names:
            words[f"n{i}"] = names[0]
            ours.append("{n%d} (%s) by {shuttle.%s.shared_name_mmsis} MMSIs" % (i, "{v%d}" % i, s))
    text = lead + "{shuttle.shared_names} " + ("name was" if n == 1 else "names were")
    text += " broadcast by more than one MMSI"
    if ours:
        return text + (": " if n == 1 else ", among them ") + join_words(ours) + "."
    return (
        text
        + "; "
        + ("it is not" if n == 1 else "none of them is")
        + " a name of a ship of interest."
    )


def _count_sentence(res, total: str, per_ship: str, slugs, texts) -> str:
    """``N MMSIs <verb>, among them <k> of <ship>`` or the sentence for none."""
    n = res[f"shuttle.{total}"]
    if not n:
        return texts[0]
    ours = [
        ("an MMSI of {v%d}" % i)
        if res[f"shuttle.{s}.{per_ship}"] == 1
        else ("{shuttle.%s.%s} MMSIs of {v%d}" % (s, per_ship, i))
        for i, s in enumerate(slugs)
        if res[f"shuttle.{s}.{per_ship}"]
    ]
    text = "{shuttle.%s} " % total + ("MMSI" if n == 1 else "MMSIs") + texts[1]
    if not ours:
        return (
            text
            + "; "
            + ("it is not" if n == 1 else "none of them is")
            + " an MMSI of a ship of interest."
        )
    return text + " (" + ("" if n == 1 else "among them ") + join_words(ours) + ")."
