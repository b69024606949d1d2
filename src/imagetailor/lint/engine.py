"""Run every rule over one Dockerfile, then apply pragmas and configuration.

Pragmas, on their own comment line(s) directly above an instruction:
    # tailor:ignore=TL101,TL110       skip these rules for that instruction
    # tailor:global-ignore=TL205      skip them for the whole file (any line)
hadolint's own `# hadolint ignore=DL3006` and `# hadolint global ignore=...` are honoured for
the rules we share with it, so files written for hadolint keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.lint.catalogue import lint_catalogue
from imagetailor.lint.config import LintConfig
from imagetailor.lint.model import DockerfileModel, build_model
from imagetailor.lint.parse import (
    Instruction,
    ParsedDockerfile,
    parse_bytes,
    parse_text,
    read_dockerfile,
)
from imagetailor.lint.rules import LINT_RULES, LintContext
from imagetailor.rules import Severity

_PRAGMA = re.compile(
    r"^\s*#\s*(?:tailor\s*:\s*(?P<tscope>global-)?ignore|hadolint\s+(?P<hscope>global\s+)?ignore)"
    r"\s*=\s*(?P<ids>[A-Za-z0-9_,\s]+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    rule: str
    severity: Severity
    message: str
    title: str = ""
    fix: str = ""
    stage: str | None = None
    target: str | None = None
    source: tuple[str, ...] = field(default=(), compare=False)  # the offending lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "title": self.title,
            "fix": self.fix,
            "stage": self.stage,
            "target": self.target,
        }


def resolve_rule_ids(ids: Iterable[str], where: str) -> set[str]:
    """Our ids stay; hadolint ids become the rules of ours that share them; others are errors."""
    by_hadolint: dict[str, set[str]] = {}
    for rule_id, lint_rule in LINT_RULES.items():
        for hadolint_id in lint_rule.hadolint:
            by_hadolint.setdefault(hadolint_id, set()).add(rule_id)
    resolved: set[str] = set()
    for raw in ids:
        rule_id = raw.strip().upper()
        if not rule_id:
            continue
        if rule_id in LINT_RULES:
            resolved.add(rule_id)
        elif rule_id in by_hadolint:
            resolved |= by_hadolint[rule_id]
        elif not rule_id.startswith("DL"):  # other hadolint rules: nothing of ours to silence
            raise UsageError(f"{where}: unknown rule {raw.strip()!r} (see `tailor rules`)")
    return resolved


def lint_path(
    path: Path,
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    display_name: str | None = None,
    context_dir: Path | None = None,
) -> list[Finding]:
    """Lint one Dockerfile; the build context defaults to its directory."""
    parsed = read_dockerfile(path, display_name)
    context = context_dir if context_dir is not None else path.parent
    return lint_parsed(parsed, config, targets, context_dir=context)


def lint_bytes(
    raw: bytes,
    name: str,
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    context_dir: Path | None = None,
) -> list[Finding]:
    """Lint a Dockerfile that has no directory (stdin): without a context directory given,
    there is no .dockerignore to look for and TL206 says nothing."""
    return lint_parsed(parse_bytes(raw, name), config, targets, context_dir)


def lint_text(
    text: str,
    name: str = "Dockerfile",
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    context_dir: Path | None = None,
) -> list[Finding]:
    return lint_parsed(parse_text(text, name), config, targets, context_dir)


def lint_parsed(
    parsed: ParsedDockerfile,
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    context_dir: Path | None = None,
) -> list[Finding]:
    config = config or LintConfig()
    model = build_model(parsed, _purposes(config, targets or {}))
    context = LintContext(model, lint_catalogue(), context_dir)
    where = config.source or "configuration"
    ignored = resolve_rule_ids(config.ignore, where)
    overrides = {
        rule_id: severity
        for raw, severity in config.severity.items()
        for rule_id in resolve_rule_ids([raw], where)
    }
    global_ignores, line_ignores = _pragmas(model)
    spans = _instruction_lines(model)
    findings: dict[tuple[str, int], Finding] = {}
    for rule_id, lint_rule in LINT_RULES.items():
        if rule_id in ignored or rule_id in global_ignores:
            continue
        for hit in lint_rule.check(context):
            if rule_id in line_ignores.get(hit.line, set()):
                continue
            key = (rule_id, hit.line)
            if key in findings:
                continue  # one stage shared by several targets: report it once
            findings[key] = Finding(
                file=parsed.path,
                line=hit.line,
                rule=rule_id,
                severity=overrides.get(rule_id, lint_rule.rule.severity),
                message=hit.message,
                title=lint_rule.rule.title,
                fix=lint_rule.rule.fix,
                stage=hit.stage,
                target=hit.target,
                source=_source_lines(model, spans, hit.line),
            )
    return sorted(findings.values(), key=lambda f: (f.line, f.rule))


def _purposes(config: LintConfig, targets: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    purposes = {name: (purpose, "config") for name, purpose in config.targets.items()}
    purposes.update({name.lower(): (purpose, "cli") for name, purpose in targets.items()})
    return purposes


def _instruction_lines(model: DockerfileModel) -> dict[int, Instruction]:
    """Every line an instruction spans -> the instruction (one pass, for showing findings)."""
    spans: dict[int, Instruction] = {}
    for instruction in model.parsed.instructions:
        for line in range(instruction.start_line, instruction.end_line + 1):
            spans[line] = instruction
    return spans


def _source_lines(
    model: DockerfileModel, spans: dict[int, Instruction], line: int
) -> tuple[str, ...]:
    instruction = spans.get(line)
    lines = model.parsed.lines
    if instruction is None:
        return (lines[line - 1],) if 0 < line <= len(lines) else ()
    return tuple(lines[instruction.start_line - 1 : instruction.end_line])


def _pragmas(model: DockerfileModel) -> tuple[set[str], dict[int, set[str]]]:
    """Rule ids ignored file-wide, and per finding line (every line of the instruction)."""
    lines = model.parsed.lines
    global_ignores: set[str] = set()
    for text in lines:
        match = _PRAGMA.match(text)
        if match and (match.group("tscope") or match.group("hscope")):
            global_ignores |= _pragma_ids(match.group("ids"), model.path)
    per_line: dict[int, set[str]] = {}
    for instruction in model.parsed.instructions:
        ids: set[str] = set()
        number = instruction.start_line - 1  # 1-based line above the instruction
        while number >= 1 and lines[number - 1].strip().startswith("#"):
            match = _PRAGMA.match(lines[number - 1])
            if match and not (match.group("tscope") or match.group("hscope")):
                ids |= _pragma_ids(match.group("ids"), model.path)
            number -= 1
        if ids:
            for line in range(instruction.start_line, instruction.end_line + 1):
                per_line.setdefault(line, set()).update(ids)
    return global_ignores, per_line


def _pragma_ids(text: str, path: str) -> set[str]:
    return resolve_rule_ids((part for part in re.split(r"[,\s]+", text)), f"{path} pragma")


def exceeds(findings: Iterable[Finding], threshold: Severity | None) -> bool:
    """Whether any finding is at or above the threshold (None: never fail)."""
    if threshold is None:
        return False
    return any(f.severity.rank >= threshold.rank for f in findings)
