"""Tests for tumen.analyses.shuttle.sightings: the counts recorded, the report's table of images
and the sentence of the sightings check (the hand-worked cases of
test_shuttle_sighting_checks.py).
"""

import re

import pytest
from test_shuttle_sighting_checks import fixes, make_case, sightings

from tumen.analyses.shuttle import sighting_checks as sc
from tumen.analyses.shuttle import sightings as ss
from tumen.engine.results import Results


@pytest.fixture
def case():
    return make_case()


def test_results_table_and_sentence(case, tmp_path):
    res = Results(tmp_path / "r.json")
    res.record("shuttle.max_speed_kn", 14.0, "kn", "test value")
    table = sc.check_sightings(*case, max_speed_kn=14.0)
    vessels = ["Kestrel", "Wren", "Ibis", "Heron", "Plover"]
    out = ss.record_sighting_checks(res, table, vessels)
    assert (
        out["sightings_checked"],
        out["sightings_fitting"],
        out["sightings_not_fitting"],
        out["sightings_no_ais"],
    ) == (5, 2, 2, 1)
    assert out["kestrel.sightings_not_fitting"] == 1 and out["wren.sightings_not_fitting"] == 0
    assert out["sightings_max_needed_kn"] == pytest.approx(50.0)  # inf is not a finite speed
    shown = ss.to_sighting_check_display(table, site_names={"wren_port": "Wren Quay"})
    # findings first (does not fit, no AIS), then the rest, each by vessel and time
    assert shown["vessel"].tolist() == ["Kestrel", "Plover", "Ibis", "Heron", "Wren"]
    shown = shown.set_index("vessel")
    assert shown.loc["Wren", "place"] == "Wren Quay"
    assert shown.loc["Kestrel", "place"] == "10.000\u00a0N, 20.000\u00a0E"
    assert shown.loc["Kestrel", "last fix before"] == "01\u00a0May\u00a010:00, 100\u00a0nm away"
    assert shown.loc["Ibis", "first fix after"] == "none"
    assert shown.loc["Ibis", "speed needed (kn)"] == ""
    assert shown.loc["Plover", "speed needed (kn)"] == "at once"
    # only the findings, and of the images that fit the one needing the highest speed (Heron)
    short = ss.to_sighting_check_display(table, closest=1)
    assert short["vessel"].tolist() == ["Kestrel", "Plover", "Ibis", "Heron"]
    assert ss.to_sighting_check_display(table, closest=0)["vessel"].tolist() == [
        "Kestrel",
        "Plover",
        "Ibis",
    ]
    text = re.sub(r"<[^>]+>", "", ss.describe_sighting_checks(res, vessels).data)
    assert "Of the 5 images, 2 fit at no more than 14 knots" in text
    assert "1 cannot be tested" in text
    assert "2 do not fit, of Kestrel (1 of 1) and Plover (1 of 1)" in text
    assert "spoofed or borrowed identity" in text


def test_sentences_for_all_fitting_and_for_no_image(tmp_path):
    res = Results(tmp_path / "r.json")
    res.record("shuttle.max_speed_kn", 14.0, "kn", "test value")
    seen = sightings([("Wren", 0, None)])
    table = sc.check_sightings(seen, fixes("Wren", 1, [(-1, 0)]), max_speed_kn=14.0)
    ss.record_sighting_checks(res, table, ["Wren"])
    text = re.sub(r"<[^>]+>", "", ss.describe_sighting_checks(res, ["Wren"]).data)
    assert "The one image fits at no more than 14 knots" in text
    assert "None puts a ship where" in text
    two = sc.check_sightings(
        sightings([("Wren", 0, None), ("Wren", 1, None)]),
        fixes("Wren", 1, [(-1, 0)]),
        max_speed_kn=14.0,
    )
    ss.record_sighting_checks(res, two, ["Wren"])
    text = re.sub(r"<[^>]+>", "", ss.describe_sighting_checks(res, ["Wren"]).data)
    assert "All 2 images fit at no more than 14 knots" in text
    ss.record_sighting_checks(res, table.iloc[:0], ["Wren"])
    text = re.sub(r"<[^>]+>", "", ss.describe_sighting_checks(res, ["Wren"]).data)
    assert text == "No satellite image of Wren was available to set against the AIS tracks."
