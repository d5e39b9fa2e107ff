"""Tests for tumen.analyses.route.methods: the rows of the route section's methods box (the
whole box is tested in tests/test_methods.py)."""

from __future__ import annotations

from tumen.analyses.route import methods
from tumen.engine.results import Results


def test_source_words_name_the_inputs_and_the_scale():
    entries = {
        "g/shapefiles/natural_earth/cultural/ne_10m_admin_0_countries.shp": {
            "source": "Natural Earth via pkg, cut",
            "package": "pkg",
            "version": "1.0",
        }
    }
    words = methods.source_words(entries, "rail", "g")
    assert words == {
        "rail_source": "a source not listed",
        "border_source": "Natural Earth via pkg 1.0",
        "scale": "1:10m",
    }


def test_rows_say_what_did_not_run(tmp_path):
    res = Results(tmp_path / "r.json")
    assert methods.route_method(res).startswith("No rail route joins the ends")
    assert methods.sea_method(res) == "Not timed: there is no route to time."
    assert methods.speeds_method(res) == "No timeline: there is no route to time."
    res.record("route.rail_km", 10.0, "km", "d")
    res.record("route.speed_min_kmh", 10.0, "km/h", "d")
    res.record("route.handling_days", 1.0, "days", "d")
    assert methods.sea_method(res).endswith("were not available.")
    assert "1 day" not in methods.speeds_method(res)  # the number is a placeholder
    assert methods.speeds_method(res).endswith(
        "{route.handling_days} day to unload and make up a train."
    )
    assert "as published" in methods.speeds_method(res, "[T](x)")
