"""Tests for tumen.ais.timecols: time texts of AIS files, times as numbers."""

import numpy as np
import pandas as pd
from fixtures.ais_files import T0

from tumen.ais import readers as ais_readers
from tumen.ais import timecols as ais_timecols


def test_parse_times():
    text = pd.Series(
        [
            "1693526400",
            "1693526400000",
            "2023-09-01T09:00:00+09:00",
            "2023-09-01 00:00",
            "nonsense",
            None,
            "9999-01-01T00:00:00Z",
            "-5",
            "1693526400.5",
        ]
    )
    out = ais_timecols.parse_times(text)
    assert list(out[:4]) == [T0] * 4
    assert out[4:8].isna().all()
    assert out[8] == T0 + pd.Timedelta(milliseconds=500)
    dma = ais_timecols.parse_times(
        pd.Series(["01/09/2023 00:00:00", "31/02/2023 00:00:00"]), ais_readers.DMA_TIME_FORMAT
    )
    assert dma[0] == T0 and pd.isna(dma[1])


def test_to_ns_reads_zone_less_times_as_utc_and_to_hours_keeps_nat_as_nan():
    aware = pd.Series([T0, pd.NaT], dtype="datetime64[ns, UTC]")
    naive = pd.Series([T0.tz_localize(None), pd.NaT])
    assert ais_timecols.to_ns(aware).tolist() == ais_timecols.to_ns(naive).tolist()
    assert ais_timecols.to_ns(aware)[0] == 1_693_526_400 * 10**9
    assert ais_timecols.to_ns(aware)[1] == ais_timecols.NAT
    hours = ais_timecols.to_hours(aware.astype("datetime64[us, UTC]"))
    assert hours[0] == 1_693_526_400 / 3600 and np.isnan(hours[1])
