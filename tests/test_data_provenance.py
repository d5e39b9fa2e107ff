"""Every file under data/ has a current entry in data/sources.yaml."""

from tumen.engine import sources


def test_every_data_file_is_listed_with_a_current_hash():
    assert sources.check() == []


def test_example_observations_are_marked_synthetic():
    entries = sources.load()
    observed = [
        p for p in entries if p.startswith("data/observations/") or p.startswith("data/ais/")
    ]
    assert observed and all(entries[p]["kind"] == "synthetic" for p in observed)
