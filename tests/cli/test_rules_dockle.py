"""`tailor rules` names the dockle checkpoints an image rule covers, finds the rules covering a
checkpoint, and docs/check-rules.md lists every image rule with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.policy.rules import POLICY_RULES
from imagetailor.policy.settings import resolve


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_a_checkpoint_finds_every_rule_covering_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "rules", "cis-di-0010", "--format", "json")
    assert code == 0
    assert [(r["id"], r["dockle"]) for r in json.loads(out)] == [
        ("TP301", ["CIS-DI-0010"]),
        ("TP302", ["CIS-DI-0010"]),
        ("TP304", ["CIS-DI-0010"]),
    ]
    code, out = run(capsys, "rules", "TP701")
    assert out.splitlines()[:2] == [
        "TP701  Image contains setuid or setgid files",
        "  severity warning; tailor check; dockle CIS-DI-0008",
    ]
    assert "Before\n    FROM debian:12.7-slim AS deploy\nAfter\n" in out


def test_an_unknown_checkpoint_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "DKL-LI-0001"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_docs_list_every_image_rule_as_each_purpose_grades_it() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "check-rules.md").read_text()
    purposes = {p: resolve(p) for p in ("deploy", "local", "ci", "dev")}
    for entry in POLICY_RULES:
        row = next(line for line in docs.splitlines() if line.startswith(f"| {entry.rule.id} |"))
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        graded = [
            settings.severity.get(entry.rule.id, entry.rule.severity).value
            if entry.applies(settings) and entry.rule.id not in settings.ignore
            else "–"
            for settings in purposes.values()
        ]
        assert cells[1:] == [entry.rule.title, *graded, ", ".join(entry.dockle)], row
        for checkpoint in entry.dockle:  # and the checkpoint's own row names the rule
            mapped = next(
                line for line in docs.splitlines() if line.startswith(f"| {checkpoint} |")
            )
            assert entry.rule.id in mapped, mapped
