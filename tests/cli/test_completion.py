"""`tailor completion SHELL` prints a script; the script's callback completes commands and
purposes (click's protocol: _TAILOR_COMPLETE=bash_complete with COMP_WORDS/COMP_CWORD)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagetailor.cli.main import main

TAILOR = Path(sys.executable).parent / "tailor"


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F _tailor_completion tailor"), ("zsh", "#compdef tailor"),
     ("fish", "complete --no-files --command tailor")],
)  # fmt: skip
def test_completion_scripts(capsys: pytest.CaptureFixture[str], shell: str, marker: str) -> None:
    assert main(["completion", shell]) == 0
    out = capsys.readouterr().out
    assert marker in out and "_TAILOR_COMPLETE" in out


def complete(words: str, cword: int) -> str:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    env["_TAILOR_COMPLETE"] = "bash_complete"
    done = subprocess.run([str(TAILOR)], env=env, capture_output=True, text=True, timeout=60)
    return done.stdout


def test_the_script_completes_commands_and_purposes() -> None:
    assert complete("tailor li", 1).split() == ["plain,lint"]
    assert complete("tailor check x --purpose d", 4).split() == ["plain,deploy", "plain,dev"]


def test_an_unknown_shell_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "tcsh"]) == 2
    assert capsys.readouterr().err == (
        "tailor: error: Invalid value for '{bash|zsh|fish}': 'tcsh' is not one of 'bash', "
        "'zsh', 'fish'. (see 'tailor completion -h')\n"
    )
