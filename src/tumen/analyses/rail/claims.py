"""The published claims the rail analysis tests: claim id -> the result and kind of test.

:data:`CLAIM_TESTS` is the mapping :func:`tumen.report.claims.assess` takes; the report's
parameters (``params.yaml``, ``claim_tests`` of ``rail_traffic``) give the same by default.
"""

from __future__ import annotations

# Claims of data/claims.csv that this analysis tests (see tumen.report.claims.compare).
CLAIM_TESTS = {
    "csis_tumangang_peak": {"result": "rail.peak_railcars", "kind": "equal"},
    "csis_tumangang_peak_date": {"result": "rail.peak_date", "kind": "equal"},
    "csis_tumangang_baseline_max": {"result": "rail.baseline_max", "kind": "at_most"},
}
