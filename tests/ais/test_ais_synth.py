"""Tests for tumen.ais.synth: deterministic synthetic traffic with a known answer."""

import pandas as pd

from tumen.ais import records as ais_records
from tumen.ais import synth as ais_synth
from tumen.ais import tracks

VALUES = [c for c in ais_records.POSITION_COLUMNS if not c.startswith("source")]


def test_same_seed_same_traffic_other_seed_other_traffic():
    a = ais_synth.get_traffic(5_000, 4, seed=1)
    b = ais_synth.get_traffic(5_000, 4, seed=1)
    pd.testing.assert_frame_equal(a.positions, b.positions)
    assert not a.positions.equals(ais_synth.get_traffic(5_000, 4, seed=2).positions)


def test_positions_table_schema_and_archive_order():
    t = ais_synth.get_traffic(5_000, 4, seed=1, duplicate_rate=0.01)
    p = t.positions
    assert list(p.columns) == ais_records.POSITION_COLUMNS and len(p) == 5_000
    assert str(p["time"].dtype) == "datetime64[ns, UTC]"
    assert p["time"].is_monotonic_increasing
    assert p["source_line"].tolist() == list(range(1, 5_001))
    assert p["mmsi"].nunique() == 4
    assert p.duplicated(subset=VALUES).sum() == 50
    sites = tracks.get_sites(t.sites)
    assert (sites["radius_km"] == 3.0).all() and len(sites) == 12


def test_truth_gaps_are_what_get_gaps_finds():
    t = ais_synth.get_traffic(20_000, 5, seed=3, jump_rate=0)
    gaps = tracks.get_gaps(t.positions, 6.0, by="mmsi")
    assert len(gaps) == len(t.gaps) > 10
    pd.testing.assert_frame_equal(
        gaps[["mmsi", "start", "end"]], t.gaps.sort_values(["mmsi", "start"], ignore_index=True)
    )


def test_port_calls_lie_inside_planned_dwells():
    t = ais_synth.get_traffic(20_000, 5, seed=3, jump_rate=0)
    calls = tracks.get_ais_port_calls(t.positions, t.sites, by="mmsi")
    assert len(calls) > 20
    both = calls.merge(t.dwells, on=["mmsi", "site"])
    inside = both[(both["first_fix"] >= both["arrive"]) & (both["last_fix"] <= both["depart"])]
    assert inside.drop_duplicates(["mmsi", "first_fix"]).shape[0] == len(calls)
