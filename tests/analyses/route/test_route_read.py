"""Tests for tumen.analyses.route.read: what the route section reads from the shuttle
section's results."""

from __future__ import annotations

import datetime as dt

import pytest

from tumen.analyses.route import read
from tumen.engine.results import Results
from tumen.errors import ResultError


def test_shuttle_link_reads_the_first_delivery_and_the_ship_speed(tmp_path):
    assert read.read_shuttle_link("") == read.ShuttleLink("", False, None, "", None)
    missing = read.read_shuttle_link(str(tmp_path / "none.json"))
    assert not missing.found and missing.arrival is None
    res = Results(tmp_path / "02.json")
    res.record("shuttle.first_delivery_arrival", dt.datetime(2023, 8, 20, 2, 31), "date", "d")
    res.record("shuttle.first_delivery_vessel", "Kestrel", "vessel", "v")
    res.record("shuttle.max_speed_kn", 12.0, "kn", "s")
    link = read.read_shuttle_link(str(tmp_path / "02.json"))
    assert link == read.ShuttleLink(
        str(tmp_path / "02.json"), True, dt.datetime(2023, 8, 20, 2, 31), "Kestrel", 12.0
    )
    res.record("shuttle.first_delivery_arrival", None, "date", "no delivery")
    empty = read.read_shuttle_link(str(tmp_path / "02.json"))
    assert empty.found and empty.arrival is None and empty.ship_speed_kn == 12.0
    (tmp_path / "bad.json").write_text("[1, 2]")

    with pytest.raises(ResultError, match="not a results file"):
        read.read_shuttle_link(str(tmp_path / "bad.json"))
