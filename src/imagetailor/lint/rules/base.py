"""How a lint rule is declared: metadata for ``tailor rules`` plus one small pure check."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
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
    # The one hadolint rule this hit matches (of the rule's hadolint ids), when it says: then
    # `# hadolint ignore=` silences it by that id alone, and parity compares per hadolint code.
    hadolint: str | None = None


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
    enabled: bool = True  # False: runs only when `[lint] enable` names it


LINT_RULES: dict[str, LintRule] = {}


def lint_rule(
    rule_id: str,
    severity: Severity,
    title: str,
    explanation: str,
    fix: str,
    hadolint: tuple[str, ...] = (),
    enabled: bool = True,
) -> Callable[[Check], Check]:
    """Declare a rule: registers it for ``tailor rules`` and for ``tailor lint``."""

    def decorate(check: Check) -> Check:
        text = explanation
        if hadolint:
            text += f" (hadolint: {', '.join(hadolint)})"
        rule = Rule(rule_id, severity, title, text, fix, scope="dockerfile")
        register(rule)
        LINT_RULES[rule_id] = LintRule(rule, check, hadolint, enabled)
        return check

    return decorate


# Shells that do not read POSIX sh: a RUN under `SHELL ["powershell", ...]` is not sh, and the
# shell rules would misread it (hadolint skips such RUNs too).
NON_POSIX_SHELLS = frozenset({"pwsh", "powershell", "cmd"})


def shell_program(shell: Instruction) -> str:
    """`SHELL ["C:\\Windows\\powershell.exe", ...]` -> "powershell" (base name, no .exe)."""
    program = shell.args[0] if shell.args else ""
    name = re.split(r"[\\/]", program)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def as_run(instruction: Instruction) -> Instruction | None:
    """The RUN an instruction runs: RUN itself, or ONBUILD RUN's (run in images built FROM it)."""
    if instruction.keyword == "RUN":
        return instruction
    if instruction.keyword == "ONBUILD" and instruction.sub_keyword == "RUN":
        return replace(instruction, keyword="RUN", sub_keyword=None)
    return None


def run_commands(instruction: Instruction) -> list[SimpleCommand]:
    run = as_run(instruction)
    return commands(run_script(run)) if run is not None else []


def stage_runs(
    stage: Stage, onbuild: bool = True
) -> Iterator[tuple[Instruction, list[SimpleCommand]]]:
    """A stage's RUNs in POSIX shell with their commands; ONBUILD RUNs too unless asked not to
    (purpose rules judge this image's files, which an ONBUILD RUN never touches)."""
    posix = True
    for instruction in stage.instructions:
        if instruction.keyword == "SHELL":
            posix = shell_program(instruction) not in NON_POSIX_SHELLS
            continue
        run = as_run(instruction)
        if run is None or not posix or (run is not instruction and not onbuild):
            continue
        yield run, commands(run_script(run))
