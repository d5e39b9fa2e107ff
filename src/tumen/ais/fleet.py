"""The ships of interest in AIS: names, ``mmsi:``/``imo:`` entries, the fleet table.

This module owns how the report's vessels are found in AIS: ship names normalised for
matching (:func:`normalise_name`), the entries of the ``vessels`` parameter
(:func:`parse_vessel_entry`), every MMSI that broadcast a name or IMO number of interest
(:func:`get_fleet`), and the fleet name of each fix (:func:`add_vessel`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from tumen.errors import DataError


def normalise_name(names: pd.Series) -> pd.Series:
    """Upper-case, trim and collapse white space in ship names (for matching only).

    >>> normalise_name(pd.Series(["  Angara ", "maria\\tII"])).tolist()
    ['ANGARA', 'MARIA II']
    """
    return names.astype(object).map(
        lambda v: " ".join(str(v).upper().split()) if isinstance(v, str) else None
    )


_ENTRY_RE = re.compile(r"^\s*(mmsi|imo)\s*:\s*(\S*)\s*$", re.IGNORECASE)
_ENTRY_DIGITS = {"mmsi": 9, "imo": 7}


def parse_vessel_entry(entry: str) -> tuple[str, str | int]:
    """Split one ``vessels`` entry into how it identifies a ship and the identifier.

    An entry is an AIS name (matched case-insensitively), ``mmsi:<9 digits>`` or
    ``imo:<7 digits>``.

    Parameters
    ----------
    entry : str
        The entry as the parameters give it.

    Returns
    -------
    (str, str or int)
        ``("name", entry)``, ``("mmsi", <int>)`` or ``("imo", <int>)``.

    Raises
    ------
    DataError
        When an ``mmsi:``/``imo:`` entry does not have 9/7 digits, or the entry is empty.

    >>> parse_vessel_entry("mmsi:273111111"), parse_vessel_entry("Sparta IV")
    (('mmsi', 273111111), ('name', 'Sparta IV'))
    """
    text = str(entry)
    m = _ENTRY_RE.match(text)
    if m:
        kind, digits = m.group(1).lower(), m.group(2)
        if not re.fullmatch(rf"\d{{{_ENTRY_DIGITS[kind]}}}", digits):
            raise DataError(
                f"vessel entry {text!r}: an {kind.upper()} has {_ENTRY_DIGITS[kind]} digits",
                field="vessels",
                hint=f"write {kind}:"
                + "1" * _ENTRY_DIGITS[kind]
                + " (digits only), or give the ship's AIS name",
            )
        return kind, int(digits)
    if not text.strip():
        raise DataError(
            "empty vessel entry",
            field="vessels",
            hint="an AIS name, mmsi:<9 digits> or imo:<7 digits>",
        )
    return "name", text


def get_fleet(
    vessels: pd.DataFrame, names: Iterable[str], imos: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Find the MMSIs that broadcast the names (or IMO numbers) of the vessels of interest.

    Ship names are free text anyone can broadcast; the table lists every MMSI that used a
    name, so that a shared or spoofed name shows up as two rows instead of being hidden.

    Parameters
    ----------
    vessels : pandas.DataFrame
        The ``vessels`` table of an :class:`AisData`.
    names : iterable of str
        Entries of the ``vessels`` parameter (see :func:`parse_vessel_entry`): AIS names
        as the report uses them (e.g. ``["Angara", "Maria"]``; matched case-insensitively,
        white space collapsed), ``mmsi:<9 digits>`` (that MMSI, whether or not it sent a
        static report) or ``imo:<7 digits>`` (every MMSI broadcasting that IMO number).
    imos : mapping of str to int, optional
        Name -> IMO number; an MMSI broadcasting that IMO matches whatever its name.

    Returns
    -------
    pandas.DataFrame
        ``vessel`` (the entry as given), ``mmsi`` (int64), ``matched_by`` (``name``,
        ``imo``, ``name+imo`` or ``mmsi``); one row per (vessel, MMSI). An entry no MMSI
        matches has no row (a ship never heard on AIS).
    """
    entries = [(n, *parse_vessel_entry(n)) for n in names]
    names = [n for n, kind, _ in entries if kind == "name"]
    imos = dict(imos or {})
    imos.update({n: value for n, kind, value in entries if kind == "imo"})
    by_mmsi = pd.DataFrame(
        {
            "vessel": [n for n, kind, _ in entries if kind == "mmsi"],
            "mmsi": [v for _, kind, v in entries if kind == "mmsi"],
            "matched_by": "mmsi",
        }
    ).astype({"vessel": object, "mmsi": "int64", "matched_by": object})
    wanted = pd.DataFrame({"vessel": names, "key": normalise_name(pd.Series(names, dtype=object))})
    static = vessels.assign(key=normalise_name(vessels["name"]))
    by_name = wanted.merge(static[["key", "mmsi"]], on="key").assign(matched_by="name")
    want_imo = pd.DataFrame(
        {"vessel": list(imos), "imo": pd.array(list(imos.values()), dtype="Int64")}
    )
    by_imo = want_imo.merge(static[["imo", "mmsi"]].dropna(subset=["imo"]), on="imo")
    by_imo = by_imo.assign(matched_by="imo")
    columns = ["vessel", "mmsi", "matched_by"]
    both = pd.concat([by_name[columns], by_imo[columns], by_mmsi], ignore_index=True)
    fleet = (
        both.groupby(["vessel", "mmsi"], sort=True)["matched_by"]
        .agg(lambda s: "+".join(sorted(set(s))))
        .reset_index()
    )
    fleet["mmsi"] = fleet["mmsi"].astype("int64")
    return fleet


def add_vessel(positions: pd.DataFrame, fleet: pd.DataFrame) -> pd.DataFrame:
    """Add ``vessel``: the fleet name of each fix's MMSI (NA for other traffic).

    Parameters
    ----------
    positions : pandas.DataFrame
    fleet : pandas.DataFrame
        ``vessel, mmsi`` rows, e.g. from :func:`get_fleet`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``vessel`` (object; None where the MMSI is not in the fleet).
    """
    pairs = fleet[["vessel", "mmsi"]].drop_duplicates()
    lookup = dict(zip(pairs["mmsi"].astype("int64"), pairs["vessel"]))
    if len(lookup) < len(pairs):
        raise DataError(
            "an MMSI is assigned to two vessels in the fleet table",
            field="mmsi",
            hint="give each MMSI one vessel name",
        )
    out = positions.copy()
    out["vessel"] = out["mmsi"].map(lookup).astype(object)
    out["vessel"] = out["vessel"].where(out["vessel"].notna(), None)
    return out
