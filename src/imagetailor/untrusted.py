"""Opening files a user points us at: regular files only, read with a bound, never blocking.

``open()`` of a FIFO blocks until a writer appears, and reading a FIFO, ``/dev/zero`` or a
terminal never ends. Every reader of a user-named file (archives, layout blobs, Dockerfiles,
tailor.toml and the other TOML files, docker's config.json, saved analyses) opens it here: the
path is opened with ``O_NONBLOCK`` (so a FIFO opens at once), checked with ``fstat`` to be a
regular file, and only then switched back to blocking reads. Standard library only: the lint
and generate commands load this without the analysis package.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import stat
from pathlib import Path

from imagetailor.errors import TailorError, UsageError

# What a TOML or JSON file a user writes by hand can reasonably be.
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def kind_of(mode: int) -> str:
    """The file type, in words, for messages ("a FIFO", "a directory", ...)."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def open_regular(
    path: Path | str,
    what: str,
    *,
    error: type[TailorError] = UsageError,
    missing: str | None = None,
) -> io.BufferedReader:
    """``path`` opened for binary reading, refused with one ``error`` line naming ``what`` unless
    it is (or links to) a regular file. Never blocks: a FIFO is refused, not waited on.
    ``missing`` is the message (with its hint) for a path that does not exist."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise error(missing or f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} {path} is a directory, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a device with nothing behind it)
            mode = _mode(path)
            if mode is not None and not stat.S_ISREG(mode):
                raise error(f"{what} {path} is {kind_of(mode)}, not a regular file") from None
        raise error(f"cannot read {what} {path}: {_reason(exc)}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"{what} {path} is {kind_of(mode)}, not a regular file")
        # Regular files never block; clearing the flag keeps later reads plain.
        flags = fcntl.fcntl(descriptor, fcntl.F_GETFL)
        fcntl.fcntl(descriptor, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(
    path: Path | str,
    what: str,
    limit: int = MAX_CONFIG_BYTES,
    *,
    error: type[TailorError] = UsageError,
    missing: str | None = None,
) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes (a larger one is refused)."""
    with open_regular(path, what, error=error, missing=missing) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read {what} {path}: {_reason(exc)}") from None
    if len(data) > limit:
        raise error(f"{what} {path} is larger than {limit:,} bytes")
    return data


def check_regular(path: Path | str, what: str, *, error: type[TailorError] = UsageError) -> None:
    """Refuse ``path`` unless it is a regular file, without reading it (for readers such as
    ``tarfile`` that open the path themselves)."""
    open_regular(path, what, error=error).close()


def _mode(path: Path | str) -> int | None:
    try:
        return os.stat(path).st_mode
    except OSError:
        return None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return exc.strerror or str(exc)
