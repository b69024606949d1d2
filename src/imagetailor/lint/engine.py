"""Run every rule over one Dockerfile, then apply pragmas and configuration.

Pragmas, on their own comment line(s) directly above an instruction:
    # tailor:ignore=TL101,TL110       skip these rules for that instruction
    # tailor:global-ignore=TL205      skip them for the whole file (any line)
hadolint's own `# hadolint ignore=DL3006` and `# hadolint global ignore=...` are honoured for
the rules we share with it, so files written for hadolint keep working. A pragma may end in a
comment (`# hadolint ignore=DL3002 # why`), and a code we do not check (a ShellCheck SC code, a
hadolint rule we lack, a typo) is ignored with one warning: real files carry such pragmas, and
refusing them would lint nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError, summarise
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
from imagetailor.lint.shell import forget_scripts
from imagetailor.rules import Severity

_PRAGMA = re.compile(
    r"^\s*#\s*(?:tailor\s*:\s*(?P<tscope>global-)?ignore|hadolint\s+(?P<hscope>global\s+)?ignore)"
    r"\s*=\s*(?P<ids>[A-Za-z0-9_,\s-]+?)\s*(?:#.*)?$",
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
    hadolint: str | None = None  # the hadolint rule flagging the same thing, when one does

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
            "hadolint": self.hadolint,
        }


@dataclass(frozen=True)
class Ignores:
    """Rules silenced by configuration or a pragma: our ids, and hadolint ids as written (a
    finding that says which hadolint rule it matches is silenced by that id alone)."""

    rules: frozenset[str] = frozenset()
    hadolint: frozenset[str] = frozenset()

    def __or__(self, other: Ignores) -> Ignores:
        return Ignores(self.rules | other.rules, self.hadolint | other.hadolint)

    def silences(self, rule_id: str, code: str | None) -> bool:
        if rule_id in self.rules:
            return True
        if code is not None:
            return code in self.hadolint
        return bool(set(LINT_RULES[rule_id].hadolint) & self.hadolint)


def _hadolint_ids() -> set[str]:
    return {code for lint_rule in LINT_RULES.values() for code in lint_rule.hadolint}


def split_rule_ids(ids: Iterable[str]) -> tuple[Ignores, list[str]]:
    """Our ids and the hadolint ids we share, and (as written) every id we do not check."""
    shared = _hadolint_ids()
    rules: set[str] = set()
    hadolint: set[str] = set()
    unknown: list[str] = []
    for raw in ids:
        rule_id = raw.strip().upper()
        if not rule_id:
            continue
        if rule_id in LINT_RULES:
            rules.add(rule_id)
        elif rule_id in shared:
            hadolint.add(rule_id)
        else:
            unknown.append(raw.strip())
    return Ignores(frozenset(rules), frozenset(hadolint)), unknown


def resolve_rule_ids(ids: Iterable[str], where: str) -> set[str]:
    """Configuration's ids -> our rules (hadolint ids become the rules that share them).

    hadolint rules we lack are accepted (a config written for both tools), anything else is a
    usage error: unlike a pragma in somebody's Dockerfile, configuration is the user's own."""
    ignores, unknown = split_rule_ids(ids)
    for raw in unknown:
        if not raw.upper().startswith("DL"):
            raise UsageError(f"{where}: unknown rule {raw!r} (see `tailor rules`)")
    return set(ignores.rules) | {
        rule_id
        for rule_id, lint_rule in LINT_RULES.items()
        if set(lint_rule.hadolint) & ignores.hadolint
    }


Warn = Callable[[str], None]


def lint_path(
    path: Path,
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    display_name: str | None = None,
    context_dir: Path | None = None,
    warn: Warn | None = None,
) -> list[Finding]:
    """Lint one Dockerfile; the build context defaults to its directory."""
    parsed = read_dockerfile(path, display_name)
    context = context_dir if context_dir is not None else path.parent
    return lint_parsed(parsed, config, targets, context_dir=context, warn=warn)


def lint_bytes(
    raw: bytes,
    name: str,
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    context_dir: Path | None = None,
    warn: Warn | None = None,
) -> list[Finding]:
    """Lint a Dockerfile that has no directory (stdin): without a context directory given,
    there is no .dockerignore to look for and TL206 says nothing."""
    return lint_parsed(parse_bytes(raw, name), config, targets, context_dir, warn)


def lint_text(
    text: str,
    name: str = "Dockerfile",
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    context_dir: Path | None = None,
    warn: Warn | None = None,
) -> list[Finding]:
    return lint_parsed(parse_text(text, name), config, targets, context_dir, warn)


def lint_parsed(
    parsed: ParsedDockerfile,
    config: LintConfig | None = None,
    targets: Mapping[str, str] | None = None,
    context_dir: Path | None = None,
    warn: Warn | None = None,
) -> list[Finding]:
    """Every rule's findings, less what configuration and pragmas silence. ``warn`` hears, once
    per file, the pragma codes we do not check."""
    config = config or LintConfig()
    forget_scripts()  # the RUN parse cache holds one file's scripts
    model = build_model(parsed, _purposes(config, targets or {}))
    context = LintContext(model, lint_catalogue(), context_dir)
    where = config.source or "configuration"
    resolve_rule_ids(config.ignore, where)  # a typo in the user's own config is an error
    # As a pragma does: `ignore = ["DL3008"]` silences what hadolint's DL3008 flags, not the
    # other codes of the rule covering it (TL116 also covers DL3018, ...).
    ignored, _ = split_rule_ids(config.ignore)
    enabled = resolve_rule_ids(config.enable, where)
    overrides = {
        rule_id: severity
        for raw, severity in config.severity.items()
        for rule_id in resolve_rule_ids([raw], where)
    }
    global_ignores, line_ignores, unknown = _pragmas(model)
    if unknown and warn is not None:
        warn(
            f"{parsed.path}: pragmas name rules tailor does not check, ignored: "
            f"{summarise(sorted(set(unknown)), limit=8)}"
        )
    spans = _instruction_lines(model)
    findings: dict[tuple[str, int, str | None], Finding] = {}
    for rule_id, lint_rule in LINT_RULES.items():
        if rule_id in ignored.rules or rule_id in global_ignores.rules:
            continue
        if not lint_rule.enabled and rule_id not in enabled:
            continue
        for hit in lint_rule.check(context):
            if ignored.silences(rule_id, hit.hadolint):
                continue
            if global_ignores.silences(rule_id, hit.hadolint):
                continue
            if line_ignores.get(hit.line, Ignores()).silences(rule_id, hit.hadolint):
                continue
            # One stage shared by several targets: reported once. A rule that covers several
            # hadolint rules may flag one line once per rule (yum and dnf in one RUN).
            key = (rule_id, hit.line, hit.hadolint)
            if key in findings:
                continue
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
                hadolint=hit.hadolint
                or (lint_rule.hadolint[0] if len(lint_rule.hadolint) == 1 else None),
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


def _pragmas(model: DockerfileModel) -> tuple[Ignores, dict[int, Ignores], list[str]]:
    """What is ignored file-wide, per finding line (every line of the instruction), and the
    pragma codes we do not check."""
    lines = model.parsed.lines
    unknown: list[str] = []
    global_ignores = Ignores()
    for text in lines:
        match = _PRAGMA.match(text)
        if match and (match.group("tscope") or match.group("hscope")):
            found, not_ours = split_rule_ids(re.split(r"[,\s]+", match.group("ids")))
            global_ignores |= found
            unknown += not_ours
    per_line: dict[int, Ignores] = {}
    for instruction in model.parsed.instructions:
        ids = Ignores()
        number = instruction.start_line - 1  # 1-based line above the instruction
        while number >= 1 and lines[number - 1].strip().startswith("#"):
            match = _PRAGMA.match(lines[number - 1])
            if match and not (match.group("tscope") or match.group("hscope")):
                found, not_ours = split_rule_ids(re.split(r"[,\s]+", match.group("ids")))
                ids |= found
                unknown += not_ours
            number -= 1
        if ids.rules or ids.hadolint:
            for line in range(instruction.start_line, instruction.end_line + 1):
                per_line[line] = per_line.get(line, Ignores()) | ids
    return global_ignores, per_line, unknown


def exceeds(findings: Iterable[Finding], threshold: Severity | None) -> bool:
    """Whether any finding is at or above the threshold (None: never fail)."""
    if threshold is None:
        return False
    return any(f.severity.rank >= threshold.rank for f in findings)
