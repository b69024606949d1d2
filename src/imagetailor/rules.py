"""Rule metadata shared by image policies and Dockerfile lint: stable ids, severities, docs.

Each rule module declares ``Rule`` objects; ``tailor rules`` lists every registered one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    STYLE = "style"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1, "style": 0}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            from imagetailor.errors import UsageError

            names = ", ".join(s.value for s in cls)
            raise UsageError(f"unknown severity {text!r}: use one of {names}") from None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    explanation: str
    fix: str
    scope: str  # "image" (tailor check) or "dockerfile" (tailor lint)


_REGISTRY: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    for rule in rules:
        existing = _REGISTRY.get(rule.id)
        if existing is not None and existing != rule:
            raise RuntimeError(f"rule id {rule.id} registered twice")
        _REGISTRY[rule.id] = rule


def all_rules() -> list[Rule]:
    """Every rule, after importing the modules that declare them."""
    import importlib

    for module in (
        "imagetailor.policy.rules",
        "imagetailor.policy.compare",
        "imagetailor.lint.rules",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return sorted(_REGISTRY.values(), key=lambda r: r.id)


@dataclass(frozen=True)
class Example:
    before: str
    after: str


def rule_example(rule_id: str) -> Example | None:
    """The before/after example `tailor rules ID` shows (data/rule_examples.toml)."""
    return _examples().get(rule_id)


@cache
def _examples() -> dict[str, Example]:
    import tomllib
    from importlib import resources

    text = resources.files("imagetailor.data").joinpath("rule_examples.toml").read_text("utf-8")
    return {
        rule_id: Example(str(entry["before"]), str(entry["after"]))
        for rule_id, entry in tomllib.loads(text).items()
    }
