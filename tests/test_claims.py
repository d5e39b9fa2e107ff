"""Tests of tumen.report.claims: the shipped claims file, its validation and the comparison table."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tumen.errors import DataError, ParameterError, ResultError
from tumen.report import claims, claims_html, claims_verdict

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,source,published,statement,value,unit,citation\n"
REF_HEADER = "id,source,published,statement,value,unit,citation,author,title,publisher,url\n"


def write(tmp_path, body, header=HEADER, name="claims.csv"):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path):
    body = (
        "peak,CSIS,2023-10-06,About 73 railcars.,73,railcars,c\n"
        "base_max,CSIS,2023-10-06,No more than 20.,20,railcars,c\n"
        "peak_day,CSIS,2023-10-06,On 5 Oct.,2023-10-05,date,c\n"
        "trips,RUSI,2023-10-16,At least five round trips.,5,round trips,c\n"
        "boxes,White House,2023-10-13,More than 1000 containers.,1000,containers,c\n"
        "start,RUSI,2023-10-16,Mid-August.,2023-08-11/2023-08-20,date,c\n"
        "hundreds,RUSI,2023-10-16,Hundreds.,200/999,containers,c\n"
        "dist_mi,NYT,2023-10-16,125 miles.,125,mi,c\n"
        "area,CSIS,2024,About 2.6 km2.,2.6,km2,c\n"
        "tarps,CSIS,2023-10-06,Tarps hide the cargo.,,,c\n"
    )
    return claims.read_claims(write(tmp_path, body))


# --- the shipped file -----------------------------------------------------------------

EXPECTED = {  # every published figure of CLAIMS.md: id -> (value, unit)
    "csis_tumangang_peak": (73, "railcars"),
    "csis_tumangang_peak_date": (dt.date(2023, 10, 5), "date"),
    "csis_tumangang_baseline_max": (20, "railcars"),
    "csis_tumangang_baseline_years": (5, "years"),
    "rusi_shuttle_round_trips": (5, "round trips"),
    "rusi_shuttle_round_trips_early": (4, "round trips"),
    "rusi_shuttle_start": ((dt.date(2023, 8, 11), dt.date(2023, 8, 20)), "date"),
    "rusi_shuttle_end": (dt.date(2023, 10, 14), "date"),
    "rusi_shuttle_containers": ((200, 999), "containers"),
    "rusi_dunai_fokino": (9, "km"),
    "rusi_depot_distance": (200, "km"),
    "rusi_depot_imagery_date": (dt.date(2023, 9, 28), "date"),
    "rusi_depot_growth_start": ((dt.date(2023, 8, 1), dt.date(2023, 8, 31)), "date"),
    "whitehouse_containers": (1000, "containers"),
    "whitehouse_angara_first": (dt.date(2023, 9, 7), "date"),
    "whitehouse_angara_last": (dt.date(2023, 10, 1), "date"),
    "whitehouse_najin_containers": (300, "containers"),
    "whitehouse_najin_containers_dates": ((dt.date(2023, 9, 7), dt.date(2023, 9, 8)), "date"),
    "whitehouse_depot_distance": (290, "km"),
    "rusi_angara_deliveries": (11, "deliveries"),
    "rusi_angara_zhoushan_arrival": (dt.date(2024, 2, 9), "date"),
    "csis_depot_area": (2.6, "km2"),
    "nyt_depot_distance": (125, "mi"),
    "seed_depot_distance": (120, "mi"),
}


def test_shipped_claims_hold_every_published_figure():
    shipped = claims.read_claims(ROOT / "data" / "claims.csv")
    for claim_id, (value, unit) in EXPECTED.items():
        assert shipped.loc[claim_id, "value"] == value, claim_id
        assert shipped.loc[claim_id, "unit"] == unit, claim_id
    qualitative = shipped[shipped["value"].isna()].index
    assert set(qualitative) == {
        "csis_tumangang_cargo_hidden",
        "rusi_shuttle_vessels",
        "csis_depot_unit",
    }
    assert shipped.loc["csis_tumangang_peak", "published"] == "2023-10-06"
    assert shipped.loc["whitehouse_containers", "published"] == "2023-10-13"


def test_shipped_claims_file_is_plain_utf8_lf():
    raw = (ROOT / "data" / "claims.csv").read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    raw.decode("utf-8")


# --- reading --------------------------------------------------------------------------


def test_read_claims_parses_values(table):
    assert list(table.columns) == [
        "source",
        "published",
        "statement",
        "value",
        "value_text",
        "unit",
        "citation",
        "author",
        "title",
        "publisher",
        "url",
        "ref",
        "line",
    ]
    assert table.loc["peak", "value"] == 73 and isinstance(table.loc["peak", "value"], int)
    assert table.loc["area", "value"] == 2.6
    assert table.loc["peak_day", "value"] == dt.date(2023, 10, 5)
    assert table.loc["start", "value"] == (dt.date(2023, 8, 11), dt.date(2023, 8, 20))
    assert table.loc["hundreds", "value"] == (200, 999)
    assert table.loc["tarps", "value"] is None
    assert table.loc["start", "value_text"] == "2023-08-11/2023-08-20"
    assert table.loc["peak", "line"] == 2 and table.loc["tarps", "line"] == 11


@pytest.mark.parametrize(
    "body, line, field, words",
    [
        ("Peak,CSIS,2023-10-06,s,73,railcars,c\n", 2, "id", "snake_case"),
        (
            "a,CSIS,2023-10-06,s,1,x,c\nb,CSIS,2023-10-06,s,1,x,c\na,CSIS,2023-10-06,s,1,x,c\n",
            4,
            "id",
            "repeats line 2",
        ),
        ("a,,2023-10-06,s,1,x,c\n", 2, "source", "source is empty"),
        ("a,CSIS,2023-10-06,,1,x,c\n", 2, "statement", "statement is empty"),
        ("a,CSIS,2023-10-06,s,1,x,\n", 2, "citation", "citation is empty"),
        ("a,CSIS,6 Oct 2023,s,1,x,c\n", 2, "published", "not ISO 8601"),
        ("a,CSIS,2023-02-30,s,1,x,c\n", 2, "published", "not ISO 8601"),
        ('a,CSIS,2023-10-06,s,"1,000",x,c\n', 2, "value", "no thousands separators"),
        ("a,CSIS,2023-10-06,s,about 73,x,c\n", 2, "value", "not a number"),
        ("a,CSIS,2023-10-06,s,9/3,x,c\n", 2, "value", "low > high"),
        ("a,CSIS,2023-10-06,s,2023-09-07/5,x,c\n", 2, "value", "mixes a date and a number"),
        ("a,CSIS,2023-10-06,s,73,,c\n", 2, "unit", "no unit"),
        ("a,CSIS,2023-10-06,s,1,x,c,,T,,rusi.org\n", 2, "url", "not a web address"),
        ("a,CSIS,2023-10-06,s,1,x,,,,,\n", 2, "citation", "or the publication's title"),
    ],
)
def test_claim_errors_name_file_line_and_field(tmp_path, body, line, field, words):
    wide = body.splitlines()[0].count(",") == REF_HEADER.count(",")
    path = write(tmp_path, body, header=REF_HEADER if wide else HEADER)
    with pytest.raises(DataError) as info:
        claims.read_claims(path)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert words in str(err)


def test_missing_claim_column_suggests_the_misspelling(tmp_path):
    path = write(
        tmp_path,
        "a,CSIS,2023,s,1,x,c\n",
        header="id,source,published,statment,value,unit,citation\n",
    )
    with pytest.raises(DataError, match="did you mean 'statment'") as info:
        claims.read_claims(path)
    assert (info.value.line, info.value.field) == (1, "statement")


def test_read_table_rejects_empty_and_duplicate_headers(tmp_path):
    with pytest.raises(DataError, match="empty"):
        claims.read_table(write(tmp_path, "", header=""), ["a"])
    with pytest.raises(DataError, match="appears twice"):
        claims.read_table(write(tmp_path, "1,2\n", header="a,a\n"), ["a"])


def test_read_table_keeps_unknown_columns_and_skips_blank_lines(tmp_path):
    path = write(tmp_path, "1,x\n\n2,y\n", header="a,comment\n")
    got = claims.read_table(path, ["a"])
    assert list(got["a"]) == ["1", "2"] and list(got["comment"]) == ["x", "y"]
    assert list(got["line"]) == [2, 4]


# --- comparison -----------------------------------------------------------------------


def test_compare_every_kind(table):
    results = {
        "r.peak": 73,
        "r.max": 20,
        "r.day": "2023-10-05",
        "r.trips": 6,
        "r.boxes": 1000,
        "r.start": dt.date(2023, 8, 15),
        "r.count": 250,
        "r.km": {"value": 201.0, "unit": "km"},
        "r.area": np.float64(2.5),
    }
    tests = {
        "peak": {"result": "r.peak", "kind": "equal"},  # 73 == 73
        "base_max": ("r.max", "at_most"),  # 20 <= 20
        "peak_day": ("r.day", "equal"),  # same day
        "trips": ("r.trips", "at_least"),  # 6 >= 5
        "boxes": ("r.boxes", "above"),  # 1000 > 1000 is false
        "start": ("r.start", "contains"),  # 11 <= 15 <= 20 Aug
        "hundreds": ("r.count", "contains"),  # 200 <= 250 <= 999
        "dist_mi": ("r.km", "within", {"rtol": 0.01}),  # 201 km = 124.9 mi
        "area": ("r.area", "within", {"tol": 0.05}),  # |2.5 - 2.6| > 0.05
    }
    got = claims.compare(table, results, tests)
    assert list(got.columns) == [
        "claim",
        "source",
        "statement",
        "published",
        "reproduced",
        "result",
        "kind",
        "agrees",
        "label",
    ]
    assert str(got["agrees"].dtype) == "boolean"
    assert list(got["agrees"]) == [True, True, True, True, False, True, True, True, False]
    shown = dict(zip(got["claim"], zip(got["published"], got["reproduced"])))
    assert shown["peak"] == ("73 railcars", "73 railcars")
    assert shown["base_max"] == ("≤ 20 railcars", "20 railcars")
    assert shown["trips"] == ("≥ 5 round trips", "6 round trips")
    assert shown["boxes"] == ("> 1,000 containers", "1,000 containers")
    assert shown["start"] == ("2023-08-11 – 2023-08-20", "2023-08-15")
    assert shown["hundreds"] == ("200 – 999 containers", "250 containers")
    assert shown["dist_mi"] == ("≈ 125 mi (± 1%)", "125 mi (201 km)")
    assert shown["area"] == ("≈ 2.6 km2 (± 0.05)", "2.5 km2")


def test_compare_dates_within_days_and_datetimes(table):
    got = claims.compare(
        table,
        {"d": pd.Timestamp("2023-10-07 23:00", tz="Asia/Seoul")},
        {"peak_day": ("d", "within", {"tol": 2})},
    )
    # 23:00 in Seoul is 14:00 UTC on 7 Oct: 2 days after 5 Oct
    assert got.loc[0, "reproduced"] == "2023-10-07" and bool(got.loc[0, "agrees"])
    assert got.loc[0, "published"] == "≈ 2023-10-05 (± 2 days)"


def test_compare_missing_result_value_is_not_applicable(table):
    got = claims.compare(table, {"r.peak": None}, {"peak": ("r.peak", "equal")})
    assert got.loc[0, "reproduced"] == "n/a" and pd.isna(got.loc[0, "agrees"])
    verdict = claims.assess(table, {"r.peak": None}, {"peak": ("r.peak", "equal")})
    assert verdict.loc["peak", "verdict"] == "indeterminate"
    assert verdict.loc["peak", "reason"] == "The analysis reproduced no value to compare."


def test_compare_takes_a_results_object(table, tmp_path):
    from tumen.engine.results import Results

    res = Results(tmp_path / "r.json")
    res.record("route.depot_km", 201.0, "km", "Distance")
    got = claims.compare(table, res, {"dist_mi": ("route.depot_km", "within", {"tol": 1})})
    assert got.loc[0, "reproduced"] == "125 mi (201 km)" and bool(got.loc[0, "agrees"])


def test_to_display_shows_verdicts_not_agrees(table):
    got = claims.assess(
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


# --- verdicts -------------------------------------------------------------------------


def _row(reproduced, kind, agrees, label=""):
    return {
        "published": "> 1,000 containers",
        "reproduced": reproduced,
        "kind": kind,
        "agrees": agrees,
        "label": label,
    }


def test_get_verdict_kinds_and_reasons():
    held, failed = _row("1,200", "above", True), _row("739", "above", False, "low end")
    assert claims.get_verdict([held]) == (
        "consistent",
        False,
        "1,200 is more than 1,000 containers.",
    )
    assert claims.get_verdict([failed]).kind == "inconsistent"
    split = claims.get_verdict([failed, _row("1,960", "above", True, "high end")])
    assert split.kind == "indeterminate"
    assert split.reason == (
        "The reproduced values disagree among themselves: 739 (low end) is "
        "not more than 1,000 containers; 1,960 (high end) is more than "
        "1,000 containers."
    )
    assert claims.get_verdict([_row("n/a", "above", pd.NA)]).kind == "indeterminate"
    partly = claims.get_verdict([held, _row("n/a", "above", pd.NA, "high end")])
    assert partly.kind == "consistent" and partly.reason.endswith("n/a (high end) not reproduced.")


def test_get_verdict_on_synthetic_evidence_is_a_calibration_check():
    v = claims.get_verdict([_row("1,200", "above", True)], synthetic=True)
    assert (v.kind, v.calibration, v.label) == ("consistent", True, "reproduced (calibration)")
    assert v.reason == "1,200 is more than 1,000 containers."
    assert (
        claims.get_verdict([_row("9", "above", False)], synthetic=True).label
        == "not reproduced (calibration)"
    )
    assert set(claims_verdict.LABELS.values()) >= {"consistent", "inconsistent", "indeterminate"}


def test_assess_gives_a_claim_tested_twice_one_verdict(table):
    """A range whose low end is under the claim and high end over it: one verdict, not two."""
    tests = {
        "boxes": [
            {"result": "low", "kind": "above", "label": "low end"},
            {"result": "high", "kind": "above", "label": "high end"},
        ],
        "trips": ("n", "at_least"),
    }
    got = claims.assess(table, {"low": 739, "high": 1960, "n": 6}, tests)
    assert list(got.index) == ["boxes", "trips"]
    assert got.loc["boxes", "verdict"] == "indeterminate"
    assert got.loc["boxes", "reproduced"] == "739 containers (low end); 1,960 containers (high end)"
    assert got.loc["boxes", "published"] == "> 1,000 containers"
    assert got.loc["trips", "label"] == "consistent"


def test_to_html_escapes_cites_and_marks_calibration(tmp_path):
    body = "x,<b>Pub</b>,2023-10-06,Said <i>so</i>.,5,things,c\n"
    table = claims.read_claims(write(tmp_path, body))
    got = claims.assess(table, {"r": 6}, {"x": ("r", "at_least")}, synthetic=True)
    out = claims.to_html(got, "my_claims", "Caption & more").data
    assert "<b>" not in out and "&lt;b&gt;Pub&lt;/b&gt;" in out and "&amp; more" in out
    assert '<a class="cite" href="#ref-1">[1]</a>' in out
    assert 'class="verdict verdict-consistent verdict-calibration"' in out
    assert "reproduced (calibration)" in out and "agrees" not in out
    assert 'id="tab-my_claims"' in out and 'class="tumen-table claims-table"' in out


def test_record_verdicts_and_coverage(table, tmp_path):
    from tumen.engine.results import Results

    res = Results(tmp_path / "r.json")
    claims.record_verdicts(res, claims.assess(table, {"a": 73}, {"peak": ("a", "equal")}))
    claims.record_not_tested(res, table, {"base_max": "reads back a parameter"})
    records = {n: dict(r, notebook="01_x") for n, r in res.records.items()}
    cov = claims.get_coverage(table, records)
    assert cov.loc["peak", "verdict"] == "consistent" and cov.loc["peak", "why_not"] == ""
    assert cov.loc["base_max", "why_not"] == "reads back a parameter"
    assert cov.loc["base_max", "section"] == "01_x"
    assert cov.loc["tarps", "why_not"] == claims.QUALITATIVE
    assert cov.loc["trips", "why_not"] == claims.UNACCOUNTED
    with pytest.raises(ParameterError, match="did you mean 'peak'"):
        claims.record_not_tested(res, table, {"peek": "why"})
    with pytest.raises(ParameterError, match="one line"):
        claims.record_not_tested(res, table, {"peak": "two\nlines"})


def test_one_claim_one_verdict_across_sections():
    one = {"verdict.peak": {"value": "consistent", "unit": "", "description": "d"}}
    other = {
        "verdict.peak": {"value": "inconsistent", "unit": "", "description": "d"},
        "untested.x": {"value": "why", "unit": "", "description": "d"},
    }
    with pytest.raises(ResultError, match="'peak' has a verdict in 01_a and in 02_b"):
        claims.merge_sections({"01_a": one, "02_b": other})
    merged = claims.merge_sections({"01_a": one, "02_b": {"untested.x": other["untested.x"]}})
    assert merged["verdict.peak"]["notebook"] == "01_a"
    assert merged["untested.x"]["notebook"] == "02_b"


def test_every_shipped_claim_is_tested_or_listed_with_why():
    """The default build accounts for every claim of data/claims.csv: a section tests it
    (its claim tests), lists it as not tested with the reason (claims_not_tested), or it is
    qualitative. A claim that is neither fails here."""
    from tumen.analyses.rail import analysis as rail
    from tumen.analyses.route import analysis as depot
    from tumen.analyses.shuttle import analysis as shuttle
    from tumen.engine import params

    cfg = params.load("params.yaml", root=ROOT)
    by = {nb.name: nb.params for nb in cfg.notebooks}
    table = claims.read_claims(ROOT / "data" / "claims.csv")
    tested = [
        *by["rail_traffic"]["claim_tests"],
        *(c for c, *_ in shuttle.CLAIM_TESTS),
        *by["route_to_depot"]["distance_claims"],
        by["route_to_depot"]["timeline_end_claim"],
    ]
    listed = [c for p in by.values() for c in p.get("claims_not_tested", {})]
    assert not set(tested) & set(listed), "a claim is both tested and listed as not tested"
    assert "csis_tumangang_baseline_years" in listed  # reads back baseline_years: no test
    qualitative = [c for c in table.index if table.loc[c, "value"] is None]
    missing = set(table.index) - set(tested) - set(listed) - set(qualitative)
    assert not missing, f"claims neither tested nor listed as not tested: {sorted(missing)}"
    assert set(tested) <= set(table.index) and set(listed) <= set(table.index)
    assert rail.CLAIM_TESTS == by["rail_traffic"]["claim_tests"]
    assert depot  # the route's tests come from its parameters (depot.claim_tests)


# --- references -----------------------------------------------------------------------


def test_references_are_numbered_by_first_appearance(tmp_path):
    body = (
        "a,RUSI,2023-10-16,s,1,x,,,The Orient Express,,https://rusi.org\n"
        "b,White House,2023-10-13,s,1,x,briefing,John Kirby,,,\n"
        "c,RUSI,2023-10-16,s,1,x,as given in press accounts,,The Orient Express,,https://rusi.org\n"
        "d,RUSI,2024-04,s,1,x,findings as reported,,China harbors ship,Reuters,\n"
    )
    table = claims.read_claims(write(tmp_path, body, header=REF_HEADER))
    assert table["ref"].to_dict() == {"a": 1, "b": 2, "c": 1, "d": 3}
    refs = claims.get_references(table)
    assert list(refs.index) == [1, 2, 3]
    assert refs.loc[1, "claims"] == ["a", "c"]
    assert claims.format_reference(refs.loc[1]) == (
        "RUSI. “The Orient Express”. 2023-10-16. On c: as given in press accounts."
    )
    assert claims.format_reference(refs.loc[2]) == "John Kirby. White House. 2023-10-13. Briefing."
    assert claims.format_reference(refs.loc[3]) == (
        "Reuters. “China harbors ship”. 2024-04. Findings as reported."
    )


def test_shipped_claims_name_their_publications():
    table = claims.read_claims(ROOT / "data" / "claims.csv")
    refs = claims.get_references(table)
    assert not table["source"].str.contains("summary of", case=False).any()
    assert refs["url"].map(lambda u: u == "" or u.startswith("https://")).all()
    assert ((refs["title"] != "") | (refs["note"] != "")).all()  # each says what it is
    assert len(refs) < len(table)  # claims of one publication share its reference
    assert (table["author"] == "").any()  # unknown authors stay empty, never guessed


@pytest.mark.parametrize(
    "tests, error, words",
    [
        ({"peek": ("r", "equal")}, ParameterError, "did you mean 'peak'"),
        ({"peak": ("r", "equals")}, ParameterError, "did you mean 'equal'"),
        ({"peak": ("r", "within")}, ParameterError, "needs tol or rtol"),
        ({"peak": ("r", "contains")}, ParameterError, "does not fit"),
        ({"start": ("r", "equal")}, ParameterError, "does not fit"),
        ({"tarps": ("r", "equal")}, ParameterError, "qualitative"),
        ({"peak": {"result": "r"}}, ParameterError, "needs 'result' and 'kind'"),
        (
            {"peak": {"result": "r", "kind": "equal", "tolerance": 1}},
            ParameterError,
            "unknown keys",
        ),
        ({"peak": ("r.peek", "equal")}, ResultError, "did you mean 'r.peak'"),
        ({"dist_mi": ("r.peak", "equal")}, ResultError, "do not convert"),
        ({"peak_day": ("r.text", "equal")}, ResultError, "is not a date"),
        ({"peak": ("r.text", "equal")}, ResultError, "is not a number"),
    ],
)
def test_compare_errors(table, tests, error, words):
    results = {"r": 1, "r.peak": {"value": 73, "unit": "railcars"}, "r.text": "soon"}
    with pytest.raises(error, match=words.replace("(", r"\(")):
        claims.compare(table, results, tests)


def test_parse_value_examples():
    assert claims.parse_value("") is None
    assert claims.parse_value("-3") == -3 and claims.parse_value("1e3") == 1000.0
    assert claims.parse_value(" 2.5/4 ") == (2.5, 4)


def test_record_published_records_values_and_interval_bounds(tmp_path):
    from tumen.engine.results import Results

    table = claims.read_claims(ROOT / "data" / "claims.csv")
    res = Results(tmp_path / "r.json")
    got = claims.record_published(
        res, table, ["csis_tumangang_peak", "rusi_shuttle_start", "csis_tumangang_cargo_hidden"]
    )
    assert got["claim.csis_tumangang_peak"] == 73
    assert res.records["claim.csis_tumangang_peak"]["unit"] == "railcars"
    assert (
        res.records["claim.csis_tumangang_peak"]["ref"] == table.loc["csis_tumangang_peak", "ref"]
    )
    assert "claim.rusi_shuttle_start_low" in got and "claim.rusi_shuttle_start_high" in got
    assert not any("cargo_hidden" in k for k in got)  # qualitative claim: nothing to record
    with pytest.raises(ResultError, match="did you mean"):
        claims.record_published(res, table, ["csis_tumangang_peek"])
