"""The methods box of each analysis section, on tiny made-up inputs with hand-worked lines.

Sites, providers, analysts, files and dates here are invented. The last test reads the
default report (built once per session, ``fixtures.shared_build``): each analysis section
holds exactly one box of three to six lines.
"""

import re

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fixtures.shared_build import built_once
from nbconvert.filters import markdown2html

from tumen import paths
from tumen.analyses.rail import compute as rail_compute
from tumen.analyses.rail import methods as rail_methods
from tumen.analyses.rail import read as rail_read
from tumen.analyses.rail import record as rail_record
from tumen.analyses.route import methods as route_methods
from tumen.engine import results
from tumen.errors import ResultError
from tumen.report import methods

HOSTILE = '<script>alert("x")</script> *bold* {rail.n_images}'


def _box_html(box, records) -> BeautifulSoup:
    """The box as the report shows it: its Markdown through the report's renderer."""
    return BeautifulSoup(markdown2html(box.to_markdown(records)), "html.parser")


# --- the box ----------------------------------------------------------------------------------


def test_box_holds_three_to_six_labelled_lines():
    rows = [("A", "a"), ("B", "b")]
    with pytest.raises(ResultError, match="3 to 6"):
        methods.Box(tuple(rows))
    with pytest.raises(ResultError, match="3 to 6"):
        methods.Box(tuple(rows * 4))
    with pytest.raises(ResultError, match="label"):
        methods.Box((("A", "a"), ("", "b"), ("C", "c")))
    assert len(methods.Box(tuple(rows + [("C", "c")])).lines({})) == 3


def test_box_is_an_aside_whose_numbers_link_and_words_are_literal():
    records = {"t.n": {"value": 1234, "unit": "images", "description": "Images"}}
    box = methods.Box(
        (("Observed", "{t.n!u} from {who}."), ("Source", "s"), ("Rule", "r")), {"who": HOSTILE}
    )
    soup = _box_html(box, records)
    aside = soup.select_one("aside.methods")
    assert aside.select_one(".methods-title").get_text() == "Methods"
    assert [dt.get_text() for dt in aside.select("dt")] == ["Observed", "Source", "Rule"]
    first = aside.select("dd")[0]
    assert first.select_one('span.result[data-result="t.n"]').get_text() == "1,234 images"
    assert soup.find("script") is None and soup.find("em") is None  # shown, not obeyed
    assert first.get_text(" ", strip=True) == f"1,234 images from {HOSTILE}."
    assert box.lines(records)[0] == f"Observed: 1,234 images from {HOSTILE}."


def test_ranges_and_words_skip_missing_values():
    assert methods.get_range([np.nan, None]) is None
    assert methods.get_range([2.0, np.nan, 0.5]) == (0.5, 2.0)
    assert methods.distinct_words(["C", " A  b ", "", None, np.nan, "A b"]) == ["A b", "C"]


# --- rail ------------------------------------------------------------------------------------


def _rail(tmp_path, rows, **options):
    """Analyse a tiny series of images of an invented site and record its results."""
    table = pd.DataFrame(rows, columns=["acquired", "railcars", "provider", "analyst", "gsd_m"])
    table["acquired"] = pd.to_datetime(table["acquired"])
    table["site"] = "invented_yard"
    for col in ("image_id", "cloud_pct", "confidence", "notes"):
        table[col] = np.nan if col == "cloud_pct" else ""
    table["line"] = range(2, len(table) + 2)
    ds = rail_read.to_dataset(table, "invented_yard")
    res = results.Results(tmp_path / "01_t.json")
    rail_record.record_results(
        res, rail_compute.analyse(ds, baseline_years=1, min_model_images=10, **options)
    )
    return res, ds


def test_rail_box_from_images_providers_and_rule(tmp_path):
    res, ds = _rail(
        tmp_path,
        [
            ("2022-01-10", 2, "SAT-A", "X1", 0.5),
            ("2022-06-01", 3, "SAT-B", "X1", 0.3),
            ("2022-09-01", 1, "SAT-A", "X1", np.nan),
            ("2023-01-05", 9, "SAT-B", "X1", 0.4),
        ],
    )
    lines = rail_methods.get_methods(res, ds, site_name="Invented Yard", baseline_years=1).lines(
        res.records
    )
    # 4 images, 2022-01-10 .. 2023-01-05; the peak (9) on 2023-01-05, its 1-year baseline
    # [2022-01-05, 2023-01-05) holds the other 3 images, whose highest count is 3;
    # resolutions 0.3, 0.5, 0.4 (one missing): 0.3 to 0.5 m
    assert lines == [
        "Observed: 4 satellite images of the Invented Yard, from 2022-01-10 to 2023-01-05; "
        "providers SAT-A and SAT-B (the observations file).",
        "Counted by: Freight railcars visible in each image, counted by analyst X1; no second "
        "count, so the counts carry no measured counting error.",
        "Resolution: Ground sample distance 0.3 to 0.5 m.",
        "Rule: An image is elevated when it shows more than the highest count in the baseline "
        "window (the 1 year before the peak, 2022-01-05 to 2023-01-05, 3 images): more than "
        "3 railcars.",
    ]
    assert res["rail.gsd_min_m"] == 0.3 and res["rail.gsd_max_m"] == 0.5


def test_rail_box_says_what_the_observations_do_not_record(tmp_path):
    res, ds = _rail(
        tmp_path,
        [
            ("2022-03-01", 4, "", "", np.nan),
            ("2022-08-01", 2, "", "", np.nan),
            ("2023-02-01", 12, "", "", np.nan),
        ],
        elevated="5",
    )
    res.record("rail.second_count_images", 2, "images", "Images counted twice")
    lines = rail_methods.get_methods(res, ds, site_name="Yard").lines(res.records)
    assert lines[0].endswith("; provider not recorded (the observations file).")
    assert lines[1] == (
        "Counted by: Freight railcars visible in each image, counted by an "
        "analyst the observations do not name; a second, independent count "
        "of 2 images."
    )
    assert lines[2] == "Resolution: Ground sample distance not recorded in the observations."
    # a count rule: the threshold is the parameter (5); the baseline, 2022-02-01 to the peak
    # day 2023-02-01, holds the two earlier images
    assert lines[3] == (
        "Rule: An image is elevated when it shows more than 5 railcars, a "
        "count set in the parameters; the baseline window (2022-02-01 to "
        "2023-02-01, 2 images) is the comparison."
    )
    assert "rail.gsd_min_m" not in res and "rail.baseline_years" not in res


def test_rail_box_escapes_a_hostile_provider(tmp_path):
    res, ds = _rail(
        tmp_path, [("2022-03-01", 4, HOSTILE, "X1", 1.0), ("2023-02-01", 12, HOSTILE, "X1", 1.0)]
    )
    box = rail_methods.get_methods(res, ds, site_name="Yard <i>")
    soup = _box_html(box, res.records)
    assert soup.find("script") is None and soup.find("i") is None and soup.find("em") is None
    assert f"provider {HOSTILE} (the observations file)" in soup.get_text()


# --- route -----------------------------------------------------------------------------------

ENTRIES = {
    "geo/rail/edges.parquet": {
        "source": "Invented railways via railpkg, clipped",
        "package": "railpkg",
        "version": "9.1",
    },
    "geo/shapefiles/natural_earth/cultural/ne_10m_admin_0_countries.shp": {
        "source": "Invented borders 1.0, extracted by a script"
    },
}
# railpkg is named in its source: its version follows it; a package not named is added
ROUTE = {
    "within": "Freedonia",
    "network_dir": "geo/rail",
    "geo_dir": "geo",
    "border": "Sylvania",
    "loading": "Portville",
    "origin": "Dockton",
    "entries": ENTRIES,
}


def _route_res(tmp_path, route=True):
    res = results.Results(tmp_path / "03_t.json")
    res.record("route.depot_uncertainty_km", 1.0, "km", "d")
    if route:
        for name, value, unit in (
            ("rail_km", 2500.0, "km"),
            ("heal_gap_km", 5.0, "km"),
            ("sea_km", 120.4, "km"),
            ("ship_speed_kn", 12.0, "knots"),
            ("speed_min_kmh", 20.0, "km/h"),
            ("speed_max_kmh", 40.0, "km/h"),
            ("handling_days", 1.0, "days"),
        ):
            res.record(f"route.{name}", value, unit, "d")
    else:
        res.record("route.no_route", "the ends lie on separate networks", "", "d")
    return res


def test_route_box_from_sources_and_results(tmp_path):
    res = _route_res(tmp_path)
    lines = route_methods.get_methods(res, **ROUTE).lines(res.records)
    assert lines == [
        "Observed: The railways of Invented railways via railpkg 9.1 and the country "
        "borders of Invented borders 1.0 at 1:10m; places from the gazetteer.",
        "Route: The shortest path on the network within Freedonia; gaps in the track shorter "
        "than 5 km are bridged by a straight link, and each end joins the nearest point of the "
        "network by a straight connector.",
        "Sea leg: From Portville to Dockton the shortest water route, 120 km at 12 knots, the "
        "shuttle section's fastest plausible speed.",
        "Speeds: Average freight speeds of 20 to 40 km/h including stops, an assumption (no "
        "timetable cited); 1 day to unload and make up a train.",
        "Distances: Geodesic (WGS 84) from the depot and its town to the nearest point of the "
        "land border of Sylvania, widened by the gazetteer's position uncertainty (1 km for the "
        "depot).",
    ]
    cited = route_methods.get_methods(res, **dict(ROUTE, speeds_source="[A timetable](x)")).lines(
        res.records
    )
    assert cited[3].startswith(
        "Speeds: Average freight speeds of 20 to 40 km/h including "
        "stops, as published (the source is cited below); "
    )


def test_input_source_names_a_package_once():
    entry = {"source": "Borders, cut", "package": "bpkg", "version": "0.3"}
    assert route_methods.get_input_source({"g/b.shp": entry}, "g/b.shp") == "Borders (bpkg 0.3)"
    assert route_methods.get_input_source({"g/b.shp": entry}, "g/other") == ""


def test_route_box_without_route_or_listed_sources(tmp_path):
    res = _route_res(tmp_path, route=False)
    lines = route_methods.get_methods(res, **dict(ROUTE, entries={})).lines(res.records)
    assert lines[0] == (
        "Observed: The railways of a source not listed and the country borders "
        "of a source not listed at 1:10m; places from the gazetteer."
    )
    assert lines[1] == (
        "Route: No rail route joins the ends within Freedonia: the ends lie on separate networks."
    )
    assert lines[2] == "Sea leg: Not timed: there is no route to time."
    assert lines[3] == "Speeds: No timeline: there is no route to time."


def test_stylesheet_keeps_the_box_on_one_page():
    css = (paths.root() / "src/tumen/templates/report.css").read_text(encoding="utf-8")
    rule = re.search(r"aside\.methods\s*\{([^}]*)\}", css)
    assert rule and "break-inside: avoid" in rule.group(1)


# --- the default report ----------------------------------------------------------------------


@pytest.mark.slow
def test_each_analysis_section_opens_with_one_methods_box(tmp_path_factory):
    copy = built_once(tmp_path_factory, "params.yaml")
    soup = BeautifulSoup(
        (copy / "report/default/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    sections = soup.select("section.analysis")
    assert len(sections) >= 3
    boxed = {}
    for section in sections:
        boxes = section.select("aside.methods")
        boxed[section["data-notebook"]] = len(boxes)
        if section["data-notebook"].startswith("00_"):
            continue
        assert len(boxes) == 1, section["data-notebook"]
        terms = boxes[0].select("dt")
        assert 3 <= len(terms) == len(boxes[0].select("dd")) <= 6
        words = boxes[0].get_text(" ", strip=True)
        assert "{" not in words and "nan" not in words.split()
        assert boxes[0].select("a.result, span.result")  # numbers link to their provenance
        # it comes before the section's first subsection
        first_h2 = section.find("h2")
        assert first_h2 is None or boxes[0] in first_h2.find_all_previous("aside")
    assert sum(boxed.values()) == 3, boxed
