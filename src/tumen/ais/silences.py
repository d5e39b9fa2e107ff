"""Why each AIS silence happened: the neighbour control, cell reception and GFW's rule.

A silence is a transponder switched off or a gap in reception; the data tell the two
apart only where other ships were about. When other ships near where the silent ship fell
silent (or reappeared) were heard *during* the silence, the receivers worked there and
then (the neighbour control; Hammond & Peters 2012). Beside it stand the reception of the
place over the whole archive (reports per day in its 1° cell) and Global Fishing Watch's
rule for a *suspected disabling* ("Gaps" technical documentation; Welch et al. 2022,
Science Advances), made for the high seas: a near-shore silence never passes it, so both
answers are given side by side.

:func:`get_cell_reception` counts reports per day per cell; :func:`explain_silences` gives
one row per silence of :func:`tumen.ais.tracks.get_gaps` with measurements, a class
(:data:`CLASSES`) and its reason, and GFW's verdict and reason;
:func:`get_silence_sensitivity` shows how the classes move with each threshold.

Positions may be in memory (pandas) or at scale (a Dask DataFrame, or a positions store
of :mod:`tumen.ais.store`). At scale the work is a map-reduce: each partition counts its
reports per cell and, for the few silences, the reports near them in time and space; the
counts are summed. In memory the same partition function runs once on the whole table,
so both paths give identical tables (:mod:`tumen.ais.silence_measure`). The thresholds and
the rule that classes a silence are in :mod:`tumen.ais.silence_rules`.

Degrees WGS84; km (great circle, :func:`tumen.geo.earth.haversine_km`), nautical miles where
GFW's rule uses them; times UTC. Distance from shore: :func:`tumen.geo.coast.get_shore_distance_km`
(:data:`tumen.geo.coast.SHORE_RESOLUTION`).

>>> table = explain_silences(gaps, positions, by="vessel", exclude_mmsi=fleet)  # doctest: +SKIP
>>> table[["vessel", "start", "class", "reason", "gfw", "gfw_reason"]]         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from tumen.ais.silence_measure import cell_corner, measure
from tumen.ais.silence_rules import (
    CLASSES,
    VARIED,
    SilenceRules,
    explained,
    to_rules,
)
from tumen.ais.timecols import to_ns
from tumen.ais.tracks import GAP_COLUMNS
from tumen.errors import DataError, ParameterError

# --- public ---------------------------------------------------------------------------


def get_cell_reception(positions, cell_deg: float = 1.0, *, dask_scheduler=None) -> pd.DataFrame:
    """Reception of every cell of a grid: position reports per ship and day, from all ships.

    ``per_day`` is Global Fishing Watch's measure of reception: the cell's reports divided
    by ``ship_days``, the number of distinct (ship, UTC calendar day) pairs with a report in
    the cell — how many reports a ship there is heard on an average day. Every ship counts,
    the ships of interest too.

    Parameters
    ----------
    positions : pandas.DataFrame, dask.dataframe.DataFrame or positions store
        With ``mmsi`` (column or index), ``time``, ``lat``, ``lon`` (degrees WGS84).
    cell_deg : float
        Cell size, degrees; cells start at multiples of it (south-west corner).
    dask_scheduler : optional
        What ``dask.compute(scheduler=)`` takes; None is Dask's default.

    Returns
    -------
    pandas.DataFrame
        ``cell_lat, cell_lon`` (south-west corner, degrees), ``positions``, ``ship_days``,
        ``per_day``; one row per cell with reports, sorted by cell.

    >>> get_cell_reception(positions)  # doctest: +SKIP
    """
    rules = SilenceRules(cell_deg=cell_deg)
    m = measure(
        _silences(_empty_gaps(), "mmsi", None),
        positions,
        (1.0,),
        (1.0,),
        rules.cell_deg,
        dask_scheduler,
    )
    cells = m["cells"]
    lat, lon = cell_corner(cells.index.to_numpy("int64"), cell_deg)
    counts, ship_days = cells["positions"].to_numpy("int64"), cells["ship_days"].to_numpy("int64")
    return pd.DataFrame(
        {
            "cell_lat": lat,
            "cell_lon": lon,
            "positions": counts,
            "ship_days": ship_days,
            "per_day": counts / ship_days,
        }
    )


def explain_silences(
    gaps: pd.DataFrame,
    positions,
    *,
    by: str = "vessel",
    exclude_mmsi=None,
    neighbour_km: float = 20.0,
    min_neighbour_rate_per_h: float = 1.0,
    gfw_min_gap_h: float = 12.0,
    gfw_min_shore_nm: float = 50.0,
    gfw_min_cell_per_day: float = 10.0,
    gfw_min_fixes_before: int = 14,
    before_h: float = 12.0,
    cell_deg: float = 1.0,
    dask_scheduler=None,
) -> pd.DataFrame:
    """Each AIS silence measured, classed and set beside GFW's rule.

    Measurements (per silence, from the whole archive ``positions``):

    - distance from shore where the ship was last heard before the silence and first
      heard after it (:func:`tumen.geo.coast.get_shore_distance_km`);
    - ``neighbours``: other ships (distinct MMSIs; the silent ship's own are left out)
      with a report strictly inside the silence within ``neighbour_km`` of either end
      point; ``neighbour_positions``: those reports; ``neighbour_rate_per_h``: reports
      per hour of silence;
    - ``cell_per_day``: reports per ship and day in the ``cell_deg`` cell of the start
      point, from all ships (GFW's reception measure, :func:`get_cell_reception`);
    - ``fixes_before``: the ship's own reports in the ``before_h`` hours up to and
      including its last fix.

    Class (the rule, in this order):

    1. a silence at a window edge (``kind`` ``before_first``, ``after_last``, ``no_ais``)
       is ``undetermined``: its start or end is not in the data;
    2. at least one neighbour and ``neighbour_rate_per_h >= min_neighbour_rate_per_h``:
       ``likely switched off`` — other ships were heard there and then, so reception
       worked where the ship was last or next heard while it was silent;
    3. otherwise, a start cell receiving at most ``gfw_min_cell_per_day`` reports a day:
       ``possibly reception`` — nobody (or too few) was heard nearby, in a poorly
       received place, so the receivers may not have heard it;
    4. otherwise ``undetermined``: the place is well received over the archive, but no
       neighbour shows that reception worked during this silence.

    The neighbour control is evidence about the ends of the silence, not about where the
    ship went in between; a ship may sail out of coverage after falling silent.

    GFW's rule (``gfw``): a silence between two fixes lasting ``>= gfw_min_gap_h``, starting
    ``>= gfw_min_shore_nm`` from shore, in a cell receiving ``> gfw_min_cell_per_day``
    reports a day, after ``>= gfw_min_fixes_before`` reports in the ``before_h`` hours
    before. ``gfw_reason`` names every condition that fails (or the values that pass).

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`tumen.ais.tracks.get_gaps` (``by, kind, start, end, duration_h,
        lat_before, lon_before, lat_after, lon_after``).
    positions : pandas.DataFrame, dask.dataframe.DataFrame or positions store
        Every ship's reports: ``mmsi`` (column or index), ``time`` (UTC), ``lat``, ``lon``.
    by : str
        The column of ``gaps`` naming a ship (``"vessel"`` or ``"mmsi"``).
    exclude_mmsi : mapping or pandas.DataFrame, optional
        The MMSIs of each silent ship: ``{ship: [mmsi, ...]}`` or a table with ``by`` and
        ``mmsi`` (e.g. :func:`tumen.ais.fleet.get_fleet`). With ``by="mmsi"`` a ship's own MMSI
        is known without it.
    neighbour_km, min_neighbour_rate_per_h, gfw_min_gap_h, gfw_min_shore_nm, \
gfw_min_cell_per_day, gfw_min_fixes_before, before_h, cell_deg
        See :class:`SilenceRules` (km, reports per hour, h, nm, reports per day, reports,
        h, degrees).
    dask_scheduler : optional
        What ``dask.compute(scheduler=)`` takes (``"threads"``, ``"sync"``, a
        ``distributed.Client``); None is Dask's default. For a cluster address, resolve it
        with :func:`tumen.ais.dask_ops.use_scheduler` first.

    Returns
    -------
    pandas.DataFrame
        The gap columns (``by, kind, start, end, duration_h, lat_before, lon_before,
        lat_after, lon_after``), then ``shore_km_before, shore_km_after`` (km; ``inf``
        beyond :data:`SHORE_SEARCH_KM`), ``neighbours, neighbour_positions`` (Int64; NA
        when the silence has no end point), ``neighbour_rate_per_h``, ``cell_lat,
        cell_lon`` (south-west corner), ``cell_per_day``, ``fixes_before`` (Int64; NA
        without a start fix), ``class``, ``reason``, ``gfw`` (bool), ``gfw_reason``.
    """
    rules = SilenceRules(
        neighbour_km=neighbour_km,
        min_neighbour_rate_per_h=min_neighbour_rate_per_h,
        gfw_min_gap_h=gfw_min_gap_h,
        gfw_min_shore_nm=gfw_min_shore_nm,
        gfw_min_cell_per_day=gfw_min_cell_per_day,
        gfw_min_fixes_before=gfw_min_fixes_before,
        before_h=before_h,
        cell_deg=cell_deg,
    )
    silences = _silences(gaps, by, exclude_mmsi)
    m = measure(
        silences,
        positions,
        (rules.neighbour_km,),
        (rules.before_h,),
        rules.cell_deg,
        dask_scheduler,
    )
    return explained(gaps, by, m, 0, 0, rules)


def get_silence_sensitivity(
    gaps: pd.DataFrame,
    positions,
    *,
    by: str = "vessel",
    exclude_mmsi=None,
    factors: Sequence[float] = (0.5, 2.0),
    dask_scheduler=None,
    **rules,
) -> pd.DataFrame:
    """How the class counts of :func:`explain_silences` move with each threshold.

    The positions are read once: the partition step counts neighbours at every radius
    and fixes before at every look-back the table needs, then each variant is classed.

    Parameters
    ----------
    gaps, positions, by, exclude_mmsi, dask_scheduler
        As in :func:`explain_silences`.
    factors : sequence of float
        Each threshold of :data:`VARIED` is multiplied by each factor, one at a time
        (``gfw_min_fixes_before`` rounded to a whole number of reports).
    **rules
        The thresholds as set (see :class:`SilenceRules`).

    Returns
    -------
    pandas.DataFrame
        ``parameter`` (``"all as set"`` first, then each varied threshold), ``change``
        (``"as set"``, ``"halved"``, ``"doubled"`` or ``"× f"``), ``value`` (the threshold's
        value in that row; NaN in the first), one count column per class of
        :data:`CLASSES`, and ``GFW would count``.
    """
    base = to_rules(**rules)
    variants = _variants(base, factors)
    radii = sorted({r.neighbour_km for _, _, r in variants})
    befores = sorted({r.before_h for _, _, r in variants})
    m = measure(
        _silences(gaps, by, exclude_mmsi),
        positions,
        tuple(radii),
        tuple(befores),
        base.cell_deg,
        dask_scheduler,
    )
    rows = []
    for name, f, r in variants:
        table = explained(gaps, by, m, radii.index(r.neighbour_km), befores.index(r.before_h), r)
        counts = table["class"].value_counts()
        change = {1.0: "as set", 0.5: "halved", 2.0: "doubled"}.get(f, f"× {f:g}")
        rows.append(
            {
                "parameter": name,
                "change": change,
                "value": float(getattr(r, name)) if name in VARIED else np.nan,
                **{c: int(counts.get(c, 0)) for c in CLASSES},
                "GFW would count": int(table["gfw"].sum()),
            }
        )
    return pd.DataFrame(rows)


def _variants(base: SilenceRules, factors: Sequence[float]) -> list[tuple]:
    """``(parameter, factor, rules)``: the rules as set, then each threshold of :data:`VARIED`
    times each factor."""
    variants = [("all as set", 1.0, base)]
    for name in VARIED:
        for f in factors:
            value = getattr(base, name) * f
            value = int(round(value)) if name == "gfw_min_fixes_before" else float(value)
            variants.append((name, float(f), replace(base, **{name: value})))
    return variants


# --- the silences and their ships -----------------------------------------------------


def _empty_gaps() -> pd.DataFrame:
    t = pd.Series([], dtype="datetime64[ns, UTC]")
    return pd.DataFrame(
        {
            "mmsi": pd.Series([], dtype="int64"),
            "kind": [],
            "start": t,
            "end": t,
            **{c: pd.Series([], dtype=float) for c in GAP_COLUMNS[3:]},
        }
    )


def _silences(gaps: pd.DataFrame, by: str, exclude_mmsi) -> pd.DataFrame:
    """The silences as the partition step reads them: times (ns), end points, own MMSIs."""
    missing = [c for c in (by, *GAP_COLUMNS) if c not in gaps.columns]
    if missing:
        raise DataError(
            f"the silences table has no column {missing[0]!r}",
            field=missing[0],
            hint="give the table of tumen.ais.tracks.get_gaps, with the same 'by'",
        )
    own = _own_mmsi(gaps, by, exclude_mmsi)
    return pd.DataFrame(
        {
            "start": to_ns(gaps["start"]),
            "end": to_ns(gaps["end"]),
            "lat_b": gaps["lat_before"].to_numpy(float),
            "lon_b": gaps["lon_before"].to_numpy(float),
            "lat_a": gaps["lat_after"].to_numpy(float),
            "lon_a": gaps["lon_after"].to_numpy(float),
            "own": own,
        }
    )


def _own_mmsi(gaps: pd.DataFrame, by: str, exclude_mmsi) -> list[tuple]:
    """Each silence's own MMSIs (a tuple of int), from ``exclude_mmsi`` and ``by="mmsi"``."""
    lookup: dict = {}
    if isinstance(exclude_mmsi, pd.DataFrame):
        if by not in exclude_mmsi.columns or "mmsi" not in exclude_mmsi.columns:
            raise DataError(
                f"exclude_mmsi has no columns {by!r} and 'mmsi'",
                field="exclude_mmsi",
                hint="give the fleet table (vessel, mmsi) or a mapping ship -> MMSIs",
            )
        for key, mmsi in zip(exclude_mmsi[by], exclude_mmsi["mmsi"]):
            lookup.setdefault(key, set()).add(int(mmsi))
    elif isinstance(exclude_mmsi, Mapping):
        lookup = {k: {int(m) for m in np.atleast_1d(v)} for k, v in exclude_mmsi.items()}
    elif exclude_mmsi is not None:
        raise ParameterError(
            f"cannot read exclude_mmsi from {type(exclude_mmsi).__name__}",
            field="exclude_mmsi",
            hint="a mapping ship -> MMSIs, or a table",
        )
    out = []
    for key, kind in zip(gaps[by], gaps["kind"]):
        own = set(lookup.get(key, ()))
        if by == "mmsi":
            own.add(int(key))
        if not own and kind != "no_ais":
            raise ParameterError(
                f"the MMSI of {key!r} is not known, so its own reports would "
                "count as another ship's",
                field="exclude_mmsi",
                hint="pass the fleet table (tumen.ais.fleet.get_fleet) as exclude_mmsi",
            )
        out.append(tuple(sorted(own)))
    return out
