"""Tests for tumen.report.words: a list of names as one phrase, as every section writes it."""

from tumen.report.words import join_words


def test_join_words():
    assert [join_words(w) for w in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]
    assert join_words(("x", "y")) == "x and y"  # any sequence
