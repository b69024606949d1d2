"""Every command's --help ends with two or three examples, readable at 80 columns."""

from __future__ import annotations

import re

import pytest

from imagetailor.cli.main import COMMAND_MODULES, main


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_help_has_two_or_three_examples(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "\\b" not in text and "\b" not in text  # click's no-rewrap marker, never shown
    block = text.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    examples = [line for line in block.splitlines() if re.match(r"\s+(tailor|cat|eval) ", line)]
    assert 2 <= len(examples) <= 3, block
    assert all(len(line) <= 80 for line in block.splitlines()), block
