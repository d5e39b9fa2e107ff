"""Tests for tumen.analyses.route.claims: the claim tests feed tumen.report.claims."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tumen.analyses.route.claims import claim_tests
from tumen.engine.results import Results
from tumen.report import claims

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"


@pytest.fixture(scope="module")
def published():
    return claims.read_claims(FIXTURES / "claims.csv")


def test_claim_tests_feed_claims_compare(published, tmp_path):
    tests = claim_tests(
        published,
        ["km_claim", "far_claim", "mi_five"],
        distance_result="route.depot_to_border_km",
        rtol=0.05,
        arrival_claim="seen",
        arrival_result="route.earliest_arrival",
    )
    assert tests["km_claim"] == {
        "result": "route.depot_to_border_km",
        "kind": "within",
        "tol": 50,
        "label": "straight line, depot → recognised border",
    }
    assert tests["mi_five"]["tol"] == pytest.approx(6.25)
    res = Results(tmp_path / "r.json")
    res.record("route.depot_to_border_km", 195.0, "km", "test")
    res.record("route.earliest_arrival", dt.date(2023, 9, 7), "date", "test")
    table = claims.compare(published, res, tests).set_index("claim")
    assert table["agrees"].tolist() == [True, False, True, True]
    verdicts = claims.assess(published, res, tests)
    assert verdicts["verdict"].tolist() == [
        "consistent",
        "inconsistent",
        "consistent",
        "consistent",
    ]
    assert table.loc["mi_five", "reproduced"] == "121 mi (195 km)"
