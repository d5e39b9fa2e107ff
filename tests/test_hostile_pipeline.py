"""Hostile names through the real shuttle pipeline (issue 9): a vessel called
``<script>alert(1)</script>`` arriving in an AIS type-5 message and in a sightings CSV comes
out of the port-call table and its HTML as literal, escaped text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pyais.encode import encode_dict
from pyais.util import checksum

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.ais import tracks
from tumen.analyses.shuttle import calls as shuttle_calls
from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.analyses.shuttle import tables as shuttle_tables
from tumen.report import figures

pytestmark = pytest.mark.slow

FIX = Path(__file__).parent / "fixtures" / "ais"
HOSTILE = "<script>alert(1)</script>"
EPOCH = 1693526400  # 2023-09-01T00:00:00Z


def tagged(msg_type, fields, epoch, seq=None):
    body = f"c:{epoch}"
    tag = f"\\{body}*{checksum(body.encode()):02X}\\"
    return [
        tag + s
        for s in encode_dict(
            dict(fields, type=msg_type),
            talker_id="AI",
            sentence_type="VDM",
            radio_channel="A",
            seq_id=seq,
        )
    ]


def test_hostile_vessel_name_is_literal_text_in_the_port_call_table(tmp_path):
    sites = pd.read_csv(FIX / "sites.csv")
    rajin = sites.set_index("id").loc["rajin_port"]
    lines = tagged(
        5,
        dict(mmsi=273000009, imo=9000009, callsign="EVIL1", shipname=HOSTILE, ship_type=70),
        EPOCH,
        seq=1,
    )
    for hour in range(0, 13):  # moored in the Rajin geofence for 12 hours
        lines += tagged(
            1,
            dict(
                mmsi=273000009,
                lat=float(rajin["lat"]),
                lon=float(rajin["lon"]),
                speed=0,
                course=0,
                heading=90,
                status=5,
            ),
            EPOCH + 3600 * hour,
        )
    nmea = tmp_path / "hostile.nmea"
    nmea.write_text("\n".join(lines) + "\n")
    data = ais_clean.clean(ais_nmea.read_nmea(nmea))
    ais_name = data.vessels["name"].iloc[0]
    assert "<" in ais_name and ">" in ais_name  # markup survived as raw text

    csv = tmp_path / "sightings.csv"
    csv.write_text(
        "vessel,observed,site,containers\n"
        f'"{HOSTILE}",2023-09-01T06:00:00Z,rajin_port,12\n'
        f'"{ais_name}",2023-09-01T07:00:00Z,rajin_port,7\n'
    )
    sightings = shuttle_observations.read_sightings(csv, sites)
    assert HOSTILE in sightings["vessel"].tolist()

    fleet = ais_fleet.get_fleet(data.vessels, [ais_name, HOSTILE])
    positions = ais_fleet.add_vessel(data.positions, fleet)
    positions = positions[positions["vessel"].notna() & ~positions["is_jump"]]
    ais_calls = tracks.get_ais_port_calls(positions.reset_index(drop=True), sites)
    calls = shuttle_calls.get_port_calls(ais_calls, sightings, positions, sites)
    table = shuttle_tables.to_port_call_display(calls)
    shown = set(table.astype(str).stack())
    assert HOSTILE in " ".join(shown)
    html = figures.table_html(
        table, "port_calls", f"Port calls of {HOSTILE}", notes=f"names as broadcast: {ais_name}"
    )
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("&lt;") >= 3
