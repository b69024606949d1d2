"""Fuzzing the Dockerfile reader and the lint rules: any text, or lines that look like a
Dockerfile (continuations, heredocs, directives, JSON forms, flags), must lint or raise our own
one-line error, never anything else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagetailor.errors import TailorError
from imagetailor.lint.engine import lint_bytes
from imagetailor.lint.parse import KNOWN_INSTRUCTIONS
from tests.fuzz.conftest import EXECUTIONS

pytestmark = pytest.mark.fuzz

WORDS = st.sampled_from(
    ["\\", "`", "<<EOF", "<<-EOF", "EOF", "AS", "as", "--mount=type=cache,target=/x",
     "--from=build", "--chown=1:1", "--platform=$X", '["sh", "-c"]', "[", "]", '"', "'", "$X",
     "${X:-y}", "&&", "apt-get", "install", "-y", "curl", "pip", "npm", "latest", "scratch",
     "debian:12", "/", ".", "..", "#", "=", "\t", "ONBUILD", "RUN", "FROM", "CMD", "\x00",
     "é", "\u202e"]
)  # fmt: skip
ODD_STARTS = ["", "#", "# escape=`", "# syntax=x", "BOGUS", "from", "\\"]
KEYWORDS = st.sampled_from([*sorted(KNOWN_INSTRUCTIONS), *ODD_STARTS])
LINE = st.builds(
    lambda keyword, words: " ".join([keyword, *words]),
    KEYWORDS,
    st.lists(WORDS | st.text(max_size=8), max_size=6),
)


def lint(raw: bytes) -> None:
    EXECUTIONS["lint"] += 1
    try:
        lint_bytes(raw, "Dockerfile", None, {"deploy": "deploy", "ci": "ci"})
    except TailorError as error:
        assert "\n" not in str(error)


@given(lines=st.lists(LINE, max_size=25), ending=st.sampled_from(["", "\n", "\\", "\\\n"]))
def test_dockerfile_like_lines(lines: list[str], ending: str) -> None:
    lint(("\n".join(["FROM debian:12 AS deploy", *lines]) + ending).encode())


@given(text=st.text(max_size=400))
def test_any_text(text: str) -> None:
    lint(text.encode("utf-8", "surrogatepass"))


@given(raw=st.binary(max_size=400))
def test_any_bytes(raw: bytes) -> None:
    lint(raw)
