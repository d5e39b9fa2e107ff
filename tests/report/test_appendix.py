"""Tests for tumen.report.appendix: the report's appendices and opening (claims not tested,
references, key judgments, provenance tables), on a tiny build."""

from types import SimpleNamespace

from bs4 import BeautifulSoup

from tumen.engine import results
from tumen.report import appendix, claims


def test_html_table_escapes_cells_and_keeps_a_raw_first_cell():
    out = appendix.html_table(["k", "v<"], [["<b>a</b>", "1 & 2"]], "kv", ["r&1"], raw_first=True)
    assert out == (
        '<div class="table-wrap"><table class="kv"><thead><tr><th>k</th><th>v&lt;</th></tr>'
        '</thead><tbody><tr id="r&amp;1"><td><b>a</b></td><td>1 &amp; 2</td></tr></tbody>'
        "</table></div>"
    )
    plain = appendix.html_table(["k"], [["<b>a</b>"], [3]], "kv")
    assert "<td>&lt;b&gt;a&lt;/b&gt;</td>" in plain and "<tr><td>3</td></tr>" in plain


def test_banner_only_for_synthetic_inputs():
    assert appendix.banner([]) == ""
    soup = BeautifulSoup(appendix.banner(["data/ais/terrestrial.nmea"]), "html.parser")
    code = soup.select("code[title]")
    assert [(c["title"], c.get_text()) for c in code] == [
        ("data/ais/terrestrial.nmea", "terrestrial.nmea")
    ]
    assert soup.select_one("a")["href"] == "#provenance"


def _tiny_build(tmp_path):
    (tmp_path / "claims.csv").write_text(
        "id,source,published,statement,value,unit,citation,title\n"
        "peak,Pub <A>,2023-10-06,About 73.,73,railcars,,Report One\n"
        "years,Pub <A>,2023-10-06,Five years.,5,years,,Report One\n"
        "tarps,Other,2023-10-07,Tarps hide it.,,,a note,\n"
        "far,Other,2023-10-07,Far away.,9,km,a note,\n",
        encoding="utf-8",
    )
    res = results.Results(tmp_path / "res" / "01_t.json")
    res.record("t.ratio", 3.65, "1", "d")
    res.record("verdict.peak", "reproduced (calibration)", "", "73 matches 73.")
    res.record("untested.years", "reads back a parameter", "", "Why this claim is not tested")
    (tmp_path / "j.yaml").write_text(
        "judgments:\n  - id: rise\n    statement: The count rose\n    likelihood:\n"
        "      result: t.ratio\n      thresholds: [[0, unlikely], [3, almost certain]]\n",
        encoding="utf-8",
    )
    nb = SimpleNamespace(stem="01_t", name="t", params={"claims_csv": "claims.csv"})
    return SimpleNamespace(
        notebooks=[nb], dirs=SimpleNamespace(results="res"), report={"judgments_yaml": "j.yaml"}
    )


def test_claims_appendix_lists_untested_claims_with_why_and_numbered_references(tmp_path):
    cfg = _tiny_build(tmp_path)
    out = appendix.claims_appendix(cfg, tmp_path, appendix.read_claims_table(cfg, tmp_path))
    soup = BeautifulSoup(out, "html.parser")
    rows = {
        tr["data-claim"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("table.claims-not-tested tr[data-claim]")
    }
    assert list(rows) == ["years", "tarps", "far"]  # "peak" has its verdict in a section
    assert rows["years"][1:] == ["Pub <A> [1]", "Five years.", "reads back a parameter"]
    assert rows["tarps"][3] == claims.QUALITATIVE and rows["far"][3] == claims.UNACCOUNTED
    refs = soup.select("ol.references li")
    assert [li["id"] for li in refs] == ["ref-1", "ref-2"]
    assert refs[0].get_text() == "Pub <A>. “Report One”. 2023-10-06."
    assert "<A>" not in out  # escaped


def test_opening_judgments_are_illustrative_when_their_section_read_synthetic_data(tmp_path):
    cfg = _tiny_build(tmp_path)
    out = appendix.key_judgments(cfg, results.load_all(tmp_path / "res"), {"t": []}, tmp_path)
    li = BeautifulSoup(out, "html.parser").select_one("li.judgment")
    assert li.select_one(".likelihood").get_text() == "Almost certain (95–99%)"
    assert "illustrative" not in li["class"]  # the section read no synthetic file
    cfg.report["judgments_yaml"] = ""
    assert appendix.key_judgments(cfg, {}, {}, tmp_path) == ""
