"""Tests for tumen.analyses.shuttle.reception: the rule and the words of the reception argument."""

from tumen.analyses.shuttle import reception
from tumen.engine.results import Results


def traffic(tmp_path, **values) -> Results:
    res = Results(tmp_path / "results.json")
    for name, value in values.items():
        res.record(f"shuttle.{name}", value, "1", "test value")
    return res


def test_the_rule_is_recorded_and_decides_when_the_argument_is_weak(tmp_path):
    res = traffic(tmp_path, home_traffic_vessels=4)
    assert reception.is_reception_weak(res)  # the default rule: fewer than 5 ships
    assert reception.record_reception_rule(res, 3) == {"min_reception_ships": 3}
    assert res["shuttle.min_reception_ships"] == 3 and not reception.is_reception_weak(res)


def test_traffic_sentence_for_no_traffic_and_for_no_repeat(tmp_path):
    none = traffic(tmp_path, home_traffic_reports=0, home_fleet_reports=0)
    out = reception.traffic_sentence(none, 1, "the_map")
    assert "no other ship was heard inside the {home_name} geofence" in out
    assert "not one report from the ship of interest came from there ({fig:the_map})." in out
    once = traffic(
        tmp_path / "b",
        home_traffic_reports=1,
        home_traffic_vessels=1,
        home_traffic_longest_silence_h=None,
        home_fleet_reports=3,
    )
    out = reception.traffic_sentence(once, 2, "m")
    assert reception.other_ships_words(once) in out and "other ship heard" in out
    assert "no ship twice in a row" in out
    assert "the ships of interest sent {shuttle.home_fleet_reports} reports from there" in out
