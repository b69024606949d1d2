"""What instructions declare (TL131-TL136): COPY destinations, EXPOSE ports, HEALTHCHECK, ENV
and FROM flags, each as hadolint reads them, each hit on the instruction's line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.lint.model import Stage
from imagetailor.lint.rules.base import Hit, LintContext, lint_rule
from imagetailor.rules import Severity

_VARIABLE_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@lint_rule(
    "TL131",
    Severity.WARNING,
    "FROM --platform pinned to one platform",
    "`FROM --platform=linux/amd64` makes every build of the file that platform's image, also "
    "on arm64 machines and in multi-platform builds, where it runs emulated or not at all. "
    "`--platform=$BUILDPLATFORM` (a cross-compiling build stage) is fine.",
    "Drop --platform and pass `docker build --platform ...`, or use $BUILDPLATFORM / "
    "$TARGETPLATFORM.",
    hadolint=("DL3029",),
)
def from_platform(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for platform in stage.from_instruction.flag_values("platform"):
            if "$" not in platform:
                yield Hit(stage.start_line, f"FROM --platform={platform}", stage.label)


@lint_rule(
    "TL132",
    Severity.ERROR,
    "COPY of several sources to a destination without /",
    "With more than one source, COPY needs a directory destination, written with a trailing "
    "/; BuildKit refuses the build otherwise.",
    "End the destination with /: COPY a.txt b.txt /app/.",
    hadolint=("DL3021",),
)
def copy_many_to_file(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("COPY"):
            if instruction.heredocs or len(instruction.args) < 3:
                continue
            if not instruction.args[-1].endswith("/"):
                yield Hit(
                    instruction.start_line,
                    f"COPY of {len(instruction.args) - 1} sources to {instruction.args[-1]}",
                    stage.label,
                )


def _has_workdir(ctx: LintContext, stage: Stage, before_line: int) -> bool:
    """A WORKDIR earlier in this stage, or in a stage it is built FROM (it is image config)."""
    for current in ctx.model.inherited(stage):
        for instruction in current.of("WORKDIR"):
            if current is not stage or instruction.start_line < before_line:
                return True
    return False


@lint_rule(
    "TL133",
    Severity.WARNING,
    "COPY to a relative destination without WORKDIR",
    "A relative destination is relative to the working directory, which without a WORKDIR is "
    "whatever the base image set (often /): the files land somewhere nobody chose.",
    "Set WORKDIR /app before the COPY, or copy to an absolute path.",
    hadolint=("DL3045",),
)
def copy_relative_without_workdir(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("COPY"):
            if instruction.heredocs or len(instruction.args) < 2:
                continue
            destination = instruction.args[-1].strip("\"'")
            if destination.startswith(("/", "$")) or re.match(r"^[A-Za-z]:[\\/]", destination):
                continue
            if not _has_workdir(ctx, stage, instruction.start_line):
                yield Hit(
                    instruction.start_line,
                    f"COPY to {destination} with no WORKDIR set",
                    stage.label,
                )


@lint_rule(
    "TL134",
    Severity.ERROR,
    "EXPOSE of a port that cannot exist",
    "Ports are 0 to 65535; EXPOSE of another number documents a port nothing can listen on.",
    "Expose the port the application listens on: EXPOSE 8080.",
    hadolint=("DL3011",),
)
def expose_range(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("EXPOSE"):
            for port in instruction.args:
                numbers = port.split("/", 1)[0].split("-")
                if all(n.isdigit() for n in numbers) and any(int(n) > 65535 for n in numbers):
                    yield Hit(instruction.start_line, f"EXPOSE {port}: not a port", stage.label)
                    break


@lint_rule(
    "TL135",
    Severity.ERROR,
    "Several HEALTHCHECK in one stage",
    "Only the last HEALTHCHECK of an image counts; the others mislead readers.",
    "Keep one HEALTHCHECK per stage.",
    hadolint=("DL3012",),
)
def several_healthchecks(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("HEALTHCHECK")[1:]:
            yield Hit(instruction.start_line, "another HEALTHCHECK in this stage", stage.label)


@lint_rule(
    "TL136",
    Severity.ERROR,
    "ENV refers to a variable it defines itself",
    "In `ENV A=1 B=$A` the $A is expanded before the ENV runs, so B gets A's old value "
    "(usually empty), not 1.",
    "Split it: ENV A=1, then ENV B=$A.",
    hadolint=("DL3044",),
)
def env_self_reference(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("ENV"):
            defined: set[str] = set()
            for name, value in zip(instruction.args[0::2], instruction.args[1::2], strict=False):
                used = set(_VARIABLE_REF.findall(value)) & defined
                if used:
                    yield Hit(
                        instruction.start_line,
                        f"{name} uses ${sorted(used)[0]}, defined in the same ENV",
                        stage.label,
                    )
                    break
                defined.add(name)
