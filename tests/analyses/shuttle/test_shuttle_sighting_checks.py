"""Tests for tumen.analyses.shuttle.sighting_checks: each satellite sighting against its ship's
AIS track, with speeds worked out by hand, in memory and on the Dask store path.

Invented ships, MMSIs, places and dates throughout. Distances run along a meridian, where
the great circle is exact: 1 nm = 1.852 km = 1.852 / (pi * 6371.0088 / 180) degrees.
"""

import math

import numpy as np
import pandas as pd
import pytest

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.ais import records as ais_records
from tumen.ais import store as ais_store
from tumen.analyses.shuttle import sighting_checks as sc
from tumen.analyses.shuttle import sightings as ss
from tumen.errors import DataError, ParameterError
from tumen.geo import earth

NM_DEG = earth.KM_PER_NM / (math.pi * earth.EARTH_RADIUS_KM / 180.0)  # degrees of latitude per nm
T = pd.Timestamp("2024-05-01T12:00:00Z")
H = pd.Timedelta(hours=1)
LAT, LON = 10.0, 20.0  # the imaged place


def fixes(vessel, mmsi, rows):
    """rows: (hours from T, nm north of the imaged place)."""
    return pd.DataFrame(
        {
            "vessel": vessel,
            "mmsi": mmsi,
            "time": [T + h * H for h, _ in rows],
            "lat": [LAT + nm * NM_DEG for _, nm in rows],
            "lon": LON,
        }
    )


def sightings(rows):
    """rows: (vessel, hours from T, site or None)."""
    return pd.DataFrame(
        {
            "vessel": [v for v, _, _ in rows],
            "observed": pd.DatetimeIndex([T + h * H for _, h, _ in rows]),
            "site": [s for _, _, s in rows],
            "lat": LAT,
            "lon": LON,
            "image_id": [f"IMG-{i}" for i in range(len(rows))],
        }
    )


def make_case():
    """Kestrel: 100 nm north 2 h before the image and 100 nm north 2 h after -> 50 kn each.
    Wren: at the imaged place 1 h before (0 kn), 15 nm north 3 h after (5 kn).
    Ibis: no AIS at all. Heron: only a fix 2 h before, 10 nm away (5 kn).
    Plover: a fix at the imaged time 1 nm away (impossible at any speed)."""
    positions = pd.concat(
        [
            fixes("Kestrel", 111000001, [(-2, 100), (2, 100)]),
            fixes("Wren", 111000002, [(-5, 30), (-1, 0), (3, 15)]),
            fixes("Heron", 111000004, [(-2, 10)]),
            fixes("Plover", 111000005, [(-1, 0), (0, 1)]),
        ],
        ignore_index=True,
    )
    seen = sightings(
        [
            ("Kestrel", 0, None),
            ("Wren", 0, "wren_port"),
            ("Ibis", 0, None),
            ("Heron", 0, None),
            ("Plover", 0, None),
        ]
    )
    return seen, positions


@pytest.fixture
def case():
    return make_case()


def test_hand_worked_verdicts(case):
    table = sc.check_sightings(*case, max_speed_kn=14.0).set_index("vessel")
    assert table.loc["Kestrel", "needed_kn"] == pytest.approx(50.0)
    assert table.loc["Kestrel", "verdict"] == "does not fit"
    assert table.loc["Kestrel", "before_km"] == pytest.approx(185.2)
    assert (table.loc["Kestrel", "before_h"], table.loc["Kestrel", "after_h"]) == (2.0, 2.0)
    assert table.loc["Kestrel", "fix_before"] == T - 2 * H
    assert table.loc["Kestrel", "reason"] == (
        "100 nm in 2.0 h from the last fix before (50.0 kn); 100 nm in 2.0 h to the first fix "
        "after (50.0 kn): needs 50.0 kn, more than 14 kn"
    )
    assert table.loc["Wren", "verdict"] == "fits"
    assert table.loc["Wren", "before_km"] == pytest.approx(0.0)
    assert table.loc["Wren", "needed_kn"] == pytest.approx(5.0)  # 15 nm in 3 h
    assert table.loc["Wren", "fix_before"] == T - H  # the last fix, not 5 h before
    assert table.loc["Ibis", "verdict"] == "no AIS"
    assert np.isnan(table.loc["Ibis", "needed_kn"]) and pd.isna(table.loc["Ibis", "fix_after"])
    assert table.loc["Heron", "verdict"] == "fits"  # judged on the side it has
    assert table.loc["Heron", "needed_kn"] == pytest.approx(5.0)
    assert table.loc["Heron", "reason"].startswith("10 nm in 2.0 h from the last fix before")
    assert "no fix after" in table.loc["Heron", "reason"]
    assert table.loc["Plover", "verdict"] == "does not fit"  # a fix at the same time
    assert np.isinf(table.loc["Plover", "needed_kn"])
    assert table.loc["Plover", "reason"].endswith("a fix at the imaged time is elsewhere")
    # the order and columns of the table
    assert list(table.index) == ["Kestrel", "Wren", "Ibis", "Heron", "Plover"]
    assert list(sc.check_sightings(*case, max_speed_kn=14.0).columns) == sc.CHECK_COLUMNS


def test_a_sighting_placed_by_its_site_may_be_anywhere_in_the_geofence():
    # a fix 1 nm (1.852 km) from the site's centre 3 min after the image: 1 / 0.05 h = 20 kn
    # from the centre; within a 2 km geofence the ship may have been at the fix: 0 kn
    seen = sightings([("Wren", 0, "wren_port")])
    positions = fixes("Wren", 1, [(0.05, 1)])
    sites = {"wren_port": {"lat": LAT, "lon": LON, "radius_km": 2.0}}
    alone = sc.check_sightings(seen, positions, max_speed_kn=14.0)
    assert alone.loc[0, "needed_kn"] == pytest.approx(20.0) and alone.loc[0, "place_km"] == 0
    assert alone.loc[0, "verdict"] == "does not fit"
    within = sc.check_sightings(seen, positions, max_speed_kn=14.0, sites=sites)
    assert within.loc[0, "place_km"] == 2.0 and within.loc[0, "after_km"] == 0.0
    assert within.loc[0, "verdict"] == "fits" and within.loc[0, "needed_kn"] == 0.0
    assert within.loc[0, "reason"].startswith("anywhere within 2.0 km of the site's centre")
    shown = ss.to_sighting_check_display(within)
    assert shown.loc[0, "first fix after"] == "01\u00a0May\u00a012:03, inside the geofence"
    # a sighting with coordinates of its own (not the centre) is taken at its coordinates
    own = seen.assign(lat=LAT + 0.001)
    assert (
        sc.check_sightings(own, positions, max_speed_kn=14.0, sites=sites).loc[0, "place_km"] == 0.0
    )


def test_the_speed_limit_decides(case):
    table = sc.check_sightings(*case, max_speed_kn=50.0).set_index("vessel")
    assert table.loc["Kestrel", "verdict"] == "fits"  # 50 kn is at most 50 kn
    table = sc.check_sightings(*case, max_speed_kn=4.9).set_index("vessel")
    assert table.loc["Wren", "verdict"] == "does not fit"
    with pytest.raises(ParameterError):
        sc.check_sightings(*case, max_speed_kn=0)
    with pytest.raises(DataError, match="no column 'vessel'"):
        sc.check_sightings(case[0], case[1].drop(columns="vessel"), max_speed_kn=14.0)


def test_two_mmsis_of_one_ship_give_the_nearest_fixes():
    # Kestrel's second MMSI has the later fix before (1 h: 7 nm -> 7 kn) and no fix after
    positions = pd.concat(
        [
            fixes("Kestrel", 111000001, [(-2, 100), (2, 100)]),
            fixes("Kestrel", 111000009, [(-1, 7)]),
        ],
        ignore_index=True,
    )
    seen = sightings([("Kestrel", 0, None)])
    table = sc.check_sightings(seen, positions, max_speed_kn=14)
    assert table.loc[0, "fix_before"] == T - H
    assert table.loc[0, "needed_kn"] == pytest.approx(50.0)  # the fix after still binds
    parts = [
        sc.get_nearest_fixes(seen, positions[positions.mmsi == m]) for m in (111000009, 111000001)
    ]
    pd.testing.assert_frame_equal(
        sc.combine_nearest_fixes(parts), sc.get_nearest_fixes(seen, positions)
    )


def test_store_path_gives_the_same_table(tmp_path):
    """Raw positions of three MMSIs (Kestrel twice, and one other ship) with a repeat and a
    jump, in a store of several partitions; the Dask path cleans them as the analysis does."""
    raw = pd.concat(
        [
            fixes(
                "Kestrel",
                111000001,
                [(-6, 160), (-4, 130), (-2, 100), (-1, 400), (0, 100), (2, 100), (2, 100)],
            ),
            fixes("Kestrel", 111000009, [(-3, 40), (-1, 7), (5, 20)]),
            fixes("Wren", 111000002, [(-5, 30), (-1, 0), (3, 15)]),
            fixes(None, 111000007, [(-1, 0), (1, 0)]),
        ],
        ignore_index=True,
    )
    raw = raw.drop(columns="vessel").assign(
        sog=5.0,
        cog=0.0,
        heading=0.0,
        nav_status=0,
        source_file="raw",
        source_line=np.arange(len(raw)),
    )
    raw.to_parquet(tmp_path / "p.parquet", index=False)
    store = ais_store.ingest(
        tmp_path / "p.parquet",
        "parquet",
        cache_dir=tmp_path / "c",
        rows_per_partition=5,
        dask_scheduler="sync",
    )
    assert store.manifest["partitions"] >= 2
    fleet = pd.DataFrame(
        {"vessel": ["Kestrel", "Kestrel", "Wren"], "mmsi": [111000001, 111000009, 111000002]}
    )
    seen = sightings(
        [
            ("Kestrel", 0, None),
            ("Kestrel", -1.5, None),
            ("Wren", 0, None),
            ("Ibis", 0, None),
            ("Kestrel", 9, None),
        ]
    )
    empty = ais_nmea.decode_nmea_lines([], "")
    data = ais_clean.clean(
        ais_records.AisData(ais_records.sort_positions(raw), empty.vessels, empty.skipped), 50.0
    )
    assert data.positions["is_jump"].sum() == 1  # the fix 400 nm north
    heard = ais_fleet.add_vessel(data.positions[~data.positions["is_jump"]], fleet)
    expected = sc.check_sightings(seen, heard, max_speed_kn=14.0)
    # 0 h: a fix at that time 100 nm away; -1.5 h: 100 nm from the fix at -2 h (200 kn);
    # Wren 5 kn; Ibis unheard; 9 h: 20 nm from the fix at 5 h on the second MMSI (5 kn)
    assert expected["verdict"].tolist() == [
        "does not fit",
        "does not fit",
        "fits",
        "no AIS",
        "fits",
    ]
    for scheduler in ("sync", "threads"):
        pd.testing.assert_frame_equal(
            sc.check_sightings_dask(
                seen, store, fleet, max_speed_kn=14.0, max_jump_kn=50.0, dask_scheduler=scheduler
            ),
            expected,
        )
    sites = {"k": {"lat": LAT, "lon": LON, "radius_km": 5.0}}
    pd.testing.assert_frame_equal(
        sc.check_sightings_dask(
            seen.assign(site="k"), store, fleet, max_speed_kn=14.0, sites=sites
        ),
        sc.check_sightings(seen.assign(site="k"), heard, max_speed_kn=14.0, sites=sites),
    )
    pd.testing.assert_frame_equal(
        sc.check_sightings_dask(seen, raw, fleet.iloc[:0], max_speed_kn=14.0),
        sc.check_sightings(seen, heard.iloc[:0], max_speed_kn=14.0),
    )
