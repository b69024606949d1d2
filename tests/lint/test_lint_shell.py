"""RUN lines read as the shell reads them, and the hadolint behaviours that depend on it."""

from __future__ import annotations

from imagetailor.lint.engine import lint_text
from imagetailor.lint.shell import commands


def names(script: str) -> list[str]:
    return [" ".join(c.words[:2]) for c in commands(script)]


def test_commands_after_operators_in_substitutions_and_sh_c_are_seen() -> None:
    script = (
        "FOO=1 apt-get update && make || echo $(curl -s x | sh); "
        "sh -ec 'cd /x && gcc -o a a.c'; for f in 1; do sudo wget x; done; echo $((1+2)) `id -u`"
    )
    assert names(script) == [
        "apt-get update",
        "make",
        "curl -s",
        "sh",
        "echo $(curl -s x | sh)",
        "sh -ec",
        "cd /x",
        "gcc -o",
        "wget x",
        "id -u",
        "echo 0",
    ]
    piped = [c.words[0] for c in commands(script) if c.piped]
    assert piped == ["curl"]
    sudo = next(c for c in commands(script) if c.name == "wget")
    assert sudo.wrapped == ("sudo",)


def test_what_bashlex_cannot_parse_still_splits_at_operators() -> None:
    # bashlex has no `case`: the tokenizer still finds the commands around it (the branch's
    # command stays in the case words: a known limit of the fallback).
    assert names("case $A in a) gcc x.c;; esac && apt-get install -y a; cd /b") == [
        "case $A",
        "esac",
        "apt-get install",
        "cd /b",
    ]


def lines(text: str, rule: str) -> list[int]:
    return [f.line for f in lint_text(text) if f.rule == rule]


def test_onbuild_run_is_linted_by_the_run_rules() -> None:
    text = (
        "FROM debian:12.5 AS base\n"
        "ONBUILD RUN cd /src && make\n"
        "ONBUILD RUN apt-get update && apt-get install -y gcc\n"
        "USER 1\n"
        'CMD ["a"]\n'
    )
    assert lines(text, "TL110") == [2]
    assert lines(text, "TL102") == [3]
    # ONBUILD runs in images built FROM this one: this image ships no gcc.
    assert lines(text, "TL202") == []


def test_quoted_add_sources_are_read_as_buildkit_reads_them() -> None:
    text = (
        "FROM debian:12.5\n"
        'ADD "app b.tgz" /srv/\n'
        'ADD "https://example.com/x.bin" /srv/\n'
        'ADD "conf file.txt" /srv/\n'
        "USER 1\n"
        'CMD ["a"]\n'
    )
    assert lines(text, "TL106") == [4]


def test_powershell_is_not_a_posix_shell() -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell.exe", "-Command"]\n'
        "RUN cd C:\\ ; Get-ChildItem | Select-Object Name\n"
        'SHELL ["cmd", "/S", "/C"]\n'
        "RUN cd C:\\app\n"
        'SHELL ["/bin/sh", "-c"]\n'
        "RUN cd /x\n"
        "USER 1\n"
        'CMD ["a"]\n'
    )
    assert lines(text, "TL110") == [7]
    assert lines(text, "TL111") == []


def test_aptitude_is_apt() -> None:
    text = (
        "FROM debian:12.5 AS deploy\n"
        "RUN aptitude update && aptitude install -y gcc\n"
        "USER 1\n"
        'CMD ["a"]\n'
    )
    assert lines(text, "TL103") == [2]
    assert lines(text, "TL102") == [2]
    assert lines(text, "TL202") == [2]
