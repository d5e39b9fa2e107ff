"""Finishing the report page: aliases and cited-number tooltips (tumen.report.finish)."""

from bs4 import BeautifulSoup

from tumen.report import finish


def _soup(body: str):
    return BeautifulSoup(f'<div class="page">{body}</div>', "html.parser")



def test_aliases_given_once_where_the_prose_first_names_the_place():
    soup = _soup(
        "<h1>Rajin and Dunai</h1><nav class='toc'>Rajin</nav>"
        "<p>Ships ran from Rajin to Dunai; Rajin again, Dunai (Dunay) too.</p>"
        "<p>Later Rajin and Dunai.</p>"
    )
    finish.add_aliases(soup, {"Rajin": "Najin", "Dunai": "Dunay"})
    text = [p.get_text() for p in soup.find_all("p")]
    assert text == [
        "Ships ran from Rajin (Najin) to Dunai (Dunay); Rajin again, Dunai (Dunay) too.",
        "Later Rajin and Dunai.",
    ]
    assert soup.h1.get_text() == "Rajin and Dunai" and soup.nav.get_text() == "Rajin"


def test_alias_is_text_not_markup():
    soup = _soup("<p>At Rajin.</p>")
    finish.add_aliases(soup, {"Rajin": "<b>x</b>"})
    assert soup.find("b") is None and soup.p.get_text() == "At Rajin (<b>x</b>)."


def test_tooltip_is_short_and_has_no_dimensionless_unit():
    rec = {"value": 3.654, "unit": "1", "notebook": "01_rail_traffic", "description": "x" * 500}
    tip = finish.tooltip("rail.peak_to_baseline_max", rec, ["data/sites.csv"] * 30)
    assert len(tip) <= finish.TOOLTIP_MAX
    assert tip.startswith(
        "rail.peak_to_baseline_max = 3.65; notebook 01_rail_traffic; "
        "input data/sites.csv (+29 more)"
    )
    assert tip.endswith("…")
