"""Rules of parameter values: the timeline's shape (tumen.engine.params_check)."""

from __future__ import annotations

import pytest

from tumen.engine import params_check
from tumen.errors import ParameterError


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"lane": "x"}, "report.timeline"),
        ([{"items": []}], "report.timeline[0]"),
        ([{"lane": "x", "items": [{"at": "a.b"}]}], "report.timeline[0].items[0]"),
        (
            [{"lane": "x", "items": [{"at": "a.b", "label": "l", "when": 1}]}],
            "report.timeline[0].items[0]",
        ),
    ],
)
def test_a_bad_timeline_names_its_field(spec, field):
    with pytest.raises(ParameterError) as err:
        params_check.check_spec(spec)
    assert err.value.field == field
