"""How a lint rule is declared: metadata for ``tailor rules`` plus one small pure check."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from imagetailor.lint.catalogue import Catalogue, matches_any
from imagetailor.lint.model import DockerfileModel, Stage, Target
from imagetailor.lint.parse import Instruction
from imagetailor.lint.shell import SimpleCommand, commands, run_script
from imagetailor.rules import Rule, Severity, register


@dataclass(frozen=True)
class Hit:
    """What a check found; the engine adds the rule id, severity, file and pragma handling."""

    line: int
    message: str
    stage: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class LintContext:
    model: DockerfileModel
    catalogue: Catalogue
    # The directory sent as build context (where a .dockerignore is looked for), if known.
    context_dir: Path | None = None

    def purpose_targets(self, *purposes: str) -> list[Target]:
        return [t for t in self.model.targets if t.purpose in purposes]

    def shipped_stages(self) -> list[Stage]:
        """Stages whose files end up in an image some purpose runs (inherited by a target)."""
        return self.model.shipped_stages()

    def context_entries(self, globs: tuple[str, ...]) -> list[str]:
        """Top-level names in the build context matching the globs (sorted; at most 8)."""
        if self.context_dir is None:
            return []
        try:
            names = sorted(entry.name for entry in self.context_dir.iterdir())
        except OSError:
            return []
        return [name for name in names if matches_any(name, globs)][:8]

    def has_dockerignore(self) -> bool:
        if self.context_dir is None:
            return True  # unknown context (stdin): do not guess
        dockerfile_name = Path(self.model.path).name
        return (self.context_dir / ".dockerignore").is_file() or (
            self.context_dir / f"{dockerfile_name}.dockerignore"
        ).is_file()


Check = Callable[[LintContext], Iterable[Hit]]


@dataclass(frozen=True)
class LintRule:
    rule: Rule
    check: Check
    hadolint: tuple[str, ...]  # hadolint rules that flag the same thing (for parity and pragmas)


LINT_RULES: dict[str, LintRule] = {}


def lint_rule(
    rule_id: str,
    severity: Severity,
    title: str,
    explanation: str,
    fix: str,
    hadolint: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Declare a rule: registers it for ``tailor rules`` and for ``tailor lint``."""

    def decorate(check: Check) -> Check:
        text = explanation
        if hadolint:
            text += f" (hadolint: {', '.join(hadolint)})"
        rule = Rule(rule_id, severity, title, text, fix, scope="dockerfile")
        register(rule)
        LINT_RULES[rule_id] = LintRule(rule, check, hadolint)
        return check

    return decorate


def run_commands(instruction: Instruction) -> list[SimpleCommand]:
    return commands(run_script(instruction)) if instruction.keyword == "RUN" else []


def stage_runs(stage: Stage) -> Iterator[tuple[Instruction, list[SimpleCommand]]]:
    for instruction in stage.of("RUN"):
        yield instruction, run_commands(instruction)
