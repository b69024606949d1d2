"""Every Dockerfile rule; importing this package registers them (``tailor rules`` lists them)."""

from imagetailor.lint.rules import (
    declarations,
    environment,
    general,
    instructions,
    packages,
    purpose,
    secrets,
)
from imagetailor.lint.rules.base import LINT_RULES, Hit, LintContext, LintRule

__all__ = [
    "LINT_RULES",
    "Hit",
    "LintContext",
    "LintRule",
    "declarations",
    "environment",
    "general",
    "instructions",
    "packages",
    "purpose",
    "secrets",
]
