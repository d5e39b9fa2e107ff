"""Tests of tumen.analyses.rail.plots: the figures draw from computed tables, deterministically."""

import io

from fixtures.railcars import tiny
from matplotlib.figure import Figure

from tumen.analyses.rail import compute, plots


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def test_plots_return_figures_deterministically(monkeypatch):
    import matplotlib

    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", "tumen")
    ds = tiny()
    s = compute.analyse(ds)
    fig = plots.plot_timeseries(compute.get_series(ds), s)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "40 railcars\n5 Oct 2023" in texts
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "onset interval (1 Sep – 5 Oct 2023)" in labels
    assert "not recorded confidence" in labels
    assert _svg(fig) == _svg(plots.plot_timeseries(compute.get_series(ds), s))
    hist = plots.plot_baseline_histogram(compute.get_baseline_histogram(ds, s), s)
    assert isinstance(hist, Figure)
    assert _svg(hist) == _svg(
        plots.plot_baseline_histogram(compute.get_baseline_histogram(ds, s), s)
    )


def test_histogram_without_a_model_draws():
    ds = tiny()
    s = compute.analyse(ds, min_model_images=compute.MIN_MODEL_IMAGES)
    fig = plots.plot_baseline_histogram(compute.get_baseline_histogram(ds, s), s)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("too few baseline images" in t for t in labels)


def test_timeseries_legend_gives_each_channel_one_meaning():
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ds = tiny()
    s = compute.analyse(ds)  # threshold: the baseline max, 9; 30, 40 and 25 railcars lie above it
    fig = plots.plot_timeseries(compute.get_series(ds), s)
    assert all(a.get_legend() is None for a in fig.axes)  # the legend sits below the axes
    entries = dict(
        zip([t.get_text() for t in fig.legends[0].get_texts()], fig.legends[0].legend_handles)
    )
    shapes = {
        k: h
        for k, h in entries.items()
        if isinstance(h, Line2D) and h.get_marker() not in (None, "None", "", " ")
    }
    # every shape entry is a confidence level, drawn in the one neutral grey
    assert shapes and all(k.endswith("confidence") for k in shapes)
    assert {h.get_color() for h in shapes.values()} == {plots.GREY}
    # the elevated/ordinary entries are swatches (colour and fill only, no shape)
    assert isinstance(entries["open vermillion: elevated (> 9)"], Patch)
    assert isinstance(entries["filled blue: 9 railcars or fewer"], Patch)
    hist = plots.plot_baseline_histogram(compute.get_baseline_histogram(ds, s), s)
    assert hist.axes[0].get_legend() is None and len(hist.legends) == 1
