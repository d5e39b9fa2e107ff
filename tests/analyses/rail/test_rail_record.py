"""Tests of tumen.analyses.rail.record: names, values, units and descriptions of the results."""

import pytest
from fixtures.railcars import tiny

from tumen.analyses.rail import compute, record, sensitivity
from tumen.engine.results import Results

ISSUE_NAMES = [
    "rail.n_images",
    "rail.baseline_start",
    "rail.baseline_end",
    "rail.baseline_n_images",
    "rail.baseline_mean",
    "rail.baseline_median",
    "rail.baseline_p95",
    "rail.baseline_max",
    "rail.peak_railcars",
    "rail.peak_date",
    "rail.peak_to_baseline_max",
    "rail.peak_to_baseline_mean",
    "rail.tail_probability",
    "rail.robust_z",
    "rail.onset_after",
    "rail.onset_before",
]


def test_record_results_names_values_units(tmp_path):
    res = Results(tmp_path / "01_rail_traffic.json")
    ds = tiny()
    out = record.record_results(res, compute.analyse(ds), sensitivity.sensitivity(ds))
    assert out["peak_railcars"] == 40 and out["sensitivity.confidence.baseline_max"] == 6
    records = Results(tmp_path / "01_rail_traffic.json").records  # re-read from disk
    assert set(ISSUE_NAMES) <= set(records)
    assert records["rail.peak_railcars"] == {
        "value": 40,
        "unit": "railcars",
        "description": "Highest railcar count in one image",
    }
    assert records["rail.peak_date"]["value"] == "2023-10-05"
    assert records["rail.baseline_start"]["value"] == "2018-10-05"
    assert records["rail.first_image"]["value"] == "2017-11-01"
    assert records["rail.last_image"]["value"] == "2023-11-20"
    assert records["rail.onset_after"]["value"] == "2023-09-01"
    assert records["rail.onset_interval_days"]["value"] == 34.0
    assert records["rail.baseline_p95"]["value"] == pytest.approx(8.4)
    assert records["rail.count_model"]["value"] == "negative binomial"
    assert records["rail.sensitivity.confidence.baseline_max"] == {
        "value": 6,
        "unit": "railcars",
        "description": "Highest railcar count in any baseline image (confidence medium or higher)",
    }
    assert records["rail.sensitivity.longer_baseline.baseline_max"]["value"] == 30
    # robust z per variant: all 36/(1.4826*2); confidence 36/1.4826; resolution and both
    # (2 4 6: MAD 2) 36/(1.4826*2); shorter (4 9 4 6: median 5, MAD 1) 35/1.4826; longer
    # (30 2 4 9 4 6: median 5, |x-5| 25 3 1 4 1 1 -> MAD 2) 35/(1.4826*2), the smallest
    assert records["rail.sensitivity_min_robust_z"]["value"] == pytest.approx(35 / 2.9652)
    assert all(r["unit"] is not None and r["description"] for r in records.values())


def test_record_model_floor_only_without_a_model(tmp_path):
    res = Results(tmp_path / "r.json")
    assert record.record_model_floor(res, compute.analyse(tiny()), 10) == {}
    few = compute.analyse(tiny(), min_model_images=10)
    assert record.record_model_floor(res, few, 10) == {"min_model_images": 10}
    assert res.records["rail.min_model_images"]["unit"] == "images"
