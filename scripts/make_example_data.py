"""Write the project's synthetic example observations, calibrated to published figures.

The example files let the report build end to end before real observations are added. They
are synthetic: every row says so in its ``notes`` column, and ``data/sources.yaml`` marks
each file ``kind: synthetic`` so the report carries a banner. They are not evidence.

One generator per file (see ``GENERATORS``); each draws from its own random stream, derived
from the seed and the generator's name, so adding a generator never changes another's
output. The same seed gives byte-identical files (sorted rows, fixed number formats, UTF-8,
LF line endings). To add one, write ``make_<name>(rng)`` returning a DataFrame (written as
CSV) or bytes (written as they are, e.g. NMEA sentences) and register it in ``GENERATORS``
with its path under ``data/``. Files that describe the same events share a scenario: such a
generator also takes ``seed`` and draws the shared part from ``stream(seed, <scenario>)``
(the vessel files share ``SHUTTLE_SCENARIO``: sightings and AIS show the same voyages).

Generators
----------
railcars          ``observations/railcars.csv``: per-image railcar counts at the Tumangang
                  rail facility (site ``tumangang_rail_facility``), October 2018 to December
                  2023. Irregular revisits, cloudy summers, a tasking gap, mixed resolution
                  and analyst confidence; counts never above 20 before 5 October 2023 (the
                  published five-year maximum, which one image reaches), exactly 73 on
                  5 October 2023 (the published peak), elevated (above 20) afterwards.
railcars_second_count
                  ``observations/railcars_second_count.csv``: a second, independent count
                  of about a third of those images (always the peak and the image at the
                  five-year maximum), keyed by ``image_id``; the counts differ from the first
                  by a few railcars, more on high counts and coarse images.
vessel_sightings  ``observations/vessel_sightings.csv``: satellite images of Angara and Maria,
                  1 August to 15 October 2023, at Rajin and Dunai (site ids) or at sea
                  (lat/lon): optical images lost to cloud, SAR images without container
                  counts, counts on clear fine images only. The ships go dark in mid-August
                  and shuttle Rajin -> Dunai -> Rajin (ten round trips in truth, not all of
                  them imaged); about 300 containers at Rajin on 7 and 8 September (the White
                  House imagery); at Rajin on 14 October (RUSI: still running); the counts
                  summed over trips stay below 1,000 ("hundreds", RUSI), so the White House's
                  "more than 1,000" needs the trips nobody counted.
ais_terrestrial   ``ais/terrestrial.nmea``: raw AIS (NMEA 0183, NMEA 4 tag blocks with source
                  and time) heard by three coastal receivers around Peter the Great Gulf:
                  types 1/2/3 and two-sentence type 5 reports of the two ships (until they go
                  dark, and brief transmissions near Dunai later) and of six other ships,
                  positions along the water-only routes of ``tumen.geo.sea.sea_route``, every
                  4-8 minutes under way and 20-40 minutes at berth or anchor; with a few bad
                  checksums, truncated lines, junk, a lost first sentence of a type 5, "not
                  available" positions, one impossible jump and reports heard twice.
ais_satellite     ``ais/satellite.nmea``: the same ships heard by satellite passes every 45
                  minutes to 2 hours anywhere in the region, including Rajin, which no coastal
                  receiver reaches; a few damaged lines.

The AIS files and the sightings also hold the events the AIS checks look for (see
:func:`shuttle_events`, drawn from their own streams and laid over the shuttle scenario
without redrawing it): Maria, after her last call at Dunai, goes silent at sea with no other
ship near, drifts 71 nm offshore where a tanker (KOMET) lies alongside her and leaves under
the name of a background ship (SEA PEARL), goes silent there after a night heard every half
hour by a second satellite constellation (SAT2: a silence Global Fishing Watch's rule
counts), reappears at an outer anchorage off Vladivostok where a tug (STRELOK) works, and
goes silent there once more; one image "sees" her off the Korean coast while her AIS puts
her at the meeting point (a sighting that does not fit the track).

Needs the ``tumen`` package (for the sea routes) besides numpy, pandas, scipy and pyais.

Usage
-----
    python scripts/make_example_data.py                  # all generators, default seed
    python scripts/make_example_data.py --seed 7 --data-dir /tmp/data --only railcars
    python scripts/make_example_data.py --only vessel_sightings --only ais_terrestrial \\
        --only ais_satellite
"""

from __future__ import annotations

import argparse
import csv
import functools
import inspect
import io
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from pyais.encode import encode_dict
from pyais.util import checksum
from scipy import stats

from tumen.analyses.shuttle.observations import SIGHTING_OPTIONAL, SIGHTING_REQUIRED
from tumen.geo import sea
from tumen.geo.earth import haversine_km

DEFAULT_SEED = 20231005
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# --- railcars at Tumangang ------------------------------------------------------------

RAIL_SITE = "tumangang_rail_facility"
RAIL_START, RAIL_END = pd.Timestamp("2018-10-01"), pd.Timestamp("2023-12-31")
PEAK_DAY, PEAK_COUNT = pd.Timestamp("2023-10-05"), 73
BASELINE_CAP = 20
RAIL_COLUMNS = [
    "site",
    "acquired",
    "railcars",
    "image_id",
    "provider",
    "gsd_m",
    "cloud_pct",
    "analyst",
    "confidence",
    "notes",
]
# (provider, ground sample distance in m, weight): generic names, no real archive implied
SENSORS = [("SYN-VHR30", 0.30, 0.35), ("SYN-VHR50", 0.50, 0.40), ("SYN-HR300", 3.00, 0.25)]
ANALYSTS = ["A1", "A2", "A3"]
# probability that a tasked pass is too cloudy to count, by month (summer monsoon)
CLOUD_LOSS = {
    1: 0.25,
    2: 0.25,
    3: 0.3,
    4: 0.35,
    5: 0.45,
    6: 0.65,
    7: 0.8,
    8: 0.75,
    9: 0.45,
    10: 0.3,
    11: 0.3,
    12: 0.25,
}
# (first day, mean railcars per image): trade before the 2020 border closure, near nothing
# while it lasted, resumption from late 2022, more traffic after the September 2023 summit
RAIL_REGIMES = [("2018-10-01", 7.0), ("2020-02-01", 1.5), ("2022-10-01", 6.0), ("2023-09-13", 11.0)]
NB_SHAPE = 2.5  # negative-binomial shape of baseline counts (over-dispersed)
TASKING_GAP = (pd.Timestamp("2020-03-01"), pd.Timestamp("2020-05-15"))  # no imagery ordered
# overcast spells with no countable image (start, end exclusive): one hides the onset
CLOUDY_SPELLS = [
    (pd.Timestamp("2021-07-01"), pd.Timestamp("2021-08-20")),
    (pd.Timestamp("2023-09-23"), pd.Timestamp("2023-10-05")),
]
SYNTHETIC_NOTE = "synthetic example, not an observation"


def _revisit_rate(day: pd.Timestamp) -> float:
    """Return the chance that a pass over the facility is tasked on ``day`` (per day)."""
    if TASKING_GAP[0] <= day < TASKING_GAP[1]:
        return 0.0
    if day >= pd.Timestamp("2023-09-01"):
        return 0.35  # analysts watch closely around the summit
    return 0.12


def _regime_mean(day: pd.Timestamp) -> float:
    """Return the mean baseline railcar count on ``day``."""
    mean = RAIL_REGIMES[0][1]
    for start, value in RAIL_REGIMES:
        if day >= pd.Timestamp(start):
            mean = value
    return mean


def _baseline_count(u: float, mean: float) -> int:
    """Draw a count from a negative binomial with ``mean``, truncated to the published cap."""
    p = NB_SHAPE / (NB_SHAPE + mean)
    cap = stats.nbinom.cdf(BASELINE_CAP, NB_SHAPE, p)
    return int(stats.nbinom.ppf(u * cap, NB_SHAPE, p))


def _elevated_count(u: float) -> int:
    """Draw a count for the weeks after the peak: between 24 and 68 railcars."""
    return int(24 + np.floor(u * 45))


def _confidence(gsd_m: float, cloud_pct: int) -> str:
    """Return the analyst's confidence in a count given resolution (m) and cloud (%)."""
    if gsd_m > 1.0:  # railcars are a few pixels long: clear sky only
        return "medium" if cloud_pct <= 3 else "low"
    if cloud_pct > 25:
        return "low"
    if cloud_pct > 15:
        return "medium"
    return "high" if gsd_m <= 0.3 or cloud_pct <= 10 else "medium"


def _rail_passes(rng: np.random.Generator) -> list[pd.Timestamp]:
    """Return the acquisition times of usable images (cloud-free enough to count)."""
    times = []
    for day in pd.date_range(RAIL_START, RAIL_END, freq="D"):
        tasked = rng.random() < _revisit_rate(day)
        clear = rng.random() >= CLOUD_LOSS[day.month] and not any(
            start <= day < end for start, end in CLOUDY_SPELLS
        )
        minutes = int(rng.integers(75, 150))  # sun-synchronous morning pass, UTC
        if tasked and clear and day.normalize() != PEAK_DAY:
            times.append(day + pd.Timedelta(minutes=minutes))
    times.append(PEAK_DAY + pd.Timedelta(minutes=108))
    return sorted(times)


def _rail_row(rng: np.random.Generator, when: pd.Timestamp, number: int) -> dict:
    """Return one synthetic image record (count, sensor, cloud, analyst, confidence)."""
    k = rng.choice(len(SENSORS), p=[w for _, _, w in SENSORS])
    provider, gsd = SENSORS[k][0], SENSORS[k][1]
    cloud = int(np.floor(rng.random() ** 2 * 35))
    u, undercount = rng.random(), 0.7 + 0.3 * rng.random()
    day = when.normalize()
    if day < PEAK_DAY:
        count = _baseline_count(u, _regime_mean(day))
    else:
        count = _elevated_count(u)
    if gsd > 1.0:  # coarse images miss railcars
        count = int(np.floor(count * undercount))
    return {
        "site": RAIL_SITE,
        "acquired": when,
        "railcars": count,
        "image_id": f"SYN-TUM-{when:%Y%m%d}-{number:03d}",
        "provider": provider,
        "gsd_m": gsd,
        "cloud_pct": cloud,
        "analyst": ANALYSTS[int(rng.integers(3))],
        "confidence": _confidence(gsd, cloud),
        "notes": SYNTHETIC_NOTE,
    }


def _calibrate(table: pd.DataFrame) -> pd.DataFrame:
    """Pin the published figures: 73 on the peak day, a five-year maximum of exactly 20."""
    table = table.copy()
    peak = table["acquired"].dt.normalize() == PEAK_DAY
    table.loc[peak, ["railcars", "provider", "gsd_m", "cloud_pct", "confidence"]] = [
        PEAK_COUNT,
        SENSORS[0][0],
        SENSORS[0][1],
        3,
        "high",
    ]
    table.loc[peak, "notes"] = (
        SYNTHETIC_NOTE + "; calibrated to the published count of about 73 railcars on 2023-10-05"
    )
    window = (
        (table["acquired"] >= PEAK_DAY - pd.DateOffset(years=5))
        & (table["acquired"] < PEAK_DAY)
        & (table["confidence"] == "high")
    )
    top = table.loc[window, "railcars"].idxmax()
    table.loc[top, "railcars"] = BASELINE_CAP
    table.loc[top, "notes"] = (
        SYNTHETIC_NOTE + "; calibrated to the published five-year maximum of 20 railcars"
    )
    return table


def make_railcars(rng: np.random.Generator) -> pd.DataFrame:
    """Return synthetic per-image railcar counts at Tumangang (schema of DESIGN.md).

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's own random stream.

    Returns
    -------
    pandas.DataFrame
        Columns ``RAIL_COLUMNS``, sorted by acquisition time; ``acquired`` is UTC,
        ``gsd_m`` in metres, ``cloud_pct`` in percent of the scene.
    """
    times = _rail_passes(rng)
    rows = [_rail_row(rng, when, n) for n, when in enumerate(times, start=1)]
    table = _calibrate(pd.DataFrame(rows, columns=RAIL_COLUMNS))
    table["acquired"] = table["acquired"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    table["gsd_m"] = table["gsd_m"].map("{:.2f}".format)
    return table.sort_values(["acquired", "image_id"], kind="stable").reset_index(drop=True)


# a second, independent counter recounts a share of the images, always the peak and the
# calibrated baseline maximum; its error grows with the count and on coarse images
SECOND_SHARE = 0.3
SECOND_ANALYSTS = ["B1", "B2"]
SECOND_COLUMNS = ["image_id", "railcars", "analyst", "notes"]


def _second_count(rng: np.random.Generator, first: int, gsd_m: float) -> int:
    """Return a second counter's count of an image the first counter saw ``first`` in."""
    sd = 0.5 + 0.04 * first + (1.0 if gsd_m > 1.0 else 0.0)
    return max(0, int(round(first + rng.normal(0.0, sd))))


def make_railcars_second_count(rng: np.random.Generator, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Return a second, independent count of a subset of the example railcar images.

    Parameters
    ----------
    rng : numpy.random.Generator
        The file's own stream (which images, the second counts).
    seed : int
        The seed of the first count (:func:`make_railcars` on its own stream), whose
        images are recounted.

    Returns
    -------
    pandas.DataFrame
        Columns ``SECOND_COLUMNS``, one row per recounted image in the order of the first
        file, keyed by ``image_id``.
    """
    first = make_railcars(stream(seed, "railcars"))
    calibrated = first["notes"].str.contains("calibrated")
    chosen = (rng.random(len(first)) < SECOND_SHARE) | calibrated.to_numpy()
    rows = [
        {
            "image_id": row.image_id,
            "railcars": _second_count(rng, int(row.railcars), float(row.gsd_m)),
            "analyst": SECOND_ANALYSTS[int(rng.integers(len(SECOND_ANALYSTS)))],
            "notes": SYNTHETIC_NOTE + "; second independent count",
        }
        for row, pick in zip(first.itertuples(index=False), chosen)
        if pick
    ]
    return pd.DataFrame(rows, columns=SECOND_COLUMNS)


# --- the vessel shuttle: one scenario, seen by satellites and by AIS --------------------
#
# The scenario is the "truth" both kinds of evidence are drawn from: where each ship is at
# every moment (port stays and passages along the water-only routes of tumen.geo.sea), when
# its transponder is on, and how many containers it loads at Rajin. It comes from its own
# stream (SHUTTLE_SCENARIO) so that the sightings and the AIS files describe the same
# voyages; each file then draws what its sensor records from the file's own stream.

SHUTTLE_SCENARIO = "vessel_shuttle"
SHUTTLE_START = pd.Timestamp("2023-08-01", tz="UTC")  # first AIS message and image
SHUTTLE_END = pd.Timestamp("2023-10-16", tz="UTC")  # one day past the published end
# places, (lat, lon) degrees WGS 84: berths inside the 2 km port geofences of data/sites.csv
# (open water at Natural Earth 10m), anchorages, a fishing ground, and the edges of the
# region where through traffic enters and leaves (a ship "at" an exit is out of range)
PLACES = {
    "rajin_berth": (42.2335, 130.2935),
    "rajin_east_berth": (42.2300, 130.2980),
    "dunai_berth": (42.8750, 132.3560),
    "vladivostok_anchorage": (43.0500, 131.9300),
    "nakhodka_anchorage": (42.7800, 132.9000),
    "zarubino": (42.6300, 131.0800),
    "fishing_ground": (42.4000, 131.4000),
    "exit_south": (41.9000, 130.9000),
    "exit_southeast": (41.9000, 132.6000),
}
PORT_OF = {
    "rajin_berth": "rajin_port",
    "rajin_east_berth": "rajin_port",
    "dunai_berth": "dunai_port",
}
# coastal AIS receivers (tag-block source, lat, lon); range in km. Rajin lies outside their
# range: only satellites hear ships there.
RECEIVERS = [("VLAD1", 43.10, 131.90), ("NAKH1", 42.80, 132.90), ("ZARU1", 42.64, 131.08)]
RECEIVER_RANGE_KM = 65.0
# the two ships of the published finding; identities (MMSI, IMO, call sign) are invented
SHUTTLE_SHIPS = {
    "ANGARA": {
        "mmsi": 273219860,
        "imo": 9154517,
        "callsign": "UFKR7",
        "ship_type": 70,
        "dims": (120, 22, 9, 9),
        "draught": 6.8,
        "speed_kn": (10.0, 11.5),
        "load": (240, 320),
    },
    "MARIA": {
        "mmsi": 273417530,
        "imo": 9136527,
        "callsign": "UBWM4",
        "ship_type": 70,
        "dims": (96, 18, 8, 8),
        "draught": 6.1,
        "speed_kn": (9.5, 11.0),
        "load": (170, 260),
    },
}
# Where each ship stays until when (UTC): after the last departure it sails to the next
# place. Angara: AIS on near Vladivostok and at Dunai, dark for the shuttle from
# 14 August; about 300 containers at Rajin on 7-8 September (the White House imagery);
# at Rajin again on 14 October. Maria: dark from 20 August, back on AIS at Dunai in October.
SHUTTLE_SCHEDULES = {
    "ANGARA": [
        ("vladivostok_anchorage", "2023-08-09T02:00"),
        ("dunai_berth", "2023-08-14T18:00"),
        ("rajin_berth", "2023-08-17T20:00"),
        ("dunai_berth", "2023-08-24T16:00"),
        ("rajin_berth", "2023-08-28T20:00"),
        ("dunai_berth", "2023-09-04T18:00"),
        ("rajin_berth", "2023-09-08T12:00"),
        ("dunai_berth", "2023-09-16T18:00"),
        ("rajin_berth", "2023-09-20T20:00"),
        ("dunai_berth", "2023-09-26T18:00"),
        ("rajin_berth", "2023-09-30T12:00"),
        ("dunai_berth", "2023-10-07T18:00"),
        ("rajin_berth", "2023-10-11T12:00"),
        ("dunai_berth", "2023-10-13T06:00"),
        ("rajin_berth", None),
    ],
    "MARIA": [
        ("nakhodka_anchorage", "2023-08-20T04:00"),
        ("rajin_berth", "2023-08-24T14:00"),
        ("dunai_berth", "2023-08-31T18:00"),
        ("rajin_berth", "2023-09-04T12:00"),
        ("dunai_berth", "2023-09-12T18:00"),
        ("rajin_berth", "2023-09-15T20:00"),
        ("dunai_berth", "2023-09-23T16:00"),
        ("rajin_berth", "2023-09-27T12:00"),
        ("dunai_berth", "2023-10-03T18:00"),
        ("rajin_berth", "2023-10-06T12:00"),
        ("dunai_berth", "2023-10-12T04:00"),
        ("vladivostok_anchorage", None),
    ],
}
# transponder on (start, end) UTC; off otherwise. The short spells are the brief
# transmissions of real reporting: hours at the Dunai berth, minutes at sea.
SHUTTLE_AIS_ON = {
    "ANGARA": [("2023-08-01T00:00", "2023-08-14T20:00"), ("2023-09-22T03:00", "2023-09-22T07:30")],
    "MARIA": [
        ("2023-08-01T00:00", "2023-08-20T07:00"),
        ("2023-09-04T19:40", "2023-09-04T20:20"),
        ("2023-10-09T06:00", "2023-10-16T00:00"),
    ],
}
# background traffic that transmits normally: (name, MMSI, IMO, call sign, AIS ship type,
# pattern, speed kn); identities invented
BACKGROUND_SHIPS = [
    ("VOSTOK TRADER", 273356120, 9213454, "UCVT3", 70, "coaster", 11.0),
    ("SEA PEARL", 352004871, 9308651, "3FSP8", 71, "liner", 14.0),
    ("RASON STAR", 457118000, 9087142, "JVRS5", 70, "rajin_tramp", 9.5),
    ("HAI SHUN 6", 413562190, 9174725, "BQHS6", 70, "rajin_tramp", 10.0),
    ("PRIMORYE", 273418840, 9265196, "UBPR2", 80, "tanker", 10.5),
    ("SEVER 7", 273512340, None, "UFSV7", 30, "fishing", 3.0),
]
# imagery: chance per day that a pass is tasked over the port; optical passes are lost to
# cloud; SAR sees through cloud but cannot count containers
IMAGERY = {"rajin_port": {"optical": 0.5, "sar": 0.25}, "dunai_port": {"optical": 0.4, "sar": 0.2}}
CLOUD_LOSS_SEA = {8: 0.5, 9: 0.35, 10: 0.25}
OPTICAL = [("SYN-VHR30", 0.30, 0.5), ("SYN-VHR50", 0.50, 0.5)]
SAR = "SYN-SAR100"
# the containers counted over all trips stay below this: "hundreds" (RUSI) in the images,
# so that "more than 1,000" (White House) needs the trips nobody counted
COUNTED_CAP = 990
WIDE_AREA_RATE = 0.3  # wide-area SAR scenes of the sea between the ports, per day
SIGHTING_COLUMNS = [*SIGHTING_REQUIRED, *SIGHTING_OPTIONAL]  # the columns the reader knows
# (vessel, time, port, containers): images pinned to published figures
SHUTTLE_CALIBRATION = [
    (
        "ANGARA",
        "2023-08-16T02:05",
        "rajin_port",
        None,
        "calibrated to RUSI: the shuttle began in mid-August 2023",
    ),
    (
        "ANGARA",
        "2023-09-07T02:12",
        "rajin_port",
        296,
        "calibrated to the White House imagery: about 300 containers at Najin on 7-8 Sep 2023",
    ),
    (
        "ANGARA",
        "2023-09-08T01:48",
        "rajin_port",
        305,
        "calibrated to the White House imagery: about 300 containers at Najin on 7-8 Sep 2023",
    ),
    (
        "ANGARA",
        "2023-10-14T02:20",
        "rajin_port",
        None,
        "calibrated to RUSI: the shuttle was still running on 14 Oct 2023",
    ),
]
WH_LOAD = ("ANGARA", "2023-09-08T12:00", 305)  # the load of the stay those images show


def _epoch(text) -> float:
    """Seconds since 1970 (UTC) of an ISO time text or timestamp."""
    ts = pd.Timestamp(text)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return ts.value / 1e9


def _bearing(lat1, lon1, lat2, lon2):
    """Initial great-circle bearing, degrees true (vectorised)."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(np.subtract(lon2, lon1))
    x = np.sin(dl) * np.cos(p2)
    y = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(x, y)) % 360


def _km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (the ais module's formula)."""
    return haversine_km(lat1, lon1, lat2, lon2)


@functools.cache
def _route(a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    """Water-only path between two places (lat, lon arrays, degrees), via tumen.geo.sea."""
    if a == "fishing_ground" or b == "fishing_ground":
        lat, lon = zip(PLACES[a], PLACES[b])  # open water, no land in between
        return np.array(lat), np.array(lon)
    r = sea.sea_route(PLACES[a], PLACES[b])
    lat = np.r_[PLACES[a][0], r.lat, PLACES[b][0]]
    lon = np.r_[PLACES[a][1], r.lon, PLACES[b][1]]
    return lat, lon


class _Track:
    """Where a ship is: stays (fixed point) and passages (a path at constant speed)."""

    def __init__(self, name: str):
        self.name = name
        self.t0: list = []  # segment start, epoch s
        self.t1: list = []  # segment end, epoch s
        self.kind: list = []  # "stay", "away" (out of range) or "sail"
        self.place: list = []  # place name (stays) or None
        self.path: list = []  # (lat, lon, cumulative km) arrays
        self.status: list = []  # AIS navigational status
        self.heading: list = []  # degrees, at a stay

    def add(self, t0, t1, kind, place, path, status, heading=0.0):
        for attr, value in zip(
            ("t0", "t1", "kind", "place", "path", "status", "heading"),
            (t0, t1, kind, place, path, status, heading),
        ):
            getattr(self, attr).append(value)

    def at(self, times: np.ndarray) -> pd.DataFrame:
        """Position, speed (kn), course, heading, status and place at each time (epoch s)."""
        times = np.asarray(times, float)
        seg = np.clip(np.searchsorted(np.array(self.t0), times, "right") - 1, 0, len(self.t0) - 1)
        out = pd.DataFrame(
            {
                "t": times,
                "seg": seg,
                "lat": np.nan,
                "lon": np.nan,
                "sog": 0.0,
                "cog": 0.0,
                "heading": 0.0,
                "status": 5,
                "place": None,
                "kind": "",
            }
        )
        for k in np.unique(seg):
            rows = np.flatnonzero(seg == k)
            lat, lon, cum = self.path[k]
            t0, t1 = self.t0[k], self.t1[k]
            out.loc[rows, "kind"] = self.kind[k]
            out.loc[rows, "status"] = self.status[k]
            if self.kind[k] != "sail":
                out.loc[rows, ["lat", "lon"]] = [lat[0], lon[0]]
                out.loc[rows, "heading"] = self.heading[k]
                out.loc[rows, "place"] = self.place[k]
                continue
            frac = np.clip((times[rows] - t0) / (t1 - t0), 0, 1)
            d = frac * cum[-1]
            i = np.clip(np.searchsorted(cum, d, "right") - 1, 0, len(cum) - 2)
            f = (d - cum[i]) / np.maximum(cum[i + 1] - cum[i], 1e-9)
            out.loc[rows, "lat"] = lat[i] + f * (lat[i + 1] - lat[i])
            out.loc[rows, "lon"] = lon[i] + f * (lon[i + 1] - lon[i])
            out.loc[rows, "sog"] = cum[-1] / 1.852 / ((t1 - t0) / 3600)
            out.loc[rows, "cog"] = _bearing(lat[i], lon[i], lat[i + 1], lon[i + 1])
            out.loc[rows, "heading"] = out.loc[rows, "cog"]
        return out

    def stays(self) -> pd.DataFrame:
        """The stays: place, start and end (epoch s)."""
        keep = [k for k, kind in enumerate(self.kind) if kind == "stay"]
        return pd.DataFrame(
            {
                "place": [self.place[k] for k in keep],
                "t0": [self.t0[k] for k in keep],
                "t1": [self.t1[k] for k in keep],
            }
        )


def _path(a: str, b: str):
    lat, lon = _route(a, b)
    cum = np.r_[0.0, np.cumsum(_km(lat[:-1], lon[:-1], lat[1:], lon[1:]))]
    return lat, lon, cum


def _point(place: str):
    lat, lon = PLACES[place]
    return np.array([lat]), np.array([lon]), np.array([0.0])


def _stay_status(place: str) -> int:
    """AIS navigational status at a place: 5 moored at berths, 7 fishing, 1 at anchor."""
    return 5 if place.endswith("berth") else 7 if place.startswith("fishing") else 1


def _track(name: str, schedule, speed_kn, rng, start=SHUTTLE_START, end=SHUTTLE_END):
    """Build a track from ``[(place, depart), ...]``: stay until depart, then sail on."""
    track = _Track(name)
    t = _epoch(start)
    for (place, depart), (nxt, _) in zip(schedule, schedule[1:] + [(None, None)]):
        t_dep = _epoch(depart) if depart else max(_epoch(end), t)
        if t_dep < t:
            raise ValueError(f"{name} leaves {place} at {depart}, before it arrives")
        kind = "away" if place.startswith("exit") else "stay"
        track.add(
            t, t_dep, kind, place, _point(place), _stay_status(place), float(rng.uniform(0, 360))
        )
        if nxt is None:
            break
        path = _path(place, nxt)
        speed = rng.uniform(*speed_kn) if isinstance(speed_kn, tuple) else speed_kn
        hours = path[2][-1] / 1.852 / speed
        status = 7 if "fishing" in (place, nxt) else 0
        track.add(t_dep, t_dep + hours * 3600, "sail", None, path, status)
        t = t_dep + hours * 3600
    return track


def _background_schedule(pattern: str, rng) -> list:
    """A schedule ``[(place, depart), ...]`` for one kind of background traffic."""
    t, out = SHUTTLE_START + pd.Timedelta(hours=float(rng.uniform(0, 48))), []
    cycles = {
        "coaster": ["vladivostok_anchorage", "nakhodka_anchorage"],
        "liner": ["exit_southeast", "vladivostok_anchorage"],
        "rajin_tramp": ["rajin_east_berth", "exit_south"],
        "tanker": ["nakhodka_anchorage", "zarubino"],
        "fishing": ["zarubino", "fishing_ground"],
    }[pattern]
    stay_days = {
        "coaster": (1.5, 4),
        "liner": (2, 5),
        "rajin_tramp": (3, 7),
        "tanker": (2, 6),
        "fishing": (0.3, 2.5),
    }[pattern]
    k = 0
    while t < SHUTTLE_END:
        out.append((cycles[k % 2], t.strftime("%Y-%m-%dT%H:%M")))
        t += pd.Timedelta(days=float(rng.uniform(*stay_days)) + 1.0)  # passage included
        k += 1
    out.append((cycles[k % 2], None))
    return out


@functools.lru_cache(maxsize=4)
def shuttle_scenario(seed: int) -> dict:
    """The shared truth of the vessel example data for a seed (cached).

    Returns
    -------
    dict
        ``tracks`` (name -> _Track), ``ais_on`` (name -> list of (start, end) epoch s),
        ``loads`` (name -> {Rajin departure epoch s: containers loaded}), ``statics``
        (name -> type 5 fields), ``fishing`` (name -> waypoints).
    """
    rng = stream(seed, SHUTTLE_SCENARIO)
    tracks, ais_on, loads, statics = {}, {}, {}, {}
    for name, ship in SHUTTLE_SHIPS.items():
        tracks[name] = _track(name, SHUTTLE_SCHEDULES[name], ship["speed_kn"], rng)
        ais_on[name] = [(_epoch(a), _epoch(b)) for a, b in SHUTTLE_AIS_ON[name]]
        stays = tracks[name].stays()
        rajin = stays[stays["place"] == "rajin_berth"]
        loads[name] = {float(t1): int(rng.integers(*ship["load"])) for t1 in rajin["t1"]}
        statics[name] = {
            "shipname": name,
            "imo": ship["imo"],
            "callsign": ship["callsign"],
            "ship_type": ship["ship_type"],
            "dims": ship["dims"],
            "draught": ship["draught"],
            "mmsi": ship["mmsi"],
        }
    vessel, depart, load = WH_LOAD
    loads[vessel][_epoch(depart)] = load
    for name, mmsi, imo, callsign, ship_type, pattern, speed in BACKGROUND_SHIPS:
        tracks[name] = _track(name, _background_schedule(pattern, rng), speed, rng)
        ais_on[name] = [(_epoch(SHUTTLE_START), _epoch(SHUTTLE_END))]
        statics[name] = {
            "shipname": name,
            "imo": imo,
            "callsign": callsign,
            "ship_type": ship_type,
            "dims": (60, 15, 5, 5) if pattern == "fishing" else (140, 25, 11, 11),
            "draught": 5.0,
            "mmsi": mmsi,
        }
    return {"tracks": tracks, "ais_on": ais_on, "loads": loads, "statics": statics}


# --- satellite sightings ----------------------------------------------------------------


def _image_passes(rng) -> pd.DataFrame:
    """Usable images of each port: time, port, provider, gsd (m), cloud (%)."""
    rows = []
    for day in pd.date_range(SHUTTLE_START, SHUTTLE_END - pd.Timedelta(days=1), freq="D"):
        for port, rate in IMAGERY.items():
            if rng.random() < rate["optical"]:
                when = day + pd.Timedelta(minutes=int(rng.integers(85, 165)))
                k = int(rng.random() < OPTICAL[1][2])
                cloud = int(np.floor(rng.random() ** 2 * 40))
                if rng.random() >= CLOUD_LOSS_SEA[day.month]:
                    rows.append((when, port, OPTICAL[k][0], OPTICAL[k][1], cloud))
            if rng.random() < rate["sar"]:
                minutes = int(
                    rng.integers(560, 610) if rng.random() < 0.5 else rng.integers(1240, 1290)
                )
                rows.append((day + pd.Timedelta(minutes=minutes), port, SAR, 3.0, -1))
    return pd.DataFrame(rows, columns=["time", "port", "provider", "gsd", "cloud"])


def _count(load: int, at_rajin: bool, rng) -> int:
    """Containers an analyst counts on one image of a ship loading (Rajin) or unloading."""
    low = 0.88 if at_rajin else 0.7
    return int(round(load * rng.uniform(low, 1.0)))


def _load_of(loads: dict, t: float, at_rajin: bool) -> tuple[float | None, int | None]:
    """The trip a stay belongs to (its Rajin departure, epoch s) and its load: the Rajin
    stay itself, or for Dunai the Rajin stay before."""
    departures = np.array(sorted(loads))
    pick = departures[departures >= t][:1] if at_rajin else departures[departures <= t][-1:]
    return (float(pick[0]), loads[float(pick[0])]) if len(pick) else (None, None)


def _sighting(rng, name, when, port, provider, gsd, cloud, load, scenario, note=""):
    """One sighting row of a shuttle ship at a port (counts only on clear fine images)."""
    countable = gsd <= 0.3 and 0 <= cloud <= 15 and load is not None
    containers = _count(load, port == "rajin_port", rng) if countable else None
    confidence = "medium" if provider == SAR or cloud > 15 else "high"
    spelled = name if rng.random() < 0.1 else name.title()
    imo = scenario["statics"][name]["imo"] if rng.random() < 0.8 else ""
    return {
        "vessel": spelled,
        "observed": when,
        "site": port,
        "lat": "",
        "lon": "",
        "imo": imo,
        "status": "berthed",
        "containers": containers,
        "image_id": f"SYN-{port[:3].upper()}-{when:%Y%m%d-%H%M}",
        "provider": provider,
        "confidence": confidence,
        "notes": SYNTHETIC_NOTE + (f"; {note}" if note else ""),
    }


def make_vessel_sightings(rng: np.random.Generator, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Return synthetic satellite sightings of Angara and Maria (schema of DESIGN.md).

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's own stream (which images exist, counts, spellings).
    seed : int
        The seed of the shared scenario (:func:`shuttle_scenario`).

    Returns
    -------
    pandas.DataFrame
        Columns ``SIGHTING_COLUMNS``, sorted by time and image; ``observed`` is UTC, ``lat``
        and ``lon`` (degrees, only for ships at sea) have four decimals.
    """
    scenario = shuttle_scenario(seed)
    passes = _image_passes(rng)
    pinned = {
        (pd.Timestamp(t, tz="UTC").normalize(), port) for _, t, port, _, _ in SHUTTLE_CALIBRATION
    }
    keep = [(t.normalize(), p) not in pinned for t, p in zip(passes["time"], passes["port"])]
    passes = passes[keep]
    rows = []
    for name in SHUTTLE_SHIPS:
        track = shuttle_events(seed)["tracks"].get(name, scenario["tracks"][name])
        loads = scenario["loads"][name]
        where = track.at(passes["time"].map(lambda t: t.value / 1e9).to_numpy())
        at_port = where["place"].map(PORT_OF).to_numpy() == passes["port"].to_numpy()
        for (_, p), t in zip(passes[at_port].iterrows(), where.loc[at_port, "t"]):
            trip, load = _load_of(loads, t, p["port"] == "rajin_port")
            rows.append(
                _sighting(
                    rng,
                    name,
                    p["time"],
                    p["port"],
                    p["provider"],
                    p["gsd"],
                    p["cloud"],
                    load,
                    scenario,
                )
                | {"trip": (name, trip)}
            )
        rows += _underway_sightings(rng, name, track, scenario)
    for name, when, port, count, note in SHUTTLE_CALIBRATION:
        row = _sighting(
            rng,
            name,
            pd.Timestamp(when, tz="UTC"),
            port,
            OPTICAL[0][0],
            0.3,
            2,
            None,
            scenario,
            note,
        )
        row.update(
            vessel=name.title(),
            imo=scenario["statics"][name]["imo"],
            containers=count,
            confidence="high",
            trip=(name, _load_of(scenario["loads"][name], _epoch(when), True)[0]),
        )
        rows.append(row)
    table = pd.concat([_cap_counts(pd.DataFrame(rows), rng), _misfit_row(seed)], ignore_index=True)[
        SIGHTING_COLUMNS
    ]
    table["containers"] = table["containers"].map(lambda c: "" if pd.isna(c) else str(int(c)))
    table = table.sort_values(["observed", "image_id", "vessel"], kind="stable")
    table["observed"] = table["observed"].map(lambda t: t.strftime("%Y-%m-%dT%H:%M:00Z"))
    return table.reset_index(drop=True)


def _misfit_row(seed: int) -> pd.DataFrame:
    """The image of a ship identified as Maria where her AIS track cannot have been."""
    m = shuttle_events(seed)["misfit"]
    return pd.DataFrame(
        [
            {
                "vessel": m["vessel"],
                "observed": pd.Timestamp(m["observed"], tz="UTC"),
                "site": "",
                "lat": f"{m['lat']:.4f}",
                "lon": f"{m['lon']:.4f}",
                "imo": "",
                "status": "underway",
                "containers": None,
                "image_id": m["image_id"],
                "provider": SAR,
                "confidence": "low",
                "notes": SYNTHETIC_NOTE
                + "; a synthetic misfit: her AIS puts her far from this place "
                "at this time (a sighting that does not fit the track)",
            }
        ]
    )


def _cap_counts(table: pd.DataFrame, rng) -> pd.DataFrame:
    """Keep the containers counted over all trips below ``COUNTED_CAP``: drop the counts of
    whole trips (the analyst could not count them), never of the calibrated images."""
    table = table.copy()
    pinned = set(table.loc[table["notes"].str.contains("White House"), "trip"])
    while True:
        per_trip = table.dropna(subset=["containers"]).groupby("trip")["containers"].max()
        if per_trip.sum() <= COUNTED_CAP:
            return table
        choices = sorted(set(per_trip.index) - pinned)
        drop = choices[int(rng.integers(len(choices)))]
        table.loc[table["trip"] == drop, "containers"] = None


def _underway_sightings(rng, name: str, track: _Track, scenario: dict) -> list:
    """Wide-area SAR scenes that happen to catch the ship at sea between the ports."""
    days = pd.date_range(SHUTTLE_START, SHUTTLE_END - pd.Timedelta(days=1), freq="D")
    scenes = [
        d + pd.Timedelta(minutes=int(rng.integers(560, 610)))
        for d in days
        if rng.random() < WIDE_AREA_RATE
    ]
    where = track.at(np.array([t.value / 1e9 for t in scenes]))
    rows = []
    for when, (_, w) in zip(scenes, where.iterrows()):
        if w["kind"] == "sail" and 42.1 <= w["lat"] <= 43.0 and 130.3 <= w["lon"] <= 132.4:
            rows.append(
                {
                    "vessel": name.title(),
                    "observed": when,
                    "site": "",
                    "lat": f"{w['lat']:.4f}",
                    "lon": f"{w['lon']:.4f}",
                    "imo": "",
                    "status": "underway",
                    "containers": None,
                    "image_id": f"SYN-PGG-{when:%Y%m%d-%H%M}",
                    "provider": SAR,
                    "confidence": "medium",
                    "notes": SYNTHETIC_NOTE,
                }
            )
    return rows


# --- AIS --------------------------------------------------------------------------------


def _broadcasts(track: _Track, on: list, rng) -> np.ndarray:
    """Times (epoch s) of the position reports a feed keeps: every 4-8 min underway,
    every 20-40 min at a stay, only while the transponder is on and the ship in range."""
    out = []
    for t0, t1, kind in zip(track.t0, track.t1, track.kind):
        if kind == "away":
            continue
        low, high = (240, 480) if kind == "sail" else (1200, 2400)
        n = int((t1 - t0) / low) + 2
        t = t0 + np.cumsum(rng.uniform(low, high, n))
        out.append(np.floor(t[t < t1]))
    times = np.concatenate(out) if out else np.array([])
    mask = np.zeros(len(times), bool)
    for a, b in on:
        mask |= (times >= a) & (times < b)
    return times[mask]


def _receivers_in_range(lat, lon) -> np.ndarray:
    """Distance (km) from each point to each coastal receiver, shape (points, receivers)."""
    return np.stack([_km(lat, lon, r_lat, r_lon) for _, r_lat, r_lon in RECEIVERS], axis=1)


def _tag(epoch: int, source: str) -> str:
    """NMEA 4 tag block ``\\s:<source>,c:<epoch>*hh\\``."""
    body = f"s:{source},c:{epoch}"
    return f"\\{body}*{checksum(body.encode()):02X}\\"


def _with_checksum(body: str) -> str:
    """Complete an NMEA sentence (``$...`` or ``!...`` without ``*hh``) with its checksum."""
    return f"{body}*{checksum(body[1:].encode()):02X}"


def _position_sentences(mmsi: int, fixes: pd.DataFrame, rng) -> list[str]:
    """Encode position reports (types 1, 2, 3) as one ``!AIVDM`` sentence each."""
    kinds = rng.choice([1, 2, 3], size=len(fixes), p=[0.85, 0.02, 0.13])
    channels = rng.choice(["A", "B"], size=len(fixes))
    out = []
    for (_, f), kind, ch in zip(fixes.iterrows(), kinds, channels):
        fields = {
            "type": int(kind),
            "mmsi": mmsi,
            "status": int(f["status"]),
            "speed": round(float(f["sog"]), 1),
            "accuracy": 0,
            "lon": round(float(f["lon"]), 5),
            "lat": round(float(f["lat"]), 5),
            "course": round(float(f["cog"]), 1) % 360,
            "heading": int(round(f["heading"])) % 360,
            "second": int(f["t"]) % 60,
        }
        out.append(encode_dict(fields, talker_id="AI", sentence_type="VDM", radio_channel=ch)[0])
    return out


def _name_at(static: dict, epoch: float) -> str:
    """The name a ship broadcasts at ``epoch``: ``shipname``, or the last of its
    ``renamed`` entries ``(from epoch s, name)`` already in force."""
    name = static["shipname"]
    for since, other in static.get("renamed", ()):
        if epoch >= since:
            name = other
    return name


def _static_sentences(static: dict, epoch: float, seq: int, channel: str) -> list[str]:
    """Encode one type 5 static report (two sentences)."""
    bow, stern, port, starboard = static["dims"]
    eta = pd.Timestamp(epoch, unit="s") + pd.Timedelta(days=1)
    fields = {
        "type": 5,
        "mmsi": static["mmsi"],
        "ais_version": 0,
        "imo": static["imo"] or 0,
        "callsign": static["callsign"],
        "shipname": _name_at(static, epoch),
        "ship_type": static["ship_type"],
        "to_bow": bow,
        "to_stern": stern,
        "to_port": port,
        "to_starboard": starboard,
        "epfd": 1,
        "month": eta.month,
        "day": eta.day,
        "hour": eta.hour,
        "minute": 0,
        "draught": static["draught"],
        "destination": "",
        "dte": 0,
    }
    return encode_dict(
        fields, talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq
    )


def _ais_lines(
    rng, scenario: dict, receiver: str, *, cut: dict | None = None, passes: np.ndarray | None = None
) -> list[tuple[float, int, str, bool]]:
    """``(time, order, line, dropped)`` of every message one kind of receiver hears;
    ``dropped`` marks the messages of a ship at or after ``cut[name]`` (epoch s), whose
    truth the events replace (:func:`shuttle_events`); they are drawn all the same, so
    that every other message stays as it was."""
    lines, seq = [], 0
    passes = _satellite_passes(rng) if passes is None else passes
    for name, track in scenario["tracks"].items():
        static, on = scenario["statics"][name], scenario["ais_on"][name]
        after = (cut or {}).get(name, np.inf)
        lines += [
            (t, order, line, t >= after)
            for t, order, line in _ship_lines(rng, track, static, on, receiver, passes, seq)
        ]
        seq += 1
    return lines


def _ship_lines(
    rng,
    track: _Track,
    static: dict,
    on: list,
    receiver: str,
    passes: np.ndarray,
    seq: int,
    source: str = "SAT1",
) -> list:
    """``(time, order, line)`` of the messages of one ship a kind of receiver hears."""
    lines = []
    if receiver == "terrestrial":
        times = _broadcasts(track, on, rng)
    else:
        times = _satellite_times(track, on, passes, rng)
    fixes = track.at(times)
    fixes["sog"] = np.where(
        fixes["kind"] == "sail",
        fixes["sog"] + rng.normal(0, 0.3, len(fixes)),
        np.abs(rng.normal(0, 0.05, len(fixes))),
    )
    fixes["lat"] += rng.normal(0, 0.00008, len(fixes))  # GNSS noise, about 10 m
    fixes["lon"] += rng.normal(0, 0.00011, len(fixes))
    fixes["cog"] = np.where(
        fixes["kind"] == "sail",
        fixes["cog"] + rng.normal(0, 1.5, len(fixes)),
        rng.uniform(0, 360, len(fixes)),
    )
    fixes["heading"] = fixes["heading"] + rng.normal(0, 2.0, len(fixes))
    if receiver == "terrestrial":
        dist = _receivers_in_range(fixes["lat"].to_numpy(), fixes["lon"].to_numpy())
        heard = (dist.min(axis=1) <= RECEIVER_RANGE_KM) & (rng.random(len(fixes)) < 0.95)
        sources = (
            np.array([RECEIVERS[k][0] for k in dist.argmin(axis=1)]) if len(fixes) else np.array([])
        )
        fixes, sources, dist = fixes[heard], sources[heard], dist[heard]
    else:
        sources = np.full(len(fixes), source)
    sentences = _position_sentences(static["mmsi"], fixes, rng)
    for t, s, src in zip(fixes["t"], sentences, sources):
        lines.append((t, 0, _tag(int(t), src) + s))
    if receiver == "terrestrial":  # the same report heard by a second station
        second = (np.sort(dist, axis=1)[:, 1] <= RECEIVER_RANGE_KM) if len(dist) else []
        for t, s, src, both in zip(fixes["t"], sentences, sources, second):
            if both and rng.random() < 0.02:
                other = [r for r, _, _ in RECEIVERS if r != src][int(rng.integers(2))]
                lines.append((t, 1, _tag(int(t), other) + s))
    return lines + _static_lines(rng, static, fixes, sources, seq)


def _static_lines(rng, static: dict, fixes: pd.DataFrame, source, seq: int) -> list:
    """A type 5 report about every 1-2 hours of reception (two sentences each)."""
    out, last = [], -np.inf
    for t, src in zip(fixes["t"], source):
        if t - last >= rng.uniform(3600, 7200):
            t5 = int(t) + 1
            for part, s in enumerate(
                _static_sentences(static, t5, (seq + int(t5)) % 10, "B" if t5 % 2 else "A")
            ):
                out.append((float(t5), 2 + part, _tag(t5, src) + s))
            last = t
    return out


def _satellite_passes(rng) -> np.ndarray:
    """Times (epoch s) satellites pass over the region: every 45 min to 2 hours."""
    passes = _epoch(SHUTTLE_START) + np.cumsum(rng.uniform(2700, 7200, 2000))
    return passes[passes < _epoch(SHUTTLE_END)]


def _satellite_times(track: _Track, on: list, passes: np.ndarray, rng) -> np.ndarray:
    """Times a satellite hears the ship: on 80 % of the passes, within 10 min of each."""
    heard = passes + rng.uniform(0, 600, len(passes))
    heard = heard[rng.random(len(heard)) < 0.8]
    keep = np.zeros(len(heard), bool)
    for a, b in on:
        keep |= (heard >= a) & (heard < b)
    for t0, t1, kind in zip(track.t0, track.t1, track.kind):
        if kind == "away":
            keep &= ~((heard >= t0) & (heard < t1))
    return np.floor(heard[keep])


def _fault_lines(rng, scenario: dict) -> list:
    """Reports a real feed also holds: "position not available" (lat 91, lon 181) and one
    position far off the ship's track (a jump the cleaning flags)."""
    name = BACKGROUND_SHIPS[0][0]
    track, static = scenario["tracks"][name], scenario["statics"][name]
    times = np.sort(rng.uniform(_epoch(SHUTTLE_START) + 86400, _epoch(SHUTTLE_END) - 86400, 3))
    fixes = track.at(np.floor(times))
    fixes.loc[0:1, ["lat", "lon"]] = [91.0, 181.0]
    fixes.loc[2, "lat"] += 0.7
    return [
        (t, 0, _tag(int(t), "VLAD1") + s)
        for t, s in zip(fixes["t"], _position_sentences(static["mmsi"], fixes, rng))
    ]


def _corrupt(
    lines: list[str],
    rng,
    *,
    bad_checksums: int,
    truncated: int,
    orphans: int = 0,
    marks: list | None = None,
) -> list[str]:
    """Damage a few lines as real feeds are damaged: wrong checksums, lines cut short, a
    type 5 report whose first sentence was lost. ``marks`` (one per line) loses the same
    lines."""
    lines = list(lines)
    single = [i for i, line in enumerate(lines) if ",1,1,," in line]
    picks = rng.choice(single, size=bad_checksums + truncated, replace=False)
    for i in picks[:bad_checksums]:
        body, check = lines[i].rsplit("*", 1)
        lines[i] = f"{body}*{(int(check, 16) + 1 + int(rng.integers(200))) % 256:02X}"
    for i in picks[bad_checksums:]:
        lines[i] = lines[i][: int(len(lines[i]) * rng.uniform(0.45, 0.8))]
    firsts = [i for i, line in enumerate(lines) if ",2,1," in line]
    for i in sorted(rng.choice(firsts, size=orphans, replace=False), reverse=True):
        del lines[i]
        if marks is not None:
            del marks[i]
    return lines


def _nmea_bytes(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("ascii")


def make_ais_terrestrial(rng: np.random.Generator, seed: int = DEFAULT_SEED) -> bytes:
    """Return synthetic raw AIS from coastal receivers (NMEA 0183 with NMEA 4 tag blocks).

    Position reports (types 1, 2, 3) and two-sentence static reports (type 5) of Angara,
    Maria and background traffic, heard within ``RECEIVER_RANGE_KM`` of the receivers of
    ``RECEIVERS`` (Rajin is out of range), one line each, sorted by time, with the noise
    of a real feed: a few wrong checksums, lines cut short, a type 5 missing its first
    sentence, a receiver's status text, a GPS time sentence, "position not available"
    reports, one position far off its track and reports heard by two stations.

    Parameters
    ----------
    rng : numpy.random.Generator
        The file's own stream (reception, encoding choices, damage).
    seed : int
        The seed of the shared scenario (:func:`shuttle_scenario`).

    Returns
    -------
    bytes
        ASCII, LF line endings.
    """
    scenario, events = shuttle_scenario(seed), shuttle_events(seed)
    lines = sorted(
        _ais_lines(rng, scenario, "terrestrial", cut=events["cut"])
        + [(t, order, line, False) for t, order, line in _fault_lines(rng, scenario)]
    )
    marks = [dropped for *_, dropped in lines]
    text = _corrupt(
        [line for _, _, line, _ in lines], rng, bad_checksums=6, truncated=2, orphans=1, marks=marks
    )
    k = int(len(text) * 0.3)
    text.insert(k, "VLAD1 receiver restarted (power)")
    marks.insert(k, False)
    k = int(len(text) * 0.7)  # a GPS time sentence from a receiver, in time order
    epoch = int(text[k].split(",c:")[1].split("*")[0])
    t = pd.Timestamp(epoch, unit="s")
    zda = f"$GPZDA,{t:%H%M%S}.00,{t:%d},{t:%m},{t:%Y},00,00"
    text.insert(k + 1, _tag(epoch, "NAKH1") + _with_checksum(zda))
    marks.insert(k + 1, False)
    kept = [line for line, dropped in zip(text, marks) if not dropped]
    return _nmea_bytes(_merge(kept, _event_lines(seed, "terrestrial")))


def make_ais_satellite(rng: np.random.Generator, seed: int = DEFAULT_SEED) -> bytes:
    """Return synthetic raw satellite AIS: the same ships, heard on passes every 45 minutes
    to 2 hours anywhere in the region (also at Rajin), a few lines damaged. Parameters and
    result as :func:`make_ais_terrestrial`."""
    scenario, events = shuttle_scenario(seed), shuttle_events(seed)
    lines = sorted(_ais_lines(rng, scenario, "satellite", cut=events["cut"]))
    marks = [dropped for *_, dropped in lines]
    text = _corrupt(
        [line for _, _, line, _ in lines], rng, bad_checksums=2, truncated=1, marks=marks
    )
    kept = [line for line, dropped in zip(text, marks) if not dropped]
    return _nmea_bytes(_merge(kept, _event_lines(seed, "satellite")))


# --- the events the AIS detectors look for (its own stream) -----------------------------
#
# What the silence, sighting, identity, encounter and loitering checks need, laid over the
# shuttle scenario without redrawing it: Maria's truth after her last departure from Dunai
# (the base scenario sends her straight to the Vladivostok anchorage) and two more ships,
# from their own streams. Each AIS file draws the base messages as before, drops Maria's
# after that departure and merges in the events' messages; the sightings file gains one
# image that does not fit her track. Maria, after leaving Dunai:
#   * goes silent a few hours out and is heard again at the meeting point (a silence with
#     no other ship near either end);
#   * drifts at the meeting point, 71 nm from the coast (loitering), where KOMET, a tanker
#     from the open sea, lies alongside her for about four hours (an encounter) and
#     leaves as SEA PEARL (one MMSI, two names; the name of another MMSI);
#   * goes silent at the meeting point after a night heard by satellite every half hour
#     (a silence Global Fishing Watch's rule counts), sails unheard to an outer anchorage
#     off Vladivostok where a tug works, and falls silent there once more (a near-shore
#     silence during which a neighbour is heard several times an hour);
#   * is "seen" by a satellite image off the Korean coast while her AIS puts her at the
#     meeting point (a sighting that does not fit the track).
# A second satellite constellation (tag source SAT2) hears the open sea south-east of the
# gulf every 15-30 minutes; only the events' ships sail there.

EVENTS_SCENARIO = "vessel_events"
# (lat, lon) degrees: open water at Natural Earth 10m
EVENT_PLACES = {
    "meeting_point": (41.5000, 133.3000),  # 132 km (71 nm) from the nearest coast
    "alongside": (41.5009, 133.3000),  # 100 m north of it
    "vladivostok_outer": (43.0200, 131.9800),  # 5 km from the coast, no other ship anchors
    "tug_a": (43.0350, 131.9600),
    "tug_b": (43.0450, 132.0000),
    "exit_far_southeast": (40.6000, 133.9000),  # the open sea, out of every receiver's reach
}
EVENT_FROM = ("MARIA", "dunai_berth", "2023-10-12T04:00")  # her truth changes from here
# Maria's transponder after that departure, (start, end) UTC
EVENT_AIS_ON = [
    ("2023-10-12T04:00", "2023-10-12T08:30"),
    ("2023-10-12T14:30", "2023-10-13T06:00"),
    ("2023-10-13T22:00", "2023-10-14T04:00"),
    ("2023-10-14T14:00", "2023-10-16T00:00"),
]
# (place, departure, status) from her departure on
EVENT_MARIA = [("meeting_point", "2023-10-13T10:30", 0), ("vladivostok_outer", None, 1)]
# ship -> (static fields, schedule [(place, departure, status)], speed kn); identities invented
EVENT_SHIPS = {
    "KOMET": (
        {
            "mmsi": 511100765,
            "imo": 9301421,
            "callsign": "T8KM2",
            "ship_type": 80,
            "dims": (110, 20, 8, 8),
            "draught": 7.2,
            "renamed": [("2023-10-12T21:00", "SEA PEARL")],
        },
        [
            ("exit_far_southeast", "2023-10-12T12:00", 0),
            ("alongside", "2023-10-12T21:00", 0),
            ("exit_far_southeast", None, 0),
        ],
        12.0,
    ),
    "STRELOK": (
        {
            "mmsi": 273345670,
            "imo": None,
            "callsign": "UBST5",
            "ship_type": 52,
            "dims": (18, 12, 5, 5),
            "draught": 3.5,
        },
        "tug",
        6.0,
    ),
}
TUG_FROM, TUG_PAUSE_MIN = "2023-10-13T00:00", 15  # the tug works the anchorage from then on
MISFIT = {
    "vessel": "Maria",
    "observed": "2023-10-12T16:10",
    "lat": 41.8000,
    "lon": 130.2000,
    "image_id": "SYN-SEA-20231012-1610",
}
SAT2_AREA = (42.0, 131.5)  # SAT2 hears ships south of this latitude, east of this longitude


def _event_point(place: str):
    lat, lon = EVENT_PLACES.get(place) or PLACES[place]
    return np.array([lat]), np.array([lon]), np.array([0.0])


@functools.cache
def _event_path(a: str, b: str):
    """Path between two places: the water-only route, or a straight line to the open sea."""
    pa, pb = EVENT_PLACES.get(a) or PLACES[a], EVENT_PLACES.get(b) or PLACES[b]
    if "exit_far_southeast" in (a, b):
        lat, lon = np.array([pa[0], pb[0]]), np.array([pa[1], pb[1]])
    else:
        r = sea.sea_route(pa, pb)
        lat, lon = np.r_[pa[0], r.lat, pb[0]], np.r_[pa[1], r.lon, pb[1]]
    return lat, lon, np.r_[0.0, np.cumsum(_km(lat[:-1], lon[:-1], lat[1:], lon[1:]))]


def _sail_on(track: _Track, t: float, schedule, speed_kn: float, rng, first: str) -> _Track:
    """Extend ``track`` from ``first`` at ``t`` (epoch s) along ``[(place, depart, status)]``:
    sail to each place, stay until its departure (the last until the end)."""
    here = first
    for place, depart, status in schedule:
        path = _event_path(here, place)
        t1 = t + path[2][-1] / 1.852 / speed_kn * 3600
        track.add(t, t1, "sail", None, path, 0)
        t_dep = _epoch(depart) if depart else max(_epoch(SHUTTLE_END), t1)
        if t_dep < t1:
            raise ValueError(f"{track.name} leaves {place} at {depart}, before it arrives")
        kind = "away" if place.startswith("exit") else "stay"
        track.add(t1, t_dep, kind, place, _event_point(place), status, float(rng.uniform(0, 360)))
        t, here = t_dep, place
    return track


def _maria_truth(base: _Track, rng) -> _Track:
    """Maria's track: the base scenario's until her last departure from Dunai, then the
    events' (:data:`EVENT_MARIA`) at a speed of her range."""
    name, place, depart = EVENT_FROM
    cut = _epoch(depart)
    track = _Track(name)
    for k in range(len(base.t0)):
        if base.t0[k] < cut:
            track.add(
                *(
                    getattr(base, a)[k]
                    for a in ("t0", "t1", "kind", "place", "path", "status", "heading")
                )
            )
    if track.t1[-1] != cut or track.place[-1] != place:
        raise ValueError(f"{name} does not leave {place} at {depart} in the base scenario")
    return _sail_on(
        track, cut, EVENT_MARIA, rng.uniform(*SHUTTLE_SHIPS[name]["speed_kn"]), rng, place
    )


def _tug_track(name: str, speed_kn: float, rng) -> _Track:
    """A tug out of reach until :data:`TUG_FROM`, then running between two points off the
    outer anchorage with a pause at each."""
    track = _Track(name)
    t = _epoch(TUG_FROM)
    track.add(_epoch(SHUTTLE_START), t, "away", "exit_tug", _event_point("tug_a"), 0)
    here, end = "tug_a", _epoch(SHUTTLE_END)
    while t < end:
        there = "tug_b" if here == "tug_a" else "tug_a"
        pause = t + TUG_PAUSE_MIN * 60
        track.add(t, pause, "stay", here, _event_point(here), 0, float(rng.uniform(0, 360)))
        path = _event_path(here, there)
        t = pause + path[2][-1] / 1.852 / speed_kn * 3600
        track.add(pause, t, "sail", None, path, 0)
        here = there
    return track


@functools.lru_cache(maxsize=4)
def shuttle_events(seed: int) -> dict:
    """The events laid over the shuttle scenario for a seed (cached; see the comment above).

    Returns
    -------
    dict
        ``tracks``, ``ais_on``, ``statics`` as :func:`shuttle_scenario` (Maria's whole
        truth track, her transponder only from ``cut`` on, and the events' ships), ``cut``
        (name -> epoch s from which the base scenario's messages of that ship are replaced)
        and ``misfit`` (the sighting that does not fit, a dict).
    """
    rng = stream(seed, EVENTS_SCENARIO)
    base = shuttle_scenario(seed)
    name = EVENT_FROM[0]
    tracks = {name: _maria_truth(base["tracks"][name], rng)}
    ais_on = {name: [(_epoch(a), _epoch(b)) for a, b in EVENT_AIS_ON]}
    statics = {name: base["statics"][name]}
    for ship, (static, schedule, speed) in EVENT_SHIPS.items():
        if schedule == "tug":
            tracks[ship] = _tug_track(ship, speed, rng)
        else:
            first, depart, status = schedule[0]
            track = _Track(ship)
            track.add(
                _epoch(SHUTTLE_START), _epoch(depart), "away", first, _event_point(first), status
            )
            tracks[ship] = _sail_on(track, _epoch(depart), schedule[1:], speed, rng, first)
        ais_on[ship] = [(_epoch(SHUTTLE_START), _epoch(SHUTTLE_END))]
        statics[ship] = dict(
            static, shipname=ship, renamed=[(_epoch(t), n) for t, n in static.get("renamed", ())]
        )
    return {
        "tracks": tracks,
        "ais_on": ais_on,
        "statics": statics,
        "cut": {name: _epoch(EVENT_FROM[2])},
        "misfit": MISFIT,
    }


def _event_lines(seed: int, receiver: str) -> list[tuple[float, int, str]]:
    """The events' messages a kind of receiver hears, sorted (their own stream): coastal
    receivers as for the base ships; satellites SAT1 on the base passes and SAT2 on passes
    every 15-30 minutes over :data:`SAT2_AREA`."""
    events = shuttle_events(seed)
    rng = stream(seed, f"ais_{receiver}/events")
    base_passes = _satellite_passes(stream(seed, "ais_satellite"))
    dense = _epoch(SHUTTLE_START) + np.cumsum(rng.uniform(900, 1800, 8000))
    dense = dense[dense < _epoch(SHUTTLE_END)]
    lines = []
    for seq, (name, track) in enumerate(events["tracks"].items(), start=len(BACKGROUND_SHIPS) + 2):
        static, on = events["statics"][name], events["ais_on"][name]
        lines += _ship_lines(rng, track, static, on, receiver, base_passes, seq)
        if receiver == "satellite":
            lines += _ship_lines(
                rng, track, static, _sat2_spans(track, on), receiver, dense, seq, source="SAT2"
            )
    return sorted(lines)


def _sat2_spans(track: _Track, on: list) -> list:
    """The parts of ``on`` (epoch s spans) when the ship is inside :data:`SAT2_AREA`
    (sampled every minute)."""
    t = np.arange(_epoch(SHUTTLE_START), _epoch(SHUTTLE_END), 60.0)
    where = track.at(t)
    inside = (
        ((where["lat"] < SAT2_AREA[0]) & (where["lon"] > SAT2_AREA[1]) & (where["kind"] != "away"))
        .to_numpy()
        .copy()
    )
    heard = np.zeros(len(t), bool)
    for a, b in on:
        heard |= (t >= a) & (t < b)
    inside &= heard
    edges = np.flatnonzero(np.diff(np.r_[0, inside.astype(int), 0]))
    return [(t[i], t[j - 1] + 60.0) for i, j in zip(edges[::2], edges[1::2])]


def _merge(lines: list[str], extra: list[tuple[float, int, str]]) -> list[str]:
    """Insert ``extra`` ``(time, order, line)`` into time-ordered feed ``lines`` (lines
    without a tag-block time stay where they are), each after the lines of its time."""
    out, k = [], 0
    for line in lines:
        if ",c:" in line:
            t = int(line.split(",c:")[1].split("*")[0])
            while k < len(extra) and extra[k][0] < t:
                out.append(extra[k][2])
                k += 1
        out.append(line)
    return out + [line for _, _, line in extra[k:]]


# --- writing --------------------------------------------------------------------------

# name -> (path under the data directory, generator)
GENERATORS: dict[str, tuple[str, Callable[[np.random.Generator], pd.DataFrame | bytes]]] = {
    "railcars": ("observations/railcars.csv", make_railcars),
    "railcars_second_count": ("observations/railcars_second_count.csv", make_railcars_second_count),
    "vessel_sightings": ("observations/vessel_sightings.csv", make_vessel_sightings),
    "ais_terrestrial": ("ais/terrestrial.nmea", make_ais_terrestrial),
    "ais_satellite": ("ais/satellite.nmea", make_ais_satellite),
}


def stream(seed: int, name: str) -> np.random.Generator:
    """Return the random stream of one generator: a function of the seed and its name only."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """Return a table as UTF-8 CSV bytes with LF line endings (values written as given)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.astype(str).itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def write(name: str, seed: int, data_dir: Path) -> Path:
    """Run one generator and write its file under ``data_dir``; return the path."""
    relpath, generate = GENERATORS[name]
    path = Path(data_dir) / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    shared = {"seed": seed} if "seed" in inspect.signature(generate).parameters else {}
    content = generate(stream(seed, name), **shared)
    path.write_bytes(content if isinstance(content, bytes) else to_csv_bytes(content))
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write the example files; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="directory the files go under (default: the project's data/)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(GENERATORS),
        help="run only this generator (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    for name in args.only or sorted(GENERATORS):
        print(write(name, args.seed, args.data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
