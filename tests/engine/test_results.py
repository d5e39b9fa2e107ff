"""tumen.engine.results: recording numbers and rendering prose from them."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from tumen.engine import results
from tumen.errors import ResultError


def test_record_writes_sorted_json_and_returns_value(tmp_path):
    res = results.Results(tmp_path / "r.json")
    assert res.record("rail.peak_railcars", np.int64(73), "railcars", "Highest count") == 73
    res.record("rail.baseline_mean", np.float64(7.25), "railcars", "Mean count")
    data = json.loads((tmp_path / "r.json").read_text())
    assert list(data) == ["rail.baseline_mean", "rail.peak_railcars"]
    assert data["rail.peak_railcars"] == {
        "value": 73,
        "unit": "railcars",
        "description": "Highest count",
    }
    assert type(data["rail.peak_railcars"]["value"]) is int


def test_dates_become_iso_strings(tmp_path):
    res = results.Results(tmp_path / "r.json")
    res.record("a.day", pd.Timestamp("2023-10-05"), "date", "A day")
    res.record("a.when", dt.datetime(2023, 10, 5, 6, 30), "UTC", "A time")
    res.record("a.tzwhen", pd.Timestamp("2023-10-05 09:30", tz="Asia/Seoul"), "UTC", "A zoned time")
    res.record("a.date", dt.date(2024, 2, 9), "date", "A date")
    assert res["a.day"] == "2023-10-05"  # reads back what the file holds
    stored = results.load(tmp_path / "r.json")
    assert stored["a.day"]["value"] == "2023-10-05"
    assert stored["a.when"]["value"] == "2023-10-05T06:30:00Z"
    assert stored["a.tzwhen"]["value"] == "2023-10-05T00:30:00Z"
    assert stored["a.date"]["value"] == "2024-02-09"


@pytest.mark.parametrize("name", ["Rail.peak", "peak", "rail..peak", "rail.peak-count", ""])
def test_bad_names_are_refused(tmp_path, name):
    with pytest.raises(ResultError):
        results.Results(tmp_path / "r.json").record(name, 1, "1", "x")


def test_non_finite_and_unsupported_values_are_refused(tmp_path):
    res = results.Results(tmp_path / "r.json")
    with pytest.raises(ResultError, match="finite"):
        res.record("a.b", float("nan"), "1", "x")
    with pytest.raises(ResultError, match="unsupported"):
        res.record("a.c", [1, 2], "1", "x")
    with pytest.raises(ResultError, match="one-line"):
        res.record("a.d", 1, "1", "two\nlines")


def test_reopening_keeps_earlier_records(tmp_path):
    results.Results(tmp_path / "r.json").record("a.b", 1, "1", "x")
    assert "a.b" in results.Results(tmp_path / "r.json")


@pytest.mark.parametrize(
    "value, spec, text",
    [
        (1234, "", "1,234"),
        (73, "", "73"),
        (0.04567, "", "0.0457"),
        (1234.5, "", "1,234"),
        (3.0, "", "3"),
        (3.14159, ".1f", "3.1"),
        (1e-9, "", "1e-09"),
        (0.0, "", "0"),
        (True, "", "yes"),
        (None, "", "n/a"),
        ("2023-10-05", "", "2023-10-05"),
        (12.345, "", "12.3"),
    ],
)
def test_format_value(value, spec, text):
    assert results.format_value(value, spec) == text


RECORDS = {
    "rail.peak": {"value": 73, "unit": "railcars", "description": "Highest count"},
    "rail.ratio": {"value": 3.65, "unit": "1", "description": "Peak over max"},
    "ais.name": {"value": "<script>*x*</script>", "unit": "", "description": "A name"},
}


def test_render_plain_text():
    out = results.render(
        "Peak {rail.peak!u}, {rail.ratio:.1f}× ({fig:rail_counts}); {not a placeholder}",
        RECORDS,
        html=False,
    )
    assert out == "Peak 73 railcars, 3.6× (Figure); {not a placeholder}"


def test_render_html_links_each_value_to_its_record():
    out = results.render("Peak {rail.peak}. See {tab:rail_stats}.", RECORDS)
    assert (
        '<span class="result" data-result="rail.peak" title="rail.peak: Highest count [railcars]">73</span>'
        in out
    )
    assert '<a class="xref" href="#tab-rail_stats">Table</a>' in out


def test_render_escapes_string_values():
    out = results.render("Ship {ais.name}", RECORDS)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert r"\*x\*" in out  # no Markdown emphasis either


def test_render_unknown_name_names_it_and_suggests():
    with pytest.raises(ResultError, match="rail.peek") as exc:
        results.render("{rail.peek}", RECORDS)
    assert "rail.peak" in str(exc.value)


def test_load_all_merges_with_notebook_names(tmp_path):
    results.Results(tmp_path / "01_a.json").record("a.x", 1, "1", "x")
    results.Results(tmp_path / "02_b.json").record("b.y", 2, "1", "y")
    merged = results.load_all(tmp_path)
    assert merged["a.x"]["notebook"] == "01_a" and merged["b.y"]["value"] == 2


def test_load_rejects_non_results(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]")
    with pytest.raises(ResultError, match="not a results file"):
        results.load(tmp_path / "x.json")


def test_scientific_notation_becomes_a_superscript_in_html():
    recs = {"a.p": {"value": 1.2e-9, "unit": "1", "description": "p"}}
    assert results.render("{a.p:.1e}", recs, html=False) == "1.2e-09"
    assert "1.2 × 10<sup>−9</sup></span>" in results.render("{a.p:.1e}", recs)


# --- bounds and citations ---------------------------------------------------------------


def test_bounds_round_outwards_so_they_still_hold():
    """A rounded upper bound rounds up and a lower bound down: 24.1 h is "at most 25",
    4.37 kn "at least 4.3"; a plain format rounds to nearest."""
    recs = {
        "s.h": {"value": 24.1, "unit": "h", "description": "d"},
        "s.kn": {"value": 4.37, "unit": "kn", "description": "d"},
        "s.km": {"value": 9602.49, "unit": "km", "description": "d"},
    }
    text = "at most {s.h!ceil:.0f}, at least {s.kn!floor:.1f}, {s.km!floor:,.0f}, {s.h:.0f}"
    assert results.render(text, recs, html=False) == "at most 25, at least 4.3, 9,602, 24"
    assert results.render("{s.h!ceil:.1f} {s.kn!ceil:.2f}", recs, html=False) == "24.1 4.37"
    with pytest.raises(ResultError, match="fixed-point"):
        results.render("{s.h!ceil}", recs, html=False)


def test_published_figures_cite_their_reference_once_per_sentence():
    recs = {
        "claim.a": {"value": 300, "unit": "boxes", "description": "d", "ref": 3},
        "claim.b": {"value": "2023-09-07", "unit": "date", "description": "d", "ref": 3},
        "claim.c": {"value": 5, "unit": "trips", "description": "d", "ref": 1},
        "x.n": {"value": 7, "unit": "trips", "description": "d"},
    }
    out = results.render(
        "About {claim.a} boxes on {claim.b}; then {claim.b}. We count {x.n}, they {claim.c!u}.",
        recs,
    )
    assert out.count('href="#ref-3">[3]</a>') == 2  # once per sentence (the ';' ends one)
    assert out.count('href="#ref-1">[1]</a>') == 1
    assert 'data-result="x.n" title="x.n: d [trips]">7</span> <a' not in out  # no ref: no cite
    assert results.render("{claim.a}", recs, html=False) == "300"  # plain text (alt text): none


def test_record_keeps_a_reference_number(tmp_path):
    res = results.Results(tmp_path / "r.json")
    res.record("claim.x", 5, "trips", "Published", ref=2)
    assert results.load(tmp_path / "r.json")["claim.x"] == {
        "value": 5,
        "unit": "trips",
        "description": "Published",
        "ref": 2,
    }
