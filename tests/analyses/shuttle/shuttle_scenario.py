"""The hand-made shuttle scenario of tests/fixtures/ais/, shared by the shuttle tests (the
fixtures built from it are in this folder's conftest.py).

The scenario (h = hours after 2023-09-01T00:00Z; window 2023-09-01 .. 2023-09-10 = h 0..216;
test geofences of 3 km around rajin_port 42.24 N 130.30 E and dunai_port 42.89 N 132.35 E):

ANGARA AIS (shuttle.nmea): at Dunai (42.89, 132.35) h 0, 2, 4 at 0.0/0.1/0.0 kn; 42.80 N
  (10 km south, outside) h 6; dark; 42.71 N h 102; at Dunai h 104 (0.2 kn), h 108 (0 kn).
MARIA AIS: 42.50, 42.49, 42.40 N on 131.00 E at h 0, 0.3, 1; 42.20 N at h 30; then dark.
Sightings (sightings.csv): ANGARA Rajin h 51 (120 containers), h 57 (150); Dunai h 106
  (140); anchored at 42.241/130.301 h 156 (inside Rajin: 0.14 km from the centre);
  underway at sea h 174; Dunai h 198 (90). MARIA Rajin h 36 (200); Dunai h 84; Rajin h 132.

One degree of latitude is pi/180 * 6371.0088 km = 111.1951 km.
"""

from pathlib import Path

import pandas as pd

TESTS = Path(__file__).parents[2]
ROOT = TESTS.parent
FIX = TESTS / "fixtures" / "ais"
T0 = pd.Timestamp("2023-09-01", tz="UTC")
WINDOW = ("2023-09-01", "2023-09-10")
VESSELS = ["Angara", "Maria"]


def h(hours):
    """The time ``hours`` after the scenario's start, UTC."""
    return T0 + pd.Timedelta(hours=hours)
