"""Errors a user can cause. The CLI turns each into one line on stderr and exit code 2."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


class TailorError(Exception):
    """Bad input or bad usage: reported as one line, exit code 2, never a traceback."""

    exit_code = 2


class UsageError(TailorError):
    """The command line or a configuration file asks for something that cannot be done."""


class BadImageError(TailorError):
    """Image data (archive, layout, manifest, blob, registry answer) is malformed or hostile."""


class DigestMismatchError(BadImageError):
    """A blob's content does not hash to the digest that names it."""


class SourceUnavailableError(TailorError):
    """The place the image should come from (engine, registry) cannot be reached or refused us."""


# An error is read in a terminal or a CI log: one line, short enough to read at a glance.
MAX_MESSAGE_CHARS = 280


def one_line(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` on one line and at most ``limit`` characters: whitespace runs (newlines from
    an engine's output, say) become one space; an overlong middle gives way to " … ", keeping
    the start (what failed) and the end (often the hint)."""
    text = " ".join(message.split())
    if len(text) <= limit:
        return text
    tail = limit // 4
    return f"{text[: limit - tail - 3]} … {text[-tail:]}"


def summarise(items: Iterable[object], limit: int = 5, empty: str = "none") -> str:
    """A list for a message: "a, b, c and 9,997 more", never all of 10,000 names."""
    names = [str(item) for item in items]
    if not names:
        return empty
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit:,} more"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'deploy'?)" when one of ``choices`` is close to a mistyped ``word``."""
    options = {str(choice).lower(): str(choice) for choice in choices}
    close = difflib.get_close_matches(word.strip().lower(), list(options), n=1, cutoff=0.6)
    return f" (did you mean {options[close[0]]!r}?)" if close else ""


def dead_engine_fix(engine: str = "docker") -> str:
    """What to do when the engine does not answer: the one wording for the daemon API and the
    client. DOCKER_HOST (CONTAINER_HOST for podman) set to an engine that is down is the usual
    cause after a plain "the daemon is not running"."""
    variable = "CONTAINER_HOST" if engine == "podman" else "DOCKER_HOST"
    host = os.environ.get(variable, "")
    if host:
        return f"fix: start the engine at {variable}={host[:80]}, or unset {variable}"
    if engine == "podman":
        return "fix: start podman's service (podman machine start, or podman system service)"
    return f"fix: start dockerd (systemctl start docker), or set {variable} to the engine you use"
