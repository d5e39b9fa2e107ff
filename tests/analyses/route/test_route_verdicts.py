"""Tests for tumen.analyses.route.verdicts: what each published distance measured, on
hand-made measures with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tumen.analyses.route import distances, tables, verdicts
from tumen.errors import ParameterError
from tumen.geo import gazetteer, lines
from tumen.report import claims

FIXTURES = Path(__file__).parents[2] / "fixtures" / "depot"
KM_PER_DEG = 6378.137 * np.pi / 180  # WGS84, along the equator


@pytest.fixture(scope="module")
def published():
    return claims.read_claims(FIXTURES / "claims.csv")


def test_rounding_step_tolerance_and_units():
    assert [verdicts.rounding_step(v) for v in (200, 250, 290, 125, 120, 73, 2.6, 0)] == [
        100,
        50,
        10,
        5,
        10,
        1,
        0.1,
        1,
    ]
    assert verdicts.tolerance(290) == 5 and verdicts.tolerance(290, 0.05) == pytest.approx(14.5)
    assert verdicts.tolerance(200, 0.05) == 50
    assert verdicts.to_km(125, "mi") == pytest.approx(201.168)
    assert verdicts.to_km(1500, "m") == pytest.approx(1.5)
    with pytest.raises(ParameterError):
        verdicts.to_km(1, "furlong")
    with pytest.raises(ParameterError):
        verdicts.tolerance(10, -0.1)


def test_converted_from_needs_an_earlier_km_figure_that_rounds_to_it(published):
    ids = ["km_claim", "far_claim", "mi_five", "mi_ten", "mi_early"]
    assert verdicts.converted_from(published, "mi_five", ids) == "km_claim"  # 124.3 -> 125
    assert verdicts.converted_from(published, "mi_ten", ids) == "km_claim"  # 124.3 -> 120
    assert verdicts.converted_from(published, "mi_early", ids) == ""  # published first
    assert verdicts.converted_from(published, "km_claim", ids) == ""  # not miles


def _measures():
    return [
        distances.Measure(
            "depot_to_border",
            "Depot → border",
            195.0,
            47.1,
            38.2,
            "the straight line to the recognised land border",
        ),
        distances.Measure(
            "town_to_border",
            "Town → border",
            201.2,
            47.1,
            38.2,
            "the distance from the town centre",
        ),
        distances.Measure(
            "depot_to_border_rail",
            "Depot → border by rail",
            296.0,
            47.7,
            38.7,
            "the distance along the railway",
        ),
    ]


def test_distance_verdicts_known_answers(published):
    ids = ["km_claim", "far_claim", "mi_five", "mi_ten", "lost_claim"]
    v = verdicts.distance_verdicts(published, ids, _measures(), rtol=0.05).set_index("claim")
    # 200 km: within half its rounding step (50) of 195
    assert v.loc["km_claim", "agrees"] and v.loc["km_claim", "tolerance_km"] == 50
    assert v.loc["km_claim", "difference_km"] == pytest.approx(5.0)
    assert v.loc["km_claim", "reason"] == "Agrees within its rounding"
    # 290 km: 95 km too far for a straight line; within 5 % of the rail distance
    far = v.loc["far_claim"]
    assert not far["agrees"] and far["tolerance_km"] == pytest.approx(14.5)
    assert far["closest"] == "Depot → border by rail" and far["fits"] == "depot_to_border_rail"
    assert far["reason"].startswith("Too far from the straight line")
    assert "it fits the distance along the railway" in far["reason"]
    # 125 mi = 201.168 km: agrees (tolerance 6.25 mi), matches the town best, is 200 km
    five = v.loc["mi_five"]
    assert five["published_km"] == pytest.approx(201.168)
    assert five["agrees"] and five["closest"] == "Town → border"
    assert "matches the distance from the town centre best" in five["reason"]
    assert five["converted_from"] == "km_claim"
    assert "Source K's 200 km converted to miles and rounded to the nearest 5" in five["reason"]
    # 120 mi = 193.1 km: close to the headline, no alternative worth naming
    ten = v.loc["mi_ten"]
    assert ten["agrees"] and ten["reason"].startswith("Agrees within its rounding;")
    # 500 km: nothing fits
    lost = v.loc["lost_claim"]
    assert not lost["agrees"] and lost["fits"] == ""
    assert lost["reason"].startswith("Fits no measure here: longer than")
    shown = tables.verdicts_to_display(v.reset_index())
    assert shown["Verdict (± rounding, km)"].tolist()[:2] == [
        "consistent (± 50)",
        "inconsistent (± 14.5)",
    ]
    with pytest.raises(ParameterError):
        verdicts.distance_verdicts(published, ["shipped"], _measures())
    with pytest.raises(ParameterError):
        verdicts.distance_verdicts(published, ["km_claim"], [])


def test_a_distance_that_two_readings_explain_names_both(published, tmp_path):
    # a hand-made line of contact: the meridian 0° from 1° S to 1° N; a depot on the equator
    # at 2.6° E is 2.6° of the equator from it: 2.6 x 6378.137 x pi / 180 = 289.43 km
    front = tmp_path / "front.geojson"
    front.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"date": "2023-10-13", "source": "hand-made"}, "geometry": '
        '{"type": "LineString", "coordinates": [[0, -1], [0, 1]]}}]}'
    )
    line = lines.read_line(front)
    site = gazetteer.Site("d", "D", "XXX", "depot", 0.0, 2.6, 0.0, 0.0, "")
    m = distances.line_measure(site, line)
    assert m.km == pytest.approx(2.6 * KM_PER_DEG, abs=0.01)
    assert (m.lat, m.lon) == pytest.approx((0.0, 0.0), abs=1e-4)  # the projection: ~0.4 m
    assert m.reason == "the straight line to the line of contact of 2023-10-13"
    # 290 km (tolerance 14.5 km) fits the rail distance (296) and the line (289.4), not the
    # border (195): both readings are named, the closer first, and neither is "the" answer
    v = verdicts.distance_verdicts(
        published, ["far_claim", "km_claim"], _measures() + [m], rtol=0.05
    ).set_index("claim")
    assert v.loc["far_claim", "readings"] == (m.reason, "the distance along the railway")
    assert v.loc["far_claim", "reason"] == (
        "Too far from the straight line to the recognised land border; it fits more than one "
        "reading: the straight line to the line of contact of 2023-10-13, or the distance "
        "along the railway"
    )
    # without the line, the reading is named as not measured, for disagreeing figures only
    v = verdicts.distance_verdicts(
        published,
        ["far_claim", "km_claim", "lost_claim"],
        _measures(),
        rtol=0.05,
        unmeasured=[distances.LINE_OF_CONTACT_READING],
    ).set_index("claim")
    assert v.loc["far_claim", "readings"] == ("the distance along the railway",)
    assert v.loc["far_claim", "reason"].endswith(
        "it fits the distance along the railway; the straight line to the line of contact "
        "could fit as well, but is not measured here"
    )
    assert v.loc["km_claim", "unmeasured"] == ()
    assert v.loc["lost_claim", "reason"] == (
        "Longer than the straight line to the recognised land border; it fits none of the "
        "distances measured here; the straight line to the line of contact could fit, but is "
        "not measured here"
    )
