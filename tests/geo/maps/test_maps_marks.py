"""Tests for tumen.geo.maps.marks: scale bar, label placement, thinning of sites."""

from tumen.geo.maps import frame as map_frame
from tumen.geo.maps import marks as map_marks


def test_scale_bar_length_is_geodesic(computed):
    fig, ax = map_frame.new_map((129.9, 133.0, 41.9, 43.6))
    length = map_marks.add_scale_bar(ax, fraction=0.25)
    assert length in (10, 20, 50, 100)
    assert map_marks.nice_length(73.0) == 50 and map_marks.nice_length(0.35) == 0.2


def test_place_labels_avoids_collisions(labels_overlap):
    fig, ax = map_frame.new_map((130.0, 131.0, 42.0, 43.0))
    points = [
        (130.5, 42.5, "First label", 4),
        (130.5005, 42.5005, "Second label", 4),
        (130.501, 42.499, "Third label", 4),
    ]
    texts = map_marks.place_labels(ax, points)
    assert len(texts) == 3
    assert not labels_overlap(ax)


def test_thin_sites_keeps_priority_and_spacing(computed):
    sites = computed["sites"]
    ids = ["dunai_port", "fokino", "vladivostok", "khabarovsk", "birobidzhan"]
    # Fokino is 12 km from Dunai, Vladivostok about 40 km, Birobidzhan 160 km from Khabarovsk
    assert map_marks.thin_sites(sites, ids, 0.0) == ids
    assert map_marks.thin_sites(sites, ids, 20.0) == [
        "dunai_port",
        "vladivostok",
        "khabarovsk",
        "birobidzhan",
    ]
    assert map_marks.thin_sites(sites, ids, 200.0) == ["dunai_port", "khabarovsk"]
    assert map_marks.thin_sites(sites, ids, 200.0, keep=2) == ["dunai_port", "fokino", "khabarovsk"]
