"""tumen.report.tables: the strict CSV reader every observation and claims file goes through."""

import io

import pytest
from fixtures import claims_files

from tumen.errors import DataError
from tumen.report import tables
from tumen.report.tables import read_table

REQ = ["site", "acquired", "railcars"]


def write(tmp_path, data: bytes):
    p = tmp_path / "in.csv"
    p.write_bytes(data)
    return p


def test_bom_and_crlf_are_accepted(tmp_path):
    t = read_table(
        write(
            tmp_path,
            b"\xef\xbb\xbfsite,acquired,railcars\r\nx,2023-01-01,4\r\n\r\ny,2023-01-02,5\r\n",
        ),
        REQ,
    )
    assert list(t["site"]) == ["x", "y"] and list(t["line"]) == [2, 4]
    assert list(t.columns) == REQ + ["line"]


def test_latin1_bytes_name_the_line(tmp_path):
    with pytest.raises(DataError) as exc:
        read_table(
            write(tmp_path, b"site,acquired,railcars\nx,2023-01-01,4\ncaf\xe9,2023-01-02,5\n"), REQ
        )
    assert (
        exc.value.line == 3
        and "0xe9 is not UTF-8" in str(exc.value)
        and "Latin-1" in str(exc.value)
    )


def test_exact_duplicate_rows_are_an_error_unless_allowed(tmp_path):
    p = write(tmp_path, b"site,acquired,railcars\nx,2023-01-01,4\ny,2023-01-01,4\nx,2023-01-01,4\n")
    with pytest.raises(DataError, match="repeats line 2") as exc:
        read_table(p, REQ)
    assert exc.value.line == 4
    assert len(read_table(p, REQ, allow_duplicates=True)) == 3


def test_nul_bytes_and_binary_junk(tmp_path):
    with pytest.raises(DataError, match="NUL") as exc:
        read_table(write(tmp_path, b"site,acquired,railcars\nx,\x00\x01,4\n"), REQ)
    assert exc.value.line == 2


@pytest.mark.parametrize(
    "data, line, field, words",
    [
        (b"", 1, None, "file is empty"),
        (b"site,acquired\nx,2023\n", 1, "railcars", "required column 'railcars' is missing"),
        (b"site,aquired,railcars\n", 1, "acquired", "did you mean 'aquired'"),
        (b"site,acquired,railcars\nx,2023,4,9\n", 2, None, "row has 4 fields"),
        (b"site,site,acquired,railcars\n", 1, "site", "appears twice"),
    ],
)
def test_header_and_shape_errors(tmp_path, data, line, field, words):
    with pytest.raises(DataError) as exc:
        read_table(write(tmp_path, data), REQ)
    assert (exc.value.line, exc.value.field) == (line, field) and words in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_table(tmp_path / "nope.csv", REQ)


def test_neutralise_formulas_but_not_numbers():
    import pandas as pd

    df = pd.DataFrame(
        {
            "name": [
                '=HYPERLINK("http://x","y")',
                "+1+1",
                "-cmd",
                "@A1",
                "\tx",
                "\rx",
                "-3.5",
                "Maria",
                "it's=fine",
            ],
            "value": [-1, -2.5, 3, 4, 5, 6, 7, 8, 9],
        }
    )
    text = tables.to_csv_text(df)
    import csv

    back = pd.DataFrame(list(csv.DictReader(io.StringIO(text, newline=""))))
    assert back["name"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+1+1",
        "'-cmd",
        "'@A1",
        "'\tx",
        "'\rx",
        "-3.5",
        "Maria",
        "it's=fine",
    ]
    assert back["value"].tolist() == [
        "-1.0",
        "-2.5",
        "3.0",
        "4.0",
        "5.0",
        "6.0",
        "7.0",
        "8.0",
        "9.0",
    ]
    assert "\r\n" not in text


def test_read_table_rejects_empty_and_duplicate_headers(tmp_path):
    with pytest.raises(DataError, match="empty"):
        tables.read_table(claims_files.write(tmp_path, "", header=""), ["a"])
    with pytest.raises(DataError, match="appears twice"):
        tables.read_table(claims_files.write(tmp_path, "1,2\n", header="a,a\n"), ["a"])


def test_read_table_keeps_unknown_columns_and_skips_blank_lines(tmp_path):
    path = claims_files.write(tmp_path, "1,x\n\n2,y\n", header="a,comment\n")
    got = tables.read_table(path, ["a"])
    assert list(got["a"]) == ["1", "2"] and list(got["comment"]) == ["x", "y"]
    assert list(got["line"]) == [2, 4]

