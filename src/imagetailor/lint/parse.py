"""Read a Dockerfile with BuildKit's own parser and check what that parser lets through.

The ``dockerfile`` package wraps moby/buildkit's parser: it knows heredocs, flags and line
continuations exactly as the engine does, but it accepts unknown instructions and instructions
before FROM (BuildKit rejects those later, at build time). We reject them here so users hear about
it before a build, with the file, the line and the reason.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import dockerfile

from imagetailor.errors import TailorError
from imagetailor.untrusted import open_regular

# A Dockerfile is source text; anything this large is not one. BuildKit's parser is quadratic in
# the length of a heredoc (20k lines take a second, 200k a minute), so lines are bounded too.
MAX_DOCKERFILE_BYTES = 1024 * 1024
MAX_DOCKERFILE_LINES = 10_000

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)

# Instructions that cannot be written without arguments.
NEEDS_ARGUMENTS = KNOWN_INSTRUCTIONS - {"CMD", "ENTRYPOINT", "HEALTHCHECK"}


class DockerfileSyntaxError(TailorError):
    """The Dockerfile cannot be parsed; the message names the file, the line and the reason."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: cannot parse Dockerfile: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str


@dataclass(frozen=True)
class Instruction:
    """One instruction as BuildKit sees it, with 1-based inclusive line numbers."""

    keyword: str
    args: tuple[str, ...]
    flags: tuple[str, ...]
    json_form: bool
    start_line: int
    end_line: int
    original: str
    heredocs: tuple[Heredoc, ...] = ()
    sub_keyword: str | None = None  # the instruction an ONBUILD wraps

    def flag_values(self, name: str) -> list[str]:
        """Values of ``--name=value`` flags, in order (a flag may repeat, like --mount)."""
        prefix = f"--{name}="
        return [flag[len(prefix) :] for flag in self.flags if flag.startswith(prefix)]

    def flag_value(self, name: str) -> str | None:
        values = self.flag_values(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class ParsedDockerfile:
    path: str
    lines: tuple[str, ...]  # the source lines, for pragmas and for showing offending lines
    instructions: tuple[Instruction, ...]


def read_dockerfile(path: Path, display_name: str | None = None) -> ParsedDockerfile:
    name = display_name or str(path)
    if path.is_dir():
        raise TailorError(f"{name}: is a directory, not a Dockerfile")
    # A regular file only (a FIFO would block the open and /dev/zero never end), read bounded.
    with open_regular(
        path, "Dockerfile", error=TailorError, missing=f"{name}: no such Dockerfile"
    ) as handle:
        try:
            raw = handle.read(MAX_DOCKERFILE_BYTES + 1)
        except OSError as exc:
            raise TailorError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return parse_bytes(raw, name)


def parse_bytes(raw: bytes, name: str) -> ParsedDockerfile:
    """Parse Dockerfile bytes (a file's, or stdin's read up to the size limit plus one)."""
    if len(raw) > MAX_DOCKERFILE_BYTES:
        raise DockerfileSyntaxError(name, 1, "over the 1 MiB limit: not a Dockerfile")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DockerfileSyntaxError(name, line, "not UTF-8 text") from None
    return parse_text(text, name)


def parse_text(text: str, name: str = "Dockerfile") -> ParsedDockerfile:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DockerfileSyntaxError(name, line, "NUL byte: this is not a text file")
    line_count = text.count("\n") + 1
    if line_count > MAX_DOCKERFILE_LINES:
        raise DockerfileSyntaxError(
            name, MAX_DOCKERFILE_LINES + 1, f"over {MAX_DOCKERFILE_LINES} lines: not a Dockerfile"
        )
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        raise DockerfileSyntaxError(name, _failing_line(text, str(exc)), str(exc)) from None
    except ValueError as exc:
        # The wrapper hands BuildKit's output back as UTF-8 and can cut a character in two
        # (found by the fuzzer: `HEALTHCHECK \u0800`): the file cannot be read as BuildKit does.
        reason = f"BuildKit's parser failed on this text ({type(exc).__name__})"
        raise DockerfileSyntaxError(name, _failing_line(text, ""), reason) from None
    for command in commands:
        if not command.cmd:
            # The wrapper's answer to a file that is only a line continuation ("\\"): a command
            # with no instruction at all.
            raise DockerfileSyntaxError(
                name, command.start_line, "a line continuation with no instruction"
            )
    instructions = tuple(_instruction(command) for command in commands)
    _check_structure(instructions, name)
    return ParsedDockerfile(name, tuple(text.splitlines()), instructions)


def _instruction(command: dockerfile.Command) -> Instruction:
    keyword = command.cmd.upper()
    args = tuple(command.value)
    if keyword in {"COPY", "ADD"} and not command.json and not command.heredocs:
        args = _quoted_words(args)
    return Instruction(
        keyword=keyword,
        args=args,
        flags=tuple(command.flags),
        json_form=bool(command.json),
        start_line=command.start_line,
        end_line=max(command.end_line, command.start_line),
        original=command.original or "",
        heredocs=tuple(Heredoc(h.name, h.content) for h in command.heredocs),
        sub_keyword=command.sub_cmd.upper() if command.sub_cmd else None,
    )


def _quoted_words(args: tuple[str, ...]) -> tuple[str, ...]:
    """COPY and ADD sources as BuildKit reads them: it removes quotes (`ADD "a b.tgz" /x` adds
    one file), while the wrapper hands back the words split at blanks with quotes kept."""
    if not any('"' in arg or "'" in arg for arg in args):
        return args
    try:
        words = shlex.split(" ".join(args), posix=True)
    except ValueError:  # an unbalanced quote: BuildKit fails at build time; keep the words
        return args
    return tuple(words) if len(words) >= 2 else args


_HEREDOC_MARKER = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=", re.IGNORECASE)
_MAX_LINE = 65535


def _failing_line(text: str, reason: str) -> int:
    """BuildKit's parser errors carry no line; find it from the reason (in linear time: the
    input is untrusted and may be megabytes)."""
    lines = text.splitlines()
    if "heredoc" in reason:
        return _unterminated_heredoc(lines)
    if "escape" in reason:
        directives = [n for n, line in enumerate(lines, 1) if _ESCAPE_DIRECTIVE.match(line)]
        if directives:
            return directives[1] if "only one" in reason and len(directives) > 1 else directives[0]
    if "max allowed size" in reason:
        return next((n for n, line in enumerate(lines, 1) if len(line) > _MAX_LINE), 1)
    return next((n for n, line in enumerate(lines, 1) if line.strip()), 1)


def _unterminated_heredoc(lines: list[str]) -> int:
    number = 0
    while number < len(lines):
        line = lines[number]
        opened = number
        number += 1
        if line.lstrip().startswith("#"):
            continue
        for _dash, _quote, name in _HEREDOC_MARKER.findall(line):
            while number < len(lines) and lines[number].strip() != name:
                number += 1
            if number >= len(lines):
                return opened + 1
            number += 1
    return max(1, len(lines))


def _check_structure(instructions: tuple[Instruction, ...], name: str) -> None:
    seen_from = False
    for instruction in instructions:
        keyword = instruction.keyword
        if keyword not in KNOWN_INSTRUCTIONS:
            raise DockerfileSyntaxError(
                name, instruction.start_line, f"unknown instruction {keyword!r}"
            )
        if keyword == "ONBUILD" and instruction.sub_keyword not in KNOWN_INSTRUCTIONS:
            raise DockerfileSyntaxError(
                name, instruction.start_line, f"ONBUILD of unknown {instruction.sub_keyword!r}"
            )
        if keyword in NEEDS_ARGUMENTS and not any(arg.strip() for arg in instruction.args):
            raise DockerfileSyntaxError(
                name, instruction.start_line, f"{keyword} needs at least one argument"
            )
        if keyword in {"COPY", "ADD"} and len(instruction.args) < 2 and not instruction.heredocs:
            raise DockerfileSyntaxError(
                name, instruction.start_line, f"{keyword} needs a source and a destination"
            )
        if keyword == "FROM":
            seen_from = True
            _check_from(instruction, name)
        elif not seen_from and keyword != "ARG":
            raise DockerfileSyntaxError(
                name, instruction.start_line, f"{keyword} before the first FROM (only ARG may be)"
            )
    if not seen_from:
        raise DockerfileSyntaxError(name, 1, "no FROM instruction")


def _check_from(instruction: Instruction, name: str) -> None:
    args = instruction.args
    if len(args) == 1 or (len(args) == 3 and args[1].upper() == "AS"):
        return
    raise DockerfileSyntaxError(
        name, instruction.start_line, "FROM takes an image and an optional 'AS name'"
    )
