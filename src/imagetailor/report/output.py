"""Where ``-o/--output`` writes, decided once from what the name is (``check_output``), and the
write itself (``write_output``): whole or not at all, and never over something it should not.

- ``-`` is standard output.
- A name that does not exist becomes a new regular file (a temporary file beside it, then a
  link: readers never see half a report, and a file that appears meanwhile is not replaced).
- An existing regular file is replaced (atomically) only with ``--force``.
- A FIFO or a character device (a pipe, a terminal, ``/dev/null``) is written into, like a shell
  redirection: never replaced by a regular file, even as root with ``--force``.
- A symbolic link is followed only to a regular file that the user owns (the link too), which is
  then treated as above, or to a FIFO or character device (``/dev/stdout``); any other link is
  refused rather than followed somewhere the user did not mean.
- A directory, block device or socket is refused; so is a name too long for the file system.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from imagetailor.errors import UsageError
from imagetailor.untrusted import kind_of


@dataclass(frozen=True)
class Target:
    kind: str  # "stdout", "new", "file" (an existing regular file) or "stream"
    path: Path  # for a followed symlink, the regular file it leads to


def check_output(path: Path, force: bool) -> Target:
    """What ``path`` is as an --output, or the one-line UsageError saying why it cannot be."""
    if str(path) == "-":
        return Target("stdout", path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return _new_file(path)
    except OSError as exc:
        raise _cannot(path, exc) from None
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return _through_link(path, info, force)
    if stat.S_ISREG(mode):
        if not force:
            raise _exists(path)
        return Target("file", path)
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Target("stream", path)
    if stat.S_ISDIR(mode):
        raise UsageError(f"{path} is a directory: --output needs a file name")
    raise UsageError(
        f"{path} is {kind_of(mode)}: --output writes regular files, pipes and terminals only"
    )


def _new_file(path: Path) -> Target:
    directory = path.parent
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: directory {directory} does not exist")
    if str(path).endswith("/"):
        raise UsageError(f"{path} names a directory: --output needs a file name")
    return Target("new", path)


def _through_link(path: Path, link: os.stat_result, force: bool) -> Target:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{path} is a symbolic link to nothing: refusing to follow it") from None
    except OSError as exc:
        raise _cannot(path, exc) from None
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        return Target("stream", path)  # /dev/stdout and friends: write into what it is
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path} is a symbolic link to {kind_of(info.st_mode)}: refusing it")
    me = os.geteuid()
    if link.st_uid != me or info.st_uid != me:
        raise UsageError(
            f"{path} is a symbolic link to a file you do not own: refusing to follow it"
        )
    if not force:
        raise _exists(path)
    return Target("file", Path(os.path.realpath(path)))


def _exists(path: Path) -> UsageError:
    return UsageError(f"{path} already exists: choose another --output or add --force")


def _cannot(path: Path, exc: OSError) -> UsageError:
    if exc.errno == errno.ENAMETOOLONG:
        return UsageError(f"cannot write {path}: the name is too long for the file system")
    return UsageError(f"cannot write {path}: {exc.strerror or exc}")


def write_output(text: str, path: Path, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` as ``check_output`` decides (see the module's rules)."""
    target = check_output(path, force)
    if target.kind == "stdout":
        sys.stdout.write(text)
        sys.stdout.flush()
    elif target.kind == "stream":
        _write_into(target.path, text.encode("utf-8"))
    else:
        _write_file(target.path, text, replace=target.kind == "file", shown=path)


def _write_into(path: Path, data: bytes) -> None:
    """Into a FIFO or character device, as it is: no O_CREAT, no O_TRUNC. Opened non-blocking
    so a FIFO nobody reads is an error at once, not a hang."""
    flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise UsageError(f"cannot write {path}: nothing reads from this pipe") from None
        raise _cannot(path, exc) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise UsageError(f"{path} changed while it was being opened: not writing to it")
        blocking = fcntl.fcntl(descriptor, fcntl.F_GETFL) & ~os.O_NONBLOCK
        fcntl.fcntl(descriptor, fcntl.F_SETFL, blocking)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except OSError as exc:
        raise _cannot(path, exc) from None
    finally:
        os.close(descriptor)


def _write_file(path: Path, text: str, *, replace: bool, shown: Path) -> None:
    directory = path.parent
    # A short temporary name: one built from a long target name could pass the file system's
    # limit where the target itself does not.
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".tailor-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _cannot(shown, exc) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644 & ~_umask())
        if replace:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # fails if the file appeared meanwhile
            except FileExistsError:
                raise _exists(shown) from None
    except OSError as exc:
        raise _cannot(shown, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
