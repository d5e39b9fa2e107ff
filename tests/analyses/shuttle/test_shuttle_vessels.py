"""Tests for tumen.analyses.shuttle.vessels: the vessels parameter and result names.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import pytest

from tumen.analyses.shuttle import vessels as shuttle_vessels
from tumen.errors import DataError


def test_result_names():
    assert shuttle_vessels.to_result_name("Maria II") == "maria_ii"
    with pytest.raises(DataError):
        shuttle_vessels.to_result_name("—")


def test_check_vessels_and_result_names():
    assert shuttle_vessels.check_vessels(["SPARTA IV", "mmsi:273111111"]) == [
        "SPARTA IV",
        "mmsi:273111111",
    ]
    assert [
        shuttle_vessels.to_result_name(v) for v in ("Angara", "SPARTA IV", "mmsi:273111111")
    ] == [
        "angara",
        "sparta_iv",
        "mmsi_273111111",
    ]
    for bad in ([], "Angara", ["Maria", "MARIA"], ["mmsi:12"]):
        with pytest.raises(DataError):
            shuttle_vessels.check_vessels(bad)
