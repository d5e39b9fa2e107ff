"""The reception argument of the shuttle section: whether a ship's silence can be told from a
gap in reception, judged against the other ships heard at the loading port.

:func:`record_reception_rule` records the rule (how many other ships make the argument not
weak), :func:`traffic_sentence` says what the other ships show (for the silences paragraph
of :mod:`tumen.analyses.shuttle.text`) and :func:`other_ships_words` and
:func:`is_reception_weak` serve the closing limits (:mod:`tumen.analyses.shuttle.framing`).

>>> is_reception_weak(res)  # doctest: +SKIP
"""

from __future__ import annotations


def record_reception_rule(res, min_reception_ships: int) -> dict:
    """Record ``shuttle.min_reception_ships``, the rule :func:`is_reception_weak` applies."""
    out, rec = res.recorder("shuttle")
    rec(
        "min_reception_ships",
        int(min_reception_ships),
        "ships",
        "Fewest other ships at the loading port for a reception argument not called weak",
    )
    return out


def other_ships_words(res) -> str:
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


def traffic_sentence(res, n_vessels: int, map_name: str) -> str:
    """The sentence on the other ships at the loading port and what they show of reception,
    ending with how often the ships of interest were heard there (template words)."""
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
            lead + "the argument " + other_ships_words(res) + ", but no ship twice in a row "
            "there, so how long a transmitting ship can go unheard there is unknown and the "
            "reception argument cannot be made; "
            + _fleet_reports(res, fleet)
            + " ({fig:%s})." % map_name
        )
    text = (
        lead + "the argument " + other_ships_words(res) + ", never more than "
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
