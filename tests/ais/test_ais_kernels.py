"""Tests for tumen.ais.kernels: the compiled line scan and bit-field extraction, on
hand-made lines and payloads checked against pyais (the whole decoder is compared with
pyais in tests/test_ais_fast.py)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from pyais.messages import NMEAMessage

from tumen.ais import fast as ais_fast
from tumen.ais import kernels as ais_kernels

LINE = b"\\s:RX1,c:1693526400*0F\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24"


def scan(raw: bytes):
    buf = raw + b"\n" * 256
    b = np.frombuffer(buf, np.uint8)
    nl = np.flatnonzero(b[: len(raw)] == 10)
    starts, ends = np.r_[0, nl + 1], np.r_[nl, len(raw)]
    flags, cols = np.zeros(len(starts), np.int8), np.zeros((7, len(starts)), np.int64)
    num = np.zeros(len(starts))
    k = ais_kernels.scan_lines(b, starts, ends, ais_fast.SPECIAL, ais_fast.HEX64, flags, cols, num)
    return flags, cols[:, :k], num[:k]


def test_scan_reads_the_fields_of_a_canonical_line():
    with_seq = LINE.replace(b",,A,", b",7,A,").replace(b"*24", b"*%02X" % (0x24 ^ ord("7")))
    flags, cols, num = scan(with_seq + b"\n" + LINE)
    ps = LINE.index(b"A,13u") + 2
    assert flags.tolist() == [0, 0]
    assert cols.T.tolist() == [
        [1, 1, ord("A") * 11 + 7 + 1, ps + 1, 28, 0, 0],
        [1, 1, ord("A") * 11, len(LINE) + 2 + ps, 28, 0, 1],
    ]
    assert num.tolist() == [1693526400.0] * 2


@pytest.mark.parametrize(
    "line, flag",
    [
        (LINE.replace(b"*24", b"*25"), 2),  # sentence checksum
        (LINE.replace(b"*0F", b"*0E"), 1),  # tag block checksum
        (LINE.replace(b"c:1693526400", b"c:16935264x0"), 3),  # not digits: pyais path
        (LINE.replace(b",1,1,,A,", b",1,1,12,A,"), 3),  # two-digit sequence id
        (LINE.replace(b"\\s:RX1,", b"\\s:R*1,"), 3),  # a second "*" in the tag
        (LINE + b"\r", 0),  # CRLF
        (LINE + b" ", 3),  # trailing byte
        (LINE[:40], 3),  # cut short
    ],
)
def test_scan_classifies_damaged_lines(line, flag):
    flags, cols, _ = scan(line)
    assert flags.tolist() == [flag] and cols.shape[1] == (flag == 0)


def test_scan_of_several_lines_and_a_blank_one():
    flags, cols, _ = scan(LINE + b"\n\n" + LINE.replace(b"*24", b"*25"))
    assert flags.tolist() == [0, 3, 2] and cols[6].tolist() == [0]


def test_bit_fields_and_position_fields_equal_pyais():
    msg = NMEAMessage(LINE.split(b"\\")[-1]).decode()
    b = np.frombuffer(LINE + b"\n" * 256, np.uint8)
    ps = np.array([LINE.index(b"A,13u") + 2])
    # split the payload in two "sentences" at byte 10: the second part read from the first
    # part's own continuation (ps2 - pl1 = ps1), so the result must not change
    for pl1, ps2 in ((np.array([28]), np.array([0])), (np.array([10]), ps + 10)):
        out = np.zeros((3, 1), np.int64)
        ais_kernels.bit_fields(
            b,
            ps,
            pl1,
            ps2,
            np.array([0, 8, 89]),
            np.array([6, 30, 27]),
            np.array([False, False, True]),
            out,
        )
        assert out[:, 0].tolist() == [msg.msg_type, msg.mmsi, round(msg.lat * 600_000)]
        fields = np.zeros((7, 1))
        ais_kernels.position_fields(b, ps, pl1, ps2, True, fields)
        assert fields[:, 0].tolist() == [
            msg.mmsi,
            msg.lat,
            msg.lon,
            msg.speed,
            msg.course,
            msg.heading,
            int(msg.status),
        ]


def test_scan_reads_nothing_outside_the_lines(tmp_path):
    # every prefix of a line as the last line of an unpadded buffer, with Numba's bounds
    # checks on (in a fresh interpreter: the setting is read when Numba starts)
    script = (
        "import numpy as np\n"
        "from tumen.ais import fast as ais_fast, kernels as ais_kernels\n"
        f"line = {LINE!r}\n"
        "for n in range(len(line) + 1):\n"
        "    for raw in (line[:n], line + b'\\r\\n' + line[:n], line[:n] + b'\\r'):\n"
        "        ais_fast.get_messages(raw, 'f')\n"
        "print('ok')\n"
    )
    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
