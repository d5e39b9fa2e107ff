"""The timeline step of the route section: transit times and whether published dates leave
enough time for the rail leg.

:func:`transit_table` turns the rail distance into days at a range of average speeds;
:func:`check_timeline` asks whether the time between two dates (the first delivery at the
port of unloading, from the shuttle section's linked results (:mod:`.read`), or a
published shipment date, and the date trains were seen at the depot) leaves enough for the
rail leg, which average speed that needs, and from which start the test fails.

Distances are km, speeds km/h, dates calendar days (UTC).

>>> round(transit_days(9600, 40), 1)
10.0
>>> round(implied_speed_kmh(9600, 20), 1)
20.0
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tumen.errors import ParameterError
from tumen.geo import earth

#: Hours per day.
HOURS_PER_DAY = 24.0


def transit_days(distance_km, speed_kmh):
    """Return the days a train needs for a distance at an average speed.

    Parameters
    ----------
    distance_km : float or array_like
        Distance along the railway, km.
    speed_kmh : float or array_like
        Average speed including stops, km/h (> 0).

    Returns
    -------
    float or numpy.ndarray
        Days (24 h).

    >>> transit_days(480, 20)
    1.0
    """
    speed = np.asarray(speed_kmh, float)
    if np.any(~np.isfinite(speed)) or np.any(speed <= 0):
        raise ParameterError(f"speeds must be positive km/h, got {speed_kmh!r}", field="speeds_kmh")
    days = np.asarray(distance_km, float) / (speed * HOURS_PER_DAY)
    return float(days) if days.ndim == 0 else days


def implied_speed_kmh(distance_km: float, days: float) -> float | None:
    """Return the average speed that covers a distance in a number of days, km/h.

    Returns None when no time is left (``days`` <= 0): no finite speed makes it.

    >>> implied_speed_kmh(480, 1.0)
    20.0
    """
    if days <= 0:
        return None
    return float(distance_km) / (float(days) * HOURS_PER_DAY)


def sea_passage_days(length_km: float, speed_kn: float) -> float:
    """Return the days a ship needs for a sea leg at an average speed in knots.

    >>> round(sea_passage_days(1.852 * 24, 1.0), 6)
    1.0
    """
    if not speed_kn > 0:
        raise ParameterError(
            f"ship speed must be positive knots, got {speed_kn!r}", field="max_speed_kn"
        )
    return float(length_km) / (speed_kn * earth.KM_PER_NM * HOURS_PER_DAY)


def check_speeds(speeds_kmh: Sequence[float]) -> list[float]:
    """Return the speeds as floats, sorted; raise ParameterError unless all are > 0."""
    try:
        speeds = sorted(float(s) for s in speeds_kmh)
    except (TypeError, ValueError):
        raise ParameterError(
            f"speeds_kmh must be a list of numbers, got {speeds_kmh!r}", field="speeds_kmh"
        ) from None
    if not speeds or any(not (math.isfinite(s) and s > 0) for s in speeds):
        raise ParameterError(
            f"speeds_kmh must be positive km/h, got {speeds_kmh!r}",
            field="speeds_kmh",
            hint="e.g. [10, 20, 30, 40, 50]",
        )
    return speeds


def transit_table(distances_km: Mapping[str, float], speeds_kmh: Sequence[float]) -> pd.DataFrame:
    """Return the days each distance takes at each average speed.

    Parameters
    ----------
    distances_km : mapping of str -> float
        Column label -> distance along the railway, km.
    speeds_kmh : sequence of float
        Average speeds including stops, km/h.

    Returns
    -------
    pandas.DataFrame
        One row per speed (ascending): ``Average speed (km/h)``, ``km per day``, then
        ``Days, <label>`` per distance.
    """
    speeds = check_speeds(speeds_kmh)
    table = pd.DataFrame(
        {"Average speed (km/h)": speeds, "km per day": [s * HOURS_PER_DAY for s in speeds]}
    )
    for label, km in distances_km.items():
        table[f"Days, {label}"] = [transit_days(km, s) for s in speeds]
    return table


@dataclass(frozen=True)
class TimelineCheck:
    """Does the time between two published dates leave enough for the rail leg?

    Attributes
    ----------
    start : datetime.date or datetime.datetime
        Start of the window: cargo shipped (a published date, the start of that day) or
        the first evidence of a delivery at the port of unloading (a time, UTC).
    end : datetime.date
        End of the window (trains seen at the depot).
    start_claim, end_claim : str
        Claim ids the dates come from (``start_claim`` is ``""`` for a start from the
        shuttle section's results).
    elapsed_days : float
        Days from ``start`` to the start of ``end``.
    sea_days, handling_days : float
        Days the sea leg and the handling at the port take out of the window.
    rail_days : float
        Days left for the rail leg (may be <= 0).
    distance_km : float
        Rail distance, km.
    implied_speed_kmh : float or None
        The lowest average speed that fits the rail leg into ``rail_days``, km/h; None
        when no time is left.
    fastest_kmh, slowest_kmh : float
        The range of average speeds assumed, km/h.
    earliest_arrival : datetime.date
        The day cargo shipped at the start would reach the depot at the fastest speed.
    consistent : bool
        True when the needed speed is within the assumed range (not above its fastest).
    """

    start: _dt.date
    end: _dt.date
    start_claim: str
    end_claim: str
    elapsed_days: float
    sea_days: float
    handling_days: float
    rail_days: float
    distance_km: float
    implied_speed_kmh: float | None
    fastest_kmh: float
    slowest_kmh: float
    earliest_arrival: _dt.date
    consistent: bool

    @property
    def latest_start(self) -> _dt.datetime:
        """The latest start the test passes: a later one needs more than the fastest speed
        (the end of the window less the sea leg, the handling and the rail transit at the
        fastest speed)."""
        return as_datetime(self.end) - _dt.timedelta(
            days=self.sea_days
            + self.handling_days
            + transit_days(self.distance_km, self.fastest_kmh)
        )

    @property
    def implied_km_per_day(self) -> float | None:
        """The needed average speed as km per day (None when no time is left)."""
        return None if self.implied_speed_kmh is None else self.implied_speed_kmh * HOURS_PER_DAY

    @property
    def margin_days(self) -> float:
        """Days to spare at the fastest assumed speed (negative: too little time)."""
        return self.rail_days - transit_days(self.distance_km, self.fastest_kmh)


def as_datetime(value) -> _dt.datetime:
    """A date as the start of that day; a datetime (or pandas Timestamp) as naive UTC."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value
    return _dt.datetime.combine(value, _dt.time())


def check_timeline(
    distance_km: float,
    start: _dt.date,
    end: _dt.date,
    *,
    speeds_kmh: Sequence[float],
    sea_days: float = 0.0,
    handling_days: float = 0.0,
    start_claim: str = "",
    end_claim: str = "",
) -> TimelineCheck:
    """Check that a rail leg fits between two dates at plausible average speeds.

    The window runs from ``start`` (a date: the start of that day; a datetime: that time,
    UTC) to the start of ``end``; the sea leg and port handling come out of it first. The
    needed speed is the distance over what is left; it is consistent when it does not exceed
    the fastest assumed speed.

    Parameters
    ----------
    distance_km : float
        Rail distance, km.
    start, end : datetime.date or datetime.datetime
        Shipment date, or the time a delivery was first seen at the port of unloading
        (then ``sea_days`` is 0); the date trains were seen at the depot.
    speeds_kmh : sequence of float
        Assumed range of average freight speeds including stops, km/h.
    sea_days, handling_days : float
        Days for the sea leg and for unloading and making up the train.
    start_claim, end_claim : str
        Claim ids, copied into the result.
    >>> c = check_timeline(4800, _dt.date(2023, 9, 1), _dt.date(2023, 9, 12),
    ...                    speeds_kmh=[10, 40], handling_days=1.0)
    >>> c.rail_days, c.implied_speed_kmh, c.earliest_arrival.isoformat(), c.consistent
    (10.0, 20.0, '2023-09-07', True)
    >>> c.latest_start.isoformat()      # 09-12 less 1 day handling and 5 days at 40 km/h
    '2023-09-06T00:00:00'
    """
    speeds = check_speeds(speeds_kmh)
    if sea_days < 0 or handling_days < 0:
        raise ParameterError("sea and handling days must be >= 0", field="handling_days")
    elapsed = (as_datetime(end) - as_datetime(start)).total_seconds() / 86400.0
    rail_days = elapsed - sea_days - handling_days
    needed = implied_speed_kmh(distance_km, rail_days)
    return TimelineCheck(
        start=window_start(start),
        end=end,
        start_claim=start_claim,
        end_claim=end_claim,
        elapsed_days=elapsed,
        sea_days=float(sea_days),
        handling_days=float(handling_days),
        rail_days=rail_days,
        distance_km=float(distance_km),
        implied_speed_kmh=needed,
        fastest_kmh=speeds[-1],
        slowest_kmh=speeds[0],
        earliest_arrival=earliest_arrival(start, distance_km, sea_days, handling_days, speeds[-1]),
        consistent=needed is not None and needed <= speeds[-1],
    )


def window_start(start):
    """The start of a timeline window as :class:`TimelineCheck` keeps it: a date as it is, a
    time as naive UTC (:func:`as_datetime`)."""
    if isinstance(start, _dt.datetime) or hasattr(start, "to_pydatetime"):
        return as_datetime(start)
    return start


def earliest_arrival(
    start, distance_km: float, sea_days: float, handling_days: float, fastest_kmh: float
) -> _dt.date:
    """The day cargo shipped at ``start`` reaches the depot: the sea leg, the handling and
    the rail transit at the fastest speed after it."""
    return (
        as_datetime(start)
        + _dt.timedelta(days=sea_days + handling_days + transit_days(distance_km, fastest_kmh))
    ).date()


def claim_date(claims: pd.DataFrame, claim_id: str, which: str = "high") -> _dt.date:
    """Return a claim's date; for an interval, its ``"low"`` or ``"high"`` end.

    Raises
    ------
    ParameterError
        When the claim is unknown or its value is not a date.
    """
    if claim_id not in claims.index:
        raise ParameterError(
            f"unknown claim {claim_id!r}", field=claim_id, hint="claim ids are in data/claims.csv"
        )
    value = claims.loc[claim_id, "value"]
    if isinstance(value, tuple):
        value = value[1] if which == "high" else value[0]
    if not isinstance(value, _dt.date):
        raise ParameterError(
            f"claim {claim_id!r} is not a date",
            field=claim_id,
            hint="the timeline needs claims whose unit is 'date'",
        )
    return value


def check_timelines(
    claims: pd.DataFrame, start_claims: Iterable[str], end_claim: str, distance_km: float, **options
) -> list[TimelineCheck]:
    """Check one timeline per start claim, all ending at ``end_claim``.

    An interval start (e.g. "mid-August") is read at its late end, the most demanding
    reading: the least time for the rail leg. Options go to :func:`check_timeline`.
    """
    end = claim_date(claims, end_claim, "low")
    return [
        check_timeline(
            distance_km,
            claim_date(claims, cid, "high"),
            end,
            start_claim=cid,
            end_claim=end_claim,
            **options,
        )
        for cid in start_claims
    ]
