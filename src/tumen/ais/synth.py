"""Synthetic AIS traffic with a known answer, for benchmarks and tests at scale.

The generator is deterministic (one seed) and vectorised, so that ten million positions take
seconds. Each vessel sails between ports of a synthetic region: it berths for hours to days
(speed under half a knot, jittering around a berth inside the port geofence), then steams to
another port at 9-15 kn. Reports come at a realistic, irregular cadence (by default every
10 min +- 50 %, as in a downsampled terrestrial archive); some silences are short outages
(0.5-3 h) and some are dark periods of 7-72 h, the AIS gaps the shuttle analysis looks for.
A few reports are repeated (a second receiver) and a few are impossible jumps.

:func:`get_traffic` returns the positions table of :mod:`tumen.ais.records` (values quantised to the
resolution of an AIS position report, times whole seconds) with its ground truth;
:func:`to_nmea` writes the same traffic as NMEA 0183 (tag-block-timed type 1 reports and
two-sentence type 5 static reports, the two parts often separated by other sentences),
which :func:`tumen.ais.nmea.read_nmea` decodes back to the same positions.

>>> traffic = get_traffic(n_positions=20_000, n_vessels=10, seed=1)   # doctest: +SKIP
>>> raw = to_nmea(traffic)                                              # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tumen.ais.records import POSITION_COLUMNS
from tumen.geo.earth import KM_PER_NM, haversine_km

#: Region the synthetic ports lie in (degrees): the seas east of the Korean peninsula.
REGION = {"lat": (34.0, 46.0), "lon": (128.0, 142.0)}
START = pd.Timestamp("2023-08-01", tz="UTC")
FIRST_MMSI = 273_100_000
_DEG_M = 111_195.0  # metres per degree of latitude (sphere of tumen.geo.earth.EARTH_RADIUS_KM)


@dataclass(frozen=True)
class Traffic:
    """Synthetic traffic and its ground truth.

    Attributes
    ----------
    positions : pandas.DataFrame
        The positions table of :mod:`tumen.ais.records` (:data:`tumen.ais.records.POSITION_COLUMNS`) in archive
        order (by time, then MMSI); ``source_line`` is the row number (1-based).
    vessels : pandas.DataFrame
        ``mmsi, name, imo, callsign, ship_type`` of every vessel.
    sites : pandas.DataFrame
        The ports: ``id, name, lat, lon`` (degrees), ``radius_km``.
    dwells : pandas.DataFrame
        Planned port stays: ``mmsi, site, arrive, depart`` (UTC), whether or not AIS saw them.
    gaps : pandas.DataFrame
        Every silence longer than 6 h: ``mmsi, start, end`` (UTC, the fixes either side).
    """

    positions: pd.DataFrame
    vessels: pd.DataFrame
    sites: pd.DataFrame
    dwells: pd.DataFrame
    gaps: pd.DataFrame


# --- ports ----------------------------------------------------------------------------


def get_sites(
    n_ports: int = 12, *, seed: int = 0, radius_km: float = 3.0, min_separation_km: float = 60.0
) -> pd.DataFrame:
    """Ports scattered over :data:`REGION`, at least ``min_separation_km`` apart.

    Parameters
    ----------
    n_ports : int
        How many ports.
    seed : int
        Random seed.
    radius_km : float
        Geofence radius of every port, km.
    min_separation_km : float
        Smallest distance between two port centres, km.

    Returns
    -------
    pandas.DataFrame
        ``id`` (``port_01`` ...), ``name``, ``lat``, ``lon`` (degrees, WGS 84), ``radius_km``.

    >>> len(get_sites(5))
    5
    """
    rng = np.random.default_rng([seed, 1])
    lat, lon = [], []
    while len(lat) < n_ports:
        a, b = rng.uniform(*REGION["lat"]), rng.uniform(*REGION["lon"])
        if all(haversine_km(a, b, y, x) >= min_separation_km for y, x in zip(lat, lon)):
            lat.append(a)
            lon.append(b)
    ids = [f"port_{i + 1:02d}" for i in range(n_ports)]
    return pd.DataFrame(
        {
            "id": ids,
            "name": [f"Port {i + 1:02d}" for i in range(n_ports)],
            "lat": np.round(lat, 4),
            "lon": np.round(lon, 4),
            "radius_km": float(radius_km),
        }
    )


# --- traffic --------------------------------------------------------------------------


def get_traffic(
    n_positions: int,
    n_vessels: int,
    *,
    seed: int = 0,
    n_ports: int = 12,
    cadence_min: float = 10.0,
    gap_rate: float = 1 / 400,
    outage_rate: float = 1 / 150,
    duplicate_rate: float = 0.005,
    jump_rate: float = 1e-4,
    source_file: str = "synthetic",
) -> Traffic:
    """Generate ``n_positions`` position reports of ``n_vessels`` vessels.

    Parameters
    ----------
    n_positions : int
        Rows of the positions table (repeats included).
    n_vessels : int
        Vessels (MMSI ``273100000`` onwards).
    seed : int
        Random seed; the same arguments always give the same traffic.
    n_ports : int
        Ports in the region (see :func:`get_sites`).
    cadence_min : float
        Mean time between two reports of a vessel, minutes (each interval +- 50 %).
    gap_rate, outage_rate : float
        Share of intervals that are a dark period (7-72 h) or a short outage (0.5-3 h).
    duplicate_rate : float
        Share of reports heard twice (an exact repeat in the next row).
    jump_rate : float
        Share of reports with an impossible position (3 degrees of latitude off).
    source_file : str
        Stored in ``source_file``.

    Returns
    -------
    Traffic
    """
    if n_vessels < 1 or n_positions < n_vessels:
        raise ValueError("need at least one vessel and one position per vessel")
    rng = np.random.default_rng([seed, 2])
    sites = get_sites(n_ports, seed=seed)
    n_dup = int(round(n_positions * duplicate_rate))
    vessel, t = _report_times(
        rng, n_positions - n_dup, n_vessels, cadence_min * 60.0, gap_rate, outage_rate
    )
    plan = _voyage_plan(rng, sites, n_vessels, span_s=float(t.max()) + 1.0)
    fix = _fixes(rng, plan, sites, vessel, t)
    jump = rng.random(len(t)) < jump_rate
    fix["lat"] = np.where(jump, np.clip(fix["lat"] + 3.0, -89.0, 89.0), fix["lat"])
    dup = np.sort(rng.choice(len(t), n_dup, replace=False)) if n_dup else np.array([], int)
    rows = np.r_[np.arange(len(t)), dup]
    rows = rows[np.lexsort((rows, vessel[rows], t[rows]))]  # archive order: time, MMSI
    fix = {k: v[rows] for k, v in fix.items()}
    positions = _positions_table(vessel[rows], t[rows], fix, source_file)
    return Traffic(
        positions, _vessels(n_vessels), sites, _dwells(plan, sites, vessel, t), _gaps(vessel, t)
    )


def _report_times(
    rng, n: int, n_vessels: int, cadence_s: float, gap_rate: float, outage_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Vessel index and whole seconds after :data:`START` of every report, by vessel."""
    vessel = np.repeat(np.arange(n_vessels), np.diff(np.linspace(0, n, n_vessels + 1).astype(int)))
    step = cadence_s * rng.uniform(0.5, 1.5, n)
    kind = rng.random(n)
    step = np.where(kind < gap_rate, rng.uniform(7, 72, n) * 3600.0, step)
    step = np.where(
        (kind >= gap_rate) & (kind < gap_rate + outage_rate),
        rng.uniform(0.5, 3.0, n) * 3600.0,
        step,
    )
    first = np.r_[True, vessel[1:] != vessel[:-1]]
    step[first] = rng.uniform(0, 6 * 3600.0, n_vessels)  # vessels start within 6 h
    total = np.cumsum(step)
    base = np.maximum.accumulate(np.where(first, total - step, 0.0))
    return vessel, np.round(total - base).astype("int64")


def _voyage_plan(rng, sites: pd.DataFrame, n_vessels: int, span_s: float) -> dict:
    """Per vessel and visit: port, arrival and departure (s after START), berth position."""
    n_ports = len(sites)
    k = int(span_s / (4 * 3600.0 + 3600.0)) + 3  # visits: enough for the shortest legs
    port = (
        np.cumsum(
            np.c_[
                rng.integers(0, n_ports, (n_vessels, 1)),
                rng.integers(1, n_ports, (n_vessels, k - 1)),
            ],
            axis=1,
        )
        % n_ports
    )
    dwell = rng.uniform(4, 48, (n_vessels, k)) * 3600.0
    speed = rng.uniform(9, 15, (n_vessels, k))
    angle = rng.uniform(0, 2 * np.pi, (n_vessels, k))
    reach = rng.uniform(0, 0.4, (n_vessels, k)) * sites["radius_km"].to_numpy()[port] * 1000
    blat = sites["lat"].to_numpy()[port] + reach * np.sin(angle) / _DEG_M
    blon = sites["lon"].to_numpy()[port] + reach * np.cos(angle) / (
        _DEG_M * np.cos(np.radians(blat))
    )
    leg_km = haversine_km(blat[:, :-1], blon[:, :-1], blat[:, 1:], blon[:, 1:])
    transit = leg_km / KM_PER_NM / speed[:, 1:] * 3600.0
    arrive = np.zeros((n_vessels, k))
    arrive[:, 0] = -rng.uniform(0, 1, n_vessels) * dwell[:, 0]  # first visit under way
    arrive[:, 1:] = arrive[:, :1] + np.cumsum(dwell[:, :-1] + transit, axis=1)
    return {
        "port": port,
        "arrive": arrive,
        "depart": arrive + dwell,
        "speed": speed,
        "lat": blat,
        "lon": blon,
    }


def _fixes(rng, plan: dict, sites: pd.DataFrame, vessel: np.ndarray, t: np.ndarray) -> dict:
    """Position, speed, course, heading and status at each report time."""
    n_vessels, k = plan["arrive"].shape
    offset = np.arange(n_vessels)[:, None] * 1e9  # vessels one after the other in one axis
    visit = np.searchsorted((plan["depart"] + offset).ravel(), vessel * 1e9 + t) - vessel * k
    visit = np.minimum(visit, k - 1)
    at = (vessel, visit)
    moored = t >= plan["arrive"][at]
    prev = (vessel, np.maximum(visit - 1, 0))
    frac = np.clip(
        (t - plan["depart"][prev]) / np.maximum(plan["arrive"][at] - plan["depart"][prev], 1.0),
        0,
        1,
    )
    lat = np.where(
        moored, plan["lat"][at], plan["lat"][prev] + frac * (plan["lat"][at] - plan["lat"][prev])
    )
    lon = np.where(
        moored, plan["lon"][at], plan["lon"][prev] + frac * (plan["lon"][at] - plan["lon"][prev])
    )
    jitter_m = np.where(moored, 15.0, 40.0)
    lat = lat + rng.normal(0, 1, len(t)) * jitter_m / _DEG_M
    lon = lon + rng.normal(0, 1, len(t)) * jitter_m / (_DEG_M * np.cos(np.radians(lat)))
    course = (
        np.degrees(
            np.arctan2(
                (plan["lon"][at] - plan["lon"][prev]) * np.cos(np.radians(lat)),
                plan["lat"][at] - plan["lat"][prev],
            )
        )
        % 360.0
    )
    sog = np.where(
        moored, rng.uniform(0, 0.4, len(t)), plan["speed"][at] + rng.normal(0, 0.3, len(t))
    )
    cog = np.where(moored, rng.uniform(0, 360, len(t)), course + rng.normal(0, 2, len(t)))
    heading = np.where(moored, rng.uniform(0, 360, len(t)), cog + rng.normal(0, 3, len(t)))
    return {
        "lat": lat,
        "lon": lon,
        "sog": sog,
        "cog": cog % 360.0,
        "heading": heading % 360.0,
        "nav_status": np.where(moored, 5, 0),
    }


def _positions_table(vessel, t, fix: dict, source_file: str) -> pd.DataFrame:
    """The positions table, values quantised to AIS resolution as pyais decodes them."""
    frame = pd.DataFrame(
        {
            "mmsi": (FIRST_MMSI + vessel).astype("int64"),
            "time": (START + pd.to_timedelta(t, unit="s")).astype("datetime64[ns, UTC]"),
            "lat": _from_ais_degrees(to_ais_degrees(fix["lat"])),
            "lon": _from_ais_degrees(to_ais_degrees(fix["lon"])),
            "sog": np.clip(np.round(fix["sog"] * 10), 0, 1022) / 10.0,
            "cog": np.round(fix["cog"] * 10) % 3600 / 10.0,
            "heading": (np.round(fix["heading"]) % 360).astype(float),
            "nav_status": fix["nav_status"].astype("int64"),
        }
    )
    frame["source_file"] = pd.Series(source_file, index=frame.index, dtype="str")
    frame["source_line"] = np.arange(1, len(frame) + 1, dtype="int64")
    return frame[POSITION_COLUMNS]


def to_ais_degrees(degrees: np.ndarray) -> np.ndarray:
    """Degrees to the integer 1/10 000 minute units of an AIS position report."""
    return np.round(np.asarray(degrees, float) * 600_000.0).astype("int64")


def _from_ais_degrees(units: np.ndarray) -> np.ndarray:
    """Integer AIS units to degrees exactly as pyais rounds them (6 decimals)."""
    return ((10 * units + 3) // 6) / 1e6


def _vessels(n_vessels: int) -> pd.DataFrame:
    i = np.arange(n_vessels)
    return pd.DataFrame(
        {
            "mmsi": (FIRST_MMSI + i).astype("int64"),
            "name": [f"SYNTH {j:05d}" for j in i],
            "imo": (9_100_000 + i).astype("int64"),
            "callsign": [f"UB{j:05d}" for j in i],
            "ship_type": "70",
        }
    )


def _dwells(plan: dict, sites: pd.DataFrame, vessel: np.ndarray, t: np.ndarray) -> pd.DataFrame:
    """Planned stays that overlap each vessel's reporting period."""
    first = np.r_[True, vessel[1:] != vessel[:-1]]
    last = np.r_[vessel[1:] != vessel[:-1], True]
    lo, hi = t[first], t[last]
    v, k = np.nonzero((plan["depart"] > lo[:, None]) & (plan["arrive"] < hi[:, None]))
    to_time = lambda s: (START + pd.to_timedelta(np.round(s), unit="s")).astype(  # noqa: E731
        "datetime64[ns, UTC]"
    )
    return pd.DataFrame(
        {
            "mmsi": (FIRST_MMSI + v).astype("int64"),
            "site": sites["id"].to_numpy()[plan["port"][v, k]],
            "arrive": to_time(plan["arrive"][v, k]),
            "depart": to_time(plan["depart"][v, k]),
        }
    )


def _gaps(vessel: np.ndarray, t: np.ndarray, min_gap_h: float = 6.0) -> pd.DataFrame:
    step = np.diff(t)
    i = np.flatnonzero((vessel[1:] == vessel[:-1]) & (step > min_gap_h * 3600))
    return pd.DataFrame(
        {
            "mmsi": (FIRST_MMSI + vessel[i]).astype("int64"),
            "start": START + pd.to_timedelta(t[i], unit="s"),
            "end": START + pd.to_timedelta(t[i + 1], unit="s"),
        }
    ).astype({"start": "datetime64[ns, UTC]", "end": "datetime64[ns, UTC]"})
