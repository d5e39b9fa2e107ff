"""Tests for tumen.analyses.route.tables: the report tables of the route section."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from tumen.analyses.route import tables
from tumen.geo import rail as geo_rail


def rail(km: float) -> geo_rail.RailRoute:
    snap = SimpleNamespace(km=1.5)
    return geo_rail.RailRoute(
        km, (snap, snap), (), 0, (0, 1), np.zeros(2), np.ones(2), ("XXX",), None, 5.0
    )


def test_route_alternatives_lists_the_main_line_only_when_asked():
    study = SimpleNamespace(
        route=rail(100), crossing=rail(90), mainline=rail(120), unconstrained=rail(80)
    )
    table = tables.route_alternatives(
        study, origin="A", crossing="K", within="Russia", mainline=True
    )
    assert table["Route"].tolist() == [
        "A → depot, within Russia",
        "K → depot, within Russia",
        "A → depot via the Trans-Siberian main line",
        "A → depot through any country (contrast)",
    ]
    assert table["On the network (km)"].tolist() == [100, 90, 120, 80]
    assert table["Countries crossed"].tolist() == ["XXX"] * 4
    short = tables.route_alternatives(study, origin="A", crossing="K", within="R", mainline=False)
    assert len(short) == 3


def test_verdicts_and_heal_tables_use_report_words():
    verdicts = pd.DataFrame(
        {
            "source": ["S"],
            "published": ["200 km"],
            "published_km": [200.0],
            "difference_km": [5.0],
            "agrees": [True],
            "tolerance_km": [50.0],
            "closest": ["Depot → border"],
            "reason": ["Agrees within its rounding"],
        }
    )
    shown = tables.verdicts_to_display(verdicts)
    assert shown["Verdict (± rounding, km)"].tolist() == ["consistent (± 50)"]
    assert tables.verdict_word(False) == "inconsistent"
    heal = pd.DataFrame({"heal_gap_km": [0.0], "rail_km": [1.0], "note": [""]})
    assert "Note" not in tables.heal_sensitivity_to_display(heal).columns
