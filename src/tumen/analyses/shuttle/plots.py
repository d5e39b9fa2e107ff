"""The charts of the shuttle section: each ship's timeline of AIS coverage, silences, port
calls and sightings (:func:`plot_timeline`), and the containers per delivery
(:func:`plot_containers`). They draw computed tables; the route map is in
:mod:`tumen.analyses.shuttle.route_map`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from tumen.ais.fleet import normalise_name
from tumen.ais.timecols import to_hours
from tumen.ais.tracks import Window, to_window
from tumen.analyses.shuttle.calls import from_hours
from tumen.report.figures import CHART_FONT, PRINT_WIDTH_IN

#: Okabe & Ito's colour-blind-safe palette, in the order sites are coloured.
PALETTE = ["#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
#: The marker of a satellite sighting by the ship's status.
MARKERS = {"berthed": "s", "anchored": "^", "underway": "o"}


def plot_timeline(
    positions: pd.DataFrame,
    gaps: pd.DataFrame,
    calls: pd.DataFrame,
    sightings: pd.DataFrame,
    *,
    vessels: Sequence[str] | None = None,
    window: Window = None,
    min_gap_h: float = 6.0,
    site_labels: Mapping[str, str] | None = None,
    vessel_labels: Mapping[str, str] | None = None,
):
    """Per-vessel timeline: AIS coverage, gaps, port calls by evidence, satellite sightings.

    Each vessel is one row: a dark bar where AIS reported (fixes less than ``min_gap_h``
    apart), light grey where it was silent, a block per port call coloured by port
    (hatched when made while AIS was dark; thin whiskers for the arrival and departure
    bounds), and a marker per satellite sighting (shape = status, colour = port).
    Colours are Okabe-Ito (colour-blind safe) and every mark is also told apart by shape
    or hatching.

    Parameters
    ----------
    positions, gaps, calls, sightings : pandas.DataFrame
        With ``vessel`` columns (see the module functions).
    vessels : sequence of str, optional
        Rows, top to bottom (default: every vessel in ``calls`` and ``gaps``).
    window : (start, end), optional
        The time axis range.
    min_gap_h : float
        Silence that breaks an AIS coverage bar, hours.
    site_labels : mapping of str to str, optional
        Site id -> legend label, in colour order (default: the sorted site ids seen).
    vessel_labels : mapping of str to str, optional
        Vessel -> row label (default: the vessel as named), e.g. ``MMSI 273111111``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if vessels is None:
        vessels = sorted(set(calls["vessel"]).union(gaps["vessel"]))
    sites, labels, colour = _site_colours(calls, sightings, site_labels)
    fig = Figure(figsize=(PRINT_WIDTH_IN, 1.9 + 0.8 * len(vessels)), layout="constrained")
    ax = fig.add_subplot()
    min_width_h = _span_h(window, positions) / 200
    shown = set()  # image statuses drawn, for the legend
    for row, vessel in enumerate(vessels):
        y = len(vessels) - 1 - row
        _draw_coverage(
            ax, positions[positions["vessel"] == vessel], y, min_gap_h, min_width_h=min_width_h
        )
        _draw_gaps(ax, gaps[gaps["vessel"] == vessel], y)
        _draw_calls(ax, calls[calls["vessel"] == vessel], y, colour)
        shown |= _draw_images(ax, sightings, vessel, y, colour)
    _timeline_axes(ax, vessels, vessel_labels, window)
    _add_timeline_legend(fig, sites, labels, colour, shown, min_gap_h)
    return fig


def _num(times) -> np.ndarray:
    """UTC times as matplotlib date numbers."""
    return mdates.date2num(pd.DatetimeIndex(times).tz_convert(None).to_numpy())


def _site_colours(calls: pd.DataFrame, sightings: pd.DataFrame, site_labels):
    """``(sites, labels, colour)``: the sites in colour order (labelled ones first, then the
    others seen, sorted), site -> legend label, site -> colour."""
    seen = sorted(set(calls["site"]).union(sightings["site"].dropna()))
    labels = dict(site_labels) if site_labels else {}
    sites = list(labels) + [s for s in seen if s not in labels]
    labels = {s: labels.get(s, s) for s in sites}
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sites)}
    return sites, labels, colour


def _draw_images(ax, sightings: pd.DataFrame, vessel: str, y: float, colour: Mapping) -> set:
    """A marker per satellite sighting of ``vessel`` (shape = status, colour = port); the
    statuses drawn."""
    shown = set()
    s = sightings[normalise_name(sightings["vessel"]) == normalise_name(pd.Series([vessel]))[0]]
    for status, marker in {**MARKERS, None: "D"}.items():
        m = s[s["status"] == status] if status else s[s["status"].isna()]
        if len(m):
            shown.add(status)
            ax.scatter(
                _num(m["observed"]),
                np.full(len(m), y + 0.28),
                marker=marker,
                s=36,
                c=[colour.get(x, "white") for x in m["site"]],
                edgecolors="black",
                linewidths=0.8,
                zorder=4,
            )
    return shown


def _timeline_axes(ax, vessels: Sequence[str], vessel_labels, window: Window) -> None:
    """A row per vessel, labelled; the time axis: the window (when given), concise dates."""
    ax.set_yticks(
        range(len(vessels)), [dict(vessel_labels or {}).get(v, v) for v in reversed(list(vessels))]
    )
    ax.set_ylim(-0.6, len(vessels) - 0.4)
    win = to_window(window)
    if win is not None:
        ax.set_xlim(_num([win[0]])[0], _num([win[1]])[0])
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("Date (UTC)", fontsize=CHART_FONT["label"])
    ax.tick_params(labelsize=CHART_FONT["tick"])
    ax.xaxis.get_offset_text().set_fontsize(CHART_FONT["tick"])


def _add_timeline_legend(fig, sites, labels, colour, shown, min_gap_h: float) -> None:
    """The legend of the timeline, below it."""
    handles = [
        Patch(facecolor="#555555", label="AIS received"),
        Patch(facecolor="#DDDDDD", label=f"AIS silent ≥ {min_gap_h:g} h"),
        *[
            Patch(facecolor=colour[s], edgecolor="black", label=f"port call: {labels[s]}")
            for s in sites
        ],
        Patch(facecolor="white", edgecolor="black", hatch="////", label="call while AIS dark"),
        Line2D([], [], color="#555555", lw=1, marker="|", label="arrival/departure bounds"),
        *[
            Line2D(
                [],
                [],
                ls="none",
                marker=m,
                mfc="white",
                mec="black",
                label=f"image: {st or 'status not given'}",
            )
            for st, m in {**MARKERS, None: "D"}.items()
            if st in shown
        ],
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=3,
        frameon=False,
        fontsize=CHART_FONT["legend"],
    )


def _span_h(window: Window, positions: pd.DataFrame) -> float:
    """Hours spanned by the time axis: the window, else the positions (0 when empty)."""
    win = to_window(window)
    if win is not None:
        return (win[1] - win[0]) / pd.Timedelta(hours=1)
    t = to_hours(positions["time"])
    return float(np.nanmax(t) - np.nanmin(t)) if len(t) else 0.0


def _draw_coverage(
    ax, p: pd.DataFrame, y: float, min_gap_h: float, *, min_width_h: float = 1.0
) -> None:
    """Dark bars over stretches of AIS fixes less than ``min_gap_h`` apart; a stretch
    shorter than ``min_width_h`` (a brief transmission) is widened to stay visible."""
    if p.empty:
        return
    t = np.sort(to_hours(p["time"]))
    brk = np.flatnonzero(np.diff(t) > min_gap_h)
    starts, ends = t[np.r_[0, brk + 1]], t[np.r_[brk, len(t) - 1]]
    ends = np.maximum(ends, starts + max(min_width_h, 1.0))
    x0, x1 = _num(from_hours(starts)), _num(from_hours(ends))
    ax.broken_barh(list(zip(x0, x1 - x0)), (y - 0.36, 0.14), facecolor="#555555", zorder=2)


def _draw_gaps(ax, g: pd.DataFrame, y: float) -> None:
    """Light grey where AIS was silent."""
    ax.broken_barh(
        list(zip(_num(g["start"]), _num(g["end"]) - _num(g["start"]))),
        (y - 0.42, 0.84),
        facecolor="#DDDDDD",
        edgecolor="none",
        zorder=0,
    )


def _draw_calls(ax, c: pd.DataFrame, y: float, colour: Mapping) -> None:
    """Blocks from first to last evidence; whiskers to the arrival/departure bounds."""
    if c.empty:
        return
    x0, x1 = _num(c["first_evidence"]), _num(c["last_evidence"])
    width = np.maximum(x1 - x0, 4 / 24)  # at least 4 h wide, to stay visible
    dark = c["is_dark"].to_numpy() if "is_dark" in c else np.zeros(len(c), bool)
    for xa, w, site, is_dark in zip(x0, width, c["site"], dark):
        ax.broken_barh(
            [(xa, w)],
            (y - 0.16, 0.32),
            facecolor=colour.get(site, "#999999"),
            edgecolor="black",
            hatch="////" if is_dark else None,
            zorder=3,
        )
    lo, hi = c["arrival_earliest"], c["departure_latest"]
    # arrival bounds just below the centre line, departure bounds just above, so that the
    # departure window of one call and the arrival window of the next stay distinguishable
    for a, b, dy in ((lo, c["first_evidence"], -0.06), (c["last_evidence"], hi, 0.06)):
        ok = (a.notna() & b.notna()).to_numpy()
        if ok.any():
            cols = [colour.get(s, "#999999") for s in c["site"][ok]]
            ax.hlines(
                np.full(int(ok.sum()), y + dy),
                _num(a[ok]),
                _num(b[ok]),
                linewidth=0.8,
                colors=cols,
                zorder=1,
            )
            ends = np.r_[_num(a[ok]), _num(b[ok])]
            ax.vlines(
                ends, y + dy - 0.05, y + dy + 0.05, linewidth=0.8, colors=cols + cols, zorder=1
            )


def plot_containers(
    trips: pd.DataFrame, *, capacity: float | None = None, estimate: float | None = None
):
    """Containers seen per delivery (or round trip): a bar to the largest count, a whisker
    to the smallest; deliveries without a count are marked as such (or drawn as an outlined
    bar at ``estimate``). Each is labelled with its vessel, number and departure day, and
    "no return" when it is a delivery the ship did not come back from.

    Parameters
    ----------
    trips : pandas.DataFrame
        From :func:`tumen.analyses.shuttle.trips.get_deliveries` (or
        :func:`tumen.analyses.shuttle.trips.get_round_trips`).
    capacity : float, optional
        Drawn as a dashed line (the capacity assumption), containers.
    estimate : float, optional
        Containers assumed for a trip without a count (e.g. mean + 1 standard deviation of
        the counted trips, the high end of
        :func:`tumen.analyses.shuttle.containers.get_container_range`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(
        figsize=(min(PRINT_WIDTH_IN, max(4, 0.8 * len(trips) + 2)), 3.5), layout="constrained"
    )
    ax = fig.add_subplot()
    hi = trips["containers_max"].astype("Float64").to_numpy(float, na_value=np.nan)
    lo = trips["containers_min"].astype("Float64").to_numpy(float, na_value=np.nan)
    x = np.arange(len(trips))
    counted = ~np.isnan(hi)
    ax.bar(x[counted], hi[counted], width=0.6, color=PALETTE[1], label="most containers seen")
    ax.vlines(
        x[counted], lo[counted], hi[counted], colors="black", linewidth=1.5, label="range of counts"
    )
    top = max(np.nanmax(hi) if counted.any() else 1.0, capacity or 0.0, estimate or 0.0)
    _draw_uncounted(ax, x[~counted], estimate, top)
    if trips.empty:
        _say_none(ax)
    ax.set_xlim(-0.6, max(len(trips), 1) - 0.4)
    ax.set_ylim(0, 1.1 * top)
    if capacity is not None:
        ax.axhline(capacity, color=PALETTE[4], linestyle="--", label="capacity assumption")
    ax.set_xticks(x, _delivery_labels(trips), rotation=45, ha="right")
    ax.tick_params(labelsize=CHART_FONT["tick"])
    ax.set_ylabel("Containers", fontsize=CHART_FONT["label"])
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            frameon=False,
            fontsize=CHART_FONT["legend"],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=2,
            borderaxespad=0.2,
        )
    return fig


def _delivery_labels(trips: pd.DataFrame) -> list[str]:
    """Vessel, number and departure day of each delivery (or round trip), and "no return"
    for a delivery the ship did not come back from."""
    number = trips["delivery"] if "delivery" in trips else trips["trip"]
    back = trips["returned"].astype(bool) if "returned" in trips else pd.Series(True, trips.index)
    return [
        f"{v} {n}\n{d:%d %b}" + ("" if r else "\nno return")
        for v, n, d, r in zip(trips["vessel"], number, trips["depart"], back)
    ]


def _draw_uncounted(ax, x: np.ndarray, estimate: float | None, top: float) -> None:
    """Mark the deliveries at ``x`` as without a count (an outlined bar at ``estimate``)."""
    if estimate is not None and len(x):
        ax.bar(
            x,
            np.full(len(x), estimate),
            width=0.6,
            facecolor="none",
            edgecolor=PALETTE[1],
            hatch="//",
            linestyle="--",
            label="no count: what the high end assumes",
        )
    for xi in x:
        ax.text(
            xi,
            0.03 * top,
            "no count",
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=CHART_FONT["note"],
            bbox=dict(facecolor="white", edgecolor="none", pad=1),
        )


def _say_none(ax) -> None:
    """Say on the chart that there is no delivery to show."""
    ax.text(
        0.5,
        0.5,
        "No delivery was found: no containers per delivery to show",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=CHART_FONT["label"],
    )
