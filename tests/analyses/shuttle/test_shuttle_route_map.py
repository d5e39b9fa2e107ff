"""Tests for tumen.analyses.shuttle.route_map: the route map with its port insets.

The scenario of the fixtures: see shuttle_scenario.py.
"""

import numpy as np
from shuttle_scenario import VESSELS

from tumen.ais import clean as ais_clean
from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.analyses.shuttle import route_map as shuttle_route_map
from tumen.geo import gazetteer


def test_route_map(sites, gaps, sightings, positions):
    from types import SimpleNamespace

    all_sites = gazetteer.load_sites()
    route = SimpleNamespace(
        lat=np.array([42.2322, 42.1812, 42.8575, 42.8891]),
        lon=np.array([130.2947, 130.3923, 132.3645, 132.3589]),
        snaps=(),
    )
    grid = ais_clean.to_density_grid(
        positions, np.arange(42.0, 43.01, 0.1), np.arange(130.0, 132.81, 0.1)
    )
    fig = shuttle_route_map.plot_route_map(
        route,
        all_sites,
        ["rajin_port", "dunai_port"],
        density=grid,
        gaps=gaps,
        sea_sightings=shuttle_observations.get_sightings_at_sea(sightings, VESSELS),
        vessels=VESSELS,
        positions=positions,
        insets=[(0.01, 0.6, 0.2, 0.38)],
        labels={"rajin_port": "Rajin", "dunai_port": "Dunai"},
    )
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "Shortest water route between the ports",
        "Port geofence (insets: Natural Earth 1:10m coastline)",
        "Last AIS fix before a silence",
        "First AIS fix after it",
        "Seen at sea in a satellite image",
        "Angara",
        "Maria",
    ]
    assert len(fig.axes) == 2 and len(ax.child_axes) == 1  # map, port inset; colour bar
    assert {"Rajin", "Dunai"} <= {t.get_text() for t in ax.texts}
    # the port inset has its own scale bar (10 km across: a 2 km bar at 0.4 of its width)
    # and is drawn from the 1:10m Natural Earth layers
    inset = ax.child_axes[0] if hasattr(ax.child_axes[0], "projection") else fig.axes[1]
    assert [t.get_text() for t in inset.texts if t.get_text()[0].isdigit()] == ["2 km"]
    scales = {getattr(getattr(c, "_feature", None), "scale", None) for c in inset.collections}
    assert "10m" in scales
    # the legend sits below the map, where it covers no track, fix or sighting
    renderer = fig.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0
