"""RUN lines read as the shell reads them: the simple commands of a script, and its pipelines.

bashlex parses the script, so commands after ``&& || ;``, inside ``if``/``for``/subshells, in
``$(...)`` and backticks, and the script of ``sh -c '...'`` are all seen. What bashlex cannot
parse (it lacks some bash forms) falls back to a POSIX-like tokenizer, which still splits at the
operators. Both know the wrappers people put in front of commands (sudo, env, VAR=value).
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass

import bashlex

from imagetailor.lint.parse import Instruction

_OPERATORS = {"&&", "||", ";", ";;", "&", "|", "|&", "\n"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"sudo", "exec", "time", "nice", "nohup", "command", "xargs"}
# apt's front ends: aptitude installs, updates and keeps lists as apt-get does.
APT = frozenset({"apt-get", "apt", "aptitude"})
# Shells whose `-c SCRIPT` runs a script of its own, read like the RUN line itself.
_SHELLS = {"sh", "bash", "dash", "ash", "zsh", "ksh"}
# Deeper nesting (sh -c "sh -c '...'") is rare, and the bound keeps hostile input cheap.
_MAX_DEPTH = 4
_MAX_SCRIPT = 64 * 1024
_ARITHMETIC = re.compile(r"\$\(\([^()]*\)\)")


@dataclass(frozen=True)
class SimpleCommand:
    words: tuple[str, ...]  # wrappers and leading VAR=value removed
    piped: bool  # its output feeds the next command through |
    wrapped: tuple[str, ...] = ()  # the wrappers removed from its front (sudo, env, ...)

    @property
    def name(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    def has(self, *words: str) -> bool:
        return any(word in self.words for word in words)

    def has_prefix(self, prefix: str) -> bool:
        return any(word.startswith(prefix) for word in self.words)


def run_script(instruction: Instruction) -> str:
    """The shell text a RUN executes: its arguments, plus heredoc bodies fed to a shell."""
    if instruction.json_form:
        return shlex.join(instruction.args)
    text = " ".join(instruction.args)
    for heredoc in instruction.heredocs:
        marker = re.compile(r"<<-?\s*['\"]?" + re.escape(heredoc.name) + r"['\"]?")
        head = marker.sub("", text).strip()
        # `RUN <<EOF` and `RUN bash <<EOF` run the body as a script; `RUN python3 <<EOF` does not.
        if head in {
            "",
            "sh",
            "bash",
            "/bin/sh",
            "/bin/bash",
            "ash",
            "dash",
            "set -e",
        } or head.endswith(("sh -e", "bash -e", "sh -ex", "bash -ex", "sh -eux", "bash -eux")):
            text = head + "\n" + heredoc.content
        else:
            text = head
    return text


_COMMENT = re.compile(r"(^|\s)#.*$")


def tokenize(script: str) -> list[str]:
    """Tokens with operators (and line ends) as their own tokens; comments dropped."""
    tokens: list[str] = []
    for line in script.replace("\\\n", " ").split("\n"):
        line = _COMMENT.sub("", line)
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = ""
        try:
            tokens.extend(list(lexer))
        except ValueError:  # unbalanced quotes: plain words are still useful to the rules
            tokens.extend(line.split())
        tokens.append("\n")
    return tokens


def commands(script: str, depth: int = 0) -> list[SimpleCommand]:
    """The simple commands a script runs, in order (nested ones before the command using them)."""
    return list(_parsed(script, depth))


# Every rule reads every RUN: parse each script once per file. The engine empties the cache
# before each file (forget_scripts), so it holds one file's scripts, at most 1 MiB of text.
@functools.cache
def _parsed(script: str, depth: int) -> tuple[SimpleCommand, ...]:
    return tuple(_parse(script, depth))


def forget_scripts() -> None:
    _parsed.cache_clear()


def _parse(script: str, depth: int) -> list[SimpleCommand]:
    if len(script) > _MAX_SCRIPT:
        return _tokenized_commands(script[:_MAX_SCRIPT])
    try:
        # bashlex has no arithmetic expansion; a number stands in for it (no command inside).
        trees = bashlex.parse(_ARITHMETIC.sub("0", script.replace("\\\n", " ")))
    except Exception:  # bashlex lacks some bash forms: the tokenizer still sees the commands
        return _tokenized_commands(script)
    found: list[SimpleCommand] = []
    try:
        for tree in trees:
            _walk(tree, found, depth)
    except Exception:  # a tree shape we did not foresee (or too deep): still read the words
        return _tokenized_commands(script)
    return found


def top_level_commands(script: str) -> list[SimpleCommand]:
    """The commands of the script itself and its substitutions, not those of `sh -c` scripts:
    how hadolint counts a RUN's commands (DL3059)."""
    return commands(script, depth=_MAX_DEPTH)


def _walk(node: object, found: list[SimpleCommand], depth: int, piped: bool = False) -> None:
    kind = getattr(node, "kind", "")
    if kind == "command":
        words: list[str] = []
        for part in getattr(node, "parts", []):
            part_kind = getattr(part, "kind", "")
            if part_kind in {"word", "assignment"}:
                _walk_substitutions(part, found, depth)
                words.append(str(part.word))
            elif part_kind == "redirect":
                _walk_substitutions(getattr(part, "output", None), found, depth)
        if words:
            simple = _simple(words, piped)
            found.append(simple)
            found.extend(_inner_script(simple, depth))
        return
    if kind == "pipeline":
        parts = list(getattr(node, "parts", []))
        for index, part in enumerate(parts):
            following = parts[index + 1] if index + 1 < len(parts) else None
            _walk(part, found, depth, getattr(following, "kind", "") == "pipe")
        return
    for attribute in ("parts", "list"):
        for child in getattr(node, attribute, None) or []:
            _walk(child, found, depth)
    inner = getattr(node, "command", None)
    if inner is not None:
        _walk(inner, found, depth)


def _walk_substitutions(node: object, found: list[SimpleCommand], depth: int) -> None:
    """Commands inside $(...), backticks and <(...) of a word."""
    for part in getattr(node, "parts", None) or []:
        if getattr(part, "kind", "") in {"commandsubstitution", "processsubstitution"}:
            _walk(part.command, found, depth)
        else:
            _walk_substitutions(part, found, depth)


def _inner_script(command: SimpleCommand, depth: int) -> list[SimpleCommand]:
    """`sh -c 'SCRIPT'` (also `-ec`, `-xc`): the commands of SCRIPT."""
    if command.name not in _SHELLS or depth >= _MAX_DEPTH:
        return []
    for index, word in enumerate(command.words[1:-1], start=1):
        if word.startswith("-") and not word.startswith("--") and "c" in word:
            return commands(command.words[index + 1], depth + 1)
        if not word.startswith("-"):
            return []
    return []


def _tokenized_commands(script: str) -> list[SimpleCommand]:
    result: list[SimpleCommand] = []
    words: list[str] = []
    for token in tokenize(script):
        if token in _OPERATORS or (set(token) <= set(";&|\n") and token):
            if words:
                result.append(_simple(words, piped=token in {"|", "|&"}))
            words = []
        else:
            words.append(token)
    if words:
        result.append(_simple(words, piped=False))
    return result


def _simple(words: list[str], piped: bool) -> SimpleCommand:
    start = 0
    while start < len(words):
        word = words[start]
        if _ASSIGNMENT.match(word):
            start += 1
        elif word in _WRAPPERS or word == "env":
            start += 1
            while start < len(words) and words[start].startswith("-"):
                start += 1
        else:
            break
    return SimpleCommand(tuple(words[start:]), piped, tuple(words[:start]))


def has_pipe(script: str) -> bool:
    return any(command.piped for command in commands(script))


def sets_pipefail(script: str) -> bool:
    return any(c.name == "set" and "pipefail" in c.words for c in commands(script))


@dataclass(frozen=True)
class Install:
    manager: str  # apt, apk, rpm, pip, npm, gem, go
    package: str  # bare name, version and extras removed


# Options whose next word is a value, not a package.
_OPTION_VALUES = {
    "apk": {"--virtual", "-t", "--repository", "-X", "--root", "-p"},
    "pip": {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-t",
        "--target",
        "-f",
        "--find-links",
        "--prefix",
        "--root",
    },
    "apt": {"-o", "-t", "--target-release"},
    "rpm": {"--setopt", "--enablerepo", "--disablerepo", "--installroot"},
    "npm": {"--prefix"},
    "gem": {"-v", "--version", "-i", "--install-dir"},
}


def _package_words(words: tuple[str, ...], manager: str) -> list[str]:
    names = []
    takes_value = _OPTION_VALUES.get(manager, set())
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in takes_value
        elif word:
            names.append(word)
    return names


def _bare(package: str, manager: str) -> str:
    if manager == "npm":
        scoped = package.startswith("@")
        name = package[1:] if scoped else package
        name = name.split("@", 1)[0]
        return ("@" + name) if scoped else name
    if manager == "go":
        return package.split("@", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return re.split(r"[=<>~!\[;@ ]|/(?=[a-z-]+$)", package, maxsplit=1)[0]


def installs(command: SimpleCommand) -> list[Install]:
    """Packages one simple command installs, by package manager."""
    name, words = command.name, command.words
    if name in APT and "install" in words:
        manager, rest = "apt", words[words.index("install") + 1 :]
    elif name == "apk" and "add" in words:
        manager, rest = "apk", words[words.index("add") + 1 :]
    elif name in {"dnf", "yum", "microdnf", "zypper", "tdnf"} and "install" in words:
        manager, rest = "rpm", words[words.index("install") + 1 :]
    elif name in {"pip", "pip3"} or (name.startswith("python") and words[1:3] == ("-m", "pip")):
        if "install" not in words:
            return []
        manager, rest = "pip", words[words.index("install") + 1 :]
    elif (
        name in {"npm", "pnpm"}
        and {"install", "i", "add"} & set(words)
        and command.has("-g", "--global")
    ):
        verb = next(w for w in words if w in {"install", "i", "add"})
        manager, rest = "npm", words[words.index(verb) + 1 :]
    elif name == "yarn" and words[1:3] == ("global", "add"):
        manager, rest = "npm", words[3:]
    elif name == "gem" and "install" in words:
        manager, rest = "gem", words[words.index("install") + 1 :]
    elif name == "go" and words[1:2] == ("install",):
        manager, rest = "go", words[2:]
    else:
        return []
    return [
        Install(manager, _bare(word, manager))
        for word in _package_words(tuple(rest), manager)
        if not word.startswith(("$", "."))
    ]
