"""Write the project's synthetic example observations, calibrated to published figures.

The example files let the report build end to end before real observations are added. They
are synthetic: every row says so in its ``notes`` column, and ``data/sources.yaml`` marks
each file ``kind: synthetic`` so the report carries a banner. They are not evidence.

One generator per file (see ``GENERATORS``); each draws from its own random stream, derived
from the seed and the generator's name, so adding a generator never changes another's
output. The same seed gives byte-identical files (sorted rows, fixed number formats, UTF-8,
LF line endings). To add one (vessel sightings, AIS), write ``make_<name>(rng)`` returning
a DataFrame (written as CSV) or bytes (written as they are, e.g. NMEA sentences) and
register it in ``GENERATORS`` with its path under ``data/``.

Generators
----------
railcars  ``observations/railcars.csv``: per-image railcar counts at the Tumangang rail
          facility (site ``tumangang_rail_facility``), October 2018 to December 2023. Irregular
          revisits, cloudy summers, a tasking gap, mixed resolution and analyst confidence;
          counts never above 20 before 5 October 2023 (the published five-year maximum, which
          one image reaches), exactly 73 on 5 October 2023 (the published peak), elevated
          (above 20) afterwards.

Usage
-----
    python scripts/make_example_data.py                  # all generators, default seed
    python scripts/make_example_data.py --seed 7 --data-dir /tmp/data --only railcars
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

DEFAULT_SEED = 20231005
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# --- railcars at Tumangang ------------------------------------------------------------

RAIL_SITE = "tumangang_rail_facility"
RAIL_START, RAIL_END = pd.Timestamp("2018-10-01"), pd.Timestamp("2023-12-31")
PEAK_DAY, PEAK_COUNT = pd.Timestamp("2023-10-05"), 73
BASELINE_CAP = 20
RAIL_COLUMNS = ["site", "acquired", "railcars", "image_id", "provider", "gsd_m", "cloud_pct",
                "analyst", "confidence", "notes"]
# (provider, ground sample distance in m, weight): generic names, no real archive implied
SENSORS = [("SYN-VHR30", 0.30, 0.35), ("SYN-VHR50", 0.50, 0.40), ("SYN-HR300", 3.00, 0.25)]
ANALYSTS = ["A1", "A2", "A3"]
# probability that a tasked pass is too cloudy to count, by month (summer monsoon)
CLOUD_LOSS = {1: 0.25, 2: 0.25, 3: 0.3, 4: 0.35, 5: 0.45, 6: 0.65, 7: 0.8, 8: 0.75,
              9: 0.45, 10: 0.3, 11: 0.3, 12: 0.25}
# (first day, mean railcars per image): trade before the 2020 border closure, near nothing
# while it lasted, resumption from late 2022, more traffic after the September 2023 summit
RAIL_REGIMES = [("2018-10-01", 7.0), ("2020-02-01", 1.5), ("2022-10-01", 6.0),
                ("2023-09-13", 11.0)]
NB_SHAPE = 2.5          # negative-binomial shape of baseline counts (over-dispersed)
TASKING_GAP = (pd.Timestamp("2020-03-01"), pd.Timestamp("2020-05-15"))  # no imagery ordered
# overcast spells with no countable image (start, end exclusive): one hides the onset
CLOUDY_SPELLS = [(pd.Timestamp("2021-07-01"), pd.Timestamp("2021-08-20")),
                 (pd.Timestamp("2023-09-23"), pd.Timestamp("2023-10-05"))]
SYNTHETIC_NOTE = "synthetic example, not an observation"


def _revisit_rate(day: pd.Timestamp) -> float:
    """Return the chance that a pass over the facility is tasked on ``day`` (per day)."""
    if TASKING_GAP[0] <= day < TASKING_GAP[1]:
        return 0.0
    if day >= pd.Timestamp("2023-09-01"):
        return 0.35      # analysts watch closely around the summit
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
    if gsd_m > 1.0:                      # railcars are a few pixels long: clear sky only
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
        clear = rng.random() >= CLOUD_LOSS[day.month] and \
            not any(start <= day < end for start, end in CLOUDY_SPELLS)
        minutes = int(rng.integers(75, 150))     # sun-synchronous morning pass, UTC
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
    if gsd > 1.0:            # coarse images miss railcars
        count = int(np.floor(count * undercount))
    return {"site": RAIL_SITE, "acquired": when, "railcars": count,
            "image_id": f"SYN-TUM-{when:%Y%m%d}-{number:03d}", "provider": provider,
            "gsd_m": gsd, "cloud_pct": cloud, "analyst": ANALYSTS[int(rng.integers(3))],
            "confidence": _confidence(gsd, cloud), "notes": SYNTHETIC_NOTE}


def _calibrate(table: pd.DataFrame) -> pd.DataFrame:
    """Pin the published figures: 73 on the peak day, a five-year maximum of exactly 20."""
    table = table.copy()
    peak = table["acquired"].dt.normalize() == PEAK_DAY
    table.loc[peak, ["railcars", "provider", "gsd_m", "cloud_pct", "confidence"]] = \
        [PEAK_COUNT, SENSORS[0][0], SENSORS[0][1], 3, "high"]
    table.loc[peak, "notes"] = (SYNTHETIC_NOTE + "; calibrated to the published count of "
                                "about 73 railcars on 2023-10-05")
    window = (table["acquired"] >= PEAK_DAY - pd.DateOffset(years=5)) & \
        (table["acquired"] < PEAK_DAY) & (table["confidence"] == "high")
    top = table.loc[window, "railcars"].idxmax()
    table.loc[top, "railcars"] = BASELINE_CAP
    table.loc[top, "notes"] = (SYNTHETIC_NOTE + "; calibrated to the published five-year "
                               "maximum of 20 railcars")
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


# --- writing --------------------------------------------------------------------------

# name -> (path under the data directory, generator)
GENERATORS: dict[str, tuple[str, Callable[[np.random.Generator], pd.DataFrame | bytes]]] = {
    "railcars": ("observations/railcars.csv", make_railcars),
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
    content = generate(stream(seed, name))
    path.write_bytes(content if isinstance(content, bytes) else to_csv_bytes(content))
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write the example files; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help="directory the files go under (default: the project's data/)")
    parser.add_argument("--only", action="append", choices=sorted(GENERATORS),
                        help="run only this generator (repeatable; default: all)")
    args = parser.parse_args(argv)
    for name in args.only or sorted(GENERATORS):
        print(write(name, args.seed, args.data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
