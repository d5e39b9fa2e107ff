"""Tests for tumen.ais.dask_ops: schedulers, partitions sorted and cleaned as the readers
and tumen.ais.clean would, the fleet kept."""

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from tumen.ais import clean as ais_clean
from tumen.ais import dask_ops as ais_dask
from tumen.ais import records as ais_records
from tumen.errors import ParameterError

T0 = pd.Timestamp("2023-09-01", tz="UTC")


def positions() -> pd.DataFrame:
    """Two ships; ship 1 has an exact repeat (line 3) and a wrong fix 3 degrees off (line 4)."""
    hours = pd.to_timedelta([0, 1, 1, 2, 3, 0, 1], unit="h")
    return pd.DataFrame(
        {
            "mmsi": [1, 1, 1, 1, 1, 2, 2],
            "time": (T0 + hours).astype("datetime64[ns, UTC]"),
            "lat": [40.0, 40.01, 40.01, 43.0, 40.03, 30.0, 30.01],
            "lon": 20.0,
            "sog": 5.0,
            "cog": 0.0,
            "heading": 0.0,
            "nav_status": 0,
            "source_file": "a",
            "source_line": np.arange(1, 8),
        }
    )


def test_ties_and_unsorted_partitions_are_sorted_like_the_readers():
    t = pd.Timestamp("2023-09-01", tz="UTC")
    part = pd.DataFrame(
        {
            "mmsi": [2, 1, 1],
            "time": [t, t, t],
            "lat": [1.0, 2.0, 3.0],
            "source_file": ["b", "b", "a"],
            "source_line": [1, 2, 9],
        }
    )
    out = ais_dask.sort_partition(part)
    assert out["lat"].tolist() == [3.0, 2.0, 1.0]
    no_source = part.drop(columns=["source_file", "source_line"])
    assert ais_dask.sort_partition(no_source)["lat"].tolist() == [2.0, 3.0, 1.0]


def test_compute_runs_any_collection():
    frame = dd.from_pandas(pd.DataFrame({"x": np.arange(10)}), npartitions=2)
    assert ais_dask.compute(frame["x"].sum(), dask_scheduler="sync") == (45,)


def test_clean_partition_is_clean_without_the_jumps():
    p = positions()
    kept, repeats, jumps = ais_dask.clean_partition(p, 50.0)
    empty = ais_records.empty_data()
    cleaned = ais_clean.clean(ais_records.AisData(p, empty.vessels, empty.skipped), 50.0)
    expected = cleaned.positions[~cleaned.positions["is_jump"]]
    assert (repeats, jumps) == (1, 1)
    assert kept["source_line"].tolist() == expected["source_line"].tolist() == [1, 2, 5, 6, 7]


def test_keep_fleet_keeps_the_fleet_and_names_it():
    frame = dd.from_pandas(positions(), npartitions=2)
    fleet = pd.DataFrame({"vessel": ["Two"], "mmsi": [2]})
    kept = ais_dask.keep_fleet(frame, fleet).compute()
    assert kept["mmsi"].tolist() == [2, 2] and kept["vessel"].tolist() == ["Two", "Two"]


def test_bad_schedulers_raise_parameter_errors():
    frame = dd.from_pandas(pd.DataFrame({"x": np.arange(4)}), npartitions=2)
    with pytest.raises(ParameterError, match="unknown Dask scheduler 'fast'"):
        ais_dask.compute(frame["x"].sum(), dask_scheduler="fast")
    with pytest.raises(ParameterError, match="cannot use"):
        ais_dask.compute(frame["x"].sum(), dask_scheduler=42)
    with pytest.raises(ParameterError, match="no column 'vessel'"):
        ais_dask.by_vessel(dd.from_pandas(positions(), npartitions=2), "vessel")
