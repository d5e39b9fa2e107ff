"""Tests for tumen.analyses.shuttle.words: how the section names ships, lists them and calls the
observations."""

from tumen.analyses.shuttle import words


def test_names_and_lists():
    assert words.get_display_name("imo:9123456") == "IMO 9123456"
    assert words.count_ships(1) == "the ship" and words.count_ships(3) == "the three ships"


def test_ship_keywords_name_each_entry_in_order():
    assert words.ship_keywords(["Kestrel", "mmsi:273000009"]) == {
        "v0": "Kestrel",
        "v1": "MMSI 273000009",
    }


def test_observations_are_named_by_their_source(tmp_path):
    own = tmp_path / "own.csv"
    own.write_text("x\n")
    assert words.get_data_words([str(own)]) == ("the observations", "the observations")
