"""The built-in image rules of ``tailor check``, in the order they are judged: each a small pure
function of the analysis and the purpose's settings, with a stable id. One module per family:
TP1xx tools (tool_rules), TP2xx config (config_rules, start_rules), TP3xx secrets
(secret_rules), TP4xx size and waste (size_rules), TP5xx known vulnerabilities (vuln_rules),
TP7xx file permissions (permission_rules). TP6xx, the comparison with another image
(`check --compare`), is compare.py.

Which rules run for a purpose is decided by its settings (data/policy.toml, tailor.toml, flags):
a rule whose setting is off is not evaluated at all, so reports list only what was judged.
"""

from __future__ import annotations

from imagetailor.policy.config_rules import CONFIG_RULES, METADATA_RULES
from imagetailor.policy.permission_rules import PERMISSION_RULES
from imagetailor.policy.rulebase import PolicyRule
from imagetailor.policy.secret_rules import SECRET_RULES
from imagetailor.policy.size_rules import SIZE_RULES
from imagetailor.policy.start_rules import START_RULES
from imagetailor.policy.tool_rules import TOOL_RULES, runtime_language
from imagetailor.policy.vuln_rules import VULN_RULES
from imagetailor.rules import register

POLICY_RULES: tuple[PolicyRule, ...] = (
    *TOOL_RULES,
    *CONFIG_RULES,
    *START_RULES,
    *METADATA_RULES,
    *SECRET_RULES,
    *SIZE_RULES,
    *VULN_RULES,
    *PERMISSION_RULES,
)

register(*(entry.rule for entry in POLICY_RULES))

__all__ = ["POLICY_RULES", "runtime_language"]
