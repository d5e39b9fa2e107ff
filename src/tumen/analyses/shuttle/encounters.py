"""Meetings at sea in the shuttle section: encounters and loitering, counted for all ships
of the AIS data and reported for the ships of interest.

The events come from :mod:`tumen.ais.encounters` (every ship of the archive); this module
records their numbers under ``shuttle.*`` names, turns them into the report's table and
writes the paragraph, for any ships and any data, with an honest sentence when nothing was
found.

>>> record_encounters(res, encounters, loitering, vessels=vessels, fleet=fleet)  # doctest: +SKIP
>>> describe_encounters(res, vessels, fleet=fleet, names=get_ship_names(data.vessels))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.analyses.shuttle.vessels import to_result_name
from tumen.analyses.shuttle.words import get_display_name
from tumen.errors import DataError
from tumen.report.words import join_words

#: The detection settings the text cites: parameter -> (unit, description).
SETTINGS = {
    "encounter_max_distance_m": ("m", "Farthest apart two ships in an encounter are"),
    "encounter_min_duration_h": ("h", "Shortest encounter"),
    "encounter_max_sog_kn": ("kn", "Both ships in an encounter are slower than this"),
    "encounter_min_port_km": ("km", "Nearest a port's geofence an encounter may be"),
    "encounter_min_shore_km": ("km", "Nearest the shore an encounter may be (0: no test)"),
    "loitering_max_sog_kn": ("kn", "A loitering ship is slower than this"),
    "loitering_min_duration_h": ("h", "Shortest loitering"),
    "loitering_min_shore_nm": ("nmi", "Nearest the shore loitering may be"),
    "meeting_time_step_min": ("min", "Time step of the grid the tracks are put on"),
    "meeting_max_fix_gap_h": ("h", "Longest time between two fixes interpolated"),
}
#: Columns of :func:`get_fleet_events`.
EVENT_COLUMNS = [
    "vessel",
    "kind",
    "mmsi",
    "other_mmsi",
    "start",
    "end",
    "duration_h",
    "lat",
    "lon",
    "shore_km",
    "port_km",
    "median_distance_m",
]


def get_ship_names(vessels: pd.DataFrame) -> dict[int, str]:
    """MMSI -> every name it broadcast, in the order first heard, joined by " / " (from the
    ``vessels`` table of :class:`tumen.ais.records.AisData`): an MMSI that changed its name is
    shown under each; MMSIs without a name are left out.

    >>> v = pd.DataFrame({"mmsi": [5, 5, 6], "name": ["LATER", "FIRST", None],
    ...                   "first_seen": pd.to_datetime(["2031-01-02", "2031-01-01", "2031-01-01"])})
    >>> get_ship_names(v)
    {5: 'FIRST / LATER'}
    """
    v = vessels.dropna(subset=["name"])
    v = v[v["name"].astype(str).str.strip() != ""]
    if "first_seen" in v:
        v = v.sort_values(["mmsi", "first_seen"], kind="stable")
    names: dict[int, list[str]] = {}
    for m, n in zip(v["mmsi"], v["name"]):
        seen = names.setdefault(int(m), [])
        if str(n) not in seen:
            seen.append(str(n))
    return {m: " / ".join(n) for m, n in names.items()}


def get_fleet_events(
    encounters: pd.DataFrame, loitering: pd.DataFrame, fleet: pd.DataFrame
) -> pd.DataFrame:
    """The encounters and loitering of the ships of interest, one row per ship and event.

    Parameters
    ----------
    encounters, loitering : pandas.DataFrame
        From :func:`tumen.ais.encounters.get_encounters` and
        :func:`tumen.ais.encounters.get_loitering`.
    fleet : pandas.DataFrame
        ``vessel, mmsi`` (:func:`tumen.ais.fleet.get_fleet`).

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS`, sorted by ``vessel, start``: ``kind`` is ``encounter`` or
        ``loitering``; ``other_mmsi`` the ship met (NA for loitering). An encounter of two
        ships of interest is a row of each.
    """
    lookup = fleet[["vessel", "mmsi"]].drop_duplicates().astype({"mmsi": "int64"})
    out = lookup.merge(_events(encounters, loitering, both_sides=True), on="mmsi")
    return out.sort_values(
        ["vessel", "start", "kind", "other_mmsi"], kind="stable", ignore_index=True
    )[EVENT_COLUMNS]


def _events(encounters: pd.DataFrame, loitering: pd.DataFrame, *, both_sides: bool) -> pd.DataFrame:
    """Encounters (from each ship's side, or once from ``mmsi_a``'s) and loitering as one
    table of :data:`EVENT_COLUMNS` but ``vessel``."""
    sides = [("mmsi_a", "mmsi_b"), ("mmsi_b", "mmsi_a")][: 2 if both_sides else 1]
    met = pd.concat(
        [encounters.rename(columns={own: "mmsi", other: "other_mmsi"}) for own, other in sides],
        ignore_index=True,
    ).assign(kind="encounter")
    alone = loitering.assign(kind="loitering", other_mmsi=pd.NA, median_distance_m=np.nan)
    frames = [f for f in (met, alone) if len(f)]
    both = pd.concat(frames, ignore_index=True) if frames else met
    both["other_mmsi"] = both["other_mmsi"].astype("Int64")
    return both[EVENT_COLUMNS[1:]]


def record_encounters(
    res,
    encounters: pd.DataFrame,
    loitering: pd.DataFrame,
    *,
    vessels: Sequence[str],
    fleet: pd.DataFrame,
    settings: Mapping[str, float] | None = None,
) -> dict:
    """Record the meetings at sea under ``shuttle.*`` names.

    All ships: ``encounters_all``, ``encounter_ships_all``, ``loitering_all``,
    ``loitering_ships_all``. Each ship of interest ``<v>`` (:func:`tumen.analyses.shuttle.vessels.to_result_name`):
    ``<v>.encounters``, ``<v>.encounter_partners``, ``<v>.encounter_hours``,
    ``<v>.loitering``, ``<v>.loitering_hours`` and ``<v>.meeting_nearest_shore_km`` (None
    without an event). ``settings`` keys are those of :data:`SETTINGS`.

    Returns
    -------
    dict
        name -> value of everything recorded.
    """
    rows = get_encounter_results(
        encounters, loitering, vessels=vessels, fleet=fleet, settings=settings
    )
    out, rec = res.recorder("shuttle")
    for name, value, unit, description in rows:
        rec(name, value, unit, description)
    return out


def get_encounter_results(
    encounters: pd.DataFrame,
    loitering: pd.DataFrame,
    *,
    vessels: Sequence[str],
    fleet: pd.DataFrame,
    settings: Mapping[str, float] | None = None,
) -> list[tuple]:
    """What :func:`record_encounters` records, in its order: ``(name, value, unit,
    description)`` rows (names without ``shuttle.``); an unknown setting is a DataError."""
    unknown = [key for key in settings or {} if key not in SETTINGS]
    if unknown:
        raise DataError(
            f"unknown setting {unknown[0]!r}",
            field="settings",
            hint=f"known: {', '.join(SETTINGS)}",
        )
    ships = pd.concat([encounters["mmsi_a"], encounters["mmsi_b"]]).nunique()
    rows = [
        (
            "encounters_all",
            len(encounters),
            "encounters",
            "Encounters between two ships anywhere in the AIS data",
        ),
        ("encounter_ships_all", int(ships), "ships", "Ships in at least one encounter"),
        ("loitering_all", len(loitering), "events", "Loitering events of any ship in the AIS data"),
        (
            "loitering_ships_all",
            int(loitering["mmsi"].nunique()),
            "ships",
            "Ships that loitered at least once",
        ),
    ]
    events = get_fleet_events(encounters, loitering, fleet)
    for vessel in vessels:
        rows += _vessel_results(vessel, events[events["vessel"] == vessel])
    rows += [(key, float(value), *SETTINGS[key]) for key, value in (settings or {}).items()]
    return rows


def _vessel_results(vessel: str, mine: pd.DataFrame) -> list[tuple]:
    """The rows of :func:`get_encounter_results` of one ship of interest, from its events."""
    v = to_result_name(vessel)
    met, alone = mine[mine["kind"] == "encounter"], mine[mine["kind"] == "loitering"]
    return [
        (f"{v}.encounters", len(met), "encounters", f"Encounters of {vessel} with other ships"),
        (
            f"{v}.encounter_partners",
            int(met["other_mmsi"].nunique()),
            "ships",
            f"Other ships (MMSIs) {vessel} met",
        ),
        (
            f"{v}.encounter_hours",
            float(met["duration_h"].sum()),
            "h",
            f"Hours {vessel} spent in encounters (summed)",
        ),
        (f"{v}.loitering", len(alone), "events", f"Loitering events of {vessel}"),
        (
            f"{v}.loitering_hours",
            float(alone["duration_h"].sum()),
            "h",
            f"Hours {vessel} spent loitering (summed)",
        ),
        (
            f"{v}.meeting_nearest_shore_km",
            float(mine["shore_km"].min()) if len(mine) else None,
            "km",
            f"Nearest the shore any encounter or loitering of {vessel} was",
        ),
    ]


def to_encounter_display(
    encounters: pd.DataFrame,
    loitering: pd.DataFrame,
    *,
    fleet: pd.DataFrame,
    names: Mapping[int, str] | None = None,
    max_rows: int = 20,
) -> pd.DataFrame:
    """The report's table of meetings at sea.

    The events of the ships of interest; when they have none, the longest events of other
    ships (at most ``max_rows``); when there are none at all, one row saying so.

    Parameters
    ----------
    encounters, loitering : pandas.DataFrame
        From :mod:`tumen.ais.encounters`.
    fleet : pandas.DataFrame
        ``vessel, mmsi``.
    names : mapping of int to str, optional
        MMSI -> ship name (:func:`get_ship_names`).
    max_rows : int
        Most rows of other ships' events.

    Returns
    -------
    pandas.DataFrame
        ``ship``, ``event``, ``with``, ``from``, ``until`` (UTC), ``hours``, ``where``
        (degrees), ``from shore (km)``, ``from port (km)``, ``apart (m)``.
    """
    names = dict(names or {})
    events = get_fleet_events(encounters, loitering, fleet)
    label = lambda m: f"{names[m]} ({m})" if m in names else f"MMSI {m}"  # noqa: E731
    if len(events):
        ship = [get_display_name(v) for v in events["vessel"]]
    else:
        events = _events(encounters, loitering, both_sides=False)
        events = events.sort_values("duration_h", ascending=False, kind="stable").head(max_rows)
        ship = [label(int(m)) for m in events["mmsi"]]
    if not len(events):
        return pd.DataFrame(NONE_FOUND)
    stamp = "%Y-%m-%d\u00a0%H:%M"
    port = events["port_km"].to_numpy(float)
    return pd.DataFrame(
        {
            "ship": ship,
            "event": events["kind"].to_numpy(object),
            "with": ["" if pd.isna(m) else label(int(m)) for m in events["other_mmsi"]],
            "from": events["start"].dt.strftime(stamp).to_numpy(object),
            "until": events["end"].dt.strftime(stamp).to_numpy(object),
            "hours": events["duration_h"].to_numpy(float),
            "where": [_place(a, b) for a, b in zip(events["lat"], events["lon"])],
            "from shore (km)": events["shore_km"].to_numpy(float),
            "from port (km)": np.where(np.isfinite(port), port, np.nan),
            "apart (m)": events["median_distance_m"].to_numpy(float),
        }
    )


#: The table of meetings at sea when no ship met or loitered: one row saying so.
NONE_FOUND = {
    "ship": ["all ships"],
    "event": ["none found"],
    "with": [""],
    "from": [""],
    "until": [""],
    "hours": [np.nan],
    "where": [""],
    "from shore (km)": [np.nan],
    "from port (km)": [np.nan],
    "apart (m)": [np.nan],
}


def _place(lat: float, lon: float) -> str:
    """``42.100° N, 131.200° E``."""
    return (
        f"{abs(lat):.3f}\u00b0\u00a0{'N' if lat >= 0 else 'S'}, "
        f"{abs(lon):.3f}\u00b0\u00a0{'E' if lon >= 0 else 'W'}"
    )


# --- words --------------------------------------------------------------------------------

_WHY = (
    "Ships that lie side by side far from any port for hours may be moving cargo from one to "
    "the other. Transfers at sea are a known way of evading the sanctions on North Korea: "
    "the UN Panel of Experts has reported ship-to-ship transfers of oil and coal for years. "
    "The tests here are those of Global Fishing Watch and Skylight. An *encounter* is two "
    "ships within {shuttle.encounter_max_distance_m:,.0f} metres of each other for at least "
    "{shuttle.encounter_min_duration_h:g} hours, both slower than "
    "{shuttle.encounter_max_sog_kn:g} knots and at least {shuttle.encounter_min_port_km:g} km "
    "from a port{shore}; *loitering* is one ship slower than "
    "{shuttle.loitering_max_sog_kn:g} knots for at least "
    "{shuttle.loitering_min_duration_h:g} hours, at least "
    "{shuttle.loitering_min_shore_nm:g} nautical miles from shore. Each ship's track is put on "
    "a {shuttle.meeting_time_step_min:g}-minute grid, positions interpolated between fixes at "
    "most {shuttle.meeting_max_fix_gap_h:g} hours apart, and the distance from shore is "
    "measured against the Natural Earth 1:10m coastline. "
)


def describe_encounters(
    res,
    vessels: Sequence[str],
    encounters: pd.DataFrame,
    loitering: pd.DataFrame,
    *,
    fleet: pd.DataFrame,
    names: Mapping[int, str] | None = None,
):
    """The paragraph on meetings at sea: why they matter, the tests, what was found.

    Parameters
    ----------
    res : tumen.engine.results.Results
        With :func:`record_encounters` recorded (its ``settings`` included).
    vessels : sequence of str
        The ``vessels`` entries.
    encounters, loitering : pandas.DataFrame
        From :mod:`tumen.ais.encounters` (to name the ships met).
    fleet : pandas.DataFrame
        ``vessel, mmsi``: a ship of interest with no row was not identified on AIS.
    names : mapping of int to str, optional
        MMSI -> ship name, to name the ships met.

    Returns
    -------
    IPython.display.Markdown
    """
    shore = (
        ""
        if not res.records.get("shuttle.encounter_min_shore_km", {}).get("value")
        else " and {shuttle.encounter_min_shore_km:g} km from shore (a stand-in for Global "
        "Fishing Watch's list of anchorages: the gazetteer names few ports, and a meeting "
        "nearer the shore is taken for a stay in a harbour or an anchorage)"
    )
    text = _singular_hours(res, _WHY.replace("{shore}", shore)) + _all_ships(res)
    words, parts = _fleet_words(
        res, vessels, get_fleet_events(encounters, loitering, fleet), set(fleet["vessel"]), names
    )
    text += (
        ("For the ship of interest: " if len(vessels) == 1 else "For the ships of interest: ")
        + "; ".join(parts)
        + ". "
    )
    if _fleet_total(res, vessels):
        text += "{tab:shuttle_meetings} lists each with where, how long and how far from shore. "
    elif res["shuttle.encounters_all"] + res["shuttle.loitering_all"]:
        text += "{tab:shuttle_meetings} lists the longest events of other ships. "
    text += (
        "An encounter is a place to look, not proof of a transfer: ships also wait together "
        "for a pilot, a berth or better weather. And a ship whose AIS is off cannot be seen "
        "meeting anyone, so no encounter is not evidence of none."
    )
    return res.md(text, **words)


def _fleet_words(
    res, vessels: Sequence[str], events: pd.DataFrame, on_ais: set, names
) -> tuple[dict, list[str]]:
    """Each ship of interest's sentence (template words) and the keywords they cite: its
    name (``v<i>``) and the ships it met (``met<i>``)."""
    words, parts = {}, []
    for i, vessel in enumerate(vessels):
        words[f"v{i}"] = get_display_name(vessel)
        if vessel not in on_ais:
            parts.append("{v%d} was not identified on AIS, so AIS cannot show whom it met" % i)
            continue
        met = events.loc[events["vessel"] == vessel, "other_mmsi"].dropna().unique()
        words[f"met{i}"] = join_words(
            [(names or {}).get(int(m), f"MMSI {int(m)}") for m in sorted(met)]
        )
        parts.append(_ship_sentence(res, i, to_result_name(vessel), len(met) > 0))
    return words, parts


def _singular_hours(res, template: str) -> str:
    """``{name:g} hours`` becomes ``{name:g} hour`` where the value is 1."""
    return re.sub(
        r"\{([a-z0-9_.]+):g\} hours",
        lambda m: m.group(0)[:-1] if res[m.group(1)] == 1 else m.group(0),
        template,
    )


def _all_ships(res) -> str:
    n_enc, n_loi = res["shuttle.encounters_all"], res["shuttle.loitering_all"]
    if not n_enc and not n_loi:
        return "No encounter and no loitering was found anywhere in the AIS data. "
    enc = (
        "no encounter"
        if not n_enc
        else "{shuttle.encounters_all} "
        + ("encounter" if n_enc == 1 else "encounters")
        + " between {shuttle.encounter_ships_all} ships"
    )
    loi = (
        "no loitering"
        if not n_loi
        else "{shuttle.loitering_all} "
        + ("loitering event" if n_loi == 1 else "loitering events")
        + " of {shuttle.loitering_ships_all} "
        + ("ship" if res["shuttle.loitering_ships_all"] == 1 else "ships")
    )
    return "Across every ship in the AIS data the tests found " + enc + " and " + loi + ". "


def _ship_sentence(res, i: int, v: str, named: bool) -> str:
    n_enc, n_loi = res[f"shuttle.{v}.encounters"], res[f"shuttle.{v}.loitering"]
    if not n_enc and not n_loi:
        return "{v%d} met no other ship and did not loiter" % i
    out = "{v%d} " % i
    if n_enc:
        out += (
            "met {shuttle.%s.encounter_partners} other " % v
            + ("ship" if res[f"shuttle.{v}.encounter_partners"] == 1 else "ships")
            + (" ({met%d})" % i if named else "")
            + " in {shuttle.%s.encounters} " % v
            + ("encounter" if n_enc == 1 else "encounters")
            + " lasting {shuttle.%s.encounter_hours:.1f} hours in all" % v
        )
    else:
        out += "met no other ship"
    out += (
        " and loitered {shuttle.%s.loitering} " % v
        + ("time" if n_loi == 1 else "times")
        + " ({shuttle.%s.loitering_hours:.1f} hours)" % v
        if n_loi
        else " and did not loiter"
    )
    return out + (
        ", never nearer than {shuttle.%s.meeting_nearest_shore_km:.0f} km to the shore" % v
    )


def _fleet_total(res, vessels: Sequence[str]) -> int:
    """Encounters and loitering events of the ships of interest, summed."""
    return sum(
        res[f"shuttle.{to_result_name(v)}.encounters"]
        + res[f"shuttle.{to_result_name(v)}.loitering"]
        for v in vessels
    )


def caption_encounters(res, vessels: Sequence[str]) -> str:
    """Caption of the table of meetings at sea (which events it lists)."""
    ours = _fleet_total(res, vessels)
    who = join_words([get_display_name(v) for v in vessels])
    if ours:
        return (
            f"Every encounter and loitering event of {who}: with whom, when (UTC), for how "
            "long, where (mean position), how far from shore and from the nearest port, "
            "and how far apart the two ships were (median)."
        )
    if res["shuttle.encounters_all"] + res["shuttle.loitering_all"]:
        return (
            f"No encounter or loitering of {who} was found; the longest events among the "
            "other ships of the AIS data, with where, how long and how far from shore."
        )
    return "No encounter or loitering was found anywhere in the AIS data."
