"""Shell command lines written by projects (Procfile entries, package.json scripts, boot.sh)
read with bashlex into argument lists, and arguments written back for `sh -c` in dev images.

Nothing is executed: the words are what the shell would pass after quote removal; variable
references (``$PORT``) are kept as written, so the launchers can expand them at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import bashlex
import bashlex.errors

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = {"exec", "command", "nohup", "time"}
# A word safe to leave unquoted or inside double quotes for sh: $NAME / ${NAME:-x} expansions.
_EXPANDABLE = re.compile(
    r"^[A-Za-z0-9_./:@%+,=-]*(\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}\"`\\$]*)?\}?[A-Za-z0-9_./:@%+,=-]*)+$"
)


@dataclass(frozen=True)
class Command:
    words: list[str]  # program and arguments, leading assignments and wrappers removed
    env: dict[str, str]  # leading NAME=value assignments
    exec: bool  # started with `exec`


def _word(node: object, source: str) -> str:
    """A word's text with quotes removed but parameter references kept as written."""
    start, end = node.pos  # type: ignore[attr-defined]
    raw = source[start:end]
    try:
        import shlex

        parts = shlex.split(raw, posix=True)
        return parts[0] if len(parts) == 1 else raw
    except ValueError:
        return raw


def commands(text: str) -> list[Command]:
    """The simple commands of a command line or script, in order; [] when it cannot be read."""
    if len(text) > 64 * 1024 or not text.strip():
        return []
    try:
        trees = bashlex.parse(text)
    except Exception:
        return []  # means "cannot read it", never a crash
    found: list[Command] = []

    class Visitor(bashlex.ast.nodevisitor):  # type: ignore[misc]
        def visitcommand(self, node: object, parts: list[object]) -> bool:
            words: list[str] = []
            env: dict[str, str] = {}
            for part in parts:
                kind = getattr(part, "kind", "")
                if kind == "assignment" and not words:
                    name, _, value = _word(part, text).partition("=")
                    env[name] = value
                elif kind == "word":
                    words.append(_word(part, text))
                elif kind == "redirect":
                    continue
            started_exec = bool(words) and words[0] == "exec"
            while words and words[0] in _WRAPPERS:
                words = words[1:]
            while words and _ASSIGNMENT.match(words[0]) and words[0] != words[-1]:
                name, _, value = words.pop(0).partition("=")
                env[name] = value
            if words:
                found.append(Command(words, env, started_exec))
            return False  # nested command substitutions are not commands of the script

    try:
        for tree in trees:
            Visitor().visit(tree)
    except Exception:
        return []
    return found


_SETUP_SKIPPED = ("set", "cd", "echo", "export", "source", ".", "sleep", "true")


def script_steps(text: str) -> list[str]:
    """The commands a start script runs before its server (migrations, compiles), as text."""
    found = [c for c in commands(text) if c.words[0] not in _SETUP_SKIPPED]
    start = script_start(text)
    return [" ".join(c.words) for c in found if c.words != start]


def script_start(text: str) -> list[str]:
    """The long-running command a start script ends in: its `exec` line, else its last command
    (setup lines before it, such as migrations, are not the start)."""
    found = [c for c in commands(text) if c.words[0] not in _SETUP_SKIPPED]
    if not found:
        return []
    execs = [c for c in found if c.exec]
    return (execs[-1] if execs else found[-1]).words


def render_word(word: str) -> str:
    """A word for an `sh -c` line: $VAR references stay expandable, everything else quoted."""
    import shlex

    if "$" in word and _EXPANDABLE.match(word):
        return f'"{word}"'
    return shlex.quote(word)
