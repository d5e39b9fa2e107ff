"""The sections' claims tables (tumen.report.claims_html)."""

from pathlib import Path

from fixtures.claims_files import write

from tumen.report import claims, claims_compare, claims_html

ROOT = Path(__file__).resolve().parents[2]


def test_to_display_shows_verdicts_not_agrees(table):
    got = claims_compare.assess(
        table, {"a": 73, "b": 21}, {"peak": ("a", "equal"), "base_max": ("b", "at_most")}
    )
    shown = claims_html.to_display(got)
    assert list(shown.index) == ["peak", "base_max"]
    assert "agrees" not in shown.columns
    assert list(shown["verdict"]) == ["consistent", "inconsistent"]
    assert list(shown["why"]) == [
        "73 railcars matches 73 railcars.",
        "21 railcars is more than 20 railcars.",
    ]
    assert list(shown["source"]) == ["CSIS [1]", "CSIS [1]"]


def test_to_html_escapes_cites_and_marks_calibration(tmp_path):
    body = "x,<b>Pub</b>,2023-10-06,Said <i>so</i>.,5,things,c\n"
    table = claims.read_claims(write(tmp_path, body))
    got = claims_compare.assess(table, {"r": 6}, {"x": ("r", "at_least")}, synthetic=True)
    out = claims_html.to_html(got, "my_claims", "Caption & more").data
    assert "<b>" not in out and "&lt;b&gt;Pub&lt;/b&gt;" in out and "&amp; more" in out
    assert '<a class="cite" href="#ref-1">[1]</a>' in out
    assert 'class="verdict verdict-consistent verdict-calibration"' in out
    assert "reproduced (calibration)" in out and "agrees" not in out
    assert 'id="tab-my_claims"' in out and 'class="tumen-table claims-table"' in out
