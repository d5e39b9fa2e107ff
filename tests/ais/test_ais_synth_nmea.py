"""Tests for tumen.ais.synth_nmea: synthetic traffic written as NMEA decodes back to itself;
the armouring, checksums and tag blocks on hand-worked values."""

import numpy as np
import pandas as pd

from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.ais import synth as ais_synth
from tumen.ais import synth_nmea as ais_synth_nmea

VALUES = [c for c in ais_records.POSITION_COLUMNS if not c.startswith("source")]


def test_nmea_decodes_back_to_the_positions(tmp_path):
    t = ais_synth.get_traffic(3_000, 3, seed=4)
    path = tmp_path / "synthetic.nmea"
    path.write_bytes(ais_synth_nmea.to_nmea(t, noise_rate=0.01))
    data = ais_nmea.read_nmea(path)
    pd.testing.assert_frame_equal(
        data.positions[VALUES], ais_records.sort_positions(t.positions)[VALUES]
    )
    assert data.vessels["name"].tolist() == ["SYNTH 00000", "SYNTH 00001", "SYNTH 00002"]
    counts = data.skipped["category"].value_counts()
    assert counts["junk"] == counts["bad_checksum"] > 10
    assert "multipart_incomplete" not in counts


def test_armouring_alphabet_and_a_type_1_payload():
    # 6-bit 0..39 are "0".."W", 40..63 are "`".."w"
    assert ais_synth_nmea.ARMOUR[[0, 39, 40, 63]].tobytes() == b"0W`w"
    # type 1 is the first 6 bits (000001 -> "1"); every other field 0: 27 more "0"s
    payload = ais_synth_nmea.armour({"type": np.array([1]), "mmsi": np.array([0])})
    assert payload == ["1" + "0" * 27]


def test_checksum_sentence_and_tag_block():
    # "c:0": 0x63 ^ 0x3A ^ 0x30 = 0x69
    assert ais_synth_nmea.checksum("c:0") == 0x69
    assert ais_synth_nmea.tag(0) == "\\c:0*69\\"
    assert ais_synth_nmea.sentence("c:0") == "!c:0*69"
