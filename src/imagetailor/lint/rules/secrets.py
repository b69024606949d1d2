"""Secrets in ARG and ENV (TL112), judged with the catalogue `tailor inspect` scans images with:
what lint warns about here is what inspect would find in the built image's Env."""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.lint.parse import Instruction
from imagetailor.lint.rules.base import Hit, LintContext, lint_rule
from imagetailor.rules import Severity
from imagetailor.secretmatch import holds_secret_by_name, value_carries_secret


def _env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    if instruction.keyword == "ARG":
        pairs = []
        for arg in instruction.args:
            name, _, value = arg.partition("=")
            pairs.append((name, value))
        return pairs
    args = list(instruction.args)
    return list(zip(args[0::2], args[1::2], strict=False))


def _secret_reason(ctx: LintContext, name: str, value: str) -> str | None:
    # The secret catalogue `tailor inspect` scans an image config with: what lint warns about
    # here is what inspect would find in the built image's Env.
    secrets = ctx.catalogue.secrets()
    if holds_secret_by_name(secrets, name):
        return f"{name} looks like a secret"
    if value and value_carries_secret(secrets, name, value):
        return f"the value of {name} looks like a credential"
    return None


@lint_rule(
    "TL112",
    Severity.ERROR,
    "Secret passed by ARG or ENV",
    "ARG and ENV values are stored in the image config and build history: anyone who can pull "
    "the image can read them, in every stage that inherits them.",
    "Pass secrets with RUN --mount=type=secret,id=NAME (docker build --secret id=NAME,...) and "
    "at run time from the orchestrator; point to files with *_FILE variables.",
    hadolint=("DL3064",),
)
def secret_in_arg_or_env(ctx: LintContext) -> Iterator[Hit]:
    for instruction in ctx.model.parsed.instructions:
        if instruction.keyword not in {"ARG", "ENV"}:
            continue
        for name, value in _env_pairs(instruction):
            reason = _secret_reason(ctx, name, value)
            if reason:
                yield Hit(instruction.start_line, f"{instruction.keyword} {reason}")
                break
