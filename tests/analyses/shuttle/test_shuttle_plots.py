"""Tests for tumen.analyses.shuttle.plots: the timeline and the containers per delivery.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import numpy as np
import pandas as pd
import pytest
from shuttle_scenario import VESSELS, WINDOW, h

from tumen.analyses.shuttle import plots as shuttle_plots
from tumen.analyses.shuttle import trips as shuttle_trips


def test_timeline_figure(positions, gaps, calls, sightings):
    fig = shuttle_plots.plot_timeline(
        positions,
        gaps,
        calls,
        sightings,
        vessels=VESSELS,
        window=WINDOW,
        site_labels={"rajin_port": "Rajin", "dunai_port": "Dunai"},
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Maria", "Angara"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "port call: Rajin" in labels and "call while AIS dark" in labels
    assert "image: underway" in labels
    # the x axis spans the window (matplotlib day numbers)
    assert ax.get_xlim()[1] - ax.get_xlim()[0] == pytest.approx(9.0)


def test_containers_figure(calls):
    trips = shuttle_trips.get_round_trips(
        calls, "dunai_port", "rajin_port", cargo_from="rajin_port"
    )
    trips.loc[1, ["containers_min", "containers_max"]] = pd.NA
    fig = shuttle_plots.plot_containers(trips, capacity=400)
    ax = fig.axes[0]
    # vessel, trip number and the day it left its first port (h 4 and h 108)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Angara 1\n01 Sep", "Angara 2\n05 Sep"]
    assert any(t.get_text() == "no count" for t in ax.texts)
    fig = shuttle_plots.plot_containers(trips, estimate=175.0)
    outlined = [p for p in fig.axes[0].patches if p.get_facecolor()[3] == 0]
    assert [(p.get_x() + p.get_width() / 2, p.get_height()) for p in outlined] == [(1.0, 175.0)]
    # deliveries: numbered per ship, the one without a return says so
    fig = shuttle_plots.plot_containers(
        shuttle_trips.get_deliveries(calls, "rajin_port", "dunai_port")
    )
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "Angara 1\n03 Sep",
        "Angara 2\n07 Sep\nno return",
        "Maria 1\n02 Sep",
    ]


def test_brief_transmissions_stay_visible_on_the_timeline(gaps, calls, sightings):
    pos = pd.DataFrame({"vessel": "Angara", "time": [h(50)], "lat": 42.5, "lon": 131.0})
    fig = shuttle_plots.plot_timeline(
        pos, gaps, calls, sightings, vessels=["Angara"], window=WINDOW
    )
    bars = [
        p
        for c in fig.axes[0].collections
        for p in c.get_paths()
        if len(c.get_facecolor()) and tuple(c.get_facecolor()[0][:3]) == (0x55 / 255,) * 3
    ]
    widths = [np.ptp(p.vertices[:, 0]) for p in bars]
    assert widths == pytest.approx([216 / 200 / 24])  # one lone fix: 1/200 of the 9-day axis


def test_plots_draw_the_empty_cases(sites):
    empty = shuttle_trips.get_deliveries(
        pd.DataFrame(
            columns=[
                "vessel",
                "site",
                "first_evidence",
                "last_evidence",
                "call_id",
                "containers_min",
                "containers_max",
            ]
        ),
        "rajin_port",
        "dunai_port",
    )
    fig = shuttle_plots.plot_containers(empty)
    assert "No delivery" in " ".join(t.get_text() for t in fig.axes[0].texts)
