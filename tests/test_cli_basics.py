from imagetailor.cli.main import main


def test_version_exits_zero(capsys):
    assert main(["--version"]) == 0
    assert "tailor" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys):
    assert main(["no-such-command"]) == 2
    assert "No such command" in capsys.readouterr().err
