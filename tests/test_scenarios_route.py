"""Scenario matrix, route half: the route notebook for an invented pair, and with no route.

Invented sites at real places of the shipped rail network (``tests/fixtures/scenarios.py``):
containers loaded at a quay on the Sea of Azov, unloaded at a pier on the Kerch strait
coast, taken by rail to a depot west of Smolensk, measured to Belarus instead of Ukraine,
with invented claims. Each scenario builds ``03_route_to_depot`` as its own variant through
the runner; the overview scenarios build it beside ``00_overview``, which reads its results
and routes (a linked section) and runs after it though it comes first in the report. Lengths on a real railway graph cannot be worked by hand to the metre, so the
tests check what can: identities between results, bounds from geodesic distances worked
out by hand, dates, and the sentences that depend on the case.
"""

import html
import json
import re

import pandas as pd
import pytest
from fixtures import scenarios
from numpy.testing import assert_allclose

from tumen.engine import links, rebuild
from tumen.engine.results import Results
from tumen.errors import NotebookError
from tumen.geo import earth, gazetteer, route_files
from tumen.geo import sea as geo_sea

pytestmark = pytest.mark.slow

NB = "03_route_to_depot"

SITES = {  # invented names at real coordinates: id -> (name, lat, lon)
    "kamyshovy_quay": ("Kamyshovy quay", 46.72, 38.27),  # loading port (Yeysk)
    "limanny_pier": ("Limanny pier", 45.33, 37.37),  # unloading port (Temryuk)
    "granitnaya_station": ("Granitnaya station", 47.22, 39.72),  # "crossing" (Rostov)
    "lesnaya_depot": ("Lesnaya depot", 54.80, 32.10),  # destination (west of Smolensk)
    "lesnaya": ("Lesnaya", 54.78, 32.05),  # its town
    "sulak_roads": ("Sulak roads", 42.98, 47.52),  # a port on the Caspian (Makhachkala)
}
KINDS = {
    "kamyshovy_quay": "port",
    "limanny_pier": "port",
    "granitnaya_station": "station",
    "lesnaya_depot": "depot",
    "lesnaya": "town",
    "sulak_roads": "port",
}
CLAIMS = """id,source,published,statement,value,unit,citation
scn_first_shipment,Invented Monitor,2024-03-05,The first shipment left the quay on 2 March 2024.,2024-03-02,date,invented for a test scenario
scn_depot_trains,Invented Monitor,2024-03-25,Trains were seen at the depot on 20 March 2024.,2024-03-20,date,invented for a test scenario
scn_depot_distance,Invented Monitor,2024-03-25,The depot is about 60 km from Belarus.,60,km,invented for a test scenario
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A clean copy of the project holding the scenario inputs; TUMEN_ROOT points at it."""
    copy = rebuild.copy_tree(tmp_path_factory.mktemp("scenarios-route") / "tree")
    scenarios.write_sites(copy, SITES, KINDS, name="route_sites.csv")
    (copy / "scenarios/route_claims.csv").write_text(CLAIMS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUMEN_ROOT", str(copy))
        mp.setenv("PYTHONPATH", str(copy / "src"))
        yield copy


def section(**extra):
    base = {
        "sites_csv": "scenarios/route_sites.csv",
        "claims_csv": "scenarios/route_claims.csv",
        "origin": "limanny_pier",
        "destination": "lesnaya_depot",
        "town": "lesnaya",
        "crossing": "granitnaya_station",
        "loading_port": "kamyshovy_quay",
        "mainline_via": [],
        "short_names": {},
        "countries": ["RUS"],
        "heal_gaps_km": [0.0, 5.0],
        "map_extent": [28.0, 45.0, 43.0, 57.0],
        "map_cities": [],
        "start_map_extent": [36.5, 40.5, 44.8, 47.6],
        "start_map_places": ["limanny_pier", "granitnaya_station"],
        "timeline_start_claims": ["scn_first_shipment"],
        "timeline_end_claim": "scn_depot_trains",
        "border_country": "BLR",
        "home_country": "RUS",
        "crimea_box": None,
        "part_name": "",
        "distance_claims": ["scn_depot_distance"],
        "depot_map_extent": [28.0, 36.0, 52.5, 56.4],
        "depot_map_places": [],
        "border_reference": "",
        "border_country_adjective": "Belarusian",
        "origin_note": "",
        "mainline_note": "",
        "contrast_note": "",
        "crossing_note": "",
        "timeline_note": "",
        "timeline_note_2": "",
        "border_end_note": "",
        "territory_note": "",
        "depot_map_alt": "",
        "route_map_area": "",
        "start_map_caption": "",
        "start_map_alt": "",
    }
    return {**base, **extra}


def no_example_names(text):
    for word in ("dunai", "tikhoretsk", "khasan", "ukrain", "crimea", "novoazovsk", "angara"):
        assert word not in text.lower(), word
    assert "RUSI" not in text and "White House" not in text


def test_other_pair_and_border_country(root):
    r = scenarios.build(root, "route-other-pair", NB, section())
    assert "route.no_route" not in r
    # the route: its length is the network part plus the two straight connectors. The pier
    # and the depot are 1,100-1,200 km apart as the crow flies (9.5° of latitude ≈ 1,055 km,
    # plus 5.3° of longitude west); within Russia the line must swing east round Ukraine:
    # Krasnodar, Rostov, Voronezh, Bryansk, Smolensk, about 150 + 280 + 560 + 550 + 250 ≈
    # 1,800 km by the timetables' distances
    assert_allclose(
        r["route.total_km"],
        r["route.rail_km"] + r["route.origin_snap_km"] + r["route.destination_snap_km"],
    )
    crow = earth.distance_km(45.33, 37.37, 54.80, 32.10)
    assert 1100 < crow < 1200
    assert 1500 < r["route.rail_km"] < 2200
    assert r["route.origin_snap_km"] < 100 and r["route.destination_snap_km"] < 100
    # timeline: 2024-03-02 to 2024-03-20 is 18 days; less 1 day handling. No shuttle
    # section is linked (its results file does not exist in this variant), so there is no
    # delivery to start from and no ship speed: the sea leg is not subtracted
    assert r["route.timeline_days"] == 18
    assert_allclose(r["route.rail_days"], 18 - 1.0)
    assert_allclose(r["route.implied_speed_kmh"], r["route.total_km"] / (r["route.rail_days"] * 24))
    assert "route.sea_hours" not in r and "route.delivery_start" not in r
    # a later shipment fails: 2024-03-20 less 1 day and the route at the fastest of the
    # notebook's default speeds (50 km/h)
    latest = pd.Timestamp("2024-03-20") - pd.Timedelta(days=1.0 + r["route.total_km"] / 50 / 24)
    assert abs(pd.Timestamp(r["route.latest_start"]).tz_localize(None) - latest) < pd.Timedelta(
        "1s"
    )
    # distance to Belarus: the border west of Smolensk runs near 31.2° E at this latitude,
    # about 0.9° of longitude (≈ 58 km at 54.8° N) west of the depot
    assert 40 < r["route.depot_to_border_km"] < 75
    assert r["route.depot_to_border_km"] <= r["route.depot_to_territory_km"] + 1e-9
    assert r["route.verdicts_total"] == 1 and "route.depot_to_part_km" not in r
    text = scenarios.prose(root, "route-other-pair", NB)
    assert "Within Russia the railway from Limanny pier to the Lesnaya depot is" in text
    assert "into Belarus on the network is" in text
    assert re.search(
        r"The first shipment is dated 2024-03-02 \[\d+\] and trains are seen at the "
        r"depot on 2024-03-20 \[\d+\]",
        text,
    )  # published dates, cited
    assert (
        "there are no shuttle results at build/scn-route-other-pair/results/02_vessel_shuttle.json"
    ) in html.unescape(text)
    assert "the sea leg is not subtracted" in text
    assert "These speeds are an assumption: no timetable is cited" in text
    assert (root / "figures/scn-route-other-pair/limanny_lesnaya_rail_route_map.png").exists()
    assert (root / "figures/scn-route-other-pair/lesnaya_depot_belarus_map.png").exists()
    no_example_names(text)


def test_line_of_contact_is_a_second_reading_when_given(root):
    # a hand-made line of contact: the meridian 30.85° E from 54.0° to 55.6° N. The depot
    # (54.80° N, 32.10° E) is 1.25° of longitude east of it: on the sphere of the prime
    # vertical radius there, N = 6378.137 / sqrt(1 - 0.00669438 sin²54.8°) = 6392.44 km,
    # asin(sin 1.25° cos 54.8°) x N = 0.012575 x 6392.44 = 80.39 km. An invented claim of
    # "about 80 km" (± 5 km) fits it and not the border (about 63 km). The ships load on the
    # Caspian here, which no water joins to the pier: the sea leg cannot be computed
    (root / "scenarios/front.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"date": "2024-03-01", "source": "drawn by hand for a test scenario"}, "geometry": '
        '{"type": "LineString", "coordinates": [[30.85, 54.0], [30.85, 55.6]]}}]}'
    )
    (root / "scenarios/front_claims.csv").write_text(
        CLAIMS + "scn_front_distance,Invented Monitor,2024-03-25,The depot is about 80 km "
        "from the fighting.,80,km,invented for a test scenario\n",
        encoding="utf-8",
    )
    r = scenarios.build(
        root,
        "route-front",
        NB,
        section(
            claims_csv="scenarios/front_claims.csv",
            line_of_contact_geojson="scenarios/front.geojson",
            distance_claims=["scn_depot_distance", "scn_front_distance"],
            loading_port="sulak_roads",
        ),
    )
    assert r["route.line_of_contact_measured"] is True
    assert abs(r["route.depot_to_line_of_contact_km"] - 80.39) < 0.1
    assert r["route.line_of_contact_date"] == "2024-03-01"
    assert r["route.claim_readings_scn_front_distance"] >= 1
    text = scenarios.prose(root, "route-front", NB)
    assert "the straight line to the line of contact of 2024-03-01 (80 km)" in text
    assert "that reading is not measured" not in text
    assert (
        "(the sea leg is not subtracted: its route could not be computed, no water path "
        "joins the two ports"
    ) in text
    # the key findings name the reading without making it the only answer
    assert re.search(r"80 km \[\d+\] \(Invented Monitor\) fits", text)  # cited
    # the map draws the line and the straight line to its nearest point (caption)
    assert (root / "figures/scn-route-front/lesnaya_depot_belarus_map.png").exists()
    assert "the line of contact of 2024-03-01 (drawn by hand for a test scenario)" in text
    no_example_names(text)


def test_countries_that_admit_no_route(root):
    # Kazakhstan only: the pier lies in Russia, so no railway within Kazakhstan joins the
    # two places; the distances to Belarus are measured all the same
    r = scenarios.build(root, "route-none", NB, section(countries=["KAZ"]))
    assert r["route.no_route"] == (
        "Limanny pier lies in Russia, outside the countries allowed (Kazakhstan)"
    )
    assert "route.rail_km" not in r and "route.implied_speed_kmh" not in r
    assert 40 < r["route.depot_to_border_km"] < 75
    text = scenarios.prose(root, "route-none", NB)
    assert (
        "No railway of the network joins Limanny pier and the Lesnaya depot within "
        "Kazakhstan: Limanny pier lies in Russia, outside the countries allowed "
        "(Kazakhstan)."
    ) in text
    assert "With no rail route within Kazakhstan there is no journey to time." in text
    no_example_names(text)


def overview_section(**extra):
    """The overview on the invented places (its rail numbers and routes come from the route
    notebook of the same build, its sea route from ``shuttle_results``)."""
    base = {
        "sites_csv": "scenarios/route_sites.csv",
        "crossing": "granitnaya_station",
        "loading_port": "kamyshovy_quay",
        "origin": "limanny_pier",
        "destination": "lesnaya_depot",
        "border_country": "BLR",
        "short_names": {},
        "crossing_note": "",
        "shuttle_results": "",
    }
    return {**base, **extra}


def write_shuttle_link(root):
    """A shuttle section's results and sea route, as the shuttle notebook leaves them for the
    overview: the sea route between the invented ports, computed here."""
    sites = gazetteer.load_sites(root / "scenarios/route_sites.csv")
    sea = geo_sea.sea_route("kamyshovy_quay", "limanny_pier", sites=sites)
    path = root / "scenarios/shuttle/02_vessel_shuttle.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    Results(path).record("shuttle.sea_route_nm", sea.length_nm, "nmi", "the sea route")
    route_files.write_routes({"sea": sea}, links.files_dir(path) / "sea_route.geojson")
    return sea


def test_overview_with_no_route(root):
    # the overview beside the route notebook on the same invented places, Kazakhstan only:
    # the distance to Belarus is the route section's; the rail legs and the map are not
    # given, and the sea route is said to be missing (no shuttle section linked)
    r = scenarios.build_linked(
        root,
        "overview-none",
        {"00_overview": overview_section(), NB: section(countries=["KAZ"])},
    )
    assert r["overview.no_route"] == r["route.no_route"]
    assert r["overview.no_route"].startswith("Limanny pier lies in Russia")
    assert "overview.rail_km" not in r and "overview.khasan_rail_km" not in r
    assert r["overview.depot_to_border_km"] == r["route.depot_to_border_km"]
    assert 40 < r["overview.depot_to_border_km"] < 75
    assert "overview.sea_km" not in r
    text = scenarios.prose(root, "overview-none", "00_overview")
    assert "No railway joins Limanny pier and Lesnaya depot: Limanny pier lies in Russia" in text
    assert "The sea route from Kamyshovy quay to Limanny pier is not part of this build" in text
    assert not (root / "figures/scn-overview-none/pipeline_overview_map.png").exists()


def test_overview_on_other_places_draws_its_own_inset(root):
    # the overview on the invented places with a route: the inset is computed around the
    # sea route and the start of the rail route (no inset_extent), the map names no
    # example place; every number is its section's, bounded by the geodesic distances
    sea_route = write_shuttle_link(root)
    r = scenarios.build_linked(
        root,
        "overview-other",
        {
            "00_overview": overview_section(
                map_extent=[28.0, 45.0, 43.0, 57.0],
                shuttle_results="scenarios/shuttle/02_vessel_shuttle.json",
            ),
            NB: section(),
        },
    )
    assert r["overview.sea_km"] == sea_route.length_km
    assert r["overview.sea_nm"] == sea_route.length_nm
    for name, linked in (
        ("rail_km", "rail_km"),
        ("rail_total_km", "total_km"),
        ("khasan_rail_km", "khasan_rail_km"),
        ("depot_to_border_km", "depot_to_border_km"),
    ):
        assert r[f"overview.{name}"] == r[f"route.{linked}"], name
    sites = gazetteer.load_sites(root / "scenarios/route_sites.csv")
    q, p, d = (
        gazetteer.get_site(i, sites) for i in ("kamyshovy_quay", "limanny_pier", "lesnaya_depot")
    )
    sea = earth.distance_km(q.lat, q.lon, p.lat, p.lon)
    rail = earth.distance_km(p.lat, p.lon, d.lat, d.lon)
    assert sea <= r["overview.sea_km"] < 2 * sea
    assert rail <= r["overview.rail_km"] < 2 * rail
    assert (root / "figures/scn-overview-other/pipeline_overview_map.png").exists()
    # the download bundle's routes: the same routes, whatever notebook computed them
    routes = json.loads((root / "build/scn-overview-other/results/routes.geojson").read_text())
    lengths = sorted(f["properties"]["length_km"] for f in routes["features"])
    assert lengths == sorted(
        round(x, 1) for x in (r["route.rail_km"], r["route.khasan_rail_km"], sea_route.length_km)
    )
    text = scenarios.prose(root, "overview-other", "00_overview")
    assert "Limanny pier" in text and "Lesnaya depot" in text
    no_example_names(text)


def test_overview_alone_says_its_sections_are_missing(root):
    # the overview without the sections it summarises (a build of the overview only): it
    # records no number it would have to compute and says what is missing, naming the files
    r = scenarios.build(
        root,
        "overview-alone",
        "00_overview",
        overview_section(shuttle_results="build/{variant}/results/02_vessel_shuttle.json"),
    )
    assert r == {}
    text = html.unescape(scenarios.prose(root, "overview-alone", "00_overview"))
    assert (
        "The sea route from Kamyshovy quay to Limanny pier is not part of this build: there "
        "are no shuttle results at build/scn-overview-alone/results/02_vessel_shuttle.json."
    ) in text
    assert (
        "The rail route from Limanny pier to Lesnaya depot and the depot's distance to "
        "Belarus's border are not part of this build: there are no route results at "
        "build/scn-overview-alone/results/03_route_to_depot.json."
    ) in text
    assert not (root / "figures/scn-overview-alone/pipeline_overview_map.png").exists()


def test_overview_refuses_a_route_between_other_places(root):
    # the route section's routes join other places than the overview names: one line
    write_shuttle_link(root)
    with pytest.raises(
        NotebookError,
        match="the linked route joins kamyshovy_quay and "
        "limanny_pier, not sulak_roads and limanny_pier",
    ) as err:
        scenarios.build(
            root,
            "overview-mismatch",
            "00_overview",
            overview_section(
                loading_port="sulak_roads",
                shuttle_results="scenarios/shuttle/02_vessel_shuttle.json",
            ),
        )
    assert err.value.exit_code == 2
