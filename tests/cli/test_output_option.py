"""-o/--output and --force on every command with a result: the file holds exactly what stdout
would, an existing file is refused (exit 2, untouched) before any work, --force replaces it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.cli.main import main

DOCKERFILE = "FROM alpine:3.20\nRUN apk add gcc\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_lint_output_file_holds_what_stdout_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    code, out, _ = run(capsys, "lint", "--format", "json", str(dockerfile))
    target = tmp_path / "lint.json"
    code_file, out_file, _ = run(
        capsys, "lint", "--format", "json", str(dockerfile), "-o", str(target)
    )
    assert (code, code_file, out_file) == (1, 1, "")
    assert target.read_text() == out
    assert {f["rule"] for f in json.loads(out)} >= {"TL114"}


def test_lint_refuses_an_existing_file_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    target = tmp_path / "report.txt"
    target.write_text("mine\n")
    code, out, err = run(capsys, "lint", str(dockerfile), "--output", str(target))
    assert (code, out, target.read_text()) == (2, "", "mine\n")
    assert err.count("\n") == 1 and "already exists" in err
    code, _, _ = run(capsys, "lint", str(dockerfile), "--output", str(target), "--force")
    assert code == 1
    assert "TL114" in target.read_text()


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_rules_output_file(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / f"rules.{fmt}"
    code, out, _ = run(capsys, "rules", "--format", fmt, "-o", str(target))
    assert (code, out) == (0, "")
    text = target.read_text()
    if fmt == "json":
        assert text == run(capsys, "rules", "--format", "json")[1]
        assert {"TL112", "TP100"} <= {rule["id"] for rule in json.loads(text)}
    else:
        assert "TL112" in text and "\x1b[" not in text  # plain text, no colour codes


@pytest.mark.parametrize(
    "args",
    [
        ("build", "--dir", "{dir}"),
        ("smoke", "imagetailor-test/none:1", "--port", "1"),
        ("rules",),
        ("inspect", "docker-archive:{dir}/missing.tar"),
        ("check", "docker-archive:{dir}/missing.tar", "--purpose", "deploy"),
    ],
)
def test_existing_output_is_refused_before_any_work(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # build has no tailor.toml, and smoke, inspect and check have no image here: the refusal
    # must come first.
    target = tmp_path / "result.json"
    target.write_text("keep\n")
    argv = [a.format(dir=tmp_path) for a in args] + ["--format", "json", "-o", str(target)]
    code, out, err = run(capsys, *argv)
    assert (code, out, target.read_text()) == (2, "", "keep\n")
    assert "already exists" in err


def test_output_dash_and_dev_stdout_reach_the_pipe_and_dirs_are_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    tailor = [sys.executable, "-m", "imagetailor.cli.main", "rules"]
    for target in ("-", "/dev/stdout"):
        result = subprocess.run([*tailor, "-o", target, "--force"], capture_output=True,
                                text=True, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "TP101" in result.stdout or "TL1" in result.stdout
    result = subprocess.run([*tailor, "-o", str(tmp_path)], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert (
        result.stderr == f"tailor: error: {tmp_path} is a directory: --output needs a file name\n"
    )
    long_name = tmp_path / ("n" * 300)
    result = subprocess.run([*tailor, "-o", str(long_name)], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "the name is too long for the file system" in result.stderr
