"""tumen.errors: one line naming file, line and field; the hint of an unknown name."""

from tumen.errors import DataError, ParameterError, TumenError, suggest


def test_an_error_names_file_line_field_and_hint():
    e = DataError("not a number", file="data/x.csv", line=7, field="railcars", hint="write 12")
    assert str(e) == "data/x.csv:7 [railcars]: not a number (hint: write 12)"
    assert isinstance(e, TumenError) and e.exit_code == 2


def test_an_error_without_a_place_is_its_message():
    assert str(ParameterError("no notebooks")) == "no notebooks"
    assert str(ParameterError("bad", field="window")) == "[window]: bad"


def test_suggest_names_the_closest_option_or_nothing():
    assert suggest("rial_traffic", ["rail_traffic", "vessel_shuttle"]) == (
        "did you mean 'rail_traffic'?"
    )
    assert suggest("zzz", ["rail_traffic", "vessel_shuttle"]) is None
    assert suggest(12, ["12a", "b"]) == "did you mean '12a'?"  # not a string: compared as text
    assert suggest("x", []) is None
