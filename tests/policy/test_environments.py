"""One catalogue, one answer: `tailor lint` (TL207) and `tailor check` (TP202) judge the same ENV
the same way in a deploy image (data/environments.toml)."""

from __future__ import annotations

import pytest

from imagetailor.lint.engine import lint_text
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from tests.policy.builders import clean_analysis

CASES = [
    ("APP_ENV", "production", "production"),  # names the place the app thinks it runs in
    ("DEPLOY_ENV", "production", "production"),
    ("APP_ENV", "development", "development"),  # an environment selector naming one
    ("SENTRY_ENVIRONMENT", "staging", "staging"),
    ("API_URL", "https://api.prod.example.com", "prod"),
    ("NODE_ENV", "production", None),  # a build mode, the same in every environment
    ("RAILS_ENV", "production", None),
    ("FLASK_ENV", "production", None),
    ("NODE_ENV", "staging", "staging"),  # a build-mode variable naming a place is one
    ("LOG_FILE", "/dev/stdout", None),  # "dev" where no environment is selected
    ("PRODUCT", "productivity-suite", None),  # whole words only
]


def lint_says(name: str, value: str) -> list[str]:
    text = f'FROM scratch AS deploy\nENV {name}="{value}"\nUSER 10001\nCMD ["/app"]\n'
    return [f.message for f in lint_text(text) if f.rule == "TL207"]


def check_says(name: str, value: str) -> list[str]:
    analysis = clean_analysis(config={"env": {name: value}})
    report = evaluate(analysis, resolve("deploy"))
    return [f.message for f in report.findings if f.rule == "TP202"]


@pytest.mark.parametrize(("name", "value", "place"), CASES)
def test_lint_and_check_agree(name: str, value: str, place: str | None) -> None:
    if place is None:
        assert (lint_says(name, value), check_says(name, value)) == ([], [])
        return
    assert lint_says(name, value) == [
        f"{name}={value} names the environment {place!r}: the image fits only there"
    ]
    assert check_says(name, value) == [f"Env {name}={value!r} names the environment {place!r}"]


def test_a_development_mode_in_deploy_is_lint_only() -> None:
    # NODE_ENV=development is a mode, not a place: check has nothing to say, lint warns that
    # the deploy image runs in development mode.
    assert lint_says("NODE_ENV", "development") == [
        "NODE_ENV=development puts a development mode into a deploy image"
    ]
    assert check_says("NODE_ENV", "development") == []


def test_rules_explain_the_difference_with_examples() -> None:
    from imagetailor.rules import all_rules

    rules = {rule.id: rule for rule in all_rules()}
    for rule_id in ("TL207", "TP202"):
        text = rules[rule_id].explanation
        assert "APP_ENV=production" in text and "NODE_ENV=production" in text
        assert "data/environments.toml" in text
