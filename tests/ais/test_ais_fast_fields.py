"""Tests for tumen.ais.fast_fields: the look-up tables of the AIS 6-bit alphabet, bit fields
and text of armoured messages (one and two sentences), and times, on hand-worked payloads.

Armouring: "0".."W" are the 6-bit values 0..39 and "`".."w" 40..63; 6-bit text maps 0..31
to "@".."_" and 32..63 to " ".."?".
"""

import numpy as np
import pandas as pd

from tumen.ais import fast_fields as ff
from tumen.ais import synth_nmea as ais_synth_nmea


def messages(*parts: bytes) -> ff.Messages:
    """One message of one sentence (or two: the second's payload follows the first's)."""
    b = np.frombuffer(b"".join(parts), np.uint8)
    second = len(parts[0]) if len(parts) > 1 else 0
    return ff.Messages(b, np.array([0]), np.array([len(parts[0])]), np.array([second]))


def test_alphabet_tables():
    assert ff.ARMOR[np.frombuffer(b"0W`wX_x", np.uint8)].tolist() == [0, 39, 40, 63, 255, 255, 255]
    assert ff.SIXBIT[[0, 1, 26, 32, 48]].tobytes() == b"@AZ 0"
    assert ff.NEED[1] == 168 and ff.NEED[5] == 424 and ff.NEED[255] == 1 << 30


def test_bit_fields_and_text_of_one_and_two_sentences():
    # "1230": 6-bit values 1, 2, 3, 0 -> "ABC@", trailing "@" removed
    assert ff.text(messages(b"1230"), 0, 24).tolist() == ["ABC"]
    assert ff.text(messages(b"0000"), 0, 24).tolist() == [None]
    # "12" then "3h" ("h" = 104 - 96 + 40 = 48 -> "0"): 1<<18 | 2<<12 | 3<<6 | 48
    two = messages(b"12", b"3h")
    assert ff.text(two, 0, 24).tolist() == ["ABC0"]
    assert ff.field(two, 0, 24).tolist() == [270576]
    assert ff.field(two, 18, 6).tolist() == [48]


def test_position_fields_of_a_type_1_report():
    payload = ais_synth_nmea.armour(
        {
            "type": np.array([1]),
            "mmsi": np.array([273000001]),
            "status": np.array([5]),
            "speed": np.array([12]),
            "lon": np.array([(-900000) % (1 << 28)]),  # -1.5° in 1/10 000 minutes
            "lat": np.array([25344000]),  # 42.24°
        }
    )[0]
    v = messages(payload.encode())
    assert ff.field(v, 0, 6).tolist() == [1] and ff.field(v, 8, 30).tolist() == [273000001]
    assert ff.field(v, 61, 28, True).tolist() == [-900000]
    got = ff.position_block(v, class_a=True)
    assert {k: float(x[0]) for k, x in got.items()} == {
        "mmsi": 273000001.0,
        "lat": 42.24,
        "lon": -1.5,
        "sog": 1.2,
        "cog": 0.0,
        "heading": 0.0,
        "nav_status": 5.0,
    }


def test_times_from_epoch_seconds_milliseconds_and_text():
    num = np.array([1_693_526_400.5, 1_693_526_400_250.0, np.nan, -1.0, np.nan])
    times, missing = ff.to_times(num, np.array([-1, -1, 0, -1, -1]), ["2023-09-01 01:00:00"])
    t0 = pd.Timestamp("2023-09-01", tz="UTC")
    assert times[:3].tolist() == [
        t0 + pd.Timedelta(milliseconds=500),
        t0 + pd.Timedelta(milliseconds=250),  # above 1e11: milliseconds
        t0 + pd.Timedelta(hours=1),
    ]
    assert times[3:].isna().all()  # before 1970: a bad time, not a missing one
    assert missing.tolist() == [False, False, False, False, True]
