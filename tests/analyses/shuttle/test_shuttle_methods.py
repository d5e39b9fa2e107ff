"""Tests for tumen.analyses.shuttle.methods: the methods box of the shuttle section, on tiny
made-up inputs with hand-worked lines (files, providers and dates are invented)."""

import pandas as pd

from tumen.analyses.shuttle import methods as shuttle_methods
from tumen.engine import results


def shuttle_res(tmp_path, vessels=2):
    res = results.Results(tmp_path / "02_t.json")
    for name, value, unit in (
        ("ais_messages", 1500, "records"),
        ("ais_positions", 1200, "reports"),
        ("ais_vessels", vessels, "ships"),
        ("min_gap_h", 6.0, "h"),
        ("max_call_h", 48.0, "h"),
        ("window_start", "2021-05-01", "date"),
        ("window_end", "2021-06-30", "date"),
    ):
        res.record(f"shuttle.{name}", value, unit, "d")
    return res


RULES = {
    "home": "Portville",
    "away": "Harbour <b>",
    "radius_km": {"home": 2.0, "away": 1.5},
    "max_sog_kn": 1.0,
    "min_dwell_h": 2.0,
}


def test_shuttle_box_from_files_sightings_and_rules(tmp_path):
    res = shuttle_res(tmp_path)
    sightings = pd.DataFrame(
        {
            "image_id": ["IMG-1", "IMG-1", "", None],
            "provider": ["Orbit Co", "Orbit Co", "SkyEye", None],
        }
    )
    files = ["in/coastal_rx.nmea", "in/sat-feed.nmea", "in/misc.csv"]
    lines = shuttle_methods.get_methods(res, files, sightings, **RULES).lines(res.records)
    # images: IMG-1 (twice: one image) and two rows without an id (one image each) = 3
    assert lines == [
        "Observed: AIS: 1,500 records in 3 files; 1,200 position reports kept, from 2 ships; "
        "period analysed 2021-05-01 to 2021-06-30.",
        "Reception: Heard by terrestrial receivers (coastal_rx.nmea), satellites "
        "(sat-feed.nmea) and receivers the file names do not state (misc.csv), as the file "
        "names say.",
        "Imagery: 3 satellite images from Orbit Co and SkyEye; resolution not recorded in the "
        "sightings.",
        "Gap rule: A silence longer than 6 h between two reports of a ship is a gap.",
        "Call rule: A ship is in port when AIS places it inside the port's geofence (Portville "
        "2 km, Harbour <b> 1.5 km) slower than 1 kn for at least 2 h, or an image shows it "
        "berthed or anchored there; evidence at most 48 h apart is one call.",
    ]
    assert res["shuttle.sighting_images"] == 3 and res["shuttle.ais_files"] == 3


def test_shuttle_box_without_images_with_resolution_column(tmp_path):
    res = shuttle_res(tmp_path, vessels=1)
    none = pd.DataFrame({"image_id": [], "provider": []})
    lines = shuttle_methods.get_methods(res, ["a/feed.nmea"], none, **RULES).lines(res.records)
    assert lines[0].startswith("Observed: AIS: 1,500 records in 1 file; ")
    assert "from 1 ship;" in lines[0]
    assert lines[2] == "Imagery: No satellite image of the ships of interest in the sightings file."
    res2 = shuttle_res(tmp_path / "b")
    gsd = pd.DataFrame({"image_id": ["a", "b"], "provider": ["", ""], "gsd_m": ["0.8", "1.2"]})
    lines = shuttle_methods.get_methods(res2, ["a/feed.nmea"], gsd, **RULES).lines(res2.records)
    assert lines[2] == (
        "Imagery: 2 satellite images, provider not recorded; resolution 0.8 to 1.2 m."
    )


def test_receiver_list_is_cut_after_three_names():
    many = [f"sat_{i}.nmea" for i in range(5)]
    assert shuttle_methods.receiver_words(shuttle_methods.get_receivers(many)) == (
        "satellites (sat_0.nmea, sat_1.nmea, sat_2.nmea and 2 more)"
    )


def test_record_methods_returns_what_it_recorded(tmp_path):
    res = shuttle_res(tmp_path)
    gsd = pd.DataFrame({"image_id": ["a"], "gsd_m": ["x"]})  # no number: no resolution
    out = shuttle_methods.record_methods(
        res, ["a.nmea"], gsd, radius_km={"home": 2, "away": 3}, max_sog_kn=1, min_dwell_h=2
    )
    assert out == {
        "ais_files": 1,
        "sighting_images": 1,
        "home_geofence_km": 2.0,
        "away_geofence_km": 3.0,
        "max_sog_kn": 1.0,
        "min_dwell_h": 2.0,
    }
    assert "shuttle.sighting_gsd_min_m" not in res
