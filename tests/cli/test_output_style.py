"""Output a person reads: one rule in full, NO_COLOR honoured, COLUMNS for pipes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.cli import check as check_cli
from imagetailor.cli.main import main
from imagetailor.cli.options import terminal_style
from imagetailor.lint.rules import LINT_RULES
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from imagetailor.rules import all_rules, rule_example
from tests.policy.builders import clean_analysis, hit


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_rule_in_full(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "rules", "TL130")
    assert code == 0
    assert out == (
        "TL130  wget without a progress option\n"
        "  severity info; tailor lint; hadolint DL3047\n"
        "\n"
        "What and why\n"
        "  wget's default progress bar writes thousands of lines into a build log that\n"
        "  is not a terminal.\n"
        "\n"
        "Fix\n"
        "  Use wget -q, -nv, or --progress=dot:giga.\n"
        "\n"
        "Before\n"
        "    RUN wget https://example.com/a.tgz\n"
        "After\n"
        "    RUN wget -q https://example.com/a.tgz\n"
    )
    assert all(len(line) <= 80 for line in run(capsys, "rules", "TL116", "TP202")[1].splitlines())


def test_a_hadolint_id_shows_the_rule_that_covers_it(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "rules", "dl3008", "--format", "json")
    (view,) = json.loads(out)
    assert (code, view["id"], view["enabled"]) == (0, "TL116", False)
    assert view["hadolint"] == ["DL3008", "DL3018", "DL3033", "DL3037", "DL3041"]
    assert view["example"]["after"].endswith("curl=7.88.1-10+deb12u5")


def test_an_unknown_rule_is_one_line(capsys: pytest.CaptureFixture[str]):
    assert run(capsys, "rules", "TP2O1") == (
        2,
        "",
        "tailor: error: no rule 'TP2O1' (did you mean 'TP201'?) (`tailor rules` lists them)\n",
    )


def test_every_lint_rule_has_an_example():
    assert [rule_id for rule_id in LINT_RULES if rule_example(rule_id) is None] == []
    known = {rule.id for rule in all_rules()}
    from imagetailor.rules import _examples

    assert set(_examples()) <= known


@pytest.fixture
def a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("imagetailor.cli.options.stdout_is_terminal", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_no_color_is_honoured_everywhere(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    a_terminal: None,
):
    saved = tmp_path / "analysis.json"
    tools = [hit("sh", "shell", "/bin/sh", 0)]
    saved.write_text(clean_analysis(tool_hits=tools).model_dump_json())
    asked: list[bool] = []
    real = check_cli.render_check

    def recording(*args: object, **kwargs: object) -> str:
        asked.append(bool(kwargs.get("color")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_cli, "render_check", recording)
    assert terminal_style()[1] is True
    assert run(capsys, "check", "--analysis", str(saved), "-p", "deploy")[0] == 1
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal_style()[1] is False
    assert run(capsys, "check", "--analysis", str(saved), "-p", "deploy")[0] == 1
    assert asked == [True, False]
    # What a terminal would get: colour codes only without NO_COLOR.
    report = evaluate(clean_analysis(tool_hits=tools), resolve("deploy"))
    assert "\x1b[" in real(report, "text", color=True)
    assert "\x1b" not in real(report, "text", color=False)
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no-color.org says colour stays
    assert terminal_style()[1] is True
    monkeypatch.setenv("TERM", "dumb")
    assert terminal_style()[1] is False


def test_pipes_take_their_width_from_columns(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("imagetailor.cli.options.stdout_is_terminal", lambda: False)
    monkeypatch.delenv("COLUMNS", raising=False)
    assert terminal_style() == (120, False)
    monkeypatch.setenv("COLUMNS", "200")
    assert terminal_style() == (200, False)
    monkeypatch.setenv("COLUMNS", "not-a-number")
    assert terminal_style() == (120, False)
