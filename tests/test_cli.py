"""tumen.cli: every command has help text; a project error is one line and exit code 2."""

import pytest

from tumen import cli


def test_every_command_is_in_the_help(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help lines
    for name, (_func, helptext, *_rest) in cli.COMMANDS.items():
        assert f" {name} " in out and " ".join(helptext.split()[:3]) in out


def test_a_parameter_error_is_one_line_and_exit_2(tmp_path, capsys):
    params = tmp_path / "params.yaml"
    params.write_text("report:\n  notebooks: [99_none]\n")
    code = cli.main(["plan", "--params", str(params)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error: ")


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["bild"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
