"""Every corpus Dockerfile gives exactly its expected findings (rule id and line)."""

from __future__ import annotations

import pytest

from imagetailor.lint.engine import lint_path
from tests.lint.corpus import Case, cases

CASES = cases()


def test_corpus_covers_every_rule() -> None:
    from imagetailor.lint.rules import LINT_RULES

    seen = {rule for case in CASES for _, rule in case.expected}
    assert seen == set(LINT_RULES), f"rules no corpus file exercises: {set(LINT_RULES) - seen}"


def test_the_reference_file_is_clean() -> None:
    clean = next(case for case in CASES if case.name == "clean-go")
    assert lint_path(clean.dockerfile) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_exact_findings(case: Case) -> None:
    findings = lint_path(case.dockerfile, case.config, targets=case.targets)
    assert sorted((f.line, f.rule) for f in findings) == case.expected
    for finding in findings:
        assert finding.source, "every finding shows its offending line"
        assert finding.message and finding.fix


def test_docs_describe_every_rule() -> None:
    from pathlib import Path

    from imagetailor.lint.rules import LINT_RULES

    docs = (Path(__file__).parents[2] / "docs" / "lint-rules.md").read_text()
    for rule_id, lint_rule in LINT_RULES.items():
        assert f"### {rule_id} — {lint_rule.rule.title}" in docs
        assert lint_rule.rule.fix in docs
