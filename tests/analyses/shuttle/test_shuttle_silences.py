"""Tests for tumen.analyses.shuttle.silences: the counts recorded, the report's table and the words,
for any ships, with every empty case (a ship never heard, a ship with no silence)."""

import html
import re

import numpy as np
import pandas as pd
import pytest

from tumen.analyses.shuttle import silences as ss
from tumen.engine.results import Results
from tumen.geo.earth import KM_PER_NM

T = pd.Timestamp("2031-05-10 12:00", tz="UTC")


def rendered(md) -> str:
    """Markdown object -> plain text (spans and Markdown escapes removed)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", md.data)))


def row(vessel, klass, gfw=False, *, kind="between", shore_km=9.26, neighbours=1, rate=6.0):
    return {
        "vessel": vessel,
        "kind": kind,
        "start": T,
        "end": T + pd.Timedelta(hours=13),
        "duration_h": 13.0,
        "shore_km_before": shore_km,
        "shore_km_after": 20.0,
        "neighbours": neighbours,
        "neighbour_rate_per_h": rate,
        "cell_per_day": 12.5,
        "fixes_before": 15,
        "class": klass,
        "reason": f"because {klass}",
        "gfw": gfw,
        "gfw_reason": "starts 5.0 nm from shore (rule: at least 50 nm)",
    }


def table(*rows):
    t = pd.DataFrame(list(rows))
    for col in ("neighbours", "fixes_before"):
        t[col] = t[col].astype("Int64")
    return t


@pytest.fixture
def res(tmp_path):
    r = Results(tmp_path / "results.json")
    r.record("shuttle.min_gap_h", 6.0, "h", "test value")
    return r


def test_counts_per_class_and_ship(res):
    # Kestrel: 2 switched off (one 100 nm out and counted by GFW), 1 possibly reception;
    # Wren: 1 undetermined at the window edge; MMSI 273000009: no silence
    t = table(
        row("Kestrel", "likely switched off"),
        row("Kestrel", "likely switched off", True, shore_km=100 * KM_PER_NM),
        row("Kestrel", "possibly reception", neighbours=0, rate=0.0),
        row("Wren", "undetermined", kind="after_last"),
    )
    out = ss.record_silences(
        res, t, ["Kestrel", "Wren", "mmsi:273000009"], settings={"neighbour_km": 15.0}
    )
    assert out["kestrel.silences"] == 3
    assert out["kestrel.silences_likely_switched_off"] == 2
    assert out["kestrel.silences_possibly_reception"] == 1
    assert out["kestrel.silences_undetermined"] == 0
    assert out["kestrel.silences_gfw"] == 1
    assert out["wren.silences_undetermined"] == 1 and out["wren.silences_gfw"] == 0
    assert out["mmsi_273000009.silences"] == 0
    assert out["silences_total"] == 4 and out["silences_gfw"] == 1
    # near shore: the three 'between' silences but the one 100 nm out (the edge one is not between)
    assert out["silences_near_shore"] == 2
    assert out["neighbour_km"] == 15.0 and out["gfw_min_shore_nm"] == 50.0
    assert res.records["shuttle.kestrel.silences_gfw"]["unit"] == "silences"


def test_words_for_each_case(res):
    t = table(
        row("Kestrel", "likely switched off"),
        row("Kestrel", "likely switched off"),
        row("Kestrel", "possibly reception"),
        row("Wren", "undetermined"),
    )
    vessels = ["Kestrel", "Wren", "mmsi:273000009", "Ibis"]
    ss.record_silences(res, t, vessels)
    out = rendered(
        ss.describe_silences_explained(res, vessels, heard={"Kestrel", "Wren", "mmsi:273000009"})
    )
    assert (
        "Of the 3 silences of Kestrel, 2 are likely switched off, 1 is possibly reception "
        "and none is undetermined."
    ) in out.replace("*", "")
    assert "The one silence of Wren is classed *undetermined*." in out
    assert "MMSI 273000009 had no silence longer than 6 hours in the window." in out
    assert "Ibis was never heard on AIS in the window" in out
    assert "within 20 km" in out and "Natural Earth 1:10m coastline" in out
    assert "that rule would count none of these silences." in out
    assert "4 silences start closer to shore than it allows" in out
    assert "None" not in out and "nan" not in out and "(s)" not in out


def test_gfw_counts_per_ship_when_several(res):
    t = table(
        row("Kestrel", "undetermined", True),
        row("Wren", "undetermined", True),
        row("Wren", "undetermined", True),
    )
    ss.record_silences(res, t, ["Kestrel", "Wren"])
    out = rendered(
        ss.describe_silences_explained(res, ["Kestrel", "Wren"], heard={"Kestrel", "Wren"})
    )
    assert "would count 3 of these silences (Kestrel: 1 and Wren: 2)." in out


def test_no_silence_at_all(res):
    ss.record_silences(res, table(row("Kestrel", "undetermined")).iloc[:0], ["Kestrel"])
    out = rendered(ss.describe_silences_explained(res, ["Kestrel"], heard={"Kestrel"}))
    assert "Kestrel had no silence longer than 6 hours" in out
    assert "With no silence to judge, the rule counts none." in out


def test_display_table():
    t = table(
        row("mmsi:273000009", "likely switched off", shore_km=9.26),
        row(
            "Kestrel",
            "undetermined",
            kind="before_first",
            shore_km=np.nan,
            neighbours=pd.NA,
            rate=np.nan,
        ),
    )
    t.loc[1, "fixes_before"] = pd.NA
    shown = ss.to_silence_display(t)
    first, edge = shown.iloc[0], shown.iloc[1]
    assert first["ship"] == "MMSI 273000009"
    assert first["silent (UTC)"] == "10\u00a0May\u00a012:00 → 11\u00a0May\u00a001:00"
    assert first["hours"] == 13.0
    assert first["from shore (nm)"] == "5 → 11"  # 9.26 km = 5.0 nm, 20 km = 10.8 nm
    assert first["class and why"].startswith("likely switched off: ")
    assert first["GFW would count it"] == "no: starts 5.0 nm from shore"  # the rule in the caption
    assert edge["silent (UTC)"].startswith("window start → ") and edge[
        "from shore (nm)"
    ].startswith("– →")
    assert edge["own reports, 12 h before"] == "–"
    assert len(shown.columns) == 7


def test_sensitivity_display_names_thresholds_in_words():
    t = pd.DataFrame(
        {
            "parameter": ["all as set", "gfw_min_shore_nm"],
            "change": ["as set", "halved"],
            "value": [np.nan, 25.0],
        }
    )
    shown = ss.to_sensitivity_display(t)
    assert shown["threshold"].tolist() == [
        "every threshold as set",
        "GFW: least distance from shore (nm)",
    ]
    assert list(shown.columns) == ["threshold", "change", "value"]
