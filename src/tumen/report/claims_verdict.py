"""The one verdict on a tested claim: the room of verdict kinds, labels and reasons.

A claim tested against one result or more (each a comparison of :mod:`tumen.report.claims_compare`) gets one verdict
(:func:`get_verdict`): ``consistent`` when every comparison holds, ``inconsistent`` when
none does, ``indeterminate`` when they split (a claim inside a reproduced range whose ends
disagree) or nothing was reproduced. When the observations behind the reproduced value are
synthetic (``data/sources.yaml``), the verdict is a *calibration check*: shown as
"reproduced (calibration)", "not reproduced (calibration)" or "indeterminate
(calibration)", never as support, since the example data were generated to match the
published figures. A comparison that only reads back a parameter is no test at all: such a
claim is listed as not tested (:func:`tumen.report.claims.get_coverage`), with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

VERDICTS = ("consistent", "inconsistent", "indeterminate")
#: What a verdict is shown as: (kind, calibration) -> label.
LABELS = {
    ("consistent", False): "consistent",
    ("inconsistent", False): "inconsistent",
    ("indeterminate", False): "indeterminate",
    ("consistent", True): "reproduced (calibration)",
    ("inconsistent", True): "not reproduced (calibration)",
    ("indeterminate", True): "indeterminate (calibration)",
}


#: Relation of a reproduced figure to the published one, for a verdict's reason.
_HOLDS = {
    "equal": ("matches", "does not match"),
    "at_least": ("is at least", "is less than"),
    "at_most": ("is at most", "is more than"),
    "above": ("is more than", "is not more than"),
    "below": ("is less than", "is not less than"),
    "within": ("is within the tolerance of", "is outside the tolerance of"),
    "contains": ("lies inside", "lies outside"),
}


class Verdict(NamedTuple):
    """The one verdict on a tested claim (module docstring, "Verdicts")."""

    kind: str  #: consistent, inconsistent or indeterminate
    calibration: bool  #: the reproduced value rests on synthetic observations
    reason: str  #: why, in words

    @property
    def label(self) -> str:
        """What the report shows: the kind, or its calibration-check wording."""
        return LABELS[(self.kind, self.calibration)]


def get_verdict(rows: Iterable[Mapping], *, synthetic: bool = False) -> Verdict:
    """The one verdict on a claim from its comparisons, with the reason in words.

    Parameters
    ----------
    rows : iterable of mapping
        The claim's rows of :func:`compare` (``published``, ``reproduced``, ``kind``,
        ``agrees``, ``label``).
    synthetic : bool
        The observations behind the reproduced values are synthetic: the verdict is a
        calibration check, never support (its label says so; the reason is the comparison).

    Returns
    -------
    Verdict
        ``consistent`` when every comparison holds, ``inconsistent`` when none does,
        ``indeterminate`` when they split or no value was reproduced.

    >>> get_verdict([{"published": "> 1,000", "reproduced": "739", "kind": "above",
    ...               "agrees": False, "label": "low end"},
    ...              {"published": "> 1,000", "reproduced": "1,960", "kind": "above",
    ...               "agrees": True, "label": "high end"}]).kind
    'indeterminate'
    """
    rows = list(rows)
    known = [r for r in rows if not pd.isna(r["agrees"])]
    if not known:
        kind = "indeterminate"
        reason = "the analysis reproduced no value to compare"
    else:
        held = [bool(r["agrees"]) for r in known]
        kind = "consistent" if all(held) else "inconsistent" if not any(held) else "indeterminate"
        name = named if len(rows) > 1 else (lambda r: r["reproduced"])
        parts = [
            f"{name(r)} {_HOLDS[r['kind']][0 if r['agrees'] else 1]} {_bare(r['published'])}"
            for r in known
        ]
        reason = "; ".join(parts)
        if kind == "indeterminate":
            reason = "the reproduced values disagree among themselves: " + reason
        if len(known) < len(rows):
            reason += "; " + ", ".join(named(r) for r in rows if pd.isna(r["agrees"]))
            reason += " not reproduced"
    return Verdict(kind, bool(synthetic), reason[0].upper() + reason[1:] + ".")


def named(row: Mapping) -> str:
    """A reproduced figure with what it is: "739 containers (low end)"."""
    return row["reproduced"] + (f" ({row['label']})" if row.get("label") else "")


def _bare(published: str) -> str:
    """A published figure without its relation sign ("> 1,000" -> "1,000")."""
    for sign in ("≥ ", "≤ ", "> ", "< ", "≈ "):
        if published.startswith(sign):
            return published[len(sign) :]
    return published
