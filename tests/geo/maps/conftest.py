"""Fixtures of the map tests: no network, the routes and distances the maps read, and a
check that no two labels of a map overlap."""

import socket

import pytest

from tumen.geo import borders, gazetteer, rail, sea
from tumen.geo.maps import marks


@pytest.fixture
def no_network(monkeypatch):
    """Make any socket use fail loudly, so a download attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted while drawing a map")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="session")
def computed():
    """Routes and distances the maps read (computed once for the session)."""
    sites = gazetteer.load_sites()
    depot = gazetteer.get_site("tikhoretsk_depot", sites)
    return dict(
        sites=sites,
        rail=rail.rail_route("dunai_port", "tikhoretsk_depot", sites=sites),
        sea=sea.sea_route("rajin_port", "dunai_port", sites=sites),
        nearest=[
            borders.distance_to_country(depot.lat, depot.lon, "UKR"),
            borders.distance_to_border(depot.lat, depot.lon, "RUS", "UKR"),
        ],
    )


def overlapping_labels(ax) -> list:
    """The pairs of visible annotations of a map whose boxes overlap."""
    renderer = ax.figure.canvas.get_renderer()
    boxes = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in ax.texts
        if t.get_visible() and type(t).__name__ == "Annotation"
    ]
    return [
        (a, b)
        for i, (a, ba) in enumerate(boxes)
        for b, bb in boxes[i + 1 :]
        if marks.overlap_area(ba, bb) > 0
    ]


@pytest.fixture
def labels_overlap():
    """:func:`overlapping_labels`, for a test to call on its maps."""
    return overlapping_labels
