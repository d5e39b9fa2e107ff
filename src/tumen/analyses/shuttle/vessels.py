"""The vessels parameter of the shuttle section: its entries checked, and each ship's part of
a result name.

Every shuttle module names a ship's results ``shuttle.<v>.*`` with ``<v>`` from
:func:`to_result_name`; :func:`check_vessels` validates the ``vessels`` parameter so that no
two entries share that part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tumen.ais.fleet import parse_vessel_entry
from tumen.errors import DataError


def to_result_name(vessel: str) -> str:
    """A vessel name as a result-name part: lower case, ``[a-z0-9_]``.

    >>> to_result_name("Maria II")
    'maria_ii'
    """
    slug = re.sub(r"[^a-z0-9]+", "_", str(vessel).lower()).strip("_")
    if not slug:
        raise DataError(f"vessel name {vessel!r} has no letters or digits", field="vessels")
    return slug


def check_vessels(vessels: Sequence[str]) -> list[str]:
    """Validate the ``vessels`` parameter: one entry or more, each an AIS name,
    ``mmsi:<9 digits>`` or ``imo:<7 digits>``, no two with the same result name.

    Returns
    -------
    list of str
        The entries, unchanged.

    Raises
    ------
    DataError
        Naming the first bad entry, with a hint.

    >>> check_vessels(["Sparta IV", "mmsi:273111111"])
    ['Sparta IV', 'mmsi:273111111']
    """
    if isinstance(vessels, str) or not len(vessels):
        raise DataError(
            "vessels must list one ship or more",
            field="vessels",
            hint='e.g. ["Angara", "mmsi:273111111", "imo:9123456"]',
        )
    seen: dict[str, str] = {}
    for entry in vessels:
        parse_vessel_entry(entry)
        slug = to_result_name(entry)
        if slug in seen:
            raise DataError(
                f"vessels {seen[slug]!r} and {entry!r} have the same result name 'shuttle.{slug}'",
                field="vessels",
                hint="list each ship once",
            )
        seen[slug] = entry
    return list(vessels)
