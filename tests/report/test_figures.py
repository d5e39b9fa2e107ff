"""tumen.report.figures: deterministic figure files, escaped captions, numbered-table markup."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tumen.errors import ResultError  # noqa: E402
from tumen.report import figures


def _draw():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 3, 2], label="line")
    ax.legend()
    return fig


def test_same_figure_gives_identical_png_and_svg(tmp_path):
    a = figures.Figures(tmp_path / "a").save(_draw(), "demo_line")
    b = figures.Figures(tmp_path / "b").save(_draw(), "demo_line")
    assert a["png"].read_bytes() == b["png"].read_bytes()
    assert a["svg"].read_bytes() == b["svg"].read_bytes()
    svg = a["svg"].read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_show_escapes_caption_and_alt(tmp_path):
    out = figures.Figures(tmp_path).show(
        _draw(), "demo_line", caption="A <b>bold</b> & claim", alt='Say "hi" <script>'
    )
    html = out.data
    assert 'id="fig-demo_line"' in html
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; claim" in html
    assert 'alt="Say &quot;hi&quot; &lt;script&gt;"' in html
    assert html.count("data:image/png;base64,") == 1


@pytest.mark.parametrize("name", ["Figure 1", "fig-1", "", "ÄBC"])
def test_names_must_name_content(tmp_path, name):
    with pytest.raises(ResultError):
        figures.Figures(tmp_path).save(_draw(), name)


def test_caption_and_alt_are_required(tmp_path):
    with pytest.raises(ResultError, match="caption and alt"):
        figures.Figures(tmp_path).show(_draw(), "x", caption="", alt="y")


def test_saving_one_name_twice_is_an_error(tmp_path):
    figs = figures.Figures(tmp_path)
    figs.save(_draw(), "x")
    with pytest.raises(ResultError, match="twice"):
        figs.save(_draw(), "x")


def test_table_html_escapes_cells_and_has_caption():
    df = pd.DataFrame({"vessel": ["<script>alert(1)</script>", "Maria"], "calls": [5, 3.25]})
    html = figures.table_html(df, "calls_by_vessel", caption="Calls & trips", notes="n<1")
    assert 'id="tab-calls_by_vessel"' in html and "tumen-table" in html
    assert "<caption>Calls &amp; trips</caption>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "3.25" in html and "n&lt;1" in html


def test_site_stem_is_the_first_word_of_the_site_id():
    from tumen.report.figures import site_stem

    assert site_stem("tumangang_rail_facility") == "tumangang"
    assert site_stem("Ust-Kut yard") == "ust"


def test_importing_figures_leaves_matplotlib_as_it_is():
    """The house style is explicit: importing the module sets no rcParams (a fresh process)."""
    code = (
        "import matplotlib; before = dict(matplotlib.rcParams); "
        "import tumen.report.figures; "
        "assert dict(matplotlib.rcParams) == before"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_style_applies_the_house_style_inside_the_block_only(monkeypatch):
    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", "elsewhere")
    house = matplotlib.RcParams(figures.HOUSE_STYLE)  # as matplotlib stores them
    with figures.style():
        assert all(matplotlib.rcParams[k] == v for k, v in house.items())
    assert matplotlib.rcParams["svg.hashsalt"] == "elsewhere"
