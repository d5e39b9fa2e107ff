"""Tests of tumen.analyses.rail.tables: the sensitivity table as the report shows it."""

import pytest
from fixtures.railcars import nb_tail, tiny

from tumen.analyses.rail import sensitivity, tables


def test_sensitivity_to_display_formats_values():
    shown = tables.sensitivity_to_display(sensitivity.sensitivity(tiny()))
    first = shown.loc[0]
    assert list(first) == [
        "all images",
        "5",
        "9",
        "5.0",
        "40",
        "2023-10-05",
        f"{first['P(X ≥ peak)']}",
        "12.1",
        "2023-09-01 to 2023-10-05",
    ]
    assert float(first["P(X ≥ peak)"]) == pytest.approx(nb_tail(40, 12.5, 5 / 7), rel=0.05)
