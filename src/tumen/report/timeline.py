"""The report's opening timeline: every link of the pipeline on one time axis.

The report parameter ``timeline`` lists lanes (one per link of the pipeline); each lane
names dated **results** of the sections: a point (``at``) or a span (``at`` … ``to``), each
with a label. Nothing is dated by hand: a date is the value of a result (a recorded date
such as ``rail.peak_date``, or a published claim read back as ``claim.<id>``). Two more
kinds of mark come from inputs the report already has:

- ``events`` (report parameter): dated context with its source (e.g. a summit), drawn as
  a vertical line across all lanes;
- the statements lane: the publication dates of the published claims the sections test
  (the ``published`` column of the claims file), one mark per source and day.

A result that is missing from the build (a section not built, a value not found) leaves
its mark out, and the caption names the marks left out: a timeline of what the build found.

The parameters are checked when the params file is read (:func:`tumen.engine.params_check.check_spec`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from tumen.engine.params_check import DATE_RE
from tumen.report import figures

#: Printed width of the figure (inches): the text column of the A4 PDF, so its text prints
#: at the sizes set here (labels 7.5 pt).
WIDTH_IN = 6.7
_LABEL_PT = 7.5


@dataclass
class Mark:
    """One drawn mark: a point (``end`` None) or a span on a lane."""

    lane: str
    start: pd.Timestamp
    end: pd.Timestamp | None
    label: str
    results: tuple[str, ...] = ()


@dataclass
class Timeline:
    """What the opening timeline draws, and what it left out."""

    lanes: list[str]
    marks: list[Mark]
    events: list[Mark] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.marks


def _date(value) -> pd.Timestamp | None:
    if isinstance(value, (_dt.date, _dt.datetime)):
        value = value.isoformat()
    if not isinstance(value, str) or not DATE_RE.match(value):
        return None
    t = pd.Timestamp(value)
    return t.tz_convert(None) if t.tzinfo is not None else t


def collect(
    spec: Sequence[dict],
    records: Mapping[str, Mapping],
    *,
    events: Sequence[dict] = (),
    claims: pd.DataFrame | None = None,
) -> Timeline:
    """The marks of the timeline from the results of the build.

    Parameters
    ----------
    spec : list of dict
        The ``timeline`` parameter (:func:`tumen.engine.params_check.check_spec`).
    records : mapping
        Every result record of the build (name -> record with ``value``).
    events : list of dict
        The ``events`` parameter (:func:`tumen.engine.params_check.check_events`).
    claims : pandas.DataFrame, optional
        The published claims (``id``, ``source``, ``published``); the lane with
        ``claims: true`` shows the publication dates of those the build recorded
        (a result ``claim.<id>`` or ``verdict.<id>`` exists).
    """
    lanes, marks, missing = [], [], []
    for lane in spec:
        lanes.append(lane["lane"])
        for item in lane.get("items", []):
            names = (item["at"], *([item["to"]] if item.get("to") else []))
            dates = [_date((records.get(n) or {}).get("value")) for n in names]
            if any(d is None for d in dates):
                missing.append(item["label"])
                continue
            start, end = (min(dates), max(dates)) if len(dates) == 2 else (dates[0], None)
            marks.append(Mark(lane["lane"], start, end, item["label"], tuple(names)))
        if lane.get("claims") and claims is not None:
            marks.extend(_statements(lane["lane"], claims, records))
    drawn = [Mark("", _date(e["date"]), None, e["label"]) for e in events]
    return Timeline(lanes, marks, drawn, list(dict.fromkeys(missing)))


def _statements(lane: str, claims: pd.DataFrame, records: Mapping) -> list[Mark]:
    """One mark per (day, sources) of the claims the build recorded."""
    used = claims[
        [
            f"claim.{i}" in records
            or f"verdict.{i}" in records
            or any(k.startswith(f"claim.{i}_") for k in records)
            for i in claims["id"]
        ]
    ]
    by_day: dict[pd.Timestamp, list[str]] = {}
    for source, published in zip(used["source"], used["published"]):
        day = _date(str(published))
        if day is not None and len(str(published)) >= 10:  # a full date only
            by_day.setdefault(day, [])
            if source not in by_day[day]:
                by_day[day].append(str(source))
    return [Mark(lane, day, None, ", ".join(sources)) for day, sources in sorted(by_day.items())]


def plot(tl: Timeline):
    """Draw the timeline: one row per lane, spans as bars, points as diamonds, events as
    dashed lines, labels placed so they do not overlap (above, then below the row), in the
    house style (:func:`tumen.report.figures.style`)."""
    with figures.style():
        return _draw(tl)


def _draw(tl: Timeline):
    n = len(tl.lanes)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.36 * n + 0.5))
    rows = {name: n - 1 - i for i, name in enumerate(tl.lanes)}
    times = [m.start for m in tl.marks + tl.events] + [m.end for m in tl.marks if m.end is not None]
    lo, hi = min(times), max(times)
    pad = max((hi - lo) * 0.04, pd.Timedelta(days=2))
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(-0.75, n - 0.2)
    ax.set_yticks(range(n), [tl.lanes[n - 1 - k] for k in range(n)], fontsize=8)
    ax.tick_params(axis="y", length=0)
    for k in range(n):
        ax.axhline(k, color="#d9dde3", lw=0.8, zorder=0)
    for e in tl.events:
        ax.axvline(e.start, color="#6b7280", lw=0.9, ls=(0, (3, 2)), zorder=1)
        ax.annotate(
            e.label,
            (e.start, n - 0.35),
            xytext=(2, 0),
            textcoords="offset points",
            fontsize=_LABEL_PT,
            color="#374151",
            va="center",
            ha="left",
        )
    _draw_marks(fig, ax, tl, rows, short=(hi - lo + 2 * pad) * 0.015)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.xaxis.set_minor_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _draw_marks(fig, ax, tl: Timeline, rows: dict[str, int], short) -> None:
    """Spans as bars and points as diamonds (a span shorter than ``short`` as a point), each
    labelled where its label overlaps no other."""
    placed: dict[tuple[int, int], list[tuple[float, float]]] = {}
    renderer = fig.canvas.get_renderer()
    for m in sorted(tl.marks, key=lambda m: (rows[m.lane], m.start)):
        y = rows[m.lane]
        if m.end is not None and m.end - m.start > short:
            ax.plot(
                [m.start, m.end], [y, y], color="#1f4e79", lw=4.5, solid_capstyle="butt", zorder=2
            )
            x_mid = m.start + (m.end - m.start) / 2
        else:
            x_mid = m.start if m.end is None else m.start + (m.end - m.start) / 2
            ax.plot(
                [x_mid],
                [y],
                marker="D",
                ms=4.5,
                color="#b45309",
                mec="white",
                mew=0.6,
                zorder=3,
                ls="none",
            )
        _label(ax, renderer, placed, m.label, x_mid, y)


def _label(ax, renderer, placed, text: str, x, y: int) -> None:
    """Put ``text`` above the row at ``x``, or below, where it overlaps no other label; else
    higher up with a thin leader line to its mark."""
    for level, dy in enumerate((7, -7, 15, -15)):
        lead = (
            {
                "arrowprops": {
                    "arrowstyle": "-",
                    "color": "#9ca3af",
                    "lw": 0.5,
                    "shrinkA": 0,
                    "shrinkB": 2,
                }
            }
            if level >= 2
            else {}
        )
        t = ax.annotate(
            text,
            (x, y),
            xytext=(0, dy),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=_LABEL_PT,
            color="#111827",
            **lead,
        )
        box = t.get_window_extent(renderer)
        spans = placed.setdefault((y, level), [])
        if all(box.x1 + 3 < a or box.x0 - 3 > b for a, b in spans) or level == 3:
            spans.append((box.x0, box.x1))
            return
        t.remove()


def describe(tl: Timeline, events: Sequence[dict]) -> tuple[str, str]:
    """Caption and alt text of the timeline figure (plain text)."""

    def day(t):
        return t.strftime("%Y-%m-%d")

    parts = []
    for lane in tl.lanes:
        ms = [m for m in tl.marks if m.lane == lane]
        words = [
            f"{m.label} {day(m.start)}" + (f" to {day(m.end)}" if m.end is not None else "")
            for m in ms
        ]
        parts.append(f"{lane}: " + ("; ".join(words) if words else "nothing found"))
    alt = "Timeline. " + ". ".join(parts) + "."
    caption = (
        "The pipeline on one time axis: spans (bars) and dates (diamonds) from each "
        "section's results, and when the published claims appeared."
    )
    if events:
        caption += (
            " Dashed lines: "
            + "; ".join(f"{e['label']}, {e['date']} ({e['source']})" for e in events)
            + "."
        )
    if tl.missing:
        caption += " Not drawn, as this build did not record them: " + ", ".join(tl.missing) + "."
    return caption, alt
