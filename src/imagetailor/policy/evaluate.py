"""Judge an analysis against a purpose: run the rules its settings turn on, collect findings."""

from __future__ import annotations

from typing import Any

from imagetailor.analysis.model import Analysis
from imagetailor.policy.findings import CheckReport, Finding, RuleOutcome, Summary
from imagetailor.policy.rules import POLICY_RULES
from imagetailor.policy.settings import PolicySettings


def policy_rule_ids() -> frozenset[str]:
    from imagetailor.policy.compare import COMPARE_RULES  # `check --compare`'s, for ignore/severity

    return frozenset(entry.rule.id for entry in POLICY_RULES) | {r.id for r in COMPARE_RULES}


def evaluate(analysis: Analysis, settings: PolicySettings) -> CheckReport:
    """The verdict for ``analysis`` under ``settings``; findings sorted by severity, rule, path."""
    created_by = {layer.index: layer.created_by for layer in analysis.layers}
    findings: list[Finding] = []
    outcomes: list[RuleOutcome] = []
    for entry in POLICY_RULES:
        rule = entry.rule
        if rule.id in settings.ignore or not entry.applies(settings):
            continue
        severity = settings.severity.get(rule.id, rule.severity)
        evidence = entry.check(analysis, settings)
        outcomes.append(
            RuleOutcome(rule=rule.id, severity=severity, title=rule.title, findings=len(evidence))
        )
        findings.extend(rule_findings(rule, severity, evidence, created_by))
    summary, fit = summarise(findings, settings.fail_on)
    return CheckReport(
        purpose=settings.purpose,
        base_purpose=settings.base,
        reference=analysis.reference,
        manifest_digest=analysis.manifest_digest,
        config_digest=analysis.config_digest,
        fit=fit,
        fail_on=settings.fail_on,
        findings=findings,
        rules=outcomes,
        summary=summary,
    )


def rule_findings(
    rule: Any, severity: Any, evidence: Any, created_by: dict[int, str | None]
) -> list[Finding]:
    """One rule's evidence as findings (shared by the image rules and --compare's)."""
    return [
        Finding(
            rule=rule.id,
            severity=severity,
            title=rule.title,
            message=item.message,
            path=item.path,
            layer=item.layer,
            created_by=None if item.layer is None else created_by.get(item.layer),
            fix=rule.fix,
        )
        for item in evidence
    ]


def summarise(findings: list[Finding], fail_on: Any) -> tuple[Summary, bool]:
    """Sorts ``findings`` (worst first) in place; their counts by severity, and whether none
    reaches ``fail_on``."""
    findings.sort(key=lambda f: (-f.severity.rank, f.rule, f.path or "", f.message))
    summary = Summary(total=len(findings))
    for finding in findings:
        setattr(summary, finding.severity.value, getattr(summary, finding.severity.value) + 1)
    return summary, not any(f.severity.rank >= fail_on.rank for f in findings)
