"""The tables every AIS reader returns, and how raw decoded rows become them.

This module owns the AIS data model: :class:`AisData` and its columns, the record
:data:`CATEGORIES`, the validation that turns raw rows (from :mod:`tumen.ais.sentences`,
:mod:`tumen.ais.fast` or :mod:`tumen.ais.readers`) into the tables (:func:`assemble`), their
sort order (:func:`position_order`, :func:`sort_positions`) and joining them
(:func:`concat`). The readers are :mod:`tumen.ais.nmea` (raw NMEA 0183) and
:mod:`tumen.ais.readers` (CSV, and :func:`tumen.ais.readers.read_ais` for any format).

``positions``  one row per accepted position report, sorted by ``mmsi, time``:
               ``mmsi`` (int64), ``time`` (``datetime64[ns, UTC]``, time zone aware),
               ``lat``, ``lon`` (float64 degrees, WGS 84), ``sog`` (float64 knots, NaN when
               not available), ``cog`` (float64 degrees true, NaN when not available),
               ``heading`` (float64 degrees true, NaN when not available), ``nav_status``
               (int64 ITU-R M.1371 code, 15 = not defined), ``source_file`` (str) and
               ``source_line`` (int64, 1-based line of the record in its file).
``vessels``    one row per distinct static record (type 5, 19, 24 or CSV static columns):
               ``mmsi`` (int64), ``name``, ``callsign`` (str or None), ``imo`` (Int64),
               ``ship_type`` (text as the source gives it: the AIS code such as ``"70"``
               from NMEA, a word such as ``"Cargo"`` from DMA files), ``first_seen``,
               ``last_seen`` (UTC), ``records`` (int64). Names and call signs are the raw
               text ships broadcast (anyone can type anything into a transponder): they are
               kept as text, never interpreted; escape them where they are displayed.
``skipped``    one row per record that is not in ``positions``: ``source_file``,
               ``source_line``, ``category`` (see :data:`CATEGORIES`; static-only records
               kept in ``vessels`` appear as ``static``).

Row-level noise (bad checksums, junk, impossible positions) is counted in ``skipped``,
never silently dropped and never fatal; :func:`tumen.ais.clean.get_quality_table`
summarises it. A record is one decoded message (one or more NMEA lines, named by its first
line) or one CSV row; a line that cannot be assembled into a message counts as one record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tumen.ais.timecols import parse_times, to_ns
from tumen.errors import ParameterError

POSITION_COLUMNS = [
    "mmsi",
    "time",
    "lat",
    "lon",
    "sog",
    "cog",
    "heading",
    "nav_status",
    "source_file",
    "source_line",
]
VESSEL_COLUMNS = [
    "mmsi",
    "name",
    "imo",
    "callsign",
    "ship_type",
    "first_seen",
    "last_seen",
    "records",
]
SKIPPED_COLUMNS = ["source_file", "source_line", "category"]

#: Every category a record can fall into, with its status and a one-line meaning.
CATEGORIES = {
    "position": ("kept", "position report in the positions table"),
    "static": ("kept", "static report (name, IMO, call sign) in the vessels table"),
    "jump": (
        "flagged",
        "position report (counted above) whose position implies an impossible "
        "speed; marked as a jump and left out of the analysis",
    ),
    "other_type": ("not used", "valid message of a type this analysis does not use"),
    "duplicate": ("removed", "exact repeat of an earlier report (same vessel, time, values)"),
    "junk": ("rejected", "not an NMEA sentence (text, binary bytes)"),
    "not_ais": ("rejected", "an NMEA sentence that is not AIS (e.g. $GPGGA)"),
    "malformed": ("rejected", "NMEA sentence with missing or unreadable fields (truncated)"),
    "bad_checksum": ("rejected", "NMEA checksum does not match the sentence"),
    "bad_tag_block": ("rejected", "tag block checksum wrong or tag block unreadable"),
    "bad_payload": ("rejected", "payload has characters outside the AIS 6-bit alphabet"),
    "truncated_payload": ("rejected", "payload too short for its message type"),
    "unknown_type": ("rejected", "message type not defined by ITU-R M.1371 (not 1-27)"),
    "multipart_incomplete": ("rejected", "first part(s) of a multi-sentence message, rest missing"),
    "multipart_orphan": ("rejected", "later part of a multi-sentence message, start missing"),
    "no_timestamp": ("rejected", "no tag block time and no leading time field"),
    "bad_timestamp": ("rejected", "time field unreadable or outside 1970-2099"),
    "mmsi_invalid": ("rejected", "MMSI missing, zero or longer than nine digits"),
    "position_not_available": ("rejected", "latitude 91 or longitude 181 (AIS 'not available')"),
    "position_invalid": ("rejected", "latitude/longitude out of range, not a number, or 0,0"),
}

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})


@dataclass(frozen=True)
class AisData:
    """The tables one or more AIS files normalise to (see the module docstring).

    Attributes
    ----------
    positions : pandas.DataFrame
        Accepted position reports, columns :data:`POSITION_COLUMNS` (plus any added later,
        e.g. ``is_jump``), sorted by ``mmsi, time``.
    vessels : pandas.DataFrame
        Distinct static records, columns :data:`VESSEL_COLUMNS`.
    skipped : pandas.DataFrame
        Every record not in ``positions`` (including static-only records, category
        ``static``), columns :data:`SKIPPED_COLUMNS`.
    """

    positions: pd.DataFrame
    vessels: pd.DataFrame
    skipped: pd.DataFrame


def skipped_frame(source_file: str, rows: Sequence[tuple[int, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["source_line", "category"])
    frame.insert(0, "source_file", source_file)
    return frame.astype({"source_file": "str", "source_line": "int64", "category": "str"})


def _time_category(frame: pd.DataFrame) -> np.ndarray:
    """'' where the time parsed, else 'no_timestamp' / 'bad_timestamp'."""
    bad = frame["time"].isna().to_numpy()
    missing = frame["time_missing"].to_numpy(dtype=bool)
    return np.where(bad & missing, "no_timestamp", np.where(bad, "bad_timestamp", ""))


def assemble(pos: pd.DataFrame, sta: pd.DataFrame, skipped: pd.DataFrame) -> AisData:
    """Validate raw rows (vectorised), move rejects to ``skipped``, build the tables.

    A line that gave both a position and static fields (type 19, a CSV row) is one record:
    it is counted by its position; a static-only record (type 5, 24) is logged as
    ``static`` when kept, or under its rejection category.
    """
    lat, lon = pos["lat"].to_numpy(float), pos["lon"].to_numpy(float)
    mmsi = pos["mmsi"].to_numpy(float)
    bad_time = pos["time"].isna().to_numpy()
    missing = pos["time_missing"].to_numpy(dtype=bool)
    bad_mmsi = ~np.isfinite(mmsi) | (mmsi < 1) | (mmsi > 999_999_999) | (mmsi % 1 != 0)
    not_avail = (lat == 91.0) | (lon == 181.0)
    invalid = (
        ~np.isfinite(lat)
        | ~np.isfinite(lon)
        | (np.abs(lat) > 90)
        | (np.abs(lon) > 180)
        | ((lat == 0) & (lon == 0))
    )
    # the first rule that applies names the rejection (codes: text only for the rejects)
    code = np.select(
        [bad_time & missing, bad_time, bad_mmsi, not_avail, invalid], [1, 2, 3, 4, 5], 0
    )
    names = np.array(
        [
            "",
            "no_timestamp",
            "bad_timestamp",
            "mmsi_invalid",
            "position_not_available",
            "position_invalid",
        ],
        object,
    )
    rejected = pos.loc[code != 0, ["source_file", "source_line"]].assign(
        category=names[code[code != 0]]
    )
    positions = _to_positions(pos, code == 0)
    vessels, static_log = _to_vessels(sta)
    static_log = static_log[~static_log["source_line"].isin(pos["source_line"])]
    skipped = pd.concat([skipped, rejected, static_log], ignore_index=True)
    return AisData(positions, vessels, sort_skipped(skipped))


def _to_positions(pos: pd.DataFrame, accepted: np.ndarray) -> pd.DataFrame:
    """Give the accepted rows (boolean mask) the schema of :data:`POSITION_COLUMNS`, 'not
    available' as NaN."""
    columns = {
        "mmsi": pos["mmsi"].to_numpy(float)[accepted].astype("int64"),
        "time": pos["time"].astype("datetime64[ns, UTC]").array[accepted],  # not to_numpy
        "lat": pos["lat"].to_numpy(float)[accepted],
        "lon": pos["lon"].to_numpy(float)[accepted],
        "sog": _below(pos["sog"], 102.3)[accepted],
        "cog": _below(pos["cog"], 360.0)[accepted],
        "heading": _below(pos["heading"], 360.0)[accepted],
        "nav_status": _status_or_undefined(pos["nav_status"])[accepted],
        "source_file": None,
        "source_line": pos["source_line"].to_numpy().astype("int64")[accepted],
    }
    files = pos["source_file"].astype("str")
    if accepted.any() and (files == files.iat[0]).all():
        # one file (every reader's case): sort_positions' stable order, found in NumPy,
        # and the file name set once
        order = position_order(columns["mmsi"], to_ns(columns["time"]), columns["source_line"])
        columns = {k: v[order] for k, v in columns.items() if k != "source_file"}
        out = pd.DataFrame(columns)
        out.insert(POSITION_COLUMNS.index("source_file"), "source_file", files.iat[0])
        out["time"] = out["time"].astype("datetime64[ns, UTC]")
        return out
    columns["source_file"] = files.to_numpy()[accepted]
    out = pd.DataFrame(columns)
    out["time"] = out["time"].astype("datetime64[ns, UTC]")
    return sort_positions(out)


def _below(values: pd.Series, limit: float) -> np.ndarray:
    """Float array with values outside ``0 <= v < limit`` (AIS 'not available') as NaN."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where((v >= 0) & (v < limit), v, np.nan)


def _status_or_undefined(values: pd.Series) -> np.ndarray:
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.where((v >= 0) & (v <= 15) & (v % 1 == 0), v, 15).astype("int64")


def _to_vessels(sta: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate static rows to distinct records; return (vessels, log of every row)."""
    time_cat = _time_category(sta)
    mmsi = sta["mmsi"].to_numpy(float)
    bad_mmsi = ~np.isfinite(mmsi) | (mmsi < 1) | (mmsi > 999_999_999)
    category = np.where(time_cat != "", time_cat, np.where(bad_mmsi, "mmsi_invalid", "static"))
    log = sta[["source_file", "source_line"]].assign(category=category)
    ok = sta[category == "static"]
    keys = ["mmsi", "name", "imo", "callsign", "ship_type"]
    table = pd.DataFrame(
        {
            "mmsi": ok["mmsi"].to_numpy(float).astype("int64"),
            "name": ok["name"].astype(object).to_numpy(),
            "imo": pd.array(pd.to_numeric(ok["imo"], errors="coerce"), dtype="Int64"),
            "callsign": ok["callsign"].astype(object).to_numpy(),
            "ship_type": ok["ship_type"].astype(object).to_numpy(),
            "time": ok["time"].astype("datetime64[ns, UTC]").array,
        }
    )
    table["time"] = table["time"].astype("datetime64[ns, UTC]")
    table = _fold_repeats(table, keys)
    vessels = (
        table.groupby(keys, dropna=False, sort=True)
        .agg(
            first_seen=("first_seen", "min"),
            last_seen=("last_seen", "max"),
            records=("records", "sum"),
        )
        .reset_index()
    )
    vessels["records"] = vessels["records"].astype("int64")
    for c in ("name", "callsign", "ship_type"):
        vessels[c] = vessels[c].astype(object).where(vessels[c].notna(), None)
    return vessels[VESSEL_COLUMNS], log


def _fold_repeats(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per distinct ``keys`` (first seen, last seen, records), before the groupby:
    ships repeat the same static record all day, and grouping integers is cheap."""
    group = np.zeros(len(table), np.int64)
    for k in keys:  # exact values, all missing values one group (as groupby dropna=False)
        codes = pd.factorize(table[k], use_na_sentinel=False)[0]
        group = pd.factorize(group * (int(codes.max(initial=0)) + 1) + codes)[0]
    times = pd.DataFrame({"g": group, "t": to_ns(table["time"])})
    agg = times.groupby("g", sort=True)["t"].agg(["min", "max", "size"])
    first = np.unique(group, return_index=True)[1]
    out = table.iloc[first][keys].reset_index(drop=True)
    for col, values in (("first_seen", agg["min"]), ("last_seen", agg["max"])):
        out[col] = pd.DatetimeIndex(values.to_numpy().view("M8[ns]")).tz_localize("UTC")
    out["records"] = agg["size"].to_numpy().astype("int64")
    return out


def sort_skipped(skipped: pd.DataFrame) -> pd.DataFrame:
    skipped = skipped.astype({"source_file": "str", "source_line": "int64", "category": "str"})
    return skipped.sort_values(["source_file", "source_line"], kind="stable", ignore_index=True)[
        SKIPPED_COLUMNS
    ]


def position_order(mmsi: np.ndarray, time_ns: np.ndarray, *minor: np.ndarray) -> np.ndarray:
    """``np.lexsort((*reversed(minor), time_ns, mmsi))``: the stable row order by MMSI, time,
    then the ``minor`` keys in turn (e.g. file rank, line), found faster on archive data.

    One stable sort per key, least significant first: the line and time keys come nearly
    sorted (timsort runs through them), and the MMSIs, few distinct values, are sorted as
    16-bit ranks (radix sort) when there are at most 65 536 of them.
    """
    order = np.arange(len(mmsi))
    for key in (*reversed(minor), time_ns):
        order = order[np.argsort(key[order], kind="stable")]
    codes, distinct = pd.factorize(mmsi[order], sort=True)
    if len(distinct) <= 1 << 16:
        codes = codes.astype(np.uint16)
    return order[np.argsort(codes, kind="stable")]


def sort_positions(positions: pd.DataFrame) -> pd.DataFrame:
    """Sort positions by ``mmsi, time, source_file, source_line`` with a fresh index."""
    return positions.sort_values(
        ["mmsi", "time", "source_file", "source_line"], kind="stable", ignore_index=True
    )


def concat(parts: Iterable[AisData]) -> AisData:
    """Join several :class:`AisData` (e.g. one per file) into one.

    Static records seen in several files are merged (earliest ``first_seen``, latest
    ``last_seen``, ``records`` summed).
    """
    parts = list(parts)
    if not parts:
        return empty_data()
    positions = sort_positions(pd.concat([p.positions for p in parts], ignore_index=True))
    vessels = pd.concat([p.vessels for p in parts], ignore_index=True)
    keys = ["mmsi", "name", "imo", "callsign", "ship_type"]
    vessels = (
        vessels.groupby(keys, dropna=False, sort=True)
        .agg(
            first_seen=("first_seen", "min"),
            last_seen=("last_seen", "max"),
            records=("records", "sum"),
        )
        .reset_index()
    )[VESSEL_COLUMNS]
    for c in ("name", "callsign", "ship_type"):
        vessels[c] = vessels[c].astype(object).where(vessels[c].notna(), None)
    skipped = sort_skipped(pd.concat([p.skipped for p in parts], ignore_index=True))
    return AisData(positions, vessels, skipped)


def from_rows(
    source_file: str, positions: list[tuple], statics: list[tuple], skipped: list[tuple[int, str]]
) -> AisData:
    """The tables from raw rows: ``positions`` as ``(mmsi, lat, lon, sog, cog, heading,
    nav_status, time_text, source_line)``, ``statics`` as ``(mmsi, name, imo, callsign,
    ship_type, time_text, source_line)``, ``skipped`` as ``(source_line, category)``."""
    pos = pd.DataFrame(
        positions,
        columns=[
            "mmsi",
            "lat",
            "lon",
            "sog",
            "cog",
            "heading",
            "nav_status",
            "time_text",
            "source_line",
        ],
    )
    pos["time"], pos["time_missing"] = parse_times(pos["time_text"]), pos["time_text"].isna()
    pos["source_file"] = source_file
    sta = pd.DataFrame(
        statics,
        columns=["mmsi", "name", "imo", "callsign", "ship_type", "time_text", "source_line"],
    )
    sta["time"], sta["time_missing"] = parse_times(sta["time_text"]), sta["time_text"].isna()
    sta["source_file"] = source_file
    return assemble(pos, sta, skipped_frame(source_file, skipped))


def empty_data() -> AisData:
    """The three tables with no rows (their columns and types)."""
    return from_rows("", [], [], [])


def require_table_columns(frame: pd.DataFrame, columns) -> None:
    """Raise when ``frame`` lacks one of ``columns`` (a table of :class:`AisData` expected)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"the table has no column {missing[0]!r}",
            field=missing[0],
            hint="pass the vessels or positions table of tumen.ais.records.AisData",
        )
