"""Every Dockerfile rule; importing this package registers them (``tailor rules`` lists them)."""

from imagetailor.lint.rules import declarations, general, instructions, packages, purpose
from imagetailor.lint.rules.base import LINT_RULES, Hit, LintContext, LintRule

__all__ = [
    "LINT_RULES",
    "Hit",
    "LintContext",
    "LintRule",
    "declarations",
    "general",
    "instructions",
    "packages",
    "purpose",
]
