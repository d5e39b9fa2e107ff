"""Read AIS CSV files, and AIS files of any supported format, into an :class:`AisData`.

This module owns the CSV readers and the one entry point for a list of files:

- Danish-Maritime-Authority-style CSV (:func:`read_dma_csv`);
- any CSV with a column map (:func:`read_csv`);
- :func:`read_ais`: one or several files of one format (raw NMEA through
  :func:`tumen.ais.nmea.read_nmea`, DMA or generic CSV) as one :class:`AisData`.

The tables are those of :mod:`tumen.ais.records`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from tumen.ais.nmea import read_nmea
from tumen.ais.records import AisData, assemble, concat, skipped_frame
from tumen.ais.timecols import parse_times
from tumen.errors import DataError

_DMA_STATUS = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted maneuverability": 3,
    "restricted manoeuvrability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "reserved for future amendment [hsc]": 9,
    "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11,
    "power-driven vessel pushing ahead or towing alongside": 12,
    "reserved for future use": 13,
    "ais-sart": 14,
    "unknown value": 15,
    "unknown": 15,
}
#: Column map of Danish Maritime Authority CSV files (our name -> their column).
DMA_COLUMNS = {
    "time": "# Timestamp",
    "mmsi": "MMSI",
    "lat": "Latitude",
    "lon": "Longitude",
    "sog": "SOG",
    "cog": "COG",
    "heading": "Heading",
    "nav_status": "Navigational status",
    "name": "Name",
    "imo": "IMO",
    "callsign": "Callsign",
    "ship_type": "Ship type",
    "mobile_type": "Type of mobile",
}
DMA_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
_CSV_REQUIRED = ("time", "mmsi", "lat", "lon")
_CSV_OPTIONAL = (
    "sog",
    "cog",
    "heading",
    "nav_status",
    "name",
    "imo",
    "callsign",
    "ship_type",
    "mobile_type",
)
_NOT_AVAILABLE_TEXT = {"", "unknown", "undefined", "n/a", "na", "nan", "none"}


def read_dma_csv(path: str | os.PathLike) -> AisData:
    """Read a Danish-Maritime-Authority-style AIS CSV.

    Columns used: ``# Timestamp`` (``dd/mm/yyyy HH:MM:SS``, UTC), ``MMSI``, ``Latitude``,
    ``Longitude``, ``SOG`` (kn), ``COG`` (deg), ``Heading`` (deg), ``Navigational status``
    (text such as ``Under way using engine``), ``Name``, ``IMO``, ``Callsign``,
    ``Ship type`` and ``Type of mobile`` (rows of base stations, AtoN and aircraft count as
    ``other_type``); other columns are ignored.

    Parameters
    ----------
    path : str or path-like
        The CSV file; the path is stored as given in ``source_file``.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        When the file is unreadable or a required column is missing.
    """
    return read_csv(path, DMA_COLUMNS, time_format=DMA_TIME_FORMAT)


def read_csv(
    path: str | os.PathLike,
    columns: Mapping[str, str],
    *,
    time_format: str | None = None,
    sep: str = ",",
) -> AisData:
    """Read any AIS CSV, given which of its columns hold what.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8); the path is stored as given in ``source_file``.
    columns : mapping of str to str
        Our name -> the file's column. Required: ``time, mmsi, lat, lon``; optional:
        ``sog`` (kn), ``cog`` (deg), ``heading`` (deg), ``nav_status`` (code 0-15 or DMA
        text), ``name``, ``imo``, ``callsign``, ``ship_type``, ``mobile_type``.
        For example ``{"time": "BaseDateTime", "mmsi": "MMSI", "lat": "LAT", ...}``.
    time_format : str, optional
        ``strftime`` format of the time column (UTC); by default ISO 8601 or epoch seconds.
    sep : str
        Field separator.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        When the file is unreadable, ``columns`` has an unknown key, or a mapped column is
        missing from the file.
    """
    _check_column_map(columns)
    frame = _read_text_table(path, sep)
    for ours, theirs in columns.items():
        if theirs not in frame.columns:
            raise DataError(
                f"column {theirs!r} (for {ours}) is missing",
                file=path,
                line=1,
                field=theirs,
                hint=f"the file has: {', '.join(frame.columns)}",
            )
    frame = frame[list(columns.values())].set_axis(list(columns), axis=1)
    frame["source_line"] = np.arange(2, len(frame) + 2)
    blank = (frame[list(columns)] == "").all(axis=1)
    return _from_csv_frame(frame[~blank], str(path), time_format)


def _check_column_map(columns: Mapping[str, str]) -> None:
    """Raise for an unknown key or a missing required one."""
    unknown = sorted(set(columns) - set(_CSV_REQUIRED) - set(_CSV_OPTIONAL))
    if unknown:
        raise DataError(
            f"unknown key {unknown[0]!r} in the AIS column map",
            field=unknown[0],
            hint=f"keys are {', '.join(_CSV_REQUIRED + _CSV_OPTIONAL)}",
        )
    missing = [c for c in _CSV_REQUIRED if c not in columns]
    if missing:
        raise DataError(
            f"the AIS column map has no {missing[0]!r}",
            field=missing[0],
            hint="map time, mmsi, lat and lon to columns of the file",
        )


def _read_text_table(path, sep: str) -> pd.DataFrame:
    """The CSV as text (every column ``str``, nothing read as missing)."""
    try:
        return pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skip_blank_lines=False,
        )
    except FileNotFoundError:
        raise DataError(
            "AIS file not found", file=path, hint="check the AIS path in the parameters"
        ) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot read AIS CSV: {exc}".splitlines()[0], file=path) from None


def _from_csv_frame(frame: pd.DataFrame, source_file: str, time_format: str | None) -> AisData:
    """Normalise a CSV frame (our column names, all text) to an :class:`AisData`."""
    text = frame.apply(lambda col: col.str.strip() if col.dtype != np.int64 else col)
    col = lambda name: text[name] if name in text else pd.Series("", index=text.index)  # noqa: E731
    pos = pd.DataFrame(
        {
            "mmsi": _numbers(col("mmsi")),
            "lat": _numbers(col("lat")),
            "lon": _numbers(col("lon")),
            "sog": _numbers(col("sog")),
            "cog": _numbers(col("cog")),
            "heading": _numbers(col("heading")),
            "nav_status": _status_codes(col("nav_status")),
            "source_line": text["source_line"].to_numpy(),
            "source_file": source_file,
        },
        index=text.index,
    )
    pos["time"] = parse_times(col("time").where(col("time") != "", None), time_format)
    pos["time_missing"] = (col("time") == "").to_numpy()
    _check_some_times(pos, col("time"), source_file, time_format)
    other = (
        col("mobile_type")
        .str.lower()
        .str.contains("base station|aton|sar airborne|search and rescue", regex=True, na=False)
    )
    static = pd.DataFrame(
        {
            "mmsi": pos["mmsi"],
            "name": _text_or_na(col("name")),
            "imo": _numbers(col("imo")).where(lambda s: s > 0),
            "callsign": _text_or_na(col("callsign")),
            "ship_type": _text_or_na(col("ship_type")),
            "time": pos["time"],
            "time_missing": pos["time_missing"],
            "source_line": pos["source_line"],
            "source_file": source_file,
        }
    )
    static = static[static[["name", "imo", "callsign", "ship_type"]].notna().any(axis=1)]
    skipped = skipped_frame(
        source_file, list(zip(pos.loc[other, "source_line"], ["other_type"] * int(other.sum())))
    )
    return assemble(pos[~other], static[~other.loc[static.index]], skipped)


def _check_some_times(
    pos: pd.DataFrame, text: pd.Series, source_file: str, time_format: str | None
) -> None:
    """Raise when not one of the given times parses: a wrong time format, not noise."""
    given = ~pos["time_missing"].to_numpy()
    if not given.any() or pos["time"][given].notna().any():
        return
    first = text[given].iloc[0]
    line = int(pos["source_line"][given].iloc[0])
    expected = f"the time format {time_format!r}" if time_format else "ISO 8601 or epoch seconds"
    raise DataError(
        f"no time in the AIS file matches {expected} (first: {first!r})",
        file=source_file,
        line=line,
        field="time",
        hint="set ais_time_format to the strptime format of the time column, "
        "e.g. '%d/%m/%Y %H:%M' for 31/12/2023 23:59",
    )


def _numbers(text: pd.Series) -> pd.Series:
    """Text to float64; empty and unreadable become NaN."""
    return pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")


def _text_or_na(text: pd.Series) -> pd.Series:
    """Keep text as it is, except 'not available' spellings, which become NA."""
    return text.where(~text.str.lower().isin(_NOT_AVAILABLE_TEXT), None).astype(object)


def _status_codes(text: pd.Series) -> pd.Series:
    """Navigational status as a code: numbers kept, DMA texts mapped, the rest 15."""
    num = pd.to_numeric(text.where(text != "", None), errors="coerce")
    named = text.str.lower().map(_DMA_STATUS)
    return num.fillna(named).astype("float64")


def read_ais(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    fmt: str = "nmea",
    columns: Mapping[str, str] | None = None,
    *,
    time_format: str | None = None,
) -> AisData:
    """Read one or several AIS files of one format into one :class:`AisData`.

    Parameters
    ----------
    paths : path or iterable of paths
        The files (read in the order given).
    fmt : {"nmea", "dma", "csv"}
        Raw NMEA (``.gz`` allowed), Danish Maritime Authority CSV, or generic CSV.
    columns : mapping, optional
        Column map for ``fmt="csv"`` (see :func:`read_csv`).
    time_format : str, optional
        For ``fmt="csv"``: ``strftime`` format of the time column.

    Returns
    -------
    AisData

    Raises
    ------
    DataError
        For an unknown format, a generic CSV without a column map, or an unreadable file.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if fmt == "nmea":
        return concat(read_nmea(p) for p in paths)
    if fmt == "dma":
        return concat(read_dma_csv(p) for p in paths)
    if fmt == "csv":
        if not columns:
            raise DataError(
                "a generic AIS CSV needs a column map",
                field="columns",
                hint="give e.g. {time: BaseDateTime, mmsi: MMSI, lat: LAT, lon: LON}",
            )
        return concat(read_csv(p, columns, time_format=time_format) for p in paths)
    raise DataError(f"unknown AIS format {fmt!r}", field="format", hint="use nmea, dma or csv")
