"""The claim tests of the route section: the ``{claim_id: test}`` mapping for
:func:`tumen.report.claims.assess`, built from the section's parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tumen.analyses.route.verdicts import tolerance
from tumen.errors import ParameterError


def claim_tests(
    claims: pd.DataFrame,
    distance_ids: Sequence[str],
    *,
    distance_result: str,
    rtol: float = 0.05,
    arrival_claim: str | None = None,
    arrival_result: str | None = None,
) -> dict:
    """Return the claim tests ``{claim_id: test}`` for :func:`tumen.report.claims.assess`
    (and :func:`~tumen.report.claims.compare`); a function, not a constant, because the
    claims tested and their tolerances come from the section's parameters.

    Each distance claim is tested ``within`` its
    :func:`~tumen.analyses.route.verdicts.tolerance` of ``distance_result`` (converted to
    the claim's unit by ``compare``); the arrival claim, when given, is
    tested ``at_most``: the earliest possible arrival must not come after the date trains
    were seen at the depot.
    """
    tests = {}
    for cid in distance_ids:
        if cid not in claims.index:
            raise ParameterError(
                f"unknown claim {cid!r}", field=cid, hint="claim ids are in data/claims.csv"
            )
        tests[cid] = {
            "result": distance_result,
            "kind": "within",
            "tol": tolerance(claims.loc[cid, "value"], rtol),
            "label": "straight line, depot → recognised border",
        }
    if arrival_claim is not None:
        tests[arrival_claim] = {
            "result": arrival_result,
            "kind": "at_most",
            "label": "earliest arrival at the fastest speed assumed",
        }
    return tests
