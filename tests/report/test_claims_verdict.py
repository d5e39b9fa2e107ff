"""The one verdict on a tested claim (tumen.report.claims_verdict)."""

from pathlib import Path

import pandas as pd

from tumen.report import claims_verdict

ROOT = Path(__file__).resolve().parents[2]


def _row(reproduced, kind, agrees, label=""):
    return {
        "published": "> 1,000 containers",
        "reproduced": reproduced,
        "kind": kind,
        "agrees": agrees,
        "label": label,
    }


def test_get_verdict_kinds_and_reasons():
    held, failed = _row("1,200", "above", True), _row("739", "above", False, "low end")
    assert claims_verdict.get_verdict([held]) == (
        "consistent",
        False,
        "1,200 is more than 1,000 containers.",
    )
    assert claims_verdict.get_verdict([failed]).kind == "inconsistent"
    split = claims_verdict.get_verdict([failed, _row("1,960", "above", True, "high end")])
    assert split.kind == "indeterminate"
    assert split.reason == (
        "The reproduced values disagree among themselves: 739 (low end) is "
        "not more than 1,000 containers; 1,960 (high end) is more than "
        "1,000 containers."
    )
    assert claims_verdict.get_verdict([_row("n/a", "above", pd.NA)]).kind == "indeterminate"
    partly = claims_verdict.get_verdict([held, _row("n/a", "above", pd.NA, "high end")])
    assert partly.kind == "consistent" and partly.reason.endswith("n/a (high end) not reproduced.")


def test_get_verdict_on_synthetic_evidence_is_a_calibration_check():
    v = claims_verdict.get_verdict([_row("1,200", "above", True)], synthetic=True)
    assert (v.kind, v.calibration, v.label) == ("consistent", True, "reproduced (calibration)")
    assert v.reason == "1,200 is more than 1,000 containers."
    assert (
        claims_verdict.get_verdict([_row("9", "above", False)], synthetic=True).label
        == "not reproduced (calibration)"
    )
    assert set(claims_verdict.LABELS.values()) >= {"consistent", "inconsistent", "indeterminate"}
