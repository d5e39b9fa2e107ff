"""Tests of tumen.analyses.rail.claims: the shipped example data reproduce the published claims."""

import datetime as dt

from fixtures.railcars import ROOT

from tumen.analyses.rail import claims as rail_claims
from tumen.analyses.rail import compute, read, record
from tumen.engine.results import Results
from tumen.report.claims import compare, read_claims


def test_rail_claims_reproduced_from_example_data(tmp_path):
    """The shipped synthetic data reproduce the CSIS figures (73 on 2023-10-05, <= 20)."""
    ds = read.load(ROOT / "data" / "observations" / "railcars.csv", "tumangang_rail_facility")
    stats = compute.analyse(ds)
    assert (stats.peak_railcars, stats.peak_time.date(), stats.baseline_max) == (
        73,
        dt.date(2023, 10, 5),
        20,
    )
    res = Results(tmp_path / "r.json")
    record.record_results(res, stats)
    table = compare(read_claims(ROOT / "data" / "claims.csv"), res.records, rail_claims.CLAIM_TESTS)
    assert list(table["claim"]) == list(rail_claims.CLAIM_TESTS)
    assert table["agrees"].all()
