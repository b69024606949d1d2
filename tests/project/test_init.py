"""`tailor init`: the questions default to what was detected, bad answers are asked again,
--yes stops with one line on what it cannot know, and answers land in tailor.toml."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from imagetailor.cli.main import cli, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def _no_env_base_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAILOR_BASE_MAP", raising=False)


def error_line(err: str) -> str:
    """The one error line (the detection notes before it are diagnostics)."""
    errors = [line for line in err.splitlines() if line.startswith("tailor: error:")]
    assert len(errors) == 1, err
    assert err.rstrip().endswith(errors[0]), "the error is the last line, whole"
    return errors[0]


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
        "start": ["go-app"],
        "kind": "web",
        "port": 8080,
        "build": "",
        "test": "go test ./...",
        "package_manager": "modules",
        "config": ["PORT", "GREETING"],
        "manifests": ["go.mod"],
    }
    assert data["frontend"] == {
        "dir": "web",
        "build": "build",
        "output": "dist",
        "manager": "npm",
        "lockfile": True,
        "node": "24",
    }
    assert data["purposes"]["local"]["tools"] == ["curl", "shell"]
    assert data["purposes"]["dev"]["tools"] == ["gdb", "npm"]
    assert data["deploy"]["platform_collects_telemetry"] is True


ANSWERS = {
    "name": "billing",
    "version": "",
    "runtime": "3.11",
    "kind": "",
    "start": "python -m python_app",
    "port": "9000",
    "build": "",
    "test": "",
    "config": "PORT GREETING DB_URL",
    "frontend": "none",
    "platform": "cloud-run",
    "telemetry": "n",
    "ci": "pytest coverage ruff",
    "local": "curl bash",
    "dev": "",
}


def run_init(root: Path, answers: dict[str, str]) -> tuple[int, str]:
    text = "\n".join(answers.values()) + "\n"
    result = CliRunner().invoke(cli, ["init", "--dir", str(root)], input=text)
    return result.exit_code, result.output


def test_answers_replace_the_defaults(tmp_path: Path) -> None:
    root = copy(tmp_path, "python-app")
    code, output = run_init(root, ANSWERS)
    assert code == 0, output
    data = tomllib.loads((root / "tailor.toml").read_text())
    assert (data["app"]["name"], data["app"]["port"]) == ("billing", 9000)
    assert data["app"]["runtime_version"] == "3.11"
    assert data["app"]["start"] == ["python", "-m", "python_app"]
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


@pytest.mark.parametrize(
    ("question", "bad", "complaint"),
    [
        ("name", "Billing API", "not a valid image repository name"),
        ("runtime", "3.12", "choose one of 3.13, 3.11"),
        ("port", "70000", "a TCP port is a number from 1 to 65535"),
        ("ci", "pytest frobnicator", "unknown tool 'frobnicator'"),
        ("config", "DB-URL", "not an environment variable name"),
        ("start", "'unclosed", "cannot read the command"),
    ],
)
def test_a_bad_answer_is_asked_again(
    tmp_path: Path, question: str, bad: str, complaint: str
) -> None:
    root = copy(tmp_path, "python-app")
    answers = {k: (f"{bad}\n{v}" if k == question else v) for k, v in ANSWERS.items()}
    code, output = run_init(root, answers)
    assert code == 0, output
    assert complaint in output
    assert tomllib.loads((root / "tailor.toml").read_text())["app"]["name"] == "billing"


def test_yes_stops_on_what_it_cannot_know_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    (tmp_path / "lib.py").write_text("def helper():\n    return 1\n")
    assert main(["init", "--yes", "--dir", str(tmp_path)]) == 2
    err = error_line(capsys.readouterr().err)
    assert "cannot tell app.start" in err and "--set app.start=" in err
    assert not (tmp_path / "tailor.toml").exists()
    args = ["init", "--yes", "--dir", str(tmp_path), "--set", "app.start=python lib.py"]
    assert main(args) == 0
    data = tomllib.loads((tmp_path / "tailor.toml").read_text())
    assert data["app"]["start"] == ["python", "lib.py"]


def test_set_is_validated_like_an_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy(tmp_path, "node-app")
    for pair, complaint in [
        ("app.port=0", "a TCP port"),
        ("app.colour=blue", "use KEY=VALUE with KEY one of"),
        ("app.runtime_version=4", "choose one of"),
    ]:
        capsys.readouterr()
        assert main(["init", "--yes", "--dir", str(root), "--set", pair]) == 2
        assert complaint in error_line(capsys.readouterr().err)
    assert not (root / "tailor.toml").exists()


def test_unknown_language_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mix.exs").write_text("defmodule App.MixProject do\nend\n")
    assert main(["init", "--yes", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        "Elixir (Mix)" in err
        and ".NET, Go, Java, Node.js, PHP, Python, Ruby, Rust" in err
        and len(err.splitlines()) == 1
    )


def test_existing_spec_is_not_overwritten_without_force(tmp_path: Path) -> None:
    root = copy(tmp_path, "node-app")
    (root / "tailor.toml").write_text("# mine\n")
    assert main(["init", "--yes", "--dir", str(root)]) == 2
    assert (root / "tailor.toml").read_text() == "# mine\n"
    assert main(["init", "--yes", "--force", "--dir", str(root)]) == 0
    assert "[app]" in (root / "tailor.toml").read_text()


def test_the_base_map_decides_the_versions_offered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy(tmp_path, "node-app")
    mapped = tmp_path / "map.toml"
    mapped.write_text(
        '[bases."node:20-trixie-slim"]\nimage = "stand-in/node:20"\n'
        '[bases."gcr.io/distroless/nodejs20-debian13:nonroot"]\nimage = "stand-in/dl:20"\n'
    )
    monkeypatch.setenv("TAILOR_BASE_MAP", str(mapped))
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    assert tomllib.loads((root / "tailor.toml").read_text())["app"]["runtime_version"] == "20"


def test_detection_notes_are_printed_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notes quote the project ("Pipfile [requires]", a start line): brackets are text, not
    markup that would vanish from the line."""
    (tmp_path / "Pipfile").write_text('[packages]\n\n[requires]\npython_version = "3.11"\n')
    (tmp_path / "worker.py").write_text("print('[bold]x[/bold]')\n")
    (tmp_path / "Procfile").write_text("worker: python worker.py --tag [blue]\n")
    assert main(["init", "--yes", "--dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "(Pipfile [requires]) allows" in " ".join(err.split())
    assert "--tag [blue]" in err
