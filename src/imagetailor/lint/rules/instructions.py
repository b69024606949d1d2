"""Instruction hygiene (TL121-TL130): hadolint's rules on stages, COPY --from and RUN habits.

Each is a small pure check over the stage model; where hadolint's behaviour is a choice we do
not share, the rule says so and docs/lint-rules.md lists it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.lint.rules.base import Hit, LintContext, lint_rule, stage_runs
from imagetailor.lint.shell import SimpleCommand, top_level_commands
from imagetailor.lint.shell import run_script as script_of
from imagetailor.rules import Severity


@lint_rule(
    "TL121",
    Severity.INFO,
    "Consecutive one-command RUNs in a shipped stage",
    "Two RUNs in a row that each run one command make two layers where one would do, in an "
    "image some purpose ships. As hadolint, RUNs with different flags (--mount) and RUNs of "
    "several commands are left alone; unlike hadolint, stages that are only copied from are "
    "not judged: their layers never ship, and separate RUNs there cache better.",
    "Join them with && into one RUN (one command per line, continued with \\).",
    hadolint=("DL3059",),
)
def consecutive_runs(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.shipped_stages():
        previous: tuple[tuple[str, ...], int] | None = None  # (flags, commands) of the last RUN
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                previous = None
                continue
            count = len(top_level_commands(script_of(instruction)))
            if previous == (instruction.flags, 1) and count == 1:
                yield Hit(instruction.start_line, "RUN right after a RUN: join them", stage.label)
            previous = (instruction.flags, count)


@lint_rule(
    "TL122",
    Severity.ERROR,
    "sudo in RUN",
    "RUN already runs as the current USER; sudo adds a setuid binary to the image, a TTY and "
    "password prompt that builds cannot answer, and behaviour that depends on /etc/sudoers.",
    "Switch with USER root ... USER app around the step, or use gosu/su-exec in an entrypoint.",
    hadolint=("DL3004",),
)
def sudo_in_run(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            if any(c.name == "sudo" or "sudo" in c.wrapped for c in commands):
                yield Hit(instruction.start_line, "sudo in RUN", stage.label)


def _names_image(source: str) -> bool:
    # name:tag or name@sha256:...: an external image, which COPY --from may name.
    return ":" in source


@lint_rule(
    "TL123",
    Severity.WARNING,
    "COPY --from names neither an earlier stage nor a tagged image",
    "`COPY --from=X` takes files from an earlier stage named X, or from the image X: a typo in a "
    "stage name silently pulls an image of that name from a registry (latest).",
    "Name an earlier stage (FROM ... AS build, then COPY --from=build) or a tagged image "
    "(COPY --from=nginx:1.27 ...).",
    hadolint=("DL3022",),
)
def copy_from_unknown(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        earlier = {s.name.lower() for s in ctx.model.stages[: stage.index] if s.name}
        for instruction in stage.of("COPY"):
            for source in instruction.flag_values("from"):
                known = source.lower() in earlier or (
                    source.isdigit() and int(source) < stage.index
                )
                own = stage.name is not None and source.lower() == stage.name.lower()
                if not (known or own or _names_image(source)):
                    yield Hit(
                        instruction.start_line,
                        f"COPY --from={source} is not an earlier stage or a tagged image",
                        stage.label,
                    )


@lint_rule(
    "TL124",
    Severity.ERROR,
    "COPY --from names its own stage",
    "A stage cannot copy from itself: BuildKit refuses the cycle, or (with an earlier stage of "
    "the same name) copies from a stage the reader did not mean.",
    "Copy from the earlier stage by its own, unique name.",
    hadolint=("DL3023",),
)
def copy_from_itself(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        if stage.name is None:
            continue
        for instruction in stage.of("COPY"):
            if any(s.lower() == stage.name.lower() for s in instruction.flag_values("from")):
                yield Hit(
                    instruction.start_line, f"COPY --from={stage.name} inside itself", stage.label
                )


@lint_rule(
    "TL125",
    Severity.ERROR,
    "Two stages with one name",
    "Stage names are how --target, FROM and COPY --from find a stage; with two of a name, "
    "`docker build --target` and COPY --from pick one of them, not necessarily the one meant.",
    "Give every stage its own name.",
    hadolint=("DL3024",),
)
def duplicate_stage_names(ctx: LintContext) -> Iterator[Hit]:
    seen: set[str] = set()
    for stage in ctx.model.stages:
        if stage.name is None:
            continue
        if stage.name.lower() in seen:
            yield Hit(stage.start_line, f"a stage named {stage.name} already exists", stage.label)
        seen.add(stage.name.lower())


@lint_rule(
    "TL126",
    Severity.ERROR,
    "MAINTAINER is deprecated",
    "MAINTAINER has been deprecated since Docker 1.13; tools read the author from labels.",
    'Use LABEL org.opencontainers.image.authors="name <mail>".',
    hadolint=("DL4000",),
)
def maintainer(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.model.parsed.instructions:
        if instruction.keyword == "MAINTAINER":
            yield Hit(instruction.start_line, "MAINTAINER: use an authors LABEL")


def _replaces_sh(command: SimpleCommand) -> bool:
    operands = [w for w in command.words[1:] if not w.startswith("-")]
    return command.name == "ln" and bool(operands) and operands[-1] == "/bin/sh"


@lint_rule(
    "TL127",
    Severity.WARNING,
    "/bin/sh replaced with ln",
    "Linking another shell over /bin/sh changes every script of the base image's packages, not "
    "just this Dockerfile's RUNs.",
    'Use SHELL ["/bin/bash", "-o", "pipefail", "-c"] for the RUNs that need bash.',
    hadolint=("DL4005",),
)
def sh_replaced(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            if any(_replaces_sh(c) for c in commands):
                yield Hit(instruction.start_line, "ln over /bin/sh: use SHELL", stage.label)


def _uid(command: SimpleCommand) -> str | None:
    words = command.words
    for index, word in enumerate(words[:-1]):
        clustered = word.startswith("-") and not word.startswith("--") and word.endswith("u")
        if clustered or word == "--uid":
            return words[index + 1]
        if word.startswith("--uid="):
            return word.partition("=")[2]
    return None


def _logs_init(command: SimpleCommand) -> bool:
    return not any(
        w == "--no-log-init" or (w.startswith("-") and not w.startswith("--") and "l" in w[1:])
        for w in command.words[1:]
    )


@lint_rule(
    "TL128",
    Severity.WARNING,
    "useradd with a high UID and no -l",
    "useradd records every user in /var/log/lastlog and faillog, sparse files sized by the "
    "highest UID: a six-digit UID makes a layer of gigabytes (a long-standing shadow-utils bug).",
    "Add -l (--no-log-init): useradd -l -u 100000 app.",
    hadolint=("DL3046",),
)
def useradd_high_uid(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            for command in commands:
                uid = _uid(command) if command.name == "useradd" else None
                if uid is not None and uid.isdigit() and len(uid) > 5 and _logs_init(command):
                    yield Hit(
                        instruction.start_line,
                        f"useradd -u {uid} without -l makes huge lastlog files",
                        stage.label,
                    )
                    break


@lint_rule(
    "TL129",
    Severity.WARNING,
    "Both wget and curl in one stage",
    "Two download tools where one does the job: twice the tools to keep and ship. Judged per "
    "stage, as hadolint does: every RUN from the second tool on is flagged.",
    "Use one of them throughout the stage (curl -fsSL, or wget -q).",
    hadolint=("DL4001",),
)
def wget_and_curl(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        seen: set[str] = set()
        for instruction, commands in stage_runs(stage):
            used = {c.name for c in commands} & {"wget", "curl"}
            seen |= used
            if used and len(seen) == 2:
                yield Hit(instruction.start_line, "wget and curl both in one stage", stage.label)


# -q may lead a cluster whose last option takes a value: `wget -qO- URL`.
_WGET_QUIET = re.compile(r"^(--progress(=.*)?|--quiet|--no-verbose|-nv|-[a-zA-Z]*q.*)$")


@lint_rule(
    "TL130",
    Severity.INFO,
    "wget without a progress option",
    "wget's default progress bar writes thousands of lines into a build log that is not a "
    "terminal.",
    "Use wget -q, -nv, or --progress=dot:giga.",
    hadolint=("DL3047",),
)
def wget_progress(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            if any(
                c.name == "wget" and not any(_WGET_QUIET.match(w) for w in c.words[1:])
                for c in commands
            ):
                yield Hit(instruction.start_line, "wget fills the log with progress", stage.label)


@lint_rule(
    "TL137",
    Severity.INFO,
    "RUN of a command that makes no sense in a build",
    "A build has no terminal, no init and no running services: ssh, vim, top or service there "
    "either hang, fail, or do nothing that lasts into the image (lint.toml's [commands]).",
    "Remove the command; configure services through the image's entrypoint, debug in the dev "
    "image.",
    hadolint=("DL3001",),
)
def pointless_commands(ctx: LintContext) -> Iterator[Hit]:
    pointless = ctx.catalogue.pointless_commands
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            names = sorted({c.name for c in commands} & pointless)
            if names:
                yield Hit(
                    instruction.start_line,
                    f"{', '.join(names)} in RUN does nothing useful in a build",
                    stage.label,
                )
