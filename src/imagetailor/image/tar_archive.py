"""Random access to the members of an uncompressed tar archive, read in place.

The archive is indexed once (headers only: tarfile seeks over member data in an uncompressed
file); a member is then read by opening the file again and reading ``size`` bytes at its data
offset, so nothing is extracted to disk and several members can be streamed at the same time.
Names are normalised (``./x`` -> ``x``); names that are absolute or climb with ``..`` are never
indexed, so a manifest can never reach them. Links between members are followed only inside the
archive, a few hops deep, and must end at a regular file.
"""

from __future__ import annotations

import io
import posixpath
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from imagetailor.errors import BadImageError, UsageError
from imagetailor.image.blobs import check_digest
from imagetailor.image.model import Descriptor
from imagetailor.untrusted import open_regular

MAX_MEMBERS = 1_000_000
MAX_LINK_HOPS = 8


@dataclass(frozen=True)
class Member:
    name: str
    offset: int
    size: int


def safe_name(name: object, what: str) -> str:
    """A member name from a manifest, refused when it could point outside the archive."""
    if not isinstance(name, str) or not name or "\0" in name:
        raise BadImageError(f"{what} names an invalid archive path: {str(name)[:80]!r}")
    if name.startswith("/") or ".." in name.split("/"):
        raise BadImageError(f"{what} names a path outside the archive: {name[:120]!r}")
    normal = posixpath.normpath(name)
    if normal in (".", ""):
        raise BadImageError(f"{what} names an invalid archive path: {name[:80]!r}")
    return normal


def _normalise(name: str) -> str | None:
    if name.startswith("/") or ".." in name.split("/"):
        return None
    normal = posixpath.normpath(name)
    return None if normal in (".", "") else normal


class TarArchive:
    """An indexed, read-only view of a plain tar file."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.where = f"{kind} {path}"
        self._infos: dict[str, list[tarfile.TarInfo]] = {}
        try:
            # A regular file only: a FIFO given as an archive would block the open forever.
            with open_regular(path, kind) as handle:
                head = handle.read(4)
                if head[:2] == b"\x1f\x8b" or head == b"\x28\xb5\x2f\xfd":
                    raise UsageError(
                        f"{self.where} is compressed; decompress it to a plain tar first"
                    )
                handle.seek(0)
                with tarfile.open(fileobj=handle, mode="r:") as tar:
                    for count, info in enumerate(tar):
                        if count >= MAX_MEMBERS:
                            raise BadImageError(f"{self.where} has more than {MAX_MEMBERS} members")
                        name = _normalise(info.name)
                        if name is not None:
                            self._infos.setdefault(name, []).append(info)
        except OSError as error:
            raise UsageError(f"{self.where} cannot be read: {error.strerror}") from None
        except (tarfile.TarError, EOFError) as error:
            raise BadImageError(f"{self.where} is not a readable tar archive: {error}") from None

    def has(self, name: str) -> bool:
        return name in self._infos

    def names(self) -> list[str]:
        return list(self._infos)

    def member(self, name: str, what: str) -> Member:
        """The regular-file member ``name`` resolves to, following in-archive links."""
        current = name
        for _hop in range(MAX_LINK_HOPS):
            infos = self._infos.get(current)
            if not infos:
                raise BadImageError(f"{self.where}: {what} {current!r} is missing from the archive")
            if len(infos) > 1:
                raise BadImageError(f"{self.where}: {what} {current!r} appears more than once")
            info = infos[0]
            if info.isreg() and not info.issparse():
                return Member(current, info.offset_data, info.size)
            if info.issym():
                target = posixpath.join(posixpath.dirname(current), info.linkname)
            elif info.islnk():
                target = info.linkname
            else:
                raise BadImageError(f"{self.where}: {what} {current!r} is not a regular file")
            # Resolve ".." against the member's own directory; only escaping the root is refused.
            normal = posixpath.normpath(target)
            if info.linkname.startswith("/") or normal == ".." or normal.startswith("../"):
                raise BadImageError(
                    f"{self.where}: {what} {current!r} links outside the archive "
                    f"({info.linkname[:120]!r})"
                )
            current = normal
        raise BadImageError(f"{self.where}: {what} {name!r} is a link loop or chain too long")

    def open_member(self, member: Member) -> IO[bytes]:
        """A fresh stream over the member's bytes (its own file handle)."""
        # Opened again by path: it must still be a regular file (not swapped for a FIFO).
        handle = open_regular(self.path, self.where, error=BadImageError)
        handle.seek(member.offset)
        return io.BufferedReader(_MemberReader(handle, member.size), 1024 * 1024)

    def read_small(self, name: str, what: str, limit: int) -> bytes:
        member = self.member(name, what)
        if member.size > limit:
            raise BadImageError(f"{self.where}: {what} {name!r} is larger than {limit} bytes")
        with self.open_member(member) as stream:
            data = stream.read()
        if len(data) != member.size:
            raise BadImageError(f"{self.where}: {what} {name!r} is truncated")
        return data


class _MemberReader(io.RawIOBase):
    """At most ``size`` bytes from ``handle``'s current position; closes the handle."""

    def __init__(self, handle: io.BufferedReader, size: int) -> None:
        self._handle = handle
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._left)
        if want <= 0:
            return 0
        n = self._handle.readinto(view[:want])  # no intermediate bytes object per read
        self._left -= n
        return n

    def close(self) -> None:
        self._handle.close()
        super().close()


_BLOB_PATH = re.compile(r"^blobs/(sha256|sha512)/([a-f0-9]+)$")


def blob_path(digest: str) -> str:
    algorithm, hexdigest = digest.split(":", 1)
    return f"blobs/{algorithm}/{hexdigest}"


def digest_of_blob_path(name: str) -> str | None:
    """``sha256:HEX`` for a ``blobs/sha256/HEX`` member name, else None."""
    match = _BLOB_PATH.match(name)
    if not match:
        return None
    digest = f"{match.group(1)}:{match.group(2)}"
    check_digest(digest, f"blob path {name!r}")
    return digest


class TarBlobStore:
    """The ``blobs/ALG/HEX`` members of an OCI layout stored inside a tar archive."""

    def __init__(self, archive: TarArchive) -> None:
        self.archive = archive
        self.where = archive.where

    def check_blob(self, descriptor: Descriptor) -> Member:
        """The member holding the blob; BadImageError naming the digest if it is absent."""
        # The digest was validated (hex only), so the path cannot escape ``blobs/``.
        name = blob_path(descriptor.digest)
        if not self.archive.has(name):
            raise BadImageError(f"{self.where}: blob {descriptor.digest} is missing")
        return self.archive.member(name, "blob")

    def open_blob(self, descriptor: Descriptor) -> IO[bytes]:
        return self.archive.open_member(self.check_blob(descriptor))
