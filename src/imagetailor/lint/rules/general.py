"""General Dockerfile hygiene (TL1xx): what hadolint-class linters check, made stage-aware.

Where a hadolint rule flags the same thing its id is recorded on the rule; the parity test runs
hadolint on the corpus and compares lines for every such pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.lint.catalogue import image_repository
from imagetailor.lint.model import Stage, mount_options
from imagetailor.lint.parse import Instruction
from imagetailor.lint.rules.base import (
    NON_POSIX_SHELLS,
    Hit,
    LintContext,
    as_run,
    lint_rule,
    shell_program,
    stage_runs,
)
from imagetailor.lint.shell import APT, has_pipe, run_script, sets_pipefail
from imagetailor.rules import Severity

_ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst)$", re.I)
_URL = re.compile(r"^(https?|git)://|^git@", re.I)
_ROOT_USERS = {"root", "0"}


@lint_rule(
    "TL101",
    Severity.WARNING,
    "Base image not pinned",
    "FROM names an image without a tag or digest, or with `latest`: every build may pull a "
    "different base, so the same Dockerfile gives different images. `scratch` and earlier "
    "stages need no tag.",
    "Name a version tag (python:3.12-slim-bookworm) or better a digest (image@sha256:...).",
    hadolint=("DL3006", "DL3007"),
)
def unpinned_base(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        base = stage.base
        if stage.base_stage is not None or base.lower() == "scratch" or "$" in base:
            continue
        if "@" in base:
            continue
        last = base.rsplit("/", 1)[-1]
        tag = last.split(":", 1)[1] if ":" in last else None
        if tag is None:
            yield Hit(
                stage.start_line, f"base image {base!r} has no tag", stage.label, hadolint="DL3006"
            )
        elif tag == "latest":
            yield Hit(
                stage.start_line,
                f"base image {base!r} uses the moving tag latest",
                stage.label,
                hadolint="DL3007",
            )


@lint_rule(
    "TL102",
    Severity.INFO,
    "apt-get install without --no-install-recommends",
    "apt installs 'recommended' packages by default: often more than the package itself, none "
    "of it needed, all of it shipped and scanned.",
    "Add --no-install-recommends to apt-get install and name what you need.",
    hadolint=("DL3015",),
)
def apt_recommends(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            for command in commands:
                if (
                    # `apt install` is TL120's (DL3027) to flag, as in hadolint
                    command.name in {"apt-get", "aptitude"}
                    and command.has("install")
                    and not any(
                        word.startswith("--no-install-recommends")
                        or "Install-Recommends=false" in word
                        or "Install-Recommends=0" in word
                        for word in command.words
                    )
                ):
                    yield Hit(
                        instruction.start_line,
                        "apt-get install pulls in recommended packages",
                        stage.label,
                    )
                    break


def _cache_mount_covers(instruction: Instruction, *paths: str) -> bool:
    for mount in instruction.flag_values("mount"):
        options = mount_options(mount)
        if options.get("type") not in {"cache", "tmpfs"}:
            continue
        target = options.get("target", "").rstrip("/")
        if any(target and (path == target or path.startswith(target + "/")) for path in paths):
            return True
    return False


@lint_rule(
    "TL103",
    Severity.INFO,
    "apt lists left in the layer",
    "`apt-get update` downloads package lists (tens of MB) into /var/lib/apt/lists; unless the "
    "same RUN deletes them, they stay in the layer of every image that inherits this stage. "
    "Stages only copied from are not flagged: their layers do not ship.",
    "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount a cache on /var/lib/apt "
    "(RUN --mount=type=cache,target=/var/lib/apt ...).",
    hadolint=("DL3009",),
)
def apt_lists_kept(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.shipped_stages():
        for instruction, commands in stage_runs(stage):
            updates = any(c.name in APT and c.has("update") for c in commands)
            cleans = any(c.name == "rm" and c.has_prefix("/var/lib/apt/lists") for c in commands)
            if (
                updates
                and not cleans
                and not _cache_mount_covers(instruction, "/var/lib/apt/lists")
            ):
                yield Hit(
                    instruction.start_line,
                    "apt lists from apt-get update stay in this layer",
                    stage.label,
                )


@lint_rule(
    "TL104",
    Severity.INFO,
    "apk add without --no-cache",
    "Without --no-cache apk keeps its index in /var/cache/apk, in the layer of every image that "
    "inherits this stage. Stages only copied from are not flagged.",
    "Use `apk add --no-cache ...`, or mount a cache on /var/cache/apk.",
    hadolint=("DL3019",),
)
def apk_cache_kept(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.shipped_stages():
        for instruction, commands in stage_runs(stage):
            if _cache_mount_covers(instruction, "/var/cache/apk"):
                continue
            if any(c.name == "apk" and c.has("add") and not c.has("--no-cache") for c in commands):
                yield Hit(instruction.start_line, "apk add keeps its package cache", stage.label)


@lint_rule(
    "TL105",
    Severity.WARNING,
    "Distribution upgrade inside the build",
    "`apt-get upgrade`/`dist-upgrade` (or `apk upgrade`, `dnf upgrade`) makes the image depend on "
    "the day it was built and duplicates most of the base image in a new layer.",
    "Rebuild on a newer, pinned base image instead; install specific packages if you need fixes.",
)
def distribution_upgrade(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            for command in commands:
                upgrade = command.name in APT and command.has(
                    "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"
                )
                upgrade |= command.name == "apk" and command.has("upgrade")
                upgrade |= command.name in {"dnf", "yum", "microdnf"} and command.has(
                    "upgrade", "update", "distro-sync"
                )
                if upgrade:
                    yield Hit(
                        instruction.start_line,
                        f"{' '.join(command.words[:2])} upgrades "
                        "the base distribution at build time",
                        stage.label,
                    )
                    break


@lint_rule(
    "TL106",
    Severity.ERROR,
    "ADD where COPY serves",
    "ADD also fetches URLs and unpacks archives; for plain files and folders it does what COPY "
    "does, with surprises.",
    "Use COPY for local files and folders; keep ADD for remote URLs or archives to extract.",
    hadolint=("DL3020",),
)
def add_instead_of_copy(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("ADD"):
            if instruction.heredocs:
                continue
            sources = instruction.args[:-1]
            if all(not _URL.search(s) and not _ARCHIVE.search(s) for s in sources):
                yield Hit(instruction.start_line, "ADD of local files: use COPY", stage.label)


@lint_rule(
    "TL107",
    Severity.ERROR,
    "Relative WORKDIR",
    "A relative WORKDIR depends on every WORKDIR before it (and on the base image's), which is "
    "easy to break when stages move.",
    "Use an absolute path: WORKDIR /app.",
    hadolint=("DL3000",),
)
def relative_workdir(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("WORKDIR"):
            path = instruction.args[0].strip("\"'")
            if not path.startswith(("/", "$")) and not re.match(r"^[A-Za-z]:[\\/]", path):
                yield Hit(instruction.start_line, f"WORKDIR {path} is relative", stage.label)


@lint_rule(
    "TL108",
    Severity.WARNING,
    "Shell-form ENTRYPOINT or CMD",
    "The shell form runs the program under /bin/sh -c: it is not PID 1, never sees SIGTERM, and "
    "needs a shell in the image (which distroless and scratch do not have).",
    'Use the JSON form: CMD ["/app/server", "--port", "8080"].',
    hadolint=("DL3025",),
)
def shell_form_command(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction in stage.of("CMD", "ENTRYPOINT"):
            if not instruction.json_form:
                yield Hit(
                    instruction.start_line, f"{instruction.keyword} in shell form", stage.label
                )


@lint_rule(
    "TL109",
    Severity.WARNING,
    "Several CMD or ENTRYPOINT in one stage",
    "Only the last CMD and the last ENTRYPOINT of a stage take effect; the others mislead readers.",
    "Keep one CMD and at most one ENTRYPOINT per stage.",
    hadolint=("DL4003", "DL4004"),
)
def several_commands(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for keyword in ("CMD", "ENTRYPOINT"):
            for instruction in stage.of(keyword)[1:]:
                yield Hit(
                    instruction.start_line,
                    f"another {keyword} in stage {stage.label}: only the last one counts",
                    stage.label,
                    hadolint="DL4003" if keyword == "CMD" else "DL4004",
                )


@lint_rule(
    "TL110",
    Severity.WARNING,
    "cd in RUN",
    "`cd` inside RUN changes directory for that one command only; the next instruction starts "
    "back where it was, which hides mistakes.",
    "Use WORKDIR to change directory.",
    hadolint=("DL3003",),
)
def cd_in_run(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            if any(command.name == "cd" for command in commands):
                yield Hit(instruction.start_line, "cd in RUN: use WORKDIR", stage.label)


def _pipefail_shell(shell: Instruction) -> bool:
    """Whether a SHELL instruction's shell fails on broken pipes (or is not a POSIX shell)."""
    words = shell.args
    if shell_program(shell) in NON_POSIX_SHELLS:
        return True
    # -o pipefail, also clustered as in ["/bin/ash", "-eo", "pipefail", "-c"]
    return "pipefail" in words and any(
        w.startswith("-") and not w.startswith("--") and "o" in w for w in words
    )


@lint_rule(
    "TL111",
    Severity.WARNING,
    "Pipe without pipefail",
    "A RUN line's exit status is the last command's: in `curl ... | tar x` a failed download "
    "still passes the build.",
    'Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before the RUN (or `set -o pipefail` in a '
    "bash RUN).",
    hadolint=("DL4006",),
)
def pipe_without_pipefail(ctx: LintContext) -> Iterator[Hit]:
    # SHELL is image config: a stage starts with the SHELL its FROM stage ended with.
    pipefail_at_end: dict[int, bool] = {}
    for stage in ctx.model.stages:
        pipefail = stage.base_stage is not None and pipefail_at_end[stage.base_stage]
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL":
                pipefail = _pipefail_shell(instruction)
                continue
            run = as_run(instruction)
            if run is None or run.json_form or pipefail:
                continue
            script = run_script(run)
            if has_pipe(script) and not sets_pipefail(script):
                yield Hit(
                    instruction.start_line,
                    "pipe without pipefail: a failure before the last | is ignored",
                    stage.label,
                )
        pipefail_at_end[stage.index] = pipefail


def _last_user(ctx: LintContext, stage: Stage) -> Instruction | None:
    for current in ctx.model.inherited(stage):
        users = current.of("USER")
        if users:
            return users[-1]
    return None


def _is_root(user_instruction: Instruction) -> bool:
    user = user_instruction.args[0].split(":", 1)[0].strip()
    return user in _ROOT_USERS


@lint_rule(
    "TL113",
    Severity.WARNING,
    "Image runs as root (USER root last)",
    "The last USER of a deploy or local image is root: a compromised process owns the container. "
    "Build stages may use root freely; only stages that become an image someone runs are checked.",
    "Create an unprivileged user and end with USER app (or a numeric id like 10001).",
    hadolint=("DL3002",),
)
def last_user_root(ctx: LintContext) -> Iterator[Hit]:
    for target in ctx.purpose_targets("deploy", "local"):
        user = _last_user(ctx, target.stage)
        if user is not None and _is_root(user):
            yield Hit(
                user.start_line,
                f"{target.describe()} runs as root",
                target.stage.label,
                target.name,
            )


@lint_rule(
    "TL114",
    Severity.WARNING,
    "No USER in a deploy or local image",
    "No stage this image inherits sets USER, so it runs as the base image's user, usually root.",
    "Add a non-root USER to the final stage (distroless images offer a :nonroot tag).",
)
def no_user(ctx: LintContext) -> Iterator[Hit]:
    for target in ctx.purpose_targets("deploy", "local"):
        if _last_user(ctx, target.stage) is not None:
            continue
        base = ctx.model.inherited(target.stage)[-1].base
        # distroless's :nonroot tags, and Ubuntu Chiseled .NET images (their USER is app, 1654).
        if "nonroot" in base.lower() or "-chiseled" in base.lower():
            continue
        yield Hit(
            target.stage.start_line,
            f"{target.describe()} sets no "
            f"USER and runs as {image_repository(base)}'s default user (root)",
            target.stage.label,
            target.name,
        )
