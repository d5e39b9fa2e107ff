"""Tests for tumen.analyses.shuttle.claims: the claim tests passed to tumen.report.claims.assess.

The scenario of the fixtures: see shuttle_scenario.py.
"""

from shuttle_scenario import ROOT

from tumen.analyses.shuttle import claims as shuttle_claims
from tumen.report import claims


def test_claims_table_gives_a_claim_tested_against_both_ends_one_verdict():
    published = claims.read_claims(ROOT / "data" / "claims.csv")
    values = {
        "shuttle.round_trips_total": 7,
        "shuttle.first_dark_call": "2023-08-16T02:05:00Z",
        "shuttle.last_dark_call": "2023-10-13T09:00:00Z",
        "shuttle.containers_low": 739,
        "shuttle.containers_high": 1961,
        "shuttle.containers_check_max": 305,
    }
    table = claims.assess(published, values, shuttle_claims.CLAIM_TESTS)
    assert table.index.tolist() == list(shuttle_claims.CLAIM_TESTS)
    assert "agrees" not in table.columns
    # >= 5 trips; 16 Aug in 11-20 Aug; 13 Oct before 14 Oct; 739 in 200-999; 739 > 1,000
    # no but 1,961 > 1,000 yes: one verdict, indeterminate; 305 within 10 % of 300
    assert table["verdict"].tolist() == [
        "consistent",
        "consistent",
        "inconsistent",
        "consistent",
        "indeterminate",
        "consistent",
    ]
    both = table.loc[table.index[4]]
    assert (
        both["reproduced"].startswith("739 containers (low end") and "1,961" in both["reproduced"]
    )
    assert not table["calibration"].any()
    synthetic = claims.assess(published, values, shuttle_claims.CLAIM_TESTS, synthetic=True)
    assert synthetic["calibration"].all()
    assert synthetic["label"].iloc[0] == "reproduced (calibration)"
    assert set(shuttle_claims.CLAIM_IDS) <= set(published.index)
