"""The shuttle section's account of why each AIS silence happened: results, table, words.

:func:`tumen.ais.silences.explain_silences` measures and classes every silence of the
ships of interest; this module records the counts the text cites under ``shuttle.*``
(:func:`record_silences`), turns the table into the report's table
(:func:`to_silence_display`) and writes the paragraph (:func:`describe_silences_explained`)
for any ships, including a ship never heard and a ship with no silence. Every number in
the words is a recorded result filled in by :meth:`tumen.engine.results.Results.md`.

>>> table = ais_silences.explain_silences(gaps, heard, exclude_mmsi=fleet, **rules)  # doctest: +SKIP
>>> record_silences(res, table, vessels, settings=rules)                            # doctest: +SKIP
>>> describe_silences_explained(res, vessels, heard={"Angara"})                     # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from tumen.ais.silences import CLASSES, to_rules
from tumen.analyses.shuttle.vessels import to_result_name
from tumen.analyses.shuttle.words import get_display_name
from tumen.geo import coast
from tumen.geo.earth import KM_PER_NM
from tumen.report.words import join_words

#: Result-name part of each class (``likely_switched_off``, ...).
CLASS_SLUGS = {c: to_result_name(c) for c in CLASSES}
#: The thresholds as recorded: result name, unit, description.
_SETTINGS = {
    "neighbour_km": (
        "neighbour_km",
        "km",
        "Distance within which another ship is a silent ship's neighbour",
    ),
    "min_neighbour_rate_per_h": (
        "min_neighbour_rate_per_h",
        "reports/h",
        "Neighbour reports per hour of silence that show reception worked",
    ),
    "gfw_min_gap_h": ("gfw_min_gap_h", "h", "GFW's rule: shortest silence"),
    "gfw_min_shore_nm": (
        "gfw_min_shore_nm",
        "nmi",
        "GFW's rule: least distance from shore where a silence starts",
    ),
    "gfw_min_cell_per_day": (
        "gfw_min_cell_per_day",
        "reports/ship/day",
        "GFW's rule: the start cell must receive more reports per ship a day than this",
    ),
    "gfw_min_fixes_before": (
        "gfw_min_fixes_before",
        "reports",
        "GFW's rule: fewest reports of the ship in the hours before a silence",
    ),
    "before_h": (
        "silence_before_h",
        "h",
        "Hours before a silence in which the ship's reports are counted",
    ),
    "cell_deg": ("silence_cell_deg", "degrees", "Cell size of the reception grid"),
}


def record_silences(
    res,
    table: pd.DataFrame,
    vessels: Sequence[str],
    *,
    settings: Mapping | None = None,
    by: str = "vessel",
) -> dict:
    """Record the silence counts per class and ship, GFW's count and the thresholds.

    Names: ``shuttle.<v>.silences`` (all silences of the ship), ``shuttle.<v>.silences_<c>``
    for each class ``<c>`` of :data:`CLASS_SLUGS`, ``shuttle.<v>.silences_gfw``; the same
    over all ships without ``<v>`` (``shuttle.silences_total``, ``shuttle.silences_<c>``,
    ``shuttle.silences_gfw``, ``shuttle.silences_near_shore``: silences between two fixes
    that start closer to shore than GFW's rule allows); and the thresholds
    (``shuttle.neighbour_km``, ``shuttle.gfw_min_gap_h``, ...).

    Parameters
    ----------
    res : tumen.engine.results.Results
    table : pandas.DataFrame
        From :func:`tumen.ais.silences.explain_silences`.
    vessels : sequence of str
        The ``vessels`` entries (``<v>`` is :func:`tumen.analyses.shuttle.vessels.to_result_name`).
    settings : mapping, optional
        The thresholds the table was made with (keywords of
        :class:`tumen.ais.silences.SilenceRules`; defaults for those not given).
    by : str
        The column of ``table`` naming a ship.

    Returns
    -------
    dict
        name (without ``shuttle.``) -> value of everything recorded.
    """
    rows = get_silence_results(table, vessels, settings=settings, by=by)
    out, rec = res.recorder("shuttle")
    for name, value, unit, description in rows:
        rec(name, value, unit, description)
    return out


def get_silence_results(
    table: pd.DataFrame,
    vessels: Sequence[str],
    *,
    settings: Mapping | None = None,
    by: str = "vessel",
) -> list[tuple]:
    """What :func:`record_silences` records, in its order: ``(name, value, unit,
    description)`` rows (names without ``shuttle.``)."""
    rules = to_rules(**(settings or {}))
    rows = []
    for vessel in vessels:
        v = to_result_name(vessel)
        mine = table[table[by] == vessel]
        rows.append((f"{v}.silences", len(mine), "silences", f"AIS silences of {vessel} judged"))
        rows += _class_counts(mine, f"{v}.", f"of {vessel}")
    rows.append(
        ("silences_total", len(table), "silences", "AIS silences of the ships of interest judged")
    )
    rows += _class_counts(table, "", "of the ships of interest")
    near = (table["kind"] == "between") & (
        table["shore_km_before"] / KM_PER_NM < rules.gfw_min_shore_nm
    )
    rows.append(
        (
            "silences_near_shore",
            int(near.sum()),
            "silences",
            "AIS silences between two fixes that start closer to shore than GFW's rule allows",
        )
    )
    rows += [
        (name, getattr(rules, key), unit, description)
        for key, (name, unit, description) in _SETTINGS.items()
    ]
    return rows


def _class_counts(rows: pd.DataFrame, prefix: str, who: str) -> list[tuple]:
    """The silences of ``rows`` per class and by GFW's rule, as result rows."""
    out = [
        (
            f"{prefix}silences_{slug}",
            int((rows["class"] == klass).sum()),
            "silences",
            f"AIS silences {who} classed '{klass}'",
        )
        for klass, slug in CLASS_SLUGS.items()
    ]
    out.append(
        (
            f"{prefix}silences_gfw",
            int(rows["gfw"].sum()),
            "silences",
            f"AIS silences {who} that Global Fishing Watch's rule counts as a suspected disabling",
        )
    )
    return out


def to_silence_display(table: pd.DataFrame, *, by: str = "vessel") -> pd.DataFrame:
    """The table of :func:`tumen.ais.silences.explain_silences` as the report shows it:
    seven columns, so it fits a printed page (the reason holds the neighbour control and
    the cell's reception in words).

    Returns
    -------
    pandas.DataFrame
        ``ship``; ``silent (UTC)`` (``DD Mon HH:MM → DD Mon HH:MM``, "window start" /
        "window end" at an edge); ``hours``; ``from shore (nm)`` where the ship was last and
        next heard; ``own reports, 12 h before``; ``class and why``; ``GFW would count it``
        ("yes" or "no: " and the conditions that fail, without the rule's values, which the
        caption gives).
    """
    names = [get_display_name(v) if by == "vessel" else f"MMSI {v}" for v in table[by]]
    out = pd.DataFrame({"ship": names})
    ends = []
    for col, kind, label in (
        ("start", "before_first", "window start"),
        ("end", "after_last", "window end"),
    ):
        text = table[col].dt.strftime("%d\u00a0%b\u00a0%H:%M").to_numpy(object)
        edge = table["kind"].isin([kind, "no_ais"]).to_numpy()
        ends.append(np.where(edge, label, text))
    out["silent (UTC)"] = [f"{a} → {b}" for a, b in zip(*ends)]
    out["hours"] = table["duration_h"].to_numpy(float)
    out["from shore (nm)"] = [
        f"{_nm(a)} → {_nm(b)}" for a, b in zip(table["shore_km_before"], table["shore_km_after"])
    ]
    out["own reports, 12 h before"] = (
        table["fixes_before"]
        .astype(object)
        .where(table["fixes_before"].notna(), "–")
        .to_numpy(object)
    )
    out["class and why"] = [f"{c}: {r}" for c, r in zip(table["class"], table["reason"])]
    out["GFW would count it"] = [
        "yes" if g else "no: " + _RULE_RE.sub("", r)
        for g, r in zip(table["gfw"], table["gfw_reason"])
    ]
    return out


_RULE_RE = re.compile(r" \(rule: [^)]*\)")


def _nm(km: float) -> str:
    if not np.isfinite(km):
        return "–" if np.isnan(km) else "far offshore"
    return f"{km / KM_PER_NM:.0f}"


def caption_silences_explained(vessels: Sequence[str], rules=None) -> str:
    """Caption of the table of silences explained (``rules``: the thresholds applied, a
    :class:`tumen.ais.silences.SilenceRules`; the caption then states GFW's rule)."""
    text = (
        f"Why each AIS silence of {join_words([get_display_name(v) for v in vessels])} "
        "happened: distance from shore where the ship was last and next heard, its own "
        "reports before it, the class with its reason (other ships heard near those places "
        "during the silence, how well the place is received over the whole archive), and "
        "whether Global Fishing Watch's rule would count it as a suspected disabling"
    )
    if rules is None:
        return text + "."
    return (
        text + f" (at least {rules.gfw_min_gap_h:g} h, starting at least "
        f"{rules.gfw_min_shore_nm:g} nm from shore, in a {rules.cell_deg:g}° cell receiving "
        f"more than {rules.gfw_min_cell_per_day:g} reports per ship a day, after at least "
        f"{rules.gfw_min_fixes_before} reports in the {rules.before_h:g} h before; the "
        "conditions a silence fails are named)."
    )


#: How the sensitivity table names each threshold.
THRESHOLD_WORDS = {
    "all as set": "every threshold as set",
    "neighbour_km": "distance within which other ships are neighbours (km)",
    "min_neighbour_rate_per_h": "neighbour reports an hour that show reception worked",
    "gfw_min_gap_h": "GFW: shortest silence (hours)",
    "gfw_min_shore_nm": "GFW: least distance from shore (nm)",
    "gfw_min_cell_per_day": "GFW: reports per ship a day the cell must exceed (also the "
    "'possibly reception' limit)",
    "gfw_min_fixes_before": "GFW: fewest reports before",
    "before_h": "GFW: hours before in which reports are counted",
}


def to_sensitivity_display(table: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`tumen.ais.silences.get_silence_sensitivity` with the thresholds
    named in words (``threshold`` instead of ``parameter``)."""
    out = table.copy()
    out["parameter"] = [THRESHOLD_WORDS.get(p, p) for p in table["parameter"]]
    return out.rename(columns={"parameter": "threshold"})


def caption_sensitivity() -> str:
    """Caption of the sensitivity table."""
    return (
        "How many silences fall in each class, and how many Global Fishing Watch's rule "
        "would count, when each threshold is halved or doubled and the others are kept "
        "as set."
    )


def describe_silences_explained(res, vessels: Sequence[str], *, heard: Iterable[str]):
    """The paragraphs on why each silence happened (method, counts per ship, GFW's rule).

    Parameters
    ----------
    res : tumen.engine.results.Results
        With :func:`record_silences` (and ``shuttle.min_gap_h``) recorded.
    vessels : sequence of str
        The ``vessels`` entries.
    heard : iterable of str
        The entries heard on AIS in the window (:func:`tumen.analyses.shuttle.text.get_heard`).

    Returns
    -------
    IPython.display.Markdown
    """
    method = (
        "A silence is a transponder switched off or a gap in reception, and the data can "
        "tell the two apart only where other ships were about. Each silence is therefore "
        "judged by its neighbours (the test of Hammond and Peters, 2012): when other ships "
        "within {shuttle.neighbour_km:g} km of where the ship fell silent, or of where it was "
        "next heard, were heard during the silence, their reports coming at a rate of at "
        "least {shuttle.min_neighbour_rate_per_h:g} an hour, the receivers were working there "
        "and then, and the silence is classed *likely switched off*. When no other ship was "
        "heard there, or too rarely, and the {shuttle.silence_cell_deg:g}° cell where it fell silent "
        "receives at most {shuttle.gfw_min_cell_per_day:g} reports per ship a day over the "
        "whole AIS archive (every ship counted), a gap in reception is as likely, and it is classed "
        "*possibly reception*. Every other silence is *undetermined*: a well-received place "
        "with nobody nearby to show that reception worked at that hour, or a silence cut by "
        "the edge of the window. The test speaks for the two ends of a silence, not for "
        "where the ship went in between. Distances from shore are measured to the {shore}."
    )
    parts = [method, _per_ship(res, vessels, set(heard)), _gfw_words(res, vessels)]
    return res.md(
        "\n\n".join(p for p in parts if p),
        shore=coast.SHORE_RESOLUTION,
        **{f"v{i}": get_display_name(v) for i, v in enumerate(vessels)},
    )


def _per_ship(res, vessels: Sequence[str], heard: set) -> str:
    """One sentence per ship: its silences by class, or why it has none to judge."""
    sentences = []
    for i, vessel in enumerate(vessels):
        v = to_result_name(vessel)
        n = res[f"shuttle.{v}.silences"]
        if vessel not in heard:
            sentences.append(
                "{v%d} was never heard on AIS in the window: its silence is the "
                "whole window, and with no fix at either end it cannot be judged." % i
            )
        elif not n:
            gap = " longer than {shuttle.min_gap_h:g} hours" if "shuttle.min_gap_h" in res else ""
            sentences.append("{v%d} had no silence%s in the window." % (i, gap))
        elif n == 1:
            klass = next(
                k for k, slug in CLASS_SLUGS.items() if res[f"shuttle.{v}.silences_{slug}"]
            )
            sentences.append("The one silence of {v%d} is classed *%s*." % (i, klass))
        else:
            classes = [_class_count(res, v, klass, slug) for klass, slug in CLASS_SLUGS.items()]
            sentences.append(
                "Of the {shuttle.%s.silences} silences of {v%d}, %s." % (v, i, join_words(classes))
            )
    return " ".join(sentences)


def _class_count(res, v: str, klass: str, slug: str) -> str:
    """``{n} are *class*`` / ``none is *class*`` for one ship and class (template words)."""
    n = res[f"shuttle.{v}.silences_{slug}"]
    if not n:
        return f"none is *{klass}*"
    return "{shuttle.%s.silences_%s} %s *%s*" % (v, slug, "is" if n == 1 else "are", klass)


def _gfw_words(res, vessels: Sequence[str]) -> str:
    """GFW's rule in words and how many silences it would count."""
    text = (
        "Global Fishing Watch counts a silence as a suspected disabling of the transponder "
        "only when it lasts at least {shuttle.gfw_min_gap_h:g} hours, starts at least "
        "{shuttle.gfw_min_shore_nm:g} nautical miles from shore, in a "
        "{shuttle.silence_cell_deg:g}° cell that receives more than "
        "{shuttle.gfw_min_cell_per_day:g} reports per ship a day, after at least "
        "{shuttle.gfw_min_fixes_before} reports of the ship in the "
        "{shuttle.silence_before_h:g} hours before (Welch et al. 2022). "
    )
    if not res["shuttle.silences_total"]:
        return text + "With no silence to judge, the rule counts none."
    total = res["shuttle.silences_gfw"]
    text += "Applied beside the test above, that rule would count " + (
        "none of these silences"
        if not total
        else "{shuttle.silences_gfw} of these silences"
        if total > 1
        else "one of these silences"
    )
    if len(vessels) > 1 and total:
        text += (
            " ("
            + join_words(
                [
                    "{v%d}: {shuttle.%s.silences_gfw}" % (i, to_result_name(v))
                    for i, v in enumerate(vessels)
                ]
            )
            + ")"
        )
    text += "."
    near = res["shuttle.silences_near_shore"]
    if near:
        text += (
            " The rule was made for ships on the high seas: "
            + ("{shuttle.silences_near_shore} silences start" if near > 1 else "one silence starts")
            + " closer to shore than it allows, and near the coast the neighbours are "
            "the better test."
        )
    return text
