"""Running a client program whose output we do not trust: bounded in bytes and in time.

``subprocess.run(capture_output=True)`` keeps everything a program prints: a "docker" that
prints forever (``TAILOR_DOCKER=/usr/bin/yes``) filled 21 GB in the 15 s of one probe. Here
each stream is read as it comes, and a program that prints more than ``limit`` bytes on one of
them, or outlives ``timeout``, is killed: the caller gets ``OutputTooLarge`` or
``subprocess.TimeoutExpired`` at once, with the memory used bounded by ``limit``.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from imagetailor.errors import SourceUnavailableError

READ_CHUNK = 64 * 1024


class OutputTooLarge(SourceUnavailableError):
    """The program printed more than it may: it was killed."""


@dataclass(frozen=True)
class Captured:
    returncode: int
    stdout: bytes
    stderr: bytes


def run_captured(
    argv: Sequence[str],
    *,
    limit: int,
    timeout: float | None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Captured:
    """Run ``argv`` to its end and return what it printed (each stream at most ``limit``
    bytes). Raises FileNotFoundError when the program is not there."""
    process = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env) if env is not None else None,
        cwd=cwd,
    )
    try:
        out, err = _collect(process, argv, limit, timeout, input)
        return Captured(process.wait(), out, err)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _collect(
    process: subprocess.Popen[bytes],
    argv: Sequence[str],
    limit: int,
    timeout: float | None,
    input: bytes | None,
) -> tuple[bytes, bytes]:
    end = None if timeout is None else time.monotonic() + timeout
    assert process.stdout is not None and process.stderr is not None
    buffers: dict[int, bytearray] = {
        process.stdout.fileno(): bytearray(),
        process.stderr.fileno(): bytearray(),
    }
    pending = memoryview(input or b"")
    with selectors.DefaultSelector() as selector:
        for fd in buffers:
            selector.register(fd, selectors.EVENT_READ)
        if process.stdin is not None:
            if pending:
                os.set_blocking(process.stdin.fileno(), False)
                selector.register(process.stdin.fileno(), selectors.EVENT_WRITE)
            else:
                process.stdin.close()
        while selector.get_map():
            wait = None if end is None else end - time.monotonic()
            if wait is not None and wait <= 0:
                raise subprocess.TimeoutExpired(list(argv), timeout or 0)
            for key, _ in selector.select(wait):
                fd = key.fd
                if fd not in buffers:  # stdin is writable
                    assert process.stdin is not None
                    try:
                        pending = pending[os.write(fd, pending[:READ_CHUNK]) :]
                    except BrokenPipeError:
                        pending = pending[:0]
                    if not pending:
                        selector.unregister(fd)
                        process.stdin.close()
                    continue
                data = os.read(fd, READ_CHUNK)
                if not data:
                    selector.unregister(fd)
                    continue
                buffer = buffers[fd]
                buffer += data
                if len(buffer) > limit:
                    what = "standard output" if fd == process.stdout.fileno() else "its errors"
                    raise OutputTooLarge(
                        f"{argv[0]} printed more than {limit:,} bytes on {what} and was stopped"
                    )
    return bytes(buffers[process.stdout.fileno()]), bytes(buffers[process.stderr.fileno()])
