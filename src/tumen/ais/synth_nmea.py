"""Synthetic AIS traffic as raw NMEA 0183: the encoder behind the decoder's tests and benchmarks.

This module owns writing :class:`tumen.ais.synth.Traffic` as NMEA lines
(:func:`to_nmea`): type 1 position reports armoured in bulk, type 5 static reports as two
sentences (encoded once per vessel with pyais, :func:`type5_payloads`), NMEA 4 tag blocks
(:func:`tag`) and checksummed sentences (:func:`sentence`).
"""

from __future__ import annotations

from functools import reduce
from operator import xor

import numpy as np
import pandas as pd
from pyais.encode import encode_dict

from tumen.ais.synth import Traffic, to_ais_degrees
from tumen.ais.timecols import to_ns

#: 6-bit value -> its character of the AIS armouring alphabet (as a byte).
ARMOUR = np.array([c + 48 if c < 40 else c + 56 for c in range(64)], dtype=np.uint8)
#: Fields of a type 1 position report: (name, width in bits).
TYPE1_FIELDS = (
    ("type", 6),
    ("repeat", 2),
    ("mmsi", 30),
    ("status", 4),
    ("turn", 8),
    ("speed", 10),
    ("accuracy", 1),
    ("lon", 28),
    ("lat", 27),
    ("course", 12),
    ("heading", 9),
    ("second", 6),
    ("maneuver", 2),
    ("spare", 3),
    ("raim", 1),
    ("radio", 19),
)


def to_nmea(
    traffic: Traffic,
    *,
    seed: int = 0,
    static_rate: float = 1 / 30,
    max_part_distance: int = 3,
    noise_rate: float = 0.0,
) -> bytes:
    """Write the traffic as NMEA 0183 lines, one position report per row.

    Every row becomes a ``\\c:<epoch>*hh\\!AIVDM,1,1,,A|B,...`` type 1 report in archive
    order. After a share ``static_rate`` of the rows the vessel also sends its type 5 static
    report as two sentences, the second 0 to ``max_part_distance`` lines after the first
    (other vessels' reports in between), so that decoding the file in chunks splits some
    of them across chunk boundaries. Noise lines (junk text and reports with a wrong
    checksum) are added after a share ``noise_rate`` of the rows; they never replace a
    report, so :func:`tumen.ais.nmea.read_nmea` gives back exactly ``traffic.positions``
    (values; ``source_line`` differs).

    Parameters
    ----------
    traffic : Traffic
    seed : int
        Random seed for the placement of static reports and noise.
    static_rate, noise_rate : float
        Shares of rows followed by a type 5 report / a noise line.
    max_part_distance : int
        Largest number of other lines between the two sentences of a type 5 report.

    Returns
    -------
    bytes
        The file content (``\\n`` line ends).
    """
    rng = np.random.default_rng([seed, 3])
    pos = traffic.positions
    n = len(pos)
    epoch = to_ns(pos["time"]) // 1_000_000_000
    channel = np.where(rng.random(n) < 0.5, "A", "B")
    lines = [tag(e) + s for e, s in zip(epoch, type1_sentences(pos, channel))]
    keys = list(np.arange(n, dtype=float))
    statics = np.flatnonzero(rng.random(n) < static_rate)
    payloads = type5_payloads(traffic.vessels)
    spread = rng.integers(0, max_part_distance + 1, len(statics))
    for j, (row, d) in enumerate(zip(statics, spread)):
        mmsi, e = int(pos["mmsi"].iat[row]), int(epoch[row])
        first, second = payloads[mmsi]
        ch, seq = channel[row], j % 10
        lines += [
            tag(e) + sentence(f"AIVDM,2,1,{seq},{ch},{first},0"),
            tag(e) + sentence(f"AIVDM,2,2,{seq},{ch},{second},2"),
        ]
        keys += [row + 0.25, row + d + 0.5]
    for row in np.flatnonzero(rng.random(n) < noise_rate):
        bad = lines[row][:-1] + ("0" if lines[row][-1] != "0" else "1")
        lines += ["junk: receiver restarted", bad]
        keys += [row + 0.75, row + 0.8]
    order = np.argsort(np.asarray(keys), kind="stable")
    return ("\n".join(lines[i] for i in order) + "\n").encode("ascii")


def type1_sentences(pos: pd.DataFrame, channel: np.ndarray) -> list[str]:
    """``!AIVDM`` sentences (with checksum) of type 1 reports, payloads built in bulk."""
    sog = pos["sog"].to_numpy()
    values = {
        "type": np.ones(len(pos), "int64"),
        "mmsi": pos["mmsi"].to_numpy("int64"),
        "status": pos["nav_status"].to_numpy("int64"),
        "turn": np.full(len(pos), 128),
        "speed": np.where(np.isnan(sog), 1023, np.round(np.nan_to_num(sog) * 10)),
        "lon": to_ais_degrees(pos["lon"]) % (1 << 28),
        "lat": to_ais_degrees(pos["lat"]) % (1 << 27),
        "course": np.round(np.nan_to_num(pos["cog"].to_numpy(), nan=360.0) * 10),
        "heading": np.nan_to_num(pos["heading"].to_numpy(), nan=511.0),
        "second": pos["time"].dt.second.to_numpy(),
    }
    payload = armour(values)
    return [sentence(f"AIVDM,1,1,,{c},{p},0") for c, p in zip(channel, payload)]


def armour(values: dict, block: int = 200_000) -> list[str]:
    """Pack the type 1 fields into 168 bits and armour them as 28 six-bit characters."""
    n = len(values["type"])
    out: list[str] = []
    for start in range(0, n, block):
        part = slice(start, min(start + block, n))
        bits = [
            (
                (
                    np.asarray(values.get(name, np.zeros(n)), "int64")[part, None]
                    >> np.arange(width - 1, -1, -1)
                )
                & 1
            ).astype(np.uint8)
            for name, width in TYPE1_FIELDS
        ]
        six = np.hstack(bits).reshape(-1, 28, 6) @ np.array([32, 16, 8, 4, 2, 1], np.uint8)
        chars = ARMOUR[six]
        out += chars.view("S28").ravel().astype(str).tolist()
    return out


def type5_payloads(vessels: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """The two payloads of each vessel's type 5 report (encoded once with pyais)."""
    out = {}
    for row in vessels.itertuples(index=False):
        first, second = encode_dict(
            {
                "type": 5,
                "mmsi": int(row.mmsi),
                "imo": int(row.imo),
                "callsign": row.callsign,
                "shipname": row.name,
                "ship_type": int(row.ship_type),
            },
            talker_id="AI",
            sentence_type="VDM",
            radio_channel="A",
            seq_id=0,
        )
        out[int(row.mmsi)] = (first.split(",")[5], second.split(",")[5])
    return out


def checksum(text: str) -> int:
    """The NMEA checksum: XOR of the bytes of ``text``."""
    return reduce(xor, text.encode("ascii"), 0)


def sentence(body: str) -> str:
    """``!<body>*hh``."""
    return f"!{body}*{checksum(body):02X}"


def tag(epoch: int) -> str:
    """An NMEA 4 tag block with the receiver time ``c``."""
    body = f"c:{epoch}"
    return f"\\{body}*{checksum(body):02X}\\"
