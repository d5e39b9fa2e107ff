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
so both paths give identical tables. Dask is used directly (``dask.delayed`` over the
partitions), not through :mod:`tumen.ais.dask_ops`, which imports the shuttle analysis: this
module belongs to the AIS data layer and imports no analysis.

Degrees WGS84; km (great circle, :func:`tumen.geo.earth.haversine_km`), nautical miles where
GFW's rule uses them; times UTC. Distance from shore: :func:`tumen.geo.coast.get_shore_distance_km`
(:data:`tumen.geo.coast.SHORE_RESOLUTION`).

>>> table = explain_silences(gaps, positions, by="vessel", exclude_mmsi=fleet)  # doctest: +SKIP
>>> table[["vessel", "start", "class", "reason", "gfw", "gfw_reason"]]         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from tumen.errors import DataError, ParameterError
from tumen.geo import coast
from tumen.geo.earth import KM_PER_NM, haversine_km

#: The classes of a silence, in the order tables and counts list them.
CLASSES = ("likely switched off", "possibly reception", "undetermined")
#: Thresholds varied by :func:`get_silence_sensitivity`.
VARIED = (
    "neighbour_km",
    "min_neighbour_rate_per_h",
    "gfw_min_gap_h",
    "gfw_min_shore_nm",
    "gfw_min_cell_per_day",
    "gfw_min_fixes_before",
    "before_h",
)
#: Why a silence at the edge of the window cannot be judged, by its ``kind``.
EDGE_REASONS = {
    "before_first": "it runs from the start of the window to the ship's first fix, so where "
    "and how it began is not in the data",
    "after_last": "it runs from the ship's last fix to the end of the window, so how it "
    "ended is not in the data",
    "no_ais": "the ship was never heard in the window",
}
_GAP_COLUMNS = (
    "kind",
    "start",
    "end",
    "duration_h",
    "lat_before",
    "lon_before",
    "lat_after",
    "lon_after",
)
#: Farthest coast looked for (km); a silence farther from any coast is "more than" this.
SHORE_SEARCH_KM = 500.0
_NS_PER_H = 3_600_000_000_000
_NS_PER_DAY = 24 * _NS_PER_H
_KEY = 1 << 20  # cell keys: (row + _KEY/2) * _KEY + (column + _KEY/2)


@dataclass(frozen=True)
class SilenceRules:
    """The thresholds of :func:`explain_silences` (GFW's values where GFW has one).

    Attributes
    ----------
    neighbour_km : float
        Other ships within this distance of where the ship fell silent or reappeared are
        its neighbours, km.
    min_neighbour_rate_per_h : float
        Neighbour reports per hour of silence from which reception is taken to have worked.
    gfw_min_gap_h : float
        GFW: shortest silence, hours (12).
    gfw_min_shore_nm : float
        GFW: least distance from shore where the silence starts, nautical miles (50).
    gfw_min_cell_per_day : float
        GFW: the start cell must receive more than this many positions a day (10); here
        also the reception at or below which a silence without neighbours is "possibly
        reception".
    gfw_min_fixes_before : int
        GFW: fewest positions of the ship in the ``before_h`` hours before (14).
    before_h : float
        GFW: the hours before the silence in which its positions are counted (12).
    cell_deg : float
        Cell size of the reception grid, degrees (GFW: 1).
    """

    neighbour_km: float = 20.0
    min_neighbour_rate_per_h: float = 1.0
    gfw_min_gap_h: float = 12.0
    gfw_min_shore_nm: float = 50.0
    gfw_min_cell_per_day: float = 10.0
    gfw_min_fixes_before: int = 14
    before_h: float = 12.0
    cell_deg: float = 1.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float, np.number))
                or not np.isfinite(value)
                or value < 0
            ):
                raise ParameterError(
                    f"{f.name} must be a number >= 0, not {value!r}",
                    field=f.name,
                    hint=f"the default is {f.default!r}",
                )
        if not 0.001 <= self.cell_deg <= 90:
            raise ParameterError(
                f"cell_deg must be between 0.001 and 90, not {self.cell_deg!r}",
                field="cell_deg",
                hint="GFW uses 1-degree cells",
            )
        if self.neighbour_km == 0 or self.before_h == 0:
            raise ParameterError(
                "neighbour_km and before_h must be above 0",
                field="neighbour_km" if self.neighbour_km == 0 else "before_h",
            )


def to_rules(**rules) -> SilenceRules:
    """Return :class:`SilenceRules` from keyword thresholds (unknown names are an error)."""
    names = {f.name for f in fields(SilenceRules)}
    unknown = sorted(set(rules) - names)
    if unknown:
        raise ParameterError(
            f"unknown silence threshold {unknown[0]!r}",
            field=unknown[0],
            hint=f"one of {', '.join(sorted(names))}",
        )
    return SilenceRules(**rules)


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
    m = _measure(
        _silences(_empty_gaps(), "mmsi", None), positions, (1.0,), (1.0,), rules, dask_scheduler
    )
    cells = m["cells"]
    lat, lon = _cell_corner(cells.index.to_numpy("int64"), cell_deg)
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
        ``mmsi`` (e.g. :func:`tumen.ais.decode.get_fleet`). With ``by="mmsi"`` a ship's own MMSI
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
    m = _measure(
        silences, positions, (rules.neighbour_km,), (rules.before_h,), rules, dask_scheduler
    )
    return _explained(gaps, by, m, 0, 0, rules)


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
    variants = [("all as set", 1.0, base)]
    for name in VARIED:
        for f in factors:
            value = getattr(base, name) * f
            value = int(round(value)) if name == "gfw_min_fixes_before" else float(value)
            variants.append((name, float(f), replace(base, **{name: value})))
    radii = sorted({r.neighbour_km for _, _, r in variants})
    befores = sorted({r.before_h for _, _, r in variants})
    m = _measure(
        _silences(gaps, by, exclude_mmsi),
        positions,
        tuple(radii),
        tuple(befores),
        base,
        dask_scheduler,
    )
    rows = []
    for name, f, r in variants:
        table = _explained(gaps, by, m, radii.index(r.neighbour_km), befores.index(r.before_h), r)
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


# --- the silences and their ships -----------------------------------------------------


def _empty_gaps() -> pd.DataFrame:
    t = pd.Series([], dtype="datetime64[ns, UTC]")
    return pd.DataFrame(
        {
            "mmsi": pd.Series([], dtype="int64"),
            "kind": [],
            "start": t,
            "end": t,
            **{c: pd.Series([], dtype=float) for c in _GAP_COLUMNS[3:]},
        }
    )


def _silences(gaps: pd.DataFrame, by: str, exclude_mmsi) -> pd.DataFrame:
    """The silences as the partition step reads them: times (ns), end points, own MMSIs."""
    missing = [c for c in (by, *_GAP_COLUMNS) if c not in gaps.columns]
    if missing:
        raise DataError(
            f"the silences table has no column {missing[0]!r}",
            field=missing[0],
            hint="give the table of tumen.ais.tracks.get_gaps, with the same 'by'",
        )
    own = _own_mmsi(gaps, by, exclude_mmsi)
    return pd.DataFrame(
        {
            "start": _ns(gaps["start"]),
            "end": _ns(gaps["end"]),
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
                hint="pass the fleet table (tumen.ais.decode.get_fleet) as exclude_mmsi",
            )
        out.append(tuple(sorted(own)))
    return out


def _ns(times) -> np.ndarray:
    """Times as int64 nanoseconds since 1970 UTC."""
    index = pd.DatetimeIndex(times)
    if index.tz is None:
        index = index.tz_localize("UTC")
    return index.as_unit("ns").asi8


# --- measuring: one partition, then the sum -------------------------------------------


def _measure(
    silences: pd.DataFrame,
    positions,
    radii: tuple,
    befores: tuple,
    rules: SilenceRules,
    dask_scheduler,
) -> dict:
    """Partition counts summed over the archive, plus the distances from shore."""
    options = {"silences": silences, "radii": radii, "befores": befores, "cell_deg": rules.cell_deg}
    if isinstance(positions, pd.DataFrame):
        parts = [_measure_partition(positions, **options)]
    else:
        import dask

        frame = _to_frame(positions)
        tasks = [
            dask.delayed(_measure_partition, pure=True)(d, **options) for d in frame.to_delayed()
        ]
        extra = {} if dask_scheduler is None else {"scheduler": dask_scheduler}
        parts = list(dask.compute(*tasks, **extra))
    m = _reduce(parts, len(silences), len(radii), len(befores))
    for end, lat, lon in (("before", "lat_b", "lon_b"), ("after", "lat_a", "lon_a")):
        m[f"shore_{end}"] = coast.get_shore_distance_km(
            silences[lat], silences[lon], search_km=SHORE_SEARCH_KM
        )
    return m


def _to_frame(positions):
    """A Dask DataFrame of ``mmsi`` (column or index), ``time``, ``lat``, ``lon``."""
    import dask.dataframe as dd

    if not isinstance(positions, dd.DataFrame):
        if not hasattr(positions, "to_dask"):
            raise ParameterError(
                f"cannot read positions from {type(positions).__name__}",
                field="positions",
                hint="give a pandas or Dask DataFrame, or a positions store",
            )
        positions = positions.to_dask(["time", "lat", "lon"])
    cols = (
        ["time", "lat", "lon"] if positions.index.name == "mmsi" else ["mmsi", "time", "lat", "lon"]
    )
    return positions[cols]


def _measure_partition(
    part: pd.DataFrame, *, silences: pd.DataFrame, radii: tuple, befores: tuple, cell_deg: float
) -> dict:
    """Counts of one partition: reports per cell, first and last time, neighbour reports
    per silence, MMSI and radius, own reports before each silence per look-back."""
    if "mmsi" not in part.columns:
        part = part.reset_index()
    missing = [c for c in ("mmsi", "time", "lat", "lon") if c not in part.columns]
    if missing:
        raise DataError(f"positions have no column {missing[0]!r}", field=missing[0])
    lat, lon = part["lat"].to_numpy(float), part["lon"].to_numpy(float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    t = _ns(part["time"])
    mmsi = part["mmsi"].to_numpy("int64")
    cells = pd.DataFrame(
        {
            "cell": _cell_key(lat[ok], lon[ok], cell_deg),
            "mmsi": mmsi[ok],
            "day": t[ok] // _NS_PER_DAY,
        }
    )
    out = {"cells": cells.groupby(["cell", "mmsi", "day"], sort=True).size()}
    order = np.argsort(t, kind="stable")
    ts = t[order]
    near, before = [], np.zeros((len(silences), len(befores)), "int64")
    for i, s in enumerate(silences.itertuples(index=False)):
        lo, hi = np.searchsorted(ts, s.start, "right"), np.searchsorted(ts, s.end, "left")
        idx = order[lo:hi]
        idx = idx[ok[idx] & ~np.isin(mmsi[idx], s.own)]
        near.append(_near(i, idx, mmsi, lat, lon, s, radii))
        if np.isfinite(s.lat_b):
            back = round(max(befores) * _NS_PER_H)
            idx = order[
                np.searchsorted(ts, s.start - back, "left") : np.searchsorted(ts, s.start, "right")
            ]
            age = s.start - t[idx[np.isin(mmsi[idx], s.own)]]
            before[i] = [int((age <= round(b * _NS_PER_H)).sum()) for b in befores]
    out["near"] = (
        pd.concat(near, ignore_index=True) if near else _near_frame([], [], [[]] * len(radii))
    )
    out["before"] = before
    return out


def _near(i: int, idx: np.ndarray, mmsi, lat, lon, s, radii: tuple) -> pd.DataFrame:
    """Reports of other ships within each radius of either end point of silence ``i``."""
    d = np.fmin(
        haversine_km(lat[idx], lon[idx], s.lat_b, s.lon_b),
        haversine_km(lat[idx], lon[idx], s.lat_a, s.lon_a),
    )
    keep = d <= max(radii)
    idx, d = idx[keep], d[keep]
    ships, inverse = np.unique(mmsi[idx], return_inverse=True)
    counts = [np.bincount(inverse[d <= r], minlength=len(ships)) for r in radii]
    return _near_frame(np.full(len(ships), i), ships, counts)


def _near_frame(silence, ships, counts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "silence": np.asarray(silence, "int64"),
            "mmsi": np.asarray(ships, "int64"),
            **{f"n{k}": np.asarray(c, "int64") for k, c in enumerate(counts)},
        }
    )


def _reduce(parts: list[dict], n: int, n_radii: int, n_befores: int) -> dict:
    """Sum the partitions' counts (every step is order-free, so any partitioning agrees)."""
    per_ship_day = pd.concat([p["cells"] for p in parts]).groupby(level=[0, 1, 2]).sum()
    cells = per_ship_day.groupby(level="cell").agg(["sum", "size"]).astype("int64")
    cells.columns = ["positions", "ship_days"]
    near = pd.concat([p["near"] for p in parts], ignore_index=True)
    near = near.groupby(["silence", "mmsi"], sort=True).sum()
    silence = near.index.get_level_values("silence")
    ships, reports = np.zeros((n, n_radii), "int64"), np.zeros((n, n_radii), "int64")
    for k in range(n_radii):
        col = near[f"n{k}"]
        np.add.at(ships[:, k], silence, (col > 0).to_numpy("int64"))
        np.add.at(reports[:, k], silence, col.to_numpy("int64"))
    before = sum((p["before"] for p in parts), np.zeros((n, n_befores), "int64"))
    return {"cells": cells, "ships": ships, "reports": reports, "before": before}


def _cell_key(lat: np.ndarray, lon: np.ndarray, cell_deg: float) -> np.ndarray:
    """One int64 per point naming its cell (rows from the equator, columns from 180° W)."""
    row = np.floor(lat / cell_deg).astype("int64")
    col = np.floor(((lon + 180.0) % 360.0 - 180.0) / cell_deg).astype("int64")
    return (row + _KEY // 2) * _KEY + (col + _KEY // 2)


def _cell_corner(keys: np.ndarray, cell_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """South-west corner (lat, lon) of each cell key, degrees."""
    return ((keys // _KEY - _KEY // 2) * cell_deg, (keys % _KEY - _KEY // 2) * cell_deg)


# --- the table ------------------------------------------------------------------------


def _explained(
    gaps: pd.DataFrame, by: str, m: dict, k_radius: int, k_before: int, rules: SilenceRules
) -> pd.DataFrame:
    """The measurements for one radius and look-back, classed by ``rules``."""
    out = gaps[[by, *_GAP_COLUMNS]].reset_index(drop=True)
    lat_b, lat_a = out["lat_before"].to_numpy(float), out["lat_after"].to_numpy(float)
    no_point = np.isnan(lat_b) & np.isnan(lat_a)
    out["shore_km_before"], out["shore_km_after"] = m["shore_before"], m["shore_after"]
    ships, reports = m["ships"][:, k_radius], m["reports"][:, k_radius]
    out["neighbours"] = pd.array(ships, dtype="Int64")
    out["neighbour_positions"] = pd.array(reports, dtype="Int64")
    out.loc[no_point, ["neighbours", "neighbour_positions"]] = pd.NA
    rate = reports / out["duration_h"].to_numpy(float)
    out["neighbour_rate_per_h"] = np.where(no_point, np.nan, rate)
    start = np.isfinite(lat_b)
    keys = _cell_key(
        np.where(start, lat_b, 0.0), out["lon_before"].fillna(0.0).to_numpy(float), rules.cell_deg
    )
    cell_lat, cell_lon = _cell_corner(keys, rules.cell_deg)
    out["cell_lat"] = np.where(start, cell_lat, np.nan)
    out["cell_lon"] = np.where(start, cell_lon, np.nan)
    in_cell = m["cells"].reindex(keys)
    per_day = (in_cell["positions"] / in_cell["ship_days"]).fillna(0.0).to_numpy(float)
    out["cell_per_day"] = np.where(start, per_day, np.nan)
    out["fixes_before"] = pd.array(m["before"][:, k_before], dtype="Int64")
    out.loc[~start, "fixes_before"] = pd.NA
    judged = [_judge(row, rules) for row in out.to_dict("records")]
    out["class"] = [j[0] for j in judged]
    out["reason"] = [j[1] for j in judged]
    out["gfw"] = np.array([j[2] for j in judged], dtype=bool)
    out["gfw_reason"] = [j[3] for j in judged]
    return out


def _judge(row: dict, rules: SilenceRules) -> tuple[str, str, bool, str]:
    """(class, reason, GFW would count it, GFW's reason) of one silence."""
    km, cell = f"{rules.neighbour_km:g} km", f"{rules.cell_deg:g}° cell"
    if row["kind"] != "between":
        klass, reason = "undetermined", EDGE_REASONS.get(row["kind"], f"a {row['kind']} silence")
    else:
        n, rate, per_day = int(row["neighbours"]), row["neighbour_rate_per_h"], row["cell_per_day"]
        heard = (
            f"{n} other {'ship' if n == 1 else 'ships'} heard within {km} of where it "
            f"fell silent or reappeared, {rate:.1f} reports an hour during the silence"
        )
        if n and rate >= rules.min_neighbour_rate_per_h:
            klass, reason = "likely switched off", heard + ": reception worked there and then"
        else:
            nobody = (
                f"no other ship heard within {km} of where it fell silent or reappeared "
                "during the silence"
                if not n
                else heard + f" (fewer than {rules.min_neighbour_rate_per_h:g})"
            )
            if per_day <= rules.gfw_min_cell_per_day:
                klass, reason = (
                    "possibly reception",
                    (
                        nobody
                        + f", and its {cell} receives {per_day:.1f} reports per ship a day (at most "
                        f"{rules.gfw_min_cell_per_day:g}): the receivers may not have heard it"
                    ),
                )
            else:
                where = f"its {cell} receives {_per_day_text(per_day)}"
                short = (
                    "no neighbour shows that reception worked then"
                    if not n
                    else "so few reports do not show that reception worked throughout"
                )
                klass, reason = "undetermined", nobody + f"; {where}, but {short}"
    gfw, gfw_reason = _gfw(row, rules)
    return klass, reason, gfw, gfw_reason


def _gfw(row: dict, rules: SilenceRules) -> tuple[bool, str]:
    """GFW's rule for a suspected disabling: (counts, the conditions that fail or pass)."""
    if row["kind"] != "between":
        return False, "not a silence between two fixes (" + EDGE_REASONS.get(row["kind"], "") + ")"
    hours, per_day, fixes = row["duration_h"], row["cell_per_day"], int(row["fixes_before"])
    shore = _nm_text(row["shore_km_before"])
    nm = row["shore_km_before"] / KM_PER_NM
    failed = []
    if not hours >= rules.gfw_min_gap_h:
        failed.append(f"lasts {hours:.1f} h (rule: at least {rules.gfw_min_gap_h:g} h)")
    if not nm >= rules.gfw_min_shore_nm:
        failed.append(f"starts {shore} from shore (rule: at least {rules.gfw_min_shore_nm:g} nm)")
    if not per_day > rules.gfw_min_cell_per_day:
        failed.append(
            f"its {rules.cell_deg:g}° cell receives {_per_day_text(per_day)} "
            f"(rule: more than {rules.gfw_min_cell_per_day:g})"
        )
    if not fixes >= rules.gfw_min_fixes_before:
        failed.append(
            f"{fixes} {'report' if fixes == 1 else 'reports'} in the "
            f"{rules.before_h:g} h before (rule: at least {rules.gfw_min_fixes_before})"
        )
    if failed:
        return False, "; ".join(failed)
    return True, (
        f"lasts {hours:.1f} h, starts {shore} from shore, its {rules.cell_deg:g}° "
        f"cell receives {per_day:.1f} reports per ship a day, {fixes} reports in the "
        f"{rules.before_h:g} h before"
    )


def _nm_text(km: float) -> str:
    """A distance from shore in nautical miles, as the reasons give it."""
    if np.isinf(km):
        return f"more than {SHORE_SEARCH_KM / KM_PER_NM:.0f} nm"
    return f"{km / KM_PER_NM:.1f} nm"


def _per_day_text(per_day: float) -> str:
    """A cell's reception, as the reasons give it."""
    return (
        f"{per_day:.1f} reports per ship a day"
        if np.isfinite(per_day)
        else "an unknown number of reports per ship a day"
    )
