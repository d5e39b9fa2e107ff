"""Tests for tumen.ais.sentences: one NMEA line split, parsed and decoded through pyais."""

from tumen.ais import sentences

LINE = rb"\c:1693526400*51\!AIVDM,1,1,,A,144FV@EP009MnJPHRcL002l1P000,0*68"


def test_a_line_splits_into_prefix_tag_block_and_sentence():
    m = sentences.LINE_RE.match(b"2023-09-01T00:00:00Z " + LINE)
    assert m.group("prefix").strip() == b"2023-09-01T00:00:00Z"
    assert m.group("tag") == b"c:1693526400*51"
    assert sentences.read_stamp(m.group("prefix"), m.group("tag")) == "1693526400"
    assert sentences.read_stamp(b"2023-09-01T00:00:00Z", None) == "2023-09-01T00:00:00Z"
    assert sentences.read_stamp(b"", None) is None
    assert sentences.read_stamp(b"", b"c:1693526400*00") is False  # bad tag block checksum


def test_sentences_are_parsed_or_given_their_category():
    sentence, category = sentences.parse_sentence(LINE.split(b"\\")[-1])
    assert category is None and sentence.frag_cnt == 1
    assert sentences.parse_sentence(b"!AIVDM,1,1,,A,144FV@EP009MnJPHRcL002l1P000,0*00")[1] == (
        "bad_checksum"
    )
    assert sentences.parse_sentence(b"$GPGGA,1,2,3*00")[1] == "not_ais"


def test_the_line_decoder_gives_the_tables():
    decoder = sentences.LineDecoder("x.nmea", 10)
    decoder.feed(1, LINE)
    decoder.feed(2, b"junk")
    data = decoder.finish()
    assert data.positions["mmsi"].tolist() == [273000001]
    assert data.skipped[["source_line", "category"]].values.tolist() == [[2, "junk"]]
