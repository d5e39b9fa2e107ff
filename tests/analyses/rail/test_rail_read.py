"""Tests of tumen.analyses.rail.read: reading, checking and filtering the railcar counts
(tests/fixtures/rail/, described in tests/fixtures/railcars.py).
"""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from fixtures.railcars import FIXTURES, SITES, tiny
from numpy.testing import assert_allclose

from tumen.analyses.rail import read
from tumen.errors import DataError, ParameterError


def test_read_railcars_types_order_and_time_zones():
    table = read.read_railcars(FIXTURES / "tiny.csv", known_sites=SITES)
    # sorted by site then time: khasan first
    assert list(table["image_id"]) == [
        "K01",
        "K02",
        "T01",
        "T02",
        "T03",
        "T04",
        "T05",
        "T06",
        "T07",
        "T08",
    ]
    assert list(table["line"]) == [4, 11, 3, 2, 5, 6, 7, 8, 9, 10]
    assert table["railcars"].dtype == np.int64
    got = table.set_index("image_id")["acquired"]
    assert got["T03"] == pd.Timestamp("2020-07-21 00:00")  # date only
    assert got["T06"] == pd.Timestamp("2023-09-01 02:00")  # +09:00 -> UTC
    t08 = table.set_index("image_id").loc["T08"]
    assert math.isnan(t08["gsd_m"]) and math.isnan(t08["cloud_pct"])
    assert t08["confidence"] == "" and t08["notes"] == "no metadata"


def test_read_railcars_minimal_columns():
    table = read.read_railcars(FIXTURES / "minimal.csv")
    assert list(table["railcars"]) == [4, 5, 6, 5, 30]
    assert (table["confidence"] == "").all() and table["gsd_m"].isna().all()


def test_to_dataset_is_indexed_by_time_with_metadata():
    ds = tiny()
    assert ds.attrs["site"] == "tumangang_rail"
    assert list(ds.dims) == ["acquired"] and ds.sizes["acquired"] == 8
    assert list(ds["railcars"].values) == [30, 2, 4, 9, 4, 6, 40, 25]
    assert list(ds["confidence"].values) == [
        "high",
        "high",
        "medium",
        "low",
        "high",
        "high",
        "high",
        "",
    ]
    assert_allclose(ds["gsd_m"].values[:3], [0.5, 0.5, 0.3])
    assert ds["railcars"].attrs["units"] == "railcars"
    assert ds["gsd_m"].attrs["units"] == "m"
    assert ds["acquired"].attrs["time_zone"] == "UTC"


def test_unknown_site_in_load_lists_close_match():
    with pytest.raises(DataError, match="did you mean 'tumangang_rail'"):
        read.load(FIXTURES / "tiny.csv", "tumangang")


def test_naive_timestamps_can_be_taken_as_utc():
    table = read.read_railcars(FIXTURES / "naive_timestamp.csv", naive="utc")
    assert table["acquired"].iloc[1] == pd.Timestamp("2023-02-01 02:00")


@pytest.mark.parametrize(
    "name, line, field, words",
    [
        ("missing_column.csv", 1, "railcars", "did you mean 'railcar'"),
        ("misspelt_optional.csv", 1, "confidance", "did you mean 'confidence'"),
        ("naive_timestamp.csv", 3, "acquired", "no time zone"),
        ("bad_timestamp.csv", 4, "acquired", "cannot read timestamp '5 Oct 2023'"),
        ("negative_count.csv", 2, "railcars", "negative"),
        ("fractional_count.csv", 3, "railcars", "not a whole number"),
        ("unknown_site.csv", 3, "site", "did you mean 'tumangang_rail'"),
        ("bad_confidence.csv", 2, "confidence", "'very high' is not one of"),
        ("bad_gsd.csv", 2, "gsd_m", "not a valid value"),
        ("extra_field.csv", 3, None, "4 fields, the header has 3"),
        ("multiline_note.csv", 4, "railcars", "negative"),  # the note spans lines 2-3
    ],
)
def test_errors_name_file_line_and_field(name, line, field, words):
    with pytest.raises(DataError) as info:
        read.read_railcars(FIXTURES / name, known_sites=SITES)
    err = info.value
    assert (err.file, err.line, err.field) == (str(FIXTURES / name), line, field)
    assert words in str(err) and "hint:" in str(err)
    assert "\n" not in str(err)


def test_missing_file_is_a_data_error():
    with pytest.raises(DataError, match="file not found"):
        read.read_railcars(FIXTURES / "nope.csv")


def test_bad_naive_policy_is_a_parameter_error():
    with pytest.raises(ParameterError):
        read.read_railcars(FIXTURES / "tiny.csv", naive="local")


def test_parse_time_policy():
    assert read.parse_time("2023-10-05T01:48:00Z") == dt.datetime(2023, 10, 5, 1, 48)
    assert read.parse_time("2023-10-05") == dt.datetime(2023, 10, 5)
    assert read.parse_time("2023-10-05T01:48:00", naive="utc") == dt.datetime(2023, 10, 5, 1, 48)
    with pytest.raises(DataError, match="no time zone"):
        read.parse_time("2023-10-05T01:48:00")
    with pytest.raises(DataError, match="cannot read"):
        read.parse_time("2023-02-30")


def test_filter_images_keeps_unknown_metadata():
    ds = tiny()
    # confidence >= medium drops T04 only; T08 (no confidence) stays
    assert list(read.filter_images(ds, min_confidence="medium")["image_id"].values) == [
        "T01",
        "T02",
        "T03",
        "T05",
        "T06",
        "T07",
        "T08",
    ]
    # gsd <= 1 m drops T04 (3 m) and T05 (1.5 m); T08 (no gsd) stays
    assert list(read.filter_images(ds, max_gsd_m=1.0)["image_id"].values) == [
        "T01",
        "T02",
        "T03",
        "T06",
        "T07",
        "T08",
    ]
    assert list(read.filter_images(ds, min_confidence="high")["image_id"].values) == [
        "T01",
        "T02",
        "T05",
        "T06",
        "T07",
        "T08",
    ]
    with pytest.raises(ParameterError):
        read.filter_images(ds, min_confidence="certain")
