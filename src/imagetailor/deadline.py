"""How long one network operation may take in all, whatever the other side does.

A per-read timeout alone never ends a server that trickles one byte a second: each byte resets
it. Every operation against a registry or an engine (one request with its retries and its whole
body, one run of the docker client) therefore also gets an overall deadline: ``TAILOR_DEADLINE``
seconds, ten minutes by default (a multi-gigabyte layer over a slow link still fits; a hostile
server does not keep us longer). Standard library only.
"""

from __future__ import annotations

import os
import time

from imagetailor.errors import SourceUnavailableError, UsageError

DEADLINE_ENV = "TAILOR_DEADLINE"
DEFAULT_DEADLINE_SECONDS = 600.0


def configured_deadline() -> float:
    """``TAILOR_DEADLINE`` in seconds (default 600); a value that is not a positive number is
    a usage error, not a reason to wait forever."""
    text = os.environ.get(DEADLINE_ENV, "").strip()
    if not text:
        return DEFAULT_DEADLINE_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e9:  # also refuses nan and inf
        raise UsageError(f"{DEADLINE_ENV}={text[:40]!r} is not a positive number of seconds")
    return seconds


class Deadline:
    """A moment on the monotonic clock by which an operation must have finished."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = configured_deadline() if seconds is None else seconds
        self._end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def bound(self, timeout: float | None) -> float:
        """A wait of at most ``timeout`` that also ends by the deadline (never 0: that would
        mean "don't wait" to a socket, not "time is up")."""
        left = max(self.remaining(), 0.001)
        return left if timeout is None else min(timeout, left)

    def error(self, what: str) -> SourceUnavailableError:
        return SourceUnavailableError(
            f"{what} did not finish within the {self.seconds:g}s deadline "
            f"(set {DEADLINE_ENV} to allow longer)"
        )

    def check(self, what: str) -> None:
        if self.expired():
            raise self.error(what)
