"""Render a ``tailor check`` verdict: text, json, sarif, junit. Rendering only, no judging."""

from __future__ import annotations

import json
from urllib.parse import quote

from rich.table import Table
from rich.text import Text

from imagetailor.policy.findings import CheckReport, Finding
from imagetailor.report.checksummary import STYLES, rule_blocks
from imagetailor.report.console import render_to_string, safe_text
from imagetailor.report.junit import JUnitCase, JUnitFailure, JUnitSuite, junit_xml
from imagetailor.report.sarif import SarifResult, UriBase, sarif_json, sarif_log
from imagetailor.rules import Rule, all_rules

CHECK_FORMATS = ("text", "json", "sarif", "junit")


def verdict_line(report: CheckReport) -> str:
    """One greppable line: the purpose, fit or not, the counts and what fails."""
    counts = report.summary
    state = "fit" if report.fit else "NOT FIT"
    return (
        f"{report.reference}: {state} for {report.purpose} — {counts.error} error(s), "
        f"{counts.warning} warning(s), {counts.info} info, {counts.style} style; "
        f"{len(report.rules)} rule(s) evaluated; fails on {report.fail_on.value} and above"
    )


def _where(finding: Finding) -> Text:
    text = safe_text(finding.path or "-")
    if finding.layer is not None:
        text.append(f"\nlayer {finding.layer}", style="dim")
        if finding.created_by:
            text.append_text(safe_text(f": {_short(finding.created_by, 80)}", "dim"))
    return text


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_check_text(
    report: CheckReport, *, width: int = 120, color: bool = False, verbose: bool = False
) -> str:
    """The verdict, a block per rule (count, first paths, the layer that added most, the fix),
    with ``verbose`` the table of every finding, and the verdict again last (scripts grep it)."""
    verdict = safe_text(verdict_line(report), "bold green" if report.fit else "bold red")
    if not report.findings:
        return render_to_string([verdict], width=width, color=color)
    parts: list[object] = [verdict]
    for block in rule_blocks(report, width):
        parts += [Text(""), block]
    if verbose:
        parts += [Text(""), _detail_table(report)]
    else:
        parts += [Text(""), safe_text("(every path: --verbose, or --format json)", "dim")]
    parts.append(verdict)
    return render_to_string(parts, width=width, color=color)


def _detail_table(report: CheckReport) -> Table:
    table = Table(title=safe_text(f"{report.purpose} policy: {report.reference}"), show_lines=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("where", overflow="fold", ratio=2)
    table.add_column("finding", overflow="fold", ratio=3)
    for finding in report.findings:
        table.add_row(
            Text(finding.severity.value, style=STYLES[finding.severity]),
            Text(finding.rule),  # the title is in the summary above
            _where(finding),
            safe_text(finding.message),
        )
    return table


def render_check_json(report: CheckReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def _evaluated_rules(report: CheckReport) -> list[Rule]:
    registered = {rule.id: rule for rule in all_rules()}
    return [registered[outcome.rule] for outcome in report.rules if outcome.rule in registered]


def _is_file_path(finding: Finding) -> bool:
    # Config findings put an env name or label key in `path`; only image paths start with "/".
    return finding.path is not None and finding.path.startswith("/")


def _image_uri(path: str) -> str:
    """An image path as a relative URI reference: SARIF consumers reject spaces and raw bytes.
    Names that were not UTF-8 (surrogate-escaped) get their original bytes percent-encoded."""
    return quote(path.lstrip("/"), safe="/", errors="surrogateescape")


def render_check_sarif(report: CheckReport) -> str:
    results = []
    for finding in report.findings:
        logical = None
        if finding.layer is not None:
            logical = f"layer {finding.layer}"
        elif finding.path is not None and not _is_file_path(finding):
            logical = f"config {finding.path}"
        properties: dict[str, object] = {"purpose": report.purpose}
        if finding.layer is not None:
            properties["layer"] = finding.layer
        if finding.created_by:
            properties["createdBy"] = finding.created_by
        results.append(
            SarifResult(
                rule_id=finding.rule,
                severity=finding.severity,
                message=f"{finding.message}. Fix: {finding.fix}",
                # Code-scanning services drop results without an artifact: a finding with no file
                # (the config's Env or User, the image's size) is located at the image itself,
                # named by its reference, as trivy's image SARIF does.
                uri=_image_uri(finding.path)
                if _is_file_path(finding) and finding.path
                else quote(report.reference, safe=":/@+"),
                relative=_is_file_path(finding),
                logical_location=logical,
                properties=properties,
            )
        )
    log = sarif_log(
        _evaluated_rules(report),
        results,
        severities={outcome.rule: outcome.severity for outcome in report.rules},
        uri_base=UriBase(
            "IMAGEROOT", "file:///", f"the root of the merged file system of {report.reference}"
        ),
        run_properties={
            "purpose": report.purpose,
            "reference": report.reference,
            "configDigest": report.config_digest,
            "fit": report.fit,
        },
    )
    return sarif_json(log)


def render_check_junit(report: CheckReport) -> str:
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    cases = []
    for outcome in report.rules:
        failing = []
        passing_notes = []
        for finding in by_rule.get(outcome.rule, []):
            where = finding.path or "-"
            if finding.layer is not None:
                where += f" (layer {finding.layer}: {finding.created_by or '?'})"
            text = f"{finding.severity.value}: {finding.message}\nat {where}\nfix: {finding.fix}"
            if finding.severity.rank >= report.fail_on.rank:
                failing.append(JUnitFailure(finding.message, finding.rule, text))
            else:
                passing_notes.append(text)
        cases.append(
            JUnitCase(
                name=f"{outcome.rule} {outcome.title}",
                classname=f"imagetailor.check.{report.purpose}",
                failures=failing,
                output="\n\n".join(passing_notes),
            )
        )
    suite = JUnitSuite(
        name=f"tailor check --purpose {report.purpose} {report.reference}",
        cases=cases,
        properties={
            "purpose": report.purpose,
            "reference": report.reference,
            "config_digest": report.config_digest,
            "fit": str(report.fit).lower(),
        },
    )
    return junit_xml([suite])


def render_check(
    report: CheckReport, fmt: str, *, width: int = 120, color: bool = False, verbose: bool = False
) -> str:
    if fmt == "json":
        return render_check_json(report)
    if fmt == "sarif":
        return render_check_sarif(report)
    if fmt == "junit":
        return render_check_junit(report)
    return render_check_text(report, width=width, color=color, verbose=verbose)
