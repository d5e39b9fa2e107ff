"""Reading times: every date or time a parameter or a data file gives becomes UTC here.

One rule for the whole project: a value with a zone is converted to UTC, a value without one
*is* UTC (observations are logged in UTC; ISO 8601 dates like ``2023-08-15`` mean midnight UTC).
A value that is not a time raises the caller's error class, naming the field.

>>> to_utc("2023-08-15")
Timestamp('2023-08-15 00:00:00+0000', tz='UTC')
>>> to_utc("2023-08-15T09:00+09:00", naive=True)
Timestamp('2023-08-15 00:00:00')
"""

from __future__ import annotations

import pandas as pd

from tumen.errors import DataError, TumenError


def to_utc(
    value,
    field: str = "time",
    *,
    naive: bool = False,
    error: type[TumenError] = DataError,
    hint: str = "use ISO 8601, e.g. 2023-08-15",
) -> pd.Timestamp:
    """``value`` as a UTC Timestamp (zone-aware, or zone-less UTC when ``naive``).

    Raises ``error(message, field=field, hint=hint)`` when ``value`` is not a date or time.
    """
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError):
        when = pd.NaT
    if when is pd.NaT:
        raise error(f"{field} {value!r} is not a date or time", field=field, hint=hint)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    return when.tz_localize(None) if naive else when
