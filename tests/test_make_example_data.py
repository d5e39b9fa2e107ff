"""Tests of scripts/make_example_data.py: determinism and calibration of the example data.

The vessel files are checked through the real pipeline (tumen.ais.nmea, tumen.analyses.shuttle.analysis): they must
give what the published reporting says, read the way the report reads it.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import readers as ais_readers
from tumen.ais import tracks
from tumen.ais import traffic as ais_traffic
from tumen.analyses.rail import compute as rail_compute
from tumen.analyses.rail import read as rail_read
from tumen.analyses.shuttle import analysis as shuttle
from tumen.analyses.shuttle import observations as shuttle_observations
from tumen.geo import coast, earth, gazetteer, sea

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_example_data.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_example_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example_dir(script, tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    assert script.main(["--data-dir", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def seed7_dir(script, tmp_path_factory):
    out = tmp_path_factory.mktemp("data7")
    assert script.main(["--data-dir", str(out), "--seed", "7"]) == 0
    return out


@pytest.fixture(scope="module")
def railcars(example_dir):
    return example_dir / "observations" / "railcars.csv"


def test_same_seed_same_bytes(script, example_dir, tmp_path):
    script.shuttle_scenario.cache_clear()  # recompute the shared scenario too
    script.main(["--data-dir", str(tmp_path), "--seed", str(script.DEFAULT_SEED)])
    for relpath, _ in script.GENERATORS.values():
        assert (tmp_path / relpath).read_bytes() == (example_dir / relpath).read_bytes(), relpath


@pytest.mark.parametrize(
    "name",
    ["railcars", "railcars_second_count", "vessel_sightings", "ais_terrestrial", "ais_satellite"],
)
def test_shipped_file_is_the_default_output(script, example_dir, name):
    relpath = script.GENERATORS[name][0]
    assert (ROOT / "data" / relpath).read_bytes() == (example_dir / relpath).read_bytes()


def test_other_seed_other_data_same_calibration(script, seed7_dir):
    for relpath, _ in script.GENERATORS.values():
        assert (seed7_dir / relpath).read_bytes() != (ROOT / "data" / relpath).read_bytes()
    check_calibration(seed7_dir / "observations" / "railcars.csv")
    check_shuttle_calibration(seed7_dir)


def test_streams_depend_only_on_seed_and_name(script):
    a = script.stream(1, "railcars").random(3)
    assert (a == script.stream(1, "railcars").random(3)).all()
    assert (a != script.stream(1, "vessel_sightings").random(3)).all()


def test_generators_may_return_bytes(script, tmp_path, monkeypatch):
    monkeypatch.setitem(
        script.GENERATORS, "nmea", ("ais/example.nmea", lambda rng: b"!AIVDM,1,1,,A,x,0*00\n")
    )
    path = script.write("nmea", 1, tmp_path)
    assert path.read_bytes() == b"!AIVDM,1,1,,A,x,0*00\n"


def test_file_format(railcars):
    raw = railcars.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == (
        "site,acquired,railcars,image_id,provider,gsd_m,cloud_pct,analyst,confidence,notes"
    )
    table = pd.read_csv(railcars, dtype=str, keep_default_na=False)
    assert table["notes"].str.startswith("synthetic").all()
    assert table["gsd_m"].str.fullmatch(r"\d\.\d\d").all()
    assert table["acquired"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z").all()
    assert list(table["acquired"]) == sorted(table["acquired"])
    assert table["image_id"].is_unique


def check_calibration(path):
    table = rail_read.read_railcars(path, known_sites=["tumangang_rail_facility"])
    day = table["acquired"].dt.normalize()
    peak_day = pd.Timestamp("2023-10-05")
    before, after = table[day < peak_day], table[day > peak_day]
    assert before["railcars"].max() == 20  # the published cap, reached
    assert (table.loc[day == peak_day, "railcars"] == [73]).all()
    assert (day == peak_day).sum() == 1
    assert (after["railcars"] > 20).all() and after["railcars"].max() < 73
    assert table["acquired"].min() >= pd.Timestamp("2018-10-01")
    assert table["acquired"].max() <= pd.Timestamp("2024-01-01")
    assert set(table["confidence"]) == {"low", "medium", "high"}
    assert table["gsd_m"].nunique() >= 3
    gaps = table["acquired"].diff().dt.days
    assert gaps.max() >= 30  # cloudy / tasking gaps
    assert 100 <= len(table) <= 400


def test_calibrated_to_published_figures(railcars):
    check_calibration(railcars)


def test_example_data_give_the_published_figures(railcars):
    stats = rail_compute.analyse(rail_read.load(railcars, "tumangang_rail_facility"))
    assert (stats.peak_railcars, stats.baseline_max) == (73, 20)
    assert stats.baseline_start == stats.peak_time - pd.DateOffset(years=5)


# --- the vessel shuttle ---------------------------------------------------------------

VESSELS = ["Angara", "Maria"]
WINDOW = ("2023-08-01", "2023-10-15")
HOME, AWAY = "rajin_port", "dunai_port"


def run_shuttle(data_dir):
    """The report's pipeline on one set of example files."""
    sites = gazetteer.load_sites()
    data = ais_clean.clean(ais_readers.read_ais(sorted((data_dir / "ais").glob("*.nmea")), "nmea"))
    fleet = ais_fleet.get_fleet(data.vessels, VESSELS)
    positions = ais_fleet.add_vessel(data.positions, fleet)
    sightings = shuttle_observations.read_sightings(
        data_dir / "observations" / "vessel_sightings.csv", sites
    )
    route_km = sea.sea_route(HOME, AWAY, sites=sites).length_km
    found = shuttle.analyse(
        positions,
        sightings,
        sites,
        vessels=VESSELS,
        home=HOME,
        away=AWAY,
        window=WINDOW,
        route_km=route_km,
    )
    return {
        "data": data,
        "fleet": fleet,
        "positions": positions,
        "sightings": sightings,
        "sites": sites,
        "found": found,
    }


def check_shuttle_calibration(data_dir):
    run = run_shuttle(data_dir)
    data, fleet, found = run["data"], run["fleet"], run["found"]
    # each ship is one MMSI, found by the name it broadcasts
    assert fleet["vessel"].tolist() == VESSELS and (fleet["matched_by"] == "name").all()
    # RUSI: at least five round trips, mid-August to 14 October, AIS off
    trips = found.trips
    assert len(trips) >= 5 and set(trips["vessel"]) == set(VESSELS)
    dark = found.calls[found.calls["is_dark"]]
    assert (
        pd.Timestamp("2023-08-11", tz="UTC")
        <= dark["first_evidence"].min()
        < pd.Timestamp("2023-08-21", tz="UTC")
    )
    assert dark["last_evidence"].max().normalize() == pd.Timestamp("2023-10-14", tz="UTC")
    assert (found.calls.loc[found.calls["site"] == HOME, "ais_fixes"] == 0).all()
    # RUSI "hundreds" counted; White House "more than 1,000" only with the deliveries
    # without a count
    assert 200 <= found.containers["low"] <= 999 < 1000 < found.containers["high"]
    assert 0 < found.containers["counted"] < found.containers["deliveries"]
    # White House: about 300 containers at Najin on 7-8 September
    count = shuttle_observations.get_max_count(run["sightings"], HOME, "2023-09-07", "2023-09-08")
    assert abs(count - 300) <= 30
    # long silences, each broken by brief transmissions; every passage possible at 14 kn
    for vessel in VESSELS:
        g = found.gaps[found.gaps["vessel"] == vessel]
        assert g["duration_h"].max() >= 14 * 24 and len(g) >= 2
    assert found.legs["feasible"].all() and len(found.legs) >= 10
    # other ships are heard at Rajin, where the two ships never transmit
    fleet_mmsi = fleet["mmsi"].tolist()
    traffic = ais_traffic.get_site_traffic(data.positions, run["sites"], HOME, exclude=fleet_mmsi)
    assert traffic["vessels"] >= 1 and traffic["reports"] >= 100
    assert traffic["excluded_reports"] == 0
    return run


def test_example_vessel_files_give_the_published_figures(example_dir):
    check_shuttle_calibration(example_dir)


def test_ais_files_hold_the_noise_of_real_feeds(example_dir):
    data = ais_clean.clean(
        ais_readers.read_ais(sorted((example_dir / "ais").glob("*.nmea")), "nmea")
    )
    table = ais_clean.get_quality_table(data).set_index("category")
    for category in (
        "bad_checksum",
        "malformed",
        "junk",
        "not_ais",
        "duplicate",
        "position_not_available",
        "jump",
    ):
        assert table.loc[category, "records"] >= 1, category
    noise = table.loc[table["status"] == "rejected", "records"].sum()
    assert noise < 0.01 * table.loc["position", "records"]  # a little, not a lot
    assert set(data.positions["mmsi"]) == set(data.vessels["mmsi"])  # every ship names itself


def test_ais_files_are_raw_nmea_with_tag_blocks(example_dir):
    total = 0
    for path in sorted((example_dir / "ais").glob("*.nmea")):
        raw = path.read_bytes()
        total += len(raw)
        assert b"\r" not in raw and raw.endswith(b"\n")
        lines = raw.decode("ascii").splitlines()
        tagged = [line for line in lines if line.startswith("\\s:")]
        assert len(tagged) >= len(lines) - 3
        assert all(",c:" in line.split("\\")[1] for line in tagged)
        assert any(line.split("\\")[2].startswith("!AIVDM,2,1,") for line in tagged)  # type 5
        times = [int(line.split(",c:")[1].split("*")[0]) for line in tagged]
        assert times == sorted(times)
    assert total < 4_000_000  # a few MB at most


def test_static_reports_name_the_ships_and_their_imo(example_dir):
    data = ais_readers.read_ais(sorted((example_dir / "ais").glob("*.nmea")), "nmea")
    static = data.vessels.drop_duplicates("mmsi").set_index("name")
    sightings = pd.read_csv(
        example_dir / "observations" / "vessel_sightings.csv", dtype=str, keep_default_na=False
    )
    for name in ("ANGARA", "MARIA"):
        imo = static.loc[name, "imo"]
        imos = set(sightings.loc[sightings["vessel"].str.upper() == name, "imo"]) - {""}
        assert imos == {str(imo)}
        digits = [int(c) for c in str(imo)]
        assert sum(d * w for d, w in zip(digits, range(7, 1, -1))) % 10 == digits[6]
        assert static.loc[name, "callsign"] and str(static.loc[name, "mmsi"]).startswith("273")


def test_sightings_file_format(example_dir):
    path = example_dir / "observations" / "vessel_sightings.csv"
    raw = path.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert raw.decode("utf-8").splitlines()[0] == (
        "vessel,observed,site,lat,lon,imo,status,containers,image_id,provider,confidence,notes"
    )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert table["notes"].str.startswith("synthetic").all()
    assert list(table["observed"]) == sorted(table["observed"])
    assert set(table["status"]) == {"berthed", "underway"}
    at_sea = table["site"] == ""
    assert at_sea.any() and (table.loc[at_sea, "lat"] != "").all()
    assert (table.loc[table["provider"] == "SYN-SAR100", "containers"] == "").all()
    assert table["containers"].ne("").sum() >= 5


def test_second_count_recounts_the_first_files_images(example_dir):
    first = pd.read_csv(example_dir / "observations" / "railcars.csv", dtype=str)
    second = pd.read_csv(example_dir / "observations" / "railcars_second_count.csv", dtype=str)
    assert list(second.columns) == ["image_id", "railcars", "analyst", "notes"]
    assert second["image_id"].is_unique and second["image_id"].isin(first["image_id"]).all()
    assert 0.15 * len(first) < len(second) < 0.5 * len(first)
    assert not set(second["analyst"]) & set(first["analyst"])  # another counter
    assert second["notes"].str.startswith("synthetic").all()
    calibrated = first.loc[first["notes"].str.contains("calibrated"), "image_id"]
    assert calibrated.isin(second["image_id"]).all()  # peak and baseline max


# --- the events the AIS detectors look for (issue 15) -----------------------------------
#
# Each check computes from the decoded files what a detector would: the silences of the
# ships of interest (tumen.ais.tracks.get_gaps), distances from the Natural Earth coastline
# (tumen.geo.coast.get_shore_distance_km), other ships heard near a silence, the reception of a
# 1° cell, pairs of slow ships. Thresholds are Global Fishing Watch's or the issue's.

NM_KM = 1.852
NEIGHBOUR_KM = 20.0


@pytest.fixture(scope="module")
def decoded(example_dir):
    """The example AIS cleaned (jumps dropped), the ships of interest named, and their
    silences over the report's window."""
    data = ais_clean.clean(
        ais_readers.read_ais(sorted((example_dir / "ais").glob("*.nmea")), "nmea")
    )
    fleet = ais_fleet.get_fleet(data.vessels, VESSELS)
    positions = ais_fleet.add_vessel(data.positions, fleet)
    positions = positions[~positions["is_jump"]].reset_index(drop=True)
    gaps = tracks.get_gaps(positions, 6.0, window=WINDOW)
    gaps = gaps[gaps["kind"] == "between"].reset_index(drop=True)
    return {"data": data, "positions": positions, "gaps": gaps}


def shore_km(lat, lon) -> float:
    return float(coast.get_shore_distance_km(lat, lon)[0])


def neighbours(positions, gap) -> pd.DataFrame:
    """Other ships' fixes within NEIGHBOUR_KM of either end of a silence, during it."""
    own = positions.loc[positions["vessel"] == gap["vessel"], "mmsi"].iloc[0]
    during = positions[
        (positions["mmsi"] != own) & positions["time"].between(gap["start"], gap["end"])
    ]
    lat, lon = during["lat"].to_numpy(), during["lon"].to_numpy()
    near = (earth.haversine_km(lat, lon, gap["lat_before"], gap["lon_before"]) <= NEIGHBOUR_KM) | (
        earth.haversine_km(lat, lon, gap["lat_after"], gap["lon_after"]) <= NEIGHBOUR_KM
    )
    return during[near]


def cell_reception(positions, lat, lon) -> float:
    """Positions per ship-day heard in the 1° cell of (lat, lon), over the whole archive."""
    cell = positions[
        (np.floor(positions["lat"]) == np.floor(lat))
        & (np.floor(positions["lon"]) == np.floor(lon))
    ]
    ship_days = cell.groupby(["mmsi", cell["time"].dt.floor("D")]).ngroups
    return len(cell) / ship_days if ship_days else 0.0


def test_a_silence_far_offshore_that_gfw_counts(decoded):
    # GFW: >= 12 h, starting >= 50 nm from shore (asked: 60), >= 14 fixes in the 12 h
    # before, in a 1° cell heard > 10 positions per day
    p, found = decoded["positions"], []
    for _, g in decoded["gaps"][decoded["gaps"]["duration_h"] >= 12].iterrows():
        mine = p[p["vessel"] == g["vessel"]]
        before = mine["time"].between(g["start"] - pd.Timedelta(hours=12), g["start"]).sum()
        if (
            before >= 14
            and shore_km(g["lat_before"], g["lon_before"]) >= 60 * NM_KM
            and cell_reception(p, g["lat_before"], g["lon_before"]) > 10
        ):
            found.append(g["vessel"])
    assert found, "no silence GFW's rule would count"


def test_a_near_shore_silence_with_neighbours_heard(decoded):
    p, found = decoded["positions"], []
    for _, g in decoded["gaps"].iterrows():
        ends = [
            shore_km(g["lat_before"], g["lon_before"]),
            shore_km(g["lat_after"], g["lon_after"]),
        ]
        if max(ends) <= 10 and len(neighbours(p, g)) / g["duration_h"] >= 3:  # per hour
            found.append(g["vessel"])
    assert found, "no near-shore silence with other ships heard several times an hour"


def test_a_silence_with_no_neighbour_heard(decoded):
    p = decoded["positions"]
    quiet = [g["vessel"] for _, g in decoded["gaps"].iterrows() if neighbours(p, g).empty]
    assert quiet, "every silence has other ships heard near one of its ends"


def test_some_silences_have_neighbours_and_some_not(decoded):
    # the classes must differ: some silences have neighbours, some do not
    p = decoded["positions"]
    counts = [len(neighbours(p, g)) for _, g in decoded["gaps"].iterrows()]
    assert min(counts) == 0 < max(counts)


def test_one_sighting_does_not_fit_the_track(example_dir, decoded):
    sightings = pd.read_csv(
        example_dir / "observations" / "vessel_sightings.csv", dtype=str, keep_default_na=False
    )
    misfit = sightings[sightings["notes"].str.contains("misfit")]
    assert len(misfit) == 1
    row = misfit.iloc[0]
    assert row["site"] == "" and row["status"] == "underway"  # at sea: no port call
    assert row["notes"].startswith("synthetic example, not an observation; ")
    when, lat, lon = pd.Timestamp(row["observed"]), float(row["lat"]), float(row["lon"])
    mine = decoded["positions"][decoded["positions"]["vessel"] == row["vessel"]]
    before = mine[mine["time"] <= when].iloc[-1]
    after = mine[mine["time"] > when].iloc[0]
    for fix in (before, after):
        km = float(earth.haversine_km(fix["lat"], fix["lon"], lat, lon))
        hours = abs((when - fix["time"]).total_seconds()) / 3600
        assert km >= 100 * NM_KM and hours <= 3
        assert km / NM_KM / hours > 14.0  # needs more than max_speed_kn


def test_one_mmsi_broadcasts_two_names_and_one_name_two_mmsis(decoded):
    vessels = decoded["data"].vessels.dropna(subset=["name"])
    names = vessels.groupby("mmsi")["name"].nunique()
    mmsis = vessels.groupby("name")["mmsi"].nunique()
    assert (names == 2).sum() == 1 and (mmsis == 2).sum() == 1
    renamed = names[names == 2].index[0]
    assert mmsis[mmsis == 2].index[0] in set(vessels.loc[vessels["mmsi"] == renamed, "name"])
    # the ships of interest keep one name and one MMSI each
    fleet = vessels[vessels["name"].str.upper().isin([v.upper() for v in VESSELS])]
    assert (fleet.groupby("name")["mmsi"].nunique() == 1).all()


def slow_runs(positions, max_sog=2.0, max_silence_h=3.0) -> pd.DataFrame:
    """Runs of consecutive fixes of a ship under ``max_sog`` kn, broken by a silence longer
    than ``max_silence_h``: mmsi, first, last, mean lat, mean lon, farthest km from the mean."""
    p = positions.sort_values(["mmsi", "time"], kind="stable").reset_index(drop=True)
    slow = (p["sog"] < max_sog).to_numpy()
    silent = np.diff(p["time"].to_numpy()) > np.timedelta64(int(max_silence_h * 3600), "s")
    new = np.r_[
        True,
        (p["mmsi"].to_numpy()[1:] != p["mmsi"].to_numpy()[:-1]) | (slow[1:] != slow[:-1]) | silent,
    ]
    p["run"] = np.cumsum(new)
    p = p[slow]
    runs = p.groupby("run").agg(
        mmsi=("mmsi", "first"),
        first=("time", "min"),
        last=("time", "max"),
        lat=("lat", "mean"),
        lon=("lon", "mean"),
    )
    spread = earth.haversine_km(
        p["lat"], p["lon"], p["run"].map(runs["lat"]), p["run"].map(runs["lon"])
    )
    return runs.assign(spread_km=spread.groupby(p["run"]).max())


def test_a_ship_loiters_far_offshore(decoded):
    # under 2 kn for >= 5 h, >= 25 nm offshore (GFW: 4 h, 20 nm)
    runs = slow_runs(decoded["positions"])
    long = runs[(runs["last"] - runs["first"]) >= pd.Timedelta(hours=5)]
    far = [r.mmsi for r in long.itertuples() if shore_km(r.lat, r.lon) - r.spread_km >= 25 * NM_KM]
    assert len(far) == 1


def test_two_ships_meet_at_sea(decoded):
    # within 300 m, both under 1.5 kn, for >= 3 h, >= 30 km from any port, >= 25 nm
    # offshore (GFW: 500 m, 2 kn, 2 h, 10 km)
    p = decoded["positions"]
    slow = p.loc[p["sog"] < 1.5, ["mmsi", "time", "lat", "lon"]]
    slow = slow.assign(bin=slow["time"].dt.floor("30min"))
    pairs = slow.merge(slow, on="bin", suffixes=("", "_b"))
    pairs = pairs[
        (pairs["mmsi"] < pairs["mmsi_b"])
        & ((pairs["time"] - pairs["time_b"]).abs() <= pd.Timedelta(minutes=15))
    ]
    pairs = pairs[
        earth.haversine_km(pairs["lat"], pairs["lon"], pairs["lat_b"], pairs["lon_b"]) <= 0.3
    ]
    ports = gazetteer.load_sites().query("kind == 'port'")
    met = []
    for (a, b), g in pairs.groupby(["mmsi", "mmsi_b"]):
        lat, lon = g["lat"].mean(), g["lon"].mean()
        from_port = min(earth.haversine_km(lat, lon, s.lat, s.lon) for s in ports.itertuples())
        span = g["time"].max() - g["time"].min()
        if span >= pd.Timedelta(hours=3) and from_port >= 30 and shore_km(lat, lon) >= 25 * NM_KM:
            met.append((a, b))
    assert len(met) == 1
