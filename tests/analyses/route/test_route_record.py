"""Tests for tumen.analyses.route.record: the route section records its results under
``route.*`` and returns what it recorded, on hand-made studies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tumen.analyses.route import distances, record, timeline, verdicts
from tumen.engine.results import Results
from tumen.geo import borders, gazetteer, lines
from tumen.report import claims

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"


def test_record_distances_with_a_line_of_contact(tmp_path):
    published = claims.read_claims(FIXTURES / "claims.csv")
    front = tmp_path / "front.geojson"
    front.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"date": "2023-10-13", "source": "hand-made"}, "geometry": '
        '{"type": "LineString", "coordinates": [[0, -1], [0, 1]]}}]}'
    )
    line = lines.read_line(front)
    site = gazetteer.Site("d", "D", "XXX", "depot", 0.0, 2.6, 0.0, 0.0, "")
    m = distances.line_measure(site, line)
    measures = [
        distances.Measure("depot_to_border", "Depot → border", 195.0, 47.1, 38.2, "the line"),
        distances.Measure("rail", "Depot → border by rail", 296.0, 47.7, 38.7, "the railway"),
    ]
    v = verdicts.distance_verdicts(published, ["far_claim", "km_claim"], measures, rtol=0.05)
    near = borders.NearestPoint(1.0, 0, 0, "X", "10m")
    study = distances.DistanceStudy(
        depot=site,
        town=site,
        territory=near,
        border=near,
        town_territory=near,
        town_border=near,
        part=None,
        part_name="",
        rail=SimpleNamespace(total_km=296.0, lat=0.0, lon=0.0),
        country="UKR",
        neighbour="RUS",
    )
    res = Results(tmp_path / "r.json")
    out = record.record_distances(res, study, v, line=line, line_km=m)
    assert res["route.depot_to_line_of_contact_km"] == pytest.approx(289.43, abs=0.01)
    assert res["route.line_of_contact_date"] == "2023-10-13"
    assert res["route.line_of_contact_measured"] is True
    assert res["route.claim_readings_far_claim"] == 1
    assert res["route.verdicts_total"] == 2 and "route.depot_to_part_km" not in res
    assert out["depot_to_border_low_km"] == out["depot_to_border_high_km"] == 1.0  # exact site
    assert set(out) == {k.removeprefix("route.") for k in res.records}


def test_record_timeline_names_the_delivery_and_later_starts(tmp_path):
    transit = timeline.transit_table({"from A": 4800.0}, [10, 40])
    checks = [
        timeline.check_timeline(
            4800, dt.date(2023, 9, 1), dt.date(2023, 9, 12), speeds_kmh=[10, 40], start_claim=c
        )
        for c in ("first", "second")
    ]
    delivery = timeline.check_timeline(
        4800, dt.datetime(2023, 9, 2, 6), dt.date(2023, 9, 12), speeds_kmh=[10, 40]
    )
    res = Results(tmp_path / "r.json")
    out = record.record_timeline(
        res, transit, checks, sea_km=None, sea_days=0.0, delivery=delivery, prefix="t"
    )
    assert out["transit_days_min"] == pytest.approx(5.0)
    assert out["transit_days_max"] == pytest.approx(20.0)
    assert res["t.timeline_start"] == "2023-09-01" and "t.timeline_start_2" in res
    assert res["t.delivery_start"] == "2023-09-02T06:00:00Z"
    assert res["t.delivery_rail_days"] == pytest.approx(9.75)
    assert "t.sea_km" not in res and "t.sea_hours" not in res
    record.record_timeline(res, transit, checks[:1], sea_km=150.0, sea_days=0.5, prefix="t")
    assert res["t.sea_hours"] == pytest.approx(12.0)


def test_record_route_returns_names_without_the_prefix(tmp_path):
    snap = SimpleNamespace(km=2.0, node_lat=1.0, node_lon=2.0)
    gap = SimpleNamespace(km=0.5)

    def rail(km, countries=("RUS",)):
        return SimpleNamespace(
            length_km=km,
            total_km=km + 4.0,
            snaps=(snap, snap),
            healed_on_path=(gap, gap),
            healed_total=7,
            heal_gap_km=5.0,
            countries=countries,
        )

    heal = pd.DataFrame(
        {
            "heal_gap_km": [0.0, 5.0, 10.0],
            "rail_km": [110.0, 100.0, None],
            "origin_snap_km": [2.0, 2.0, None],
            "total_km": [114.0, 104.0, None],
        }
    )
    study = SimpleNamespace(
        route=rail(100.0),
        crossing=rail(90.0),
        unconstrained=rail(80.0, ("RUS", "XXX", "RUS")),
        mainline=rail(120.0),
        heal=heal,
        places=np.zeros(3),
    )
    res = Results(tmp_path / "r.json")
    out = record.record_route(res, study)
    assert out["rail_km"] == 100.0 and res["route.rail_km"] == 100.0
    assert out["healed_gaps"] == 2 and out["healed_gaps_km"] == pytest.approx(1.0)
    assert out["unconstrained_saving_km"] == 20.0 and out["mainline_extra_km"] == 20.0
    assert out["unconstrained_countries"] == "Russia → XXX → Russia"
    assert out["heal_max_rail_km"] == 110.0 and out["heal_max_gap_km"] == 5.0
    assert out["places_passed"] == 3
