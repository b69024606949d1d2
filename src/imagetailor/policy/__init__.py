"""Purpose policies: settings per purpose, the built-in rules, and the verdict they give.

``resolve(purpose, tables, overrides=...)`` gives a purpose's ``PolicySettings`` (defaults, then
the [policy] tables of tailor.toml, then flags); ``evaluate(analysis, settings)`` gives the
``CheckReport`` (fit, findings, rules evaluated, summary).
"""

from imagetailor.policy.evaluate import evaluate, policy_rule_ids
from imagetailor.policy.findings import CheckReport, Finding, RuleOutcome, Summary
from imagetailor.policy.settings import (
    BUILTIN_PURPOSES,
    Overrides,
    PolicySettings,
    read_config,
    resolve,
)

__all__ = [
    "BUILTIN_PURPOSES",
    "CheckReport",
    "Finding",
    "Overrides",
    "PolicySettings",
    "RuleOutcome",
    "Summary",
    "evaluate",
    "policy_rule_ids",
    "read_config",
    "resolve",
]
