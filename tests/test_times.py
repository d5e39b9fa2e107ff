"""tumen.times.to_utc: a zone converts to UTC, no zone means UTC, anything else names its field."""

import pandas as pd
import pytest

from tumen.errors import DataError, ParameterError
from tumen.times import to_utc


def test_a_date_without_a_zone_is_utc_midnight():
    assert to_utc("2023-08-15") == pd.Timestamp("2023-08-15T00:00Z")


def test_a_time_with_a_zone_is_converted():
    assert to_utc("2023-08-15T09:30+09:00") == pd.Timestamp("2023-08-15T00:30Z")
    assert to_utc(pd.Timestamp("2023-08-15T09:30", tz="Asia/Pyongyang")).hour == 0


def test_naive_gives_zone_less_utc():
    got = to_utc("2023-08-15T09:30+09:00", naive=True)
    assert got == pd.Timestamp("2023-08-15T00:30") and got.tzinfo is None


@pytest.mark.parametrize("value", ["not a date", "", None, "2023-13-40"])
def test_a_non_time_raises_the_callers_error_naming_the_field(value):
    with pytest.raises(DataError, match="window .* is not a date or time") as info:
        to_utc(value, "window")
    assert info.value.field == "window" and "ISO 8601" in info.value.hint
    with pytest.raises(ParameterError) as info:
        to_utc(value, "peak_date", error=ParameterError, hint="e.g. 2023-10-05")
    assert info.value.field == "peak_date" and info.value.hint == "e.g. 2023-10-05"
