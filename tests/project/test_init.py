"""`tailor init`: the questions default to what was detected; answers land in tailor.toml."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from click.testing import CliRunner

from imagetailor.cli.main import cli, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def copy(tmp_path: Path, example: str) -> Path:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root, ignore=shutil.ignore_patterns("node_modules"))
    return root


def test_yes_takes_every_detected_answer(tmp_path: Path) -> None:
    root = copy(tmp_path, "go-app")
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    data = tomllib.loads((root / "tailor.toml").read_text())
    assert data["app"] == {
        "name": "go-app",
        "version": "0.1.0",
        "language": "go",
        "runtime_version": "1.19",
        "main": ".",
        "port": 8080,
        "test": "go test ./...",
        "config": ["PORT", "GREETING"],
        "manifests": ["go.mod"],
    }
    assert data["frontend"] == {"dir": "web", "build": "build", "output": "dist", "lockfile": True}
    assert data["purposes"]["local"]["tools"] == ["curl", "shell"]
    assert data["purposes"]["dev"]["tools"] == ["gdb", "npm"]
    assert data["deploy"]["platform_collects_telemetry"] is True


def test_answers_replace_the_defaults(tmp_path: Path) -> None:
    root = copy(tmp_path, "python-app")
    answers = [
        "billing",  # name
        "",  # runtime and version: keep python 3.11
        "",  # main
        "9000",  # port
        "",  # test command
        "none",  # front end
        "cloud-run",  # platform
        "n",  # platform collects metrics and logs?
        "pytest coverage ruff",  # ci tools
        "curl bash",  # local tools
        "",  # dev tools
        "PORT GREETING DB_URL",  # config names
    ]
    result = CliRunner().invoke(
        cli, ["init", "--dir", str(root)], input="\n".join(answers) + "\n", catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = tomllib.loads((root / "tailor.toml").read_text())
    assert data["app"]["name"] == "billing"
    assert data["app"]["port"] == 9000
    assert data["app"]["main"] == "-m python_app"
    assert data["app"]["config"] == ["PORT", "GREETING", "DB_URL"]
    assert data["deploy"] == {
        "platform": "cloud-run",
        "platform_collects_telemetry": False,
        "base": "distroless",
    }
    assert data["purposes"]["ci"]["tools"] == ["pytest", "coverage", "ruff"]
    assert data["purposes"]["local"]["tools"] == ["curl", "bash"]
    assert data["purposes"]["dev"]["tools"] == ["debugpy"]
    assert "frontend" not in data


def test_bad_answer_is_one_line_naming_the_key(tmp_path: Path, capsys: object) -> None:
    root = copy(tmp_path, "node-app")
    answers = ["Node App!", "", "", "", "", "", "", "", "", "", "", ""]
    result = CliRunner().invoke(cli, ["init", "--dir", str(root)], input="\n".join(answers) + "\n")
    assert result.exit_code != 0
    assert "app.name" in str(result.exception)
    assert not (root / "tailor.toml").exists()


def test_existing_spec_is_not_overwritten_without_force(tmp_path: Path) -> None:
    root = copy(tmp_path, "node-app")
    (root / "tailor.toml").write_text("# mine\n")
    assert main(["init", "--yes", "--dir", str(root)]) == 2
    assert (root / "tailor.toml").read_text() == "# mine\n"
    assert main(["init", "--yes", "--force", "--dir", str(root)]) == 0
    assert "[app]" in (root / "tailor.toml").read_text()
