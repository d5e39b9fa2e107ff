"""Reading the project's CSV inputs strictly, with errors that say where.

Claims and observations are UTF-8 CSV files (a byte-order mark and CRLF line ends are
accepted). :func:`read_table` checks the header (missing or misspelt columns, with a
suggestion), the number of fields per row, exact duplicate rows and the encoding, and
keeps the line where each record starts so that later checks can name it.

>>> t = read_table("data/claims.csv", ["id", "value"])          # doctest: +SKIP
>>> int(t.loc[0, "line"])                                       # doctest: +SKIP
2
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from tumen.errors import DataError


def read_table(
    path: str | os.PathLike,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    allow_duplicates: bool = False,
) -> pd.DataFrame:
    """Read a UTF-8 CSV input strictly, keeping every field as text.

    The project's CSV reader (claims and observations use it): it checks the header, that
    every row has as many fields as the header, and records where each row starts.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8, an optional byte-order mark is ignored).
    required : iterable of str
        Columns that must be present.
    optional : iterable of str
        Columns that may be present; a column that is neither required nor optional is
        kept as it is, unless its name is a near-miss of a known column that is absent
        (then it is taken for a misspelling and is an error).
    allow_duplicates : bool
        Accept rows that repeat an earlier row exactly (default: an error naming both lines).

    Returns
    -------
    pandas.DataFrame
        One row per record, all columns as ``str`` (empty fields are ``""``), plus
        ``line``: the 1-based line of the file where the record starts.

    Raises
    ------
    DataError
        When the file is missing or unreadable, a required column is missing (the hint
        names the closest existing column), a row has the wrong number of fields, a row
        repeats another exactly, or the bytes are not UTF-8 (the line of the first bad byte).
    """
    path = Path(path)
    required, optional = list(required), list(optional)
    rows, lines = _read_rows(path)
    if not rows:
        raise DataError(
            "file is empty; expected a header line",
            file=path,
            line=1,
            hint=f"the header is: {','.join(required)}",
        )
    header = [h.strip() for h in rows[0]]
    _check_header(path, header, required, optional)
    _check_rows(path, header, rows[1:], lines[1:], allow_duplicates)
    frame = pd.DataFrame(rows[1:], columns=header, dtype=str)
    frame = frame.apply(lambda col: col.str.strip())
    frame["line"] = lines[1:]
    return frame


def _check_rows(
    path: Path, header: list[str], rows: list[list[str]], lines: list[int], allow_duplicates: bool
) -> None:
    """Every row has the header's number of fields and (unless allowed) repeats no other."""
    seen: dict[tuple, int] = {}  # stripped row -> line it first appeared on
    for fields, line in zip(rows, lines):
        if len(fields) != len(header):
            raise DataError(
                f"row has {len(fields)} fields, the header has {len(header)}",
                file=path,
                line=line,
                hint="quote fields that contain commas",
            )
        key = tuple(f.strip() for f in fields)
        if key in seen and not allow_duplicates:
            raise DataError(
                f"row repeats line {seen[key]} exactly",
                file=path,
                line=line,
                hint="delete the duplicate row",
            )
        seen.setdefault(key, line)


def _read_rows(path: Path) -> tuple[list[list[str]], list[int]]:
    """Return the non-blank CSV records of a file and the line each starts on."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            "file not found", file=path, hint="check the path in the parameters"
        ) from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8",
            file=path,
            line=line,
            hint="save the file as UTF-8 CSV (it looks like Latin-1 or Windows-1252)",
        ) from None
    if "\0" in text:
        raise DataError(
            "file contains NUL bytes; not a text CSV",
            file=path,
            line=text[: text.index("\0")].count("\n") + 1,
            hint="save the file as UTF-8 CSV text",
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, lines, start = [], [], 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                rows.append(fields)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"cannot parse CSV: {exc}",
            file=path,
            line=reader.line_num,
            hint="check the quotes on this line",
        ) from None
    return rows, lines


def _check_header(path: Path, header: list[str], required: list[str], optional: list[str]) -> None:
    """Raise DataError for a duplicate, missing or misspelt column."""
    for name in header:
        if header.count(name) > 1:
            raise DataError(
                f"column {name!r} appears twice",
                file=path,
                line=1,
                field=_show(name),
                hint="rename or delete one of them",
            )
    absent = [c for c in required + optional if c not in header]
    unknown = [h for h in header if h not in required and h not in optional]
    for col in required:
        if col not in header:
            close = difflib.get_close_matches(col, unknown, n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}? rename that column to {col!r}"
                if close
                else f"the file has: {', '.join(map(_show, header))}"
            )
            raise DataError(
                f"required column {col!r} is missing", file=path, line=1, field=col, hint=hint
            )
    for name in unknown:
        close = difflib.get_close_matches(name, absent, n=1, cutoff=0.8)
        if close:
            raise DataError(
                f"unknown column {name!r}",
                file=path,
                line=1,
                field=_show(name),
                hint=f"did you mean {close[0]!r}?",
            )


def _show(name: str) -> str:
    """A column name as printed in a one-line message (quoted when it holds line breaks
    or other unprintable characters)."""
    return name if name.isprintable() else repr(name)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def neutralise(cell):
    """Return a text cell that no spreadsheet runs as a formula.

    A string starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe, as OWASP advises against CSV injection; a string that is a plain
    number (``-3.5``) and anything that is not a string are returned unchanged.

    >>> neutralise('=HYPERLINK("http://x")'), neutralise("-3.5"), neutralise(-2), neutralise("Maria")
    ('\\'=HYPERLINK("http://x")', '-3.5', -2, 'Maria')
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def to_csv_text(df: pd.DataFrame) -> str:
    """A DataFrame as CSV text for people (UTF-8, LF line ends, no index), every text cell
    passed through :func:`neutralise`; numeric columns are written as numbers.

    Fields holding a comma, a quote, a line feed or a carriage return are quoted (the
    standard library's writer leaves a lone carriage return unquoted with LF line ends,
    and a reader would then split the row).
    """
    lines = [",".join(_csv_field(neutralise(str(c))) for c in df.columns)]
    columns = []
    for col in df.columns:
        values = df[col].tolist()
        if not pd.api.types.is_numeric_dtype(df[col]):
            values = [neutralise(v) for v in values]
        columns.append(values)
    for row in zip(*columns):
        lines.append(",".join(_csv_field(v) for v in row))
    return "\n".join(lines) + "\n"


def _csv_field(value) -> str:
    """One CSV field: empty for a missing value, quoted when it must be."""
    if (
        value is None
        or (isinstance(value, float) and value != value)
        or value is pd.NaT
        or (value is pd.NA)
    ):
        return ""
    text = str(value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write :func:`to_csv_text` of ``df`` to ``path`` (folders created); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(to_csv_text(df))
    return path
