"""The shared words of the shuttle section: how a ship of interest is named and how the
observations are called (lists of names are joined by :func:`tumen.report.words.join_words`).

Every sentence of the section (:mod:`tumen.analyses.shuttle.text` and the checks' words in
``silences``, ``sightings``, ``identity`` and ``encounters``) names ships and lists them
through these helpers, so a ship given by its MMSI or IMO reads the same everywhere.

>>> [get_display_name("Sparta IV"), get_display_name("imo:9123456")]
['Sparta IV', 'IMO 9123456']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from tumen.ais.fleet import parse_vessel_entry
from tumen.engine import sources

_COUNT_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


def get_display_name(entry: str) -> str:
    """How the report names a ``vessels`` entry: the name, or ``MMSI …`` / ``IMO …``.

    >>> get_display_name("Sparta IV"), get_display_name("mmsi:273111111")
    ('Sparta IV', 'MMSI 273111111')
    """
    kind, value = parse_vessel_entry(entry)
    return str(entry) if kind == "name" else f"{kind.upper()} {value}"


def count_ships(n: int) -> str:
    """``the ship``, ``the two ships``, ``the 12 ships``."""
    return "the ship" if n == 1 else f"the {_COUNT_WORDS.get(n, str(n))} ships"


def ship_keywords(vessels: Sequence[str]) -> Mapping[str, str]:
    """``{v0: name, v1: name, ...}``: the ships' names as keywords of a template
    (:meth:`tumen.engine.results.Results.md` shows them as literal text)."""
    return {f"v{i}": get_display_name(v) for i, v in enumerate(vessels)}


def get_data_words(files: Iterable[str]) -> tuple[str, str]:
    """How the prose names the observations: (subject, object) phrases.

    ``("the example data", "the example observations")`` when any input is synthetic
    (``data/sources.yaml``), else ``("the observations", "the observations")``.
    """
    synthetic = sources.is_synthetic(files)
    return (
        ("the example data", "the example observations")
        if synthetic
        else ("the observations", "the observations")
    )
