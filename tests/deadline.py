"""A guard for tests of things that used to hang: fail after N seconds instead of blocking CI.

SIGALRM interrupts a blocking ``open()`` of a FIFO or a read: the handler raises, so the test
fails with a clear message rather than hanging the run.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Hung(AssertionError):
    pass


@contextmanager
def within(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"still blocked after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
