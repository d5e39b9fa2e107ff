"""The published claims the shuttle section tests and cites.

:data:`CLAIM_TESTS` is passed to :func:`tumen.report.claims.assess` with the section's
results; :data:`CLAIM_IDS` lists the claims whose published values the section records
(``claim.<id>``, :func:`tumen.report.claims.record_published`) and cites.
"""

from __future__ import annotations

#: Claims of ``data/claims.csv`` this section tests: claim id -> test, or a list of tests (the
#: result, the kind of comparison, its options, and the ``label`` saying what the reproduced
#: figure is). A claim tested against more than one result (the two ends of a range) still
#: gets one verdict (:func:`tumen.report.claims.get_verdict`).
CLAIM_TESTS = {
    "rusi_shuttle_round_trips": {
        "result": "shuttle.round_trips_total",
        "kind": "at_least",
        "label": "round trips found",
    },
    "rusi_shuttle_start": {
        "result": "shuttle.first_dark_call",
        "kind": "contains",
        "label": "first evidence of a call made with AIS off",
    },
    "rusi_shuttle_end": {
        "result": "shuttle.last_dark_call",
        "kind": "at_least",
        "label": "last evidence of a call made with AIS off",
    },
    "rusi_shuttle_containers": {
        "result": "shuttle.containers_low",
        "kind": "contains",
        "label": "containers counted in imagery, low end",
    },
    "whitehouse_containers": [
        {
            "result": "shuttle.containers_low",
            "kind": "above",
            "label": "low end: counted in imagery",
        },
        {
            "result": "shuttle.containers_high",
            "kind": "above",
            "label": "high end: counted, plus an estimate for deliveries without a count",
        },
    ],
    "whitehouse_najin_containers": {
        "result": "shuttle.containers_check_max",
        "kind": "within",
        "rtol": 0.1,
        "label": "most containers on one image of the loading port on the checked days",
    },
}
#: Claims whose published values the shuttle section records (``claim.<id>``) and cites.
CLAIM_IDS = [
    "rusi_shuttle_round_trips",
    "rusi_shuttle_round_trips_early",
    "rusi_shuttle_start",
    "rusi_shuttle_end",
    "rusi_shuttle_containers",
    "rusi_dunai_fokino",
    "whitehouse_containers",
    "whitehouse_angara_first",
    "whitehouse_angara_last",
    "whitehouse_najin_containers",
    "whitehouse_najin_containers_dates",
    "rusi_angara_deliveries",
]
