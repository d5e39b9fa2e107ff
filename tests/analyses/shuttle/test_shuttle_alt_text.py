"""Tests for tumen.analyses.shuttle.alt_text: the figures' alt texts say what each figure shows."""

import pandas as pd

from tumen.analyses.shuttle import alt_text


def test_route_map_alt_text_says_where_each_ship_fell_silent():
    alt = alt_text.alt_route_map(
        ["Kestrel", "Skua", "imo:9123456"],
        home="Wren",
        away="Ibis",
        route_found=False,
        heard={"Kestrel", "Skua"},
        home_fleet_reports=0,
        traffic=False,
        silent_near={"Kestrel": "Ibis", "Skua": "Wren"},
    )
    assert "no sea route is drawn" in alt
    assert "Kestrel falls silent near Ibis; Skua falls silent near Wren" in alt
    assert "none of them is heard at Wren" in alt and "IMO 9123456 is never heard on AIS" in alt
    gaps = pd.DataFrame(
        {
            "vessel": ["Kestrel", "Kestrel"],
            "kind": ["between", "after_last"],
            "start": pd.to_datetime([2, 1], unit="D", utc=True),
            "lat_before": [42.6, 42.8],
            "lon_before": [131.1, 132.8],
        }
    )
    sites = {
        "w": {"lat": 42.64, "lon": 131.10, "radius_km": 2},
        "i": {"lat": 42.79, "lon": 132.87, "radius_km": 2},
    }
    # the first silence (day 1) began near Ibis
    assert alt_text.get_silence_places(gaps, sites, ["w", "i"], {"w": "Wren", "i": "Ibis"}) == {
        "Kestrel": "Ibis"
    }
