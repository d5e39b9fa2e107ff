"""Tests for tumen.geo.routes: the command line prints the pipeline's routes."""

from tumen.geo import routes


def test_main_prints_routes_with_snaps_and_healed_gaps(capsys):
    assert routes.main([]) == 0
    out = capsys.readouterr().out
    assert "sea route rajin_port -> dunai_port" in out
    assert out.count("rail route dunai_port -> tikhoretsk_depot") == 2
    assert "snap dunai_port" in out and "healed gaps <= 5 km" in out
