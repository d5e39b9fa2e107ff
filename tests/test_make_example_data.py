"""Tests of scripts/make_example_data.py: determinism and calibration of the example data."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from tumen import rail

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_example_data.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_example_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def railcars(script, tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    assert script.main(["--data-dir", str(out), "--only", "railcars"]) == 0
    return out / "observations" / "railcars.csv"


def test_same_seed_same_bytes(script, railcars, tmp_path):
    script.main(["--data-dir", str(tmp_path), "--seed", str(script.DEFAULT_SEED)])
    assert (tmp_path / "observations" / "railcars.csv").read_bytes() == railcars.read_bytes()


def test_shipped_file_is_the_default_output(railcars):
    assert (ROOT / "data" / "observations" / "railcars.csv").read_bytes() == \
        railcars.read_bytes()


def test_other_seed_other_data_same_calibration(script, tmp_path):
    script.main(["--data-dir", str(tmp_path), "--seed", "7"])
    other = tmp_path / "observations" / "railcars.csv"
    assert other.read_bytes() != (ROOT / "data" / "observations" / "railcars.csv").read_bytes()
    check_calibration(other)


def test_streams_depend_only_on_seed_and_name(script):
    a = script.stream(1, "railcars").random(3)
    assert (a == script.stream(1, "railcars").random(3)).all()
    assert (a != script.stream(1, "vessel_sightings").random(3)).all()


def test_generators_may_return_bytes(script, tmp_path, monkeypatch):
    monkeypatch.setitem(script.GENERATORS, "nmea", ("ais/example.nmea",
                                                    lambda rng: b"!AIVDM,1,1,,A,x,0*00\n"))
    path = script.write("nmea", 1, tmp_path)
    assert path.read_bytes() == b"!AIVDM,1,1,,A,x,0*00\n"


def test_file_format(railcars):
    raw = railcars.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == ("site,acquired,railcars,image_id,provider,gsd_m,cloud_pct,analyst,"
                        "confidence,notes")
    table = pd.read_csv(railcars, dtype=str, keep_default_na=False)
    assert table["notes"].str.startswith("synthetic").all()
    assert table["gsd_m"].str.fullmatch(r"\d\.\d\d").all()
    assert table["acquired"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z").all()
    assert list(table["acquired"]) == sorted(table["acquired"])
    assert table["image_id"].is_unique


def check_calibration(path):
    table = rail.read_railcars(path, known_sites=["tumangang_rail_facility"])
    day = table["acquired"].dt.normalize()
    peak_day = pd.Timestamp("2023-10-05")
    before, after = table[day < peak_day], table[day > peak_day]
    assert before["railcars"].max() == 20                      # the published cap, reached
    assert (table.loc[day == peak_day, "railcars"] == [73]).all()
    assert (day == peak_day).sum() == 1
    assert (after["railcars"] > 20).all() and after["railcars"].max() < 73
    assert table["acquired"].min() >= pd.Timestamp("2018-10-01")
    assert table["acquired"].max() <= pd.Timestamp("2024-01-01")
    assert set(table["confidence"]) == {"low", "medium", "high"}
    assert table["gsd_m"].nunique() >= 3
    gaps = table["acquired"].diff().dt.days
    assert gaps.max() >= 30                                     # cloudy / tasking gaps
    assert 100 <= len(table) <= 400


def test_calibrated_to_published_figures(railcars):
    check_calibration(railcars)


def test_example_data_give_the_published_figures(railcars):
    stats = rail.analyse(rail.load(railcars, "tumangang_rail_facility"))
    assert (stats.peak_railcars, stats.baseline_max) == (73, 20)
    assert stats.baseline_start == stats.peak_time - pd.DateOffset(years=5)
