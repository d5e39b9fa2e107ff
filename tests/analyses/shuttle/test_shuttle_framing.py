"""Tests for tumen.analyses.shuttle.framing: the section's title and its closing limits."""

import re

from tumen.analyses.shuttle import framing
from tumen.engine.results import Results


def rendered(md) -> str:
    """Markdown object -> plain text (spans and Markdown escapes removed)."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", md.data))


def test_title_names_the_ports_literally_and_keeps_the_background():
    md = framing.describe_intro(None, "  Some *background*.  ", home="Wren <b>", away="Ibis")
    assert md.data.startswith("# The vessel shuttle between Wren ")
    assert "<b>" not in md.data and md.data.endswith("\n\nSome *background*.")
    assert framing.describe_intro(None, " ", home="W", away="I").data == (
        "# The vessel shuttle between W and I"
    )


def test_limits_name_the_alternative_and_what_tells_it_apart(tmp_path):
    res = Results(tmp_path / "results.json")
    for name, value in {
        "home_traffic_reports": 31,
        "home_traffic_vessels": 2,
        "home_traffic_longest_silence_h": 7.95,
        "home_fleet_reports": 0,
    }.items():
        res.record(f"shuttle.{name}", value, "1", "test value")
    out = rendered(framing.describe_limits(res, home="Wren", away="Ibis"))
    assert "ordinary commercial" in out and "poor reception" in out
    assert "2 other ships heard 31 times at Wren" in out
    assert "a receiver's log of the silent hours would make it firmer" in out
    res.record("shuttle.min_reception_ships", 5, "ships", "test value")
    out = rendered(framing.describe_limits(res, home="Wren", away="Ibis"))
    assert "so few ships cannot rule out poor reception" in out
    none = Results(tmp_path / "none.json")
    none.record("shuttle.home_traffic_reports", 0, "1", "test value")
    none.record("shuttle.home_traffic_vessels", 0, "1", "test value")
    out = rendered(framing.describe_limits(none, home="Wren", away="Ibis"))
    assert "no other ship was heard at Wren" in out
