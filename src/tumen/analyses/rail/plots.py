"""Drawing the rail figures from computed tables: the series over time and the baseline histogram.

The functions take what :mod:`tumen.analyses.rail.compute` computed (:func:`get_series`,
:func:`get_baseline_histogram`, :class:`RailStats`) and styling; they return a
:class:`matplotlib.figure.Figure` (``tumen.report.figures`` writes files).
"""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from tumen.analyses.rail.compute import RailStats
from tumen.report.figures import CHART_FONT, PRINT_WIDTH_IN

# Okabe & Ito colour-blind-safe palette
BLUE, SKY, ORANGE, VERMILLION, GREY = "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#555555"
MARKERS = {
    "high": ("o", "high"),
    "medium": ("s", "medium"),
    "low": ("^", "low"),
    "": ("D", "not recorded"),
}


def plot_timeseries(
    series: pd.DataFrame, stats: RailStats, title: str | None = None, zoom_days: int = 60
):
    """Draw railcars per image over time with the baseline, the peak and the onset interval.

    Each visual channel carries one meaning: marker shape is the analyst's confidence;
    colour and fill say whether the count is elevated (open vermillion markers, above
    ``stats.elevated_threshold``) or not (filled blue). The shaded block is the baseline
    window up to its maximum, the dashed line its mean; the orange band is the onset
    interval. A right-hand panel zooms on the weeks around the onset. The legend sits
    below the panels, never over the data. Colours are from the Okabe-Ito palette
    (colour-blind safe) and every distinction is also made by shape or fill.

    Parameters
    ----------
    series : pandas.DataFrame
        One site's images (:func:`tumen.analyses.rail.compute.get_series`).
    stats : RailStats
        From :func:`tumen.analyses.rail.compute.analyse` on the same images.
    title : str, optional
        Figure title; default names the site.
    zoom_days : int
        Days shown in the zoom panel before and after the peak.

    Returns
    -------
    matplotlib.figure.Figure
        Not saved (``tumen.report.figures`` writes files).
    """
    fig = Figure(figsize=(PRINT_WIDTH_IN, 4.1), layout="constrained")
    ax, zoom = fig.subplots(1, 2, sharey=True, width_ratios=[3, 1])
    for axis in (ax, zoom):
        _draw_series(axis, series, stats)
        axis.tick_params(labelsize=CHART_FONT["tick"])
    _annotate_peak(ax, stats)
    ax.set_ylim(0, max(stats.peak_railcars * 1.12, 1))
    ax.set_ylabel("freight railcars counted per image", fontsize=CHART_FONT["label"])
    ax.set_xlabel("image acquisition date (UTC)", fontsize=CHART_FONT["label"])
    ax.set_title(
        title or f"Railcars per satellite image at {stats.site}",
        loc="left",
        fontsize=CHART_FONT["title"],
    )
    handles = _series_legend(ax, series, stats)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=3,
        frameon=False,
        fontsize=CHART_FONT["legend"],
    )
    _format_zoom(zoom, stats, zoom_days)
    return fig


def _annotate_peak(ax, stats: RailStats) -> None:
    """Label the peak with its count and day, the arrow pointing at it."""
    day = f"{stats.peak_time.day} {stats.peak_time:%b %Y}"
    ax.annotate(
        f"{stats.peak_railcars} railcars\n{day}",
        xy=(stats.peak_time, stats.peak_railcars),
        xytext=(-60, -6),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=CHART_FONT["note"],
        arrowprops={"arrowstyle": "->", "color": GREY},
    )


def _format_zoom(zoom, stats: RailStats, zoom_days: int) -> None:
    """Show ``zoom_days`` before and after the peak in the zoom panel, months on the axis."""
    span = pd.Timedelta(days=zoom_days)
    zoom.set_xlim(stats.peak_time - span, stats.peak_time + span)
    zoom.xaxis.set_major_locator(mdates.MonthLocator())
    zoom.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    zoom.set_title("around the peak", loc="left", fontsize=CHART_FONT["title"])


def _series_legend(ax, series: pd.DataFrame, stats: RailStats) -> list:
    """Legend entries of :func:`plot_timeseries`: one per meaning, shape apart from colour.

    Confidence is shown by grey shapes (shape only); whether a count is elevated by a
    coloured swatch (colour and fill only), so no entry shows a shape with a colour.
    """

    handles, _ = ax.get_legend_handles_labels()  # baseline window, mean, onset interval
    levels = set(series["confidence"].to_numpy().tolist())
    handles += [
        Line2D([], [], ls="none", marker=marker, ms=5.5, color=GREY, label=f"{label} confidence")
        for level, (marker, label) in MARKERS.items()
        if level in levels
    ]
    counts = series["railcars"].to_numpy()
    threshold = stats.elevated_threshold
    if (counts <= threshold).any():
        handles.append(
            Patch(
                facecolor=BLUE,
                edgecolor=BLUE,
                label=f"filled blue: {threshold:g} railcars or fewer",
            )
        )
    if (counts > threshold).any():
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=VERMILLION,
                lw=1.2,
                label=f"open vermillion: elevated (> {threshold:g})",
            )
        )
    return handles


def _draw_series(ax, series: pd.DataFrame, stats: RailStats) -> None:
    """Draw baseline, onset band and the images (shape: confidence; colour, fill: elevated)."""
    times = pd.DatetimeIndex(series["acquired"].to_numpy())
    counts = series["railcars"].to_numpy()
    _draw_baseline(ax, stats)
    if stats.onset_after is not None and stats.onset_before is not None:
        after, before = stats.onset_after, stats.onset_before
        ax.axvspan(
            after,
            before,
            color=ORANGE,
            alpha=0.35,
            lw=0,
            label=f"onset interval ({after.day} {after:%b} – {before.day} {before:%b %Y})",
        )
    elevated = counts > stats.elevated_threshold
    for level, (marker, _label) in MARKERS.items():
        mask = series["confidence"].to_numpy() == level
        if not mask.any():
            continue
        ax.scatter(
            times[mask & ~elevated],
            counts[mask & ~elevated],
            marker=marker,
            s=18,
            color=BLUE,
            zorder=3,
        )
        ax.scatter(
            times[mask & elevated],
            counts[mask & elevated],
            marker=marker,
            s=22,
            facecolors="white",
            edgecolors=VERMILLION,
            linewidths=1.1,
            zorder=3,
        )
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_baseline(ax, stats: RailStats) -> None:
    """Shade the baseline window up to its maximum and draw its mean."""

    x0, x1 = mdates.date2num(stats.baseline_start), mdates.date2num(stats.baseline_end)
    ax.add_patch(
        Rectangle(
            (x0, 0),
            x1 - x0,
            stats.baseline_max,
            color=SKY,
            alpha=0.25,
            lw=0,
            label=f"baseline window, up to its max ({stats.baseline_max})",
        )
    )
    ax.hlines(
        stats.baseline_mean,
        stats.baseline_start,
        stats.baseline_end,
        colors=GREY,
        linestyles="--",
        lw=1,
        label=f"baseline mean ({stats.baseline_mean:.1f})",
    )


def plot_baseline_histogram(histogram: pd.DataFrame, stats: RailStats, title: str | None = None):
    """Draw the baseline counts, the fitted count model and the peak.

    Bars are the number of baseline images with each count; dots are what the fitted model
    (negative binomial or Poisson) expects for the same number of images; the vertical line
    is the peak, labelled with its tail probability. Without a fitted model (too few
    baseline images) the dots are left out and the peak line carries its count only.

    Parameters
    ----------
    histogram : pandas.DataFrame
        From :func:`tumen.analyses.rail.compute.get_baseline_histogram`.
    stats : RailStats
        From :func:`tumen.analyses.rail.compute.analyse` on the same images.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    k = histogram["railcars"].to_numpy()
    observed = histogram["images"].to_numpy()
    fig = Figure(figsize=(PRINT_WIDTH_IN, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.bar(k, observed, width=0.85, color=SKY, label=f"baseline images ({stats.baseline_n_images})")
    if stats.model is not None:
        expected = histogram["expected"].to_numpy()
        shown = expected >= 0.05  # no dots where the model expects nothing
        ax.plot(
            k[shown],
            expected[shown],
            "o",
            ms=3.5,
            color=BLUE,
            label=f"fitted {stats.model.kind} (expected images)",
        )
        peak_label = f"peak: {stats.peak_railcars} (P(X ≥ peak) = {stats.tail_probability:.2g})"
    else:
        peak_label = f"peak: {stats.peak_railcars} (too few baseline images for a model)"
    ax.axvline(stats.peak_railcars, color=VERMILLION, lw=1.5, label=peak_label)
    ax.set_xlabel("freight railcars counted per image", fontsize=CHART_FONT["label"])
    ax.set_ylabel("images", fontsize=CHART_FONT["label"])
    ax.tick_params(labelsize=CHART_FONT["tick"])
    ax.set_title(
        title
        or f"Baseline counts at {stats.site}, "
        f"{stats.baseline_start:%b %Y} – {stats.baseline_end:%b %Y}",
        loc="left",
        fontsize=CHART_FONT["title"],
    )
    ax.spines[["top", "right"]].set_visible(False)
    # below the axes: a legend inside would run into the bars or the peak line
    fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=CHART_FONT["legend"])
    return fig
