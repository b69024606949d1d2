"""One quoting function per target syntax: every value that reaches a generated file goes
through exactly one of these, never through string concatenation.

The model (imagetailor.project.model) already refuses control characters and unsafe paths; these
functions refuse them again (``UnsafeValue``) so that a value which slipped past validation can
never write a second instruction, key or line. Each function documents what its syntax would
otherwise interpret: newlines end a Dockerfile instruction, ``$`` is substituted by the Dockerfile
frontend, by compose and (as ``${``) by HCL.
"""

from __future__ import annotations

import json
import re
import shlex

# C0 controls, DEL and the Unicode line separators: each would end a line in some syntax.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
# What a path in a COPY/WORKDIR line may hold unquoted: no spaces, quotes, $, globs or escapes.
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9._@+/=:,-]+$")


class UnsafeValue(ValueError):
    """A value that cannot be rendered safely in the target syntax."""


def _checked(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise UnsafeValue(f"{what}: expected a string, got {type(value).__name__}")
    if _CONTROL.search(value):
        raise UnsafeValue(f"{what}: {value[:40]!r} holds a control character")
    return value


def has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


# --- Dockerfile -------------------------------------------------------------------------------


def exec_form(argv: list[str]) -> str:
    """The JSON array of an exec-form ENTRYPOINT/CMD (no variable substitution happens there)."""
    return json.dumps([_checked(arg, "command argument") for arg in argv], ensure_ascii=False)


def dockerfile_string(value: str) -> str:
    """A double-quoted value for LABEL and ENV. The frontend substitutes ``$NAME`` inside double
    quotes and treats backslash as an escape, so both are escaped; the result reads back as
    ``value`` exactly."""
    _checked(value, "value")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


def dockerfile_path(value: str) -> str:
    """A path for COPY, WORKDIR and --from: only characters that need no quoting at all."""
    _checked(value, "path")
    if not _PLAIN_PATH.match(value):
        raise UnsafeValue(f"path {value!r}: only letters, digits and ._@+/=:,- are allowed")
    return value


# --- POSIX shell (RUN lines) ------------------------------------------------------------------


def shell_word(value: str) -> str:
    """One shell word: quoted so the shell sees exactly ``value``."""
    return shlex.quote(_checked(value, "shell word"))


def shell_words(values: list[str] | tuple[str, ...]) -> str:
    return " ".join(shell_word(v) for v in values)


# --- HCL (docker-bake.hcl) --------------------------------------------------------------------


def hcl_string(value: str) -> str:
    """An HCL quoted template: ``${`` and ``%{`` start interpolation/directives and are doubled."""
    _checked(value, "HCL string")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("${", "$${").replace("%{", "%%{")
    return f'"{escaped}"'


# --- YAML (compose.yaml) ----------------------------------------------------------------------


def compose_string(value: str) -> str:
    """A YAML double-quoted scalar for compose: JSON is valid YAML, and compose interpolates
    ``$NAME``, so ``$`` is doubled."""
    _checked(value, "YAML string")
    return json.dumps(value.replace("$", "$$"), ensure_ascii=False)


# --- YAML (CI pipelines: .github/workflows/images.yml, .gitlab-ci.yml) ----------------------


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's) that nothing expands: GitLab's
    ``script`` lines go to the shell as written."""
    return json.dumps(_checked(value, "YAML string"), ensure_ascii=False)


def workflow_string(value: str) -> str:
    """A scalar of a GitHub Actions workflow, which evaluates ``${{ ... }}`` in every string:
    a value holding ``${{`` is refused (no value of ours needs one)."""
    if "${{" in _checked(value, "workflow string"):
        raise UnsafeValue(f"{value[:40]!r} holds '${{{{', a GitHub Actions expression")
    return yaml_string(value)


def workflow_block(lines: list[str], indent: int) -> list[str]:
    """The lines of a YAML literal block (``key: |``) in a GitHub workflow: nothing in a
    literal block is an escape, so each line only has to stay one line, keep out of ``${{``
    and not start with a blank (that would change the block's indentation)."""
    block = []
    for line in lines:
        workflow_string(line)
        if not line or line[0] in " \t":
            raise UnsafeValue(f"{line[:40]!r}: a block line must start with a visible character")
        block.append(" " * indent + line)
    return block


def gitlab_variable(value: str) -> str:
    """A literal part of a GitLab CI ``variables:`` value, where GitLab expands ``$NAME``:
    ``$`` is doubled, GitLab's escape."""
    return _checked(value, "GitLab variable").replace("$", "$$")


# --- TOML (tailor.toml) -----------------------------------------------------------------------


def toml_value(value: object) -> str:
    """A TOML value: basic strings (JSON escapes are TOML escapes), lists of them, bools, ints."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise UnsafeValue(f"no TOML form for {type(value).__name__}")


# --- .dockerignore ----------------------------------------------------------------------------


def ignore_pattern(value: str) -> str:
    """One .dockerignore line: no line breaks; surrounding blanks would be trimmed by the engine,
    and a leading '#' would make it a comment, so both are refused."""
    _checked(value, "ignore pattern")
    if value != value.strip() or not value or value.startswith("#"):
        raise UnsafeValue(f"ignore pattern {value!r} would not read back as itself")
    return value
