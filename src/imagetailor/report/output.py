"""Write a rendered report to a file: whole or not at all, and never over a user's file unless
asked (--force)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from imagetailor.errors import UsageError


def write_output(text: str, path: Path, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; an existing file is an error unless ``force``."""
    if path.exists() and not force:
        raise UsageError(f"{path} already exists: choose another --output or add --force")
    if path.is_dir():
        raise UsageError(f"{path} is a directory: --output needs a file name")
    directory = path.parent
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: directory {directory} does not exist")
    # A temporary file beside the target, then a link or rename: readers never see half a
    # report, and a failure leaves nothing behind.
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=directory
        )
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644 & ~_umask())
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # fails if the file appeared meanwhile
            except FileExistsError:
                raise UsageError(
                    f"{path} already exists: choose another --output or add --force"
                ) from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
