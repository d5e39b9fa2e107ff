"""What the route section reads from the shuttle section's results (a linked section): the
first delivery at the port of unloading and the ship speed.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass

from tumen.analyses.route.timeline import as_datetime
from tumen.engine import results


def first_delivery(linked: Mapping | None, prefix: str = "shuttle") -> tuple | None:
    """The first delivery's arrival at the port of unloading from a shuttle section's
    results: (time, vessel), or None when there are no results or no delivery.

    Parameters
    ----------
    linked : mapping or None
        Results records (:func:`tumen.engine.results.load`): ``<prefix>.first_delivery_arrival``
        (ISO time, UTC) and ``<prefix>.first_delivery_vessel``.

    >>> first_delivery({"shuttle.first_delivery_arrival": {"value": "2023-08-20T02:31:00"},
    ...                 "shuttle.first_delivery_vessel": {"value": "Angara"}})
    (datetime.datetime(2023, 8, 20, 2, 31), 'Angara')
    """
    if not linked:
        return None
    value = linked.get(f"{prefix}.first_delivery_arrival", {}).get("value")
    if value is None:
        return None
    vessel = linked.get(f"{prefix}.first_delivery_vessel", {}).get("value") or ""
    return as_datetime(_dt.datetime.fromisoformat(str(value))), vessel


@dataclass(frozen=True)
class ShuttleLink:
    """What the route section takes from the shuttle section's results (a linked section).

    Attributes
    ----------
    path : str
        The results file (``""``: not linked).
    found : bool
        Whether the file exists.
    arrival : datetime.datetime or None
        First evidence of the first delivery at the port of unloading, UTC (naive).
    vessel : str
        The vessel of that delivery.
    ship_speed_kn : float or None
        The shuttle section's ship speed (``shuttle.max_speed_kn``), knots: the one speed
        the report times sea passages at.
    """

    path: str
    found: bool
    arrival: _dt.datetime | None
    vessel: str
    ship_speed_kn: float | None


def read_shuttle_link(path: str) -> ShuttleLink:
    """Read the first delivery and the ship speed from the shuttle section's results file.

    >>> read_shuttle_link("").found
    False
    """
    linked = results.load_linked(path)
    first = first_delivery(linked)
    speed = (linked or {}).get("shuttle.max_speed_kn", {}).get("value")
    return ShuttleLink(
        path=str(path),
        found=linked is not None,
        arrival=first[0] if first else None,
        vessel=first[1] if first else "",
        ship_speed_kn=None if speed is None else float(speed),
    )
