"""Tests for tumen.ais.silence_rules: the thresholds, and the class and GFW verdict of one
measured silence, on hand-made measurements (invented ship, place and dates)."""

import numpy as np
import pandas as pd
import pytest

from tumen.ais import silence_measure, silence_rules
from tumen.errors import ParameterError
from tumen.geo.earth import KM_PER_NM

T0 = pd.Timestamp("2031-05-10 12:00", tz="UTC")
LAT, LON = -23.0, 13.32  # cell (-23, 13) of 1°


def test_to_rules_names_an_unknown_threshold():
    with pytest.raises(ParameterError, match="unknown silence threshold 'neighbor_km'") as err:
        silence_rules.to_rules(neighbor_km=5.0)
    assert err.value.field == "neighbor_km" and "neighbour_km" in err.value.hint


def test_default_rules_are_gfws_and_bad_values_are_named():
    rules = silence_rules.to_rules()
    assert (rules.gfw_min_gap_h, rules.gfw_min_shore_nm) == (12.0, 50.0)
    assert (rules.gfw_min_cell_per_day, rules.gfw_min_fixes_before, rules.before_h) == (10, 14, 12)
    assert silence_rules.to_rules(neighbour_km=5.0).neighbour_km == 5.0
    for bad, field in (
        ({"neighbour_km": -1.0}, "neighbour_km"),
        ({"gfw_min_gap_h": True}, "gfw_min_gap_h"),
        ({"before_h": float("nan")}, "before_h"),
        ({"cell_deg": 100.0}, "cell_deg"),
        ({"before_h": 0.0}, "before_h"),
    ):
        with pytest.raises(ParameterError) as err:
            silence_rules.to_rules(**bad)
        assert err.value.field == field


def one_silence(kind="between", *, ships=0, reports=0, per_day=12.0, before=15):
    """A 13 h silence starting 60.3 nm from shore, and its measurements."""
    gaps = pd.DataFrame(
        {
            "mmsi": [990000001],
            "kind": [kind],
            "start": [T0],
            "end": [T0 + pd.Timedelta(hours=13)],
            "duration_h": [13.0],
            "lat_before": [LAT],
            "lon_before": [LON],
            "lat_after": [LAT],
            "lon_after": [LON],
        }
    )
    key = silence_measure.cell_key(np.array([LAT]), np.array([LON]), 1.0)
    m = {
        "shore_before": np.array([60.3 * KM_PER_NM]),
        "shore_after": np.array([60.3 * KM_PER_NM]),
        "ships": np.array([[ships]]),
        "reports": np.array([[reports]]),
        "cells": pd.DataFrame({"positions": [per_day * 3], "ship_days": [3]}, index=key),
        "before": np.array([[before]]),
    }
    return silence_rules.explained(gaps, "mmsi", m, 0, 0, silence_rules.to_rules())


def test_no_neighbour_in_a_well_received_cell_is_undetermined_and_counts_for_gfw():
    row = one_silence().iloc[0]
    assert (row["cell_lat"], row["cell_lon"], row["cell_per_day"]) == (-23.0, 13.0, 12.0)
    assert row["class"] == "undetermined"
    assert row["reason"] == (
        "no other ship heard within 20 km of where it fell silent or reappeared during the "
        "silence; its 1° cell receives 12.0 reports per ship a day, but no neighbour shows "
        "that reception worked then"
    )
    assert row["gfw"]
    assert row["gfw_reason"] == (
        "lasts 13.0 h, starts 60.3 nm from shore, its 1° cell receives 12.0 reports per ship "
        "a day, 15 reports in the 12 h before"
    )


def test_a_neighbour_heard_once_an_hour_means_switched_off():
    row = one_silence(ships=1, reports=13).iloc[0]  # 13 reports in 13 h: 1.0 an hour
    assert row["class"] == "likely switched off"
    assert row["reason"] == (
        "1 other ship heard within 20 km of where it fell silent or reappeared, 1.0 reports "
        "an hour during the silence: reception worked there and then"
    )


def test_a_poor_cell_is_possibly_reception_and_fails_gfw():
    row = one_silence(per_day=4.0, before=1).iloc[0]
    assert row["class"] == "possibly reception"
    assert row["reason"].endswith(
        "and its 1° cell receives 4.0 reports per ship a day (at most 10): the receivers may "
        "not have heard it"
    )
    assert not row["gfw"]
    assert row["gfw_reason"] == (
        "its 1° cell receives 4.0 reports per ship a day (rule: more than 10); "
        "1 report in the 12 h before (rule: at least 14)"
    )


def test_a_silence_after_the_last_fix_is_undetermined():
    row = one_silence("after_last").iloc[0]
    assert row["class"] == "undetermined"
    assert row["reason"] == silence_rules.EDGE_REASONS["after_last"]
    assert not row["gfw"] and row["gfw_reason"].startswith("not a silence between two fixes")
