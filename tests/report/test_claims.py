"""Tests of tumen.report.claims: the shipped claims file, its validation and the comparison table."""

import datetime as dt
from pathlib import Path

import pytest
from fixtures.claims_files import HEADER, REF_HEADER, write

from tumen.errors import DataError, ParameterError, ResultError
from tumen.report import claims, claims_compare

ROOT = Path(__file__).resolve().parents[2]






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






# --- comparison -----------------------------------------------------------------------












# --- verdicts -------------------------------------------------------------------------












def test_record_verdicts_and_coverage(table, tmp_path):
    from tumen.engine.results import Results

    res = Results(tmp_path / "r.json")
    claims.record_verdicts(res, claims_compare.assess(table, {"a": 73}, {"peak": ("a", "equal")}))
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
    from tumen.analyses.rail import claims as rail
    from tumen.analyses.shuttle import claims as shuttle_claims
    from tumen.engine import params

    cfg = params.load("params.yaml", root=ROOT)
    by = {nb.name: nb.params for nb in cfg.notebooks}
    table = claims.read_claims(ROOT / "data" / "claims.csv")
    tested = [
        *by["rail_traffic"]["claim_tests"],
        *shuttle_claims.CLAIM_TESTS,
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
