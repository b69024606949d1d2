"""What every image rule is made of: a Rule (id, severity, texts), when it applies to a
purpose's settings, and a pure check of the analysis that returns its evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from imagetailor.analysis.model import Analysis
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Rule, Severity


@dataclass(frozen=True)
class Evidence:
    """One thing a rule found; the evaluator adds severity, title, fix and created_by."""

    message: str
    path: str | None = None
    layer: int | None = None


Check = Callable[[Analysis, PolicySettings], list[Evidence]]


@dataclass(frozen=True)
class PolicyRule:
    rule: Rule
    applies: Callable[[PolicySettings], bool]
    check: Check
    # The dockle checkpoints (CIS-DI-*, DKL-*) this rule covers: `tailor rules` shows them, and
    # `tailor rules CIS-DI-0008` finds the rule.
    dockle: tuple[str, ...] = ()


def image_rule(id: str, severity: Severity, title: str, explanation: str, fix: str) -> Rule:
    return Rule(id, severity, title, explanation, fix, scope="image")
