"""Known vulnerabilities of installed packages (vulns/ matches them against an OSV database):
one rule per advisory severity, so each can be ignored or re-rated on its own. They are
evaluated only when the analysis was matched (``tailor check --vuln-db``)."""

from __future__ import annotations

from collections.abc import Mapping

from imagetailor.analysis.model import Analysis
from imagetailor.policy.rulebase import Check, Evidence, PolicyRule, image_rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Severity
from imagetailor.vulns.ecosystems import normalise

FIX = (
    "Upgrade the package to the fixed version (rebuild on a patched base, or pin the "
    "dependency), or state that it does not apply with --ignore-vuln ID or an OpenVEX file."
)
_EXPLAIN = (
    "An advisory of the vulnerability database (--vuln-db) rates this {level}, and the "
    "installed version of a package is in its affected range (read in the ecosystem's own "
    "version order; distribution advisories name source packages)."
)
# vulnerability severity -> rule id and default finding severity (the default threshold,
# --fail-on-vuln high, makes critical and high fail an image).
LEVEL_RULES = {
    "critical": ("TP501", Severity.ERROR),
    "high": ("TP502", Severity.ERROR),
    "medium": ("TP503", Severity.WARNING),
    "low": ("TP504", Severity.INFO),
    "unknown": ("TP505", Severity.INFO),
}
THRESHOLDS = ("critical", "high", "medium", "low", "unknown", "none")
VULN_RULE_IDS = tuple(rule_id for rule_id, _ in LEVEL_RULES.values())


def _check(level: str) -> Check:
    def check(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
        found = []
        for vuln in analysis.vulnerabilities:
            if vuln.severity != level or vuln.suppressed_by is not None:
                continue
            also = [a for a in vuln.aliases if a != vuln.id][:3]
            named = vuln.id + (f" ({', '.join(also)})" if also else "")
            score = f" {vuln.score}" if vuln.score is not None else ""
            same = normalise(vuln.advisory_package, "pep503") == normalise(vuln.package, "pep503")
            source = "" if same else (
                f", source {vuln.advisory_package}"
            )  # fmt: skip
            fix = f"fixed in {vuln.fixed}" if vuln.fixed else "no fixed version yet"
            found.append(
                Evidence(
                    f"{vuln.package} {vuln.version} ({vuln.ecosystem}{source}): {named}, "
                    f"{level}{score}; {fix}",
                    f"{vuln.manager}:{vuln.package}",
                    vuln.layer,
                )
            )
        return found

    return check


VULN_RULES: tuple[PolicyRule, ...] = tuple(
    PolicyRule(
        image_rule(
            rule_id,
            severity,
            f"Known {level}-severity vulnerability in an installed package"
            if level != "unknown"
            else "Known vulnerability of unrated severity in an installed package",
            _EXPLAIN.format(level=level if level != "unknown" else "without a severity"),
            FIX,
        ),
        lambda settings: settings.vulnerabilities,
        _check(level),
    )
    for level, (rule_id, severity) in LEVEL_RULES.items()
)


def threshold_severities(threshold: str) -> Mapping[str, Severity]:
    """Rule severities for ``--fail-on-vuln``: advisories at or above the threshold become
    errors (they fail the image), those below are warnings at most."""
    from imagetailor.vulns.severity import RANK

    floor = RANK.get(threshold, 99)  # "none": nothing fails
    result = {}
    for level, (rule_id, default) in LEVEL_RULES.items():
        if RANK[level] >= floor:
            result[rule_id] = Severity.ERROR
        else:
            result[rule_id] = default if default.rank < Severity.ERROR.rank else Severity.WARNING
    return result
