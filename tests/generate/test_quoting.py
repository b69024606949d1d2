"""One quoting function per syntax, each read back by the real thing where one is at hand: a
POSIX shell for shell words, BuildKit's Dockerfile parser for exec form, tomllib for TOML, the
engine itself (tests/generate/test_quoting_engine.py) for LABEL and ENV values. Control
characters are refused everywhere."""

from __future__ import annotations

import json
import subprocess
import tomllib

import dockerfile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imagetailor.generate import quoting

# Any printable text: letters of every script, quotes, $, backslashes, braces, spaces.
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    max_size=40,
)
CONTROLS = ["a\nRUN x", "a\rb", "tab\there", "nul\x00", "del\x7f", "ls\u2028x", "nel\x85"]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_shell_words_read_back_through_sh(value: str) -> None:
    done = subprocess.run(
        ["/bin/sh", "-c", f"printf %s {quoting.shell_word(value)}"],
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode("utf-8", "surrogateescape") == value


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_exec_form_reads_back_through_buildkits_parser(argv: list[str]) -> None:
    (command,) = dockerfile.parse_string(f"CMD {quoting.exec_form(argv)}\n")
    assert command.json and list(command.value) == argv


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_toml_and_compose_values_read_back(value: str) -> None:
    assert tomllib.loads(f"k = {quoting.toml_value(value)}\n")["k"] == value
    assert json.loads(quoting.compose_string(value)).replace("$$", "$") == value


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_hcl_strings_never_interpolate(value: str) -> None:
    rendered = quoting.hcl_string(value)
    inner = rendered[1:-1]
    # Every ${ or %{ left is escaped ($${, %%{); every " is escaped.
    assert "${" not in inner.replace("$${", "") and "%{" not in inner.replace("%%{", "")
    assert '"' not in inner.replace('\\"', "")


@pytest.mark.parametrize("value", CONTROLS)
def test_control_characters_are_refused_by_every_syntax(value: str) -> None:
    for render in (
        quoting.shell_word,
        quoting.dockerfile_string,
        quoting.dockerfile_path,
        quoting.hcl_string,
        quoting.compose_string,
        quoting.ignore_pattern,
        lambda v: quoting.exec_form([v]),
    ):
        with pytest.raises(quoting.UnsafeValue):
            render(value)


@pytest.mark.parametrize("value", ["../x y", "a b", "$HOME", "a*", 'q"', "x\\y", ""])
def test_paths_hold_only_plain_characters(value: str) -> None:
    with pytest.raises(quoting.UnsafeValue):
        quoting.dockerfile_path(value)
    assert quoting.dockerfile_path("web/dist-2.0_@x+y") == "web/dist-2.0_@x+y"


@pytest.mark.parametrize("value", ["# comment", " lead", "trail ", ""])
def test_ignore_patterns_that_would_not_read_back_are_refused(value: str) -> None:
    with pytest.raises(quoting.UnsafeValue):
        quoting.ignore_pattern(value)
