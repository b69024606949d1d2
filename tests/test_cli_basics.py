import pytest

from imagetailor.cli.main import main


def test_version_exits_zero(capsys):
    assert main(["--version"]) == 0
    assert "tailor" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys):
    assert main(["no-such-command"]) == 2
    assert capsys.readouterr().err == (
        "tailor: error: no such command 'no-such-command' (see 'tailor -h')\n"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["lnt"], "tailor: error: no such command 'lnt' (did you mean 'lint'?) (see 'tailor -h')"),
        (
            ["check", "x.tar", "--purpose", "deplo"],
            "tailor: error: unknown purpose 'deplo' (did you mean 'deploy'?): use one of ci, "
            'deploy, dev, local or define [policy.deplo] with extends = "deploy" in tailor.toml',
        ),
        (
            ["check", "dockr-archive:/nowhere/x.tar", "-p", "deploy"],
            "tailor: error: unknown transport 'dockr-archive:' in 'dockr-archive:/nowhere/x.tar' "
            "(did you mean 'docker-archive'?)",
        ),
        (
            ["lint", "--target", "web=deplyo"],
            "tailor: error: --target web=deplyo: unknown purpose 'deplyo' (did you mean "
            "'deploy'?): use one of deploy, ci, local, dev",
        ),
        (
            ["rules", "--scope", "imge"],
            "tailor: error: Invalid value for '--scope': 'imge' is not one of 'all', 'image', "
            "'dockerfile'. (did you mean 'image'?) (see 'tailor rules -h')",
        ),
    ],
)
def test_mistypes_get_one_line_with_did_you_mean(capsys, tmp_path, monkeypatch, args, line):
    monkeypatch.chdir(tmp_path)  # no tailor.toml around
    assert main(args) == 2
    assert capsys.readouterr().err == line + "\n"
