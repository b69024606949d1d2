"""A minimal, streaming tar reader for layer tars (ustar, pax and GNU long names).

Why not ``tarfile``: the analysis reads every layer once, front to back, and needs the content of
only a handful of members (package databases, secret candidates). ``tarfile`` makes a Python
object per member and reads content through several layers of file objects; this reader parses
headers straight out of the chunks the stream hands over (one ``struct`` call per header) and
skips content by moving an offset, which keeps the pass close to the cost of reading the bytes.

Layer data is untrusted: checksums are verified, sizes are bounded, names that are not UTF-8 are
decoded with ``surrogateescape`` (and flagged), truncation is an error. Every problem surfaces as
``BadImageError`` with one line that names the layer.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from imagetailor.errors import BadImageError, TailorError

BLOCK = 512
CHUNK = 1 << 20
# A member larger than this is not a real file but an attack on the reader's arithmetic.
MAX_MEMBER_SIZE = 1 << 40
# Metadata members (pax records, GNU long names) are held in memory: keep them small.
MAX_META_SIZE = 1 << 20
# Leading bytes of every regular file, kept to tell ELF binaries and scripts apart.
MAGIC_BYTES = 4

# The ustar fields the analysis reads, in one unpack: name, mode, uid, gid, size, checksum,
# typeflag, linkname, magic+version, prefix (mtime, owner names and device numbers skipped).
_HEADER = struct.Struct("100s8s8s8s12s12x8sc100s8s80x155s12x")
_ZERO_BLOCK = bytes(BLOCK)
_META_TYPES = frozenset((b"x", b"g", b"L", b"K"))
KIND_BY_TYPEFLAG = {
    b"0": "file",
    b"\0": "file",
    b"7": "file",
    b"1": "hardlink",
    b"2": "symlink",
    b"3": "char",
    b"4": "block",
    b"5": "dir",
    b"6": "fifo",
}

# One parsed member: name, kind, size, mode, uid, gid, linkname, magic, name_is_utf8.
Entry = tuple[str, str, int, int, int, int, str, bytes, bool]


class ByteSource(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@runtime_checkable
class ChunkSource(Protocol):
    """Hands the stream over in chunks; a chunk is valid until the next call (see prefetch)."""

    def read_chunk(self) -> memoryview: ...


class _StreamChunks:
    def __init__(self, stream: ByteSource) -> None:
        self._stream = stream

    def read_chunk(self) -> memoryview:
        return memoryview(self._stream.read(CHUNK))


@dataclass(slots=True)
class Member:
    """One tar member as the analysis needs it."""

    name: str
    kind: str
    size: int
    mode: int
    uid: int
    gid: int
    linkname: str
    data: bytes | None = None
    magic: bytes = b""
    name_is_utf8: bool = True


def decode_name(raw: bytes) -> tuple[str, bool]:
    """Names are bytes; keep undecodable ones intact (surrogateescape) and say so."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", "surrogateescape"), False


def _number(field: bytes, what: str, where: str) -> int:
    if field and field[0] & 0x80:
        # GNU base-256: big-endian two's complement with the top bit as the marker.
        value = int.from_bytes(field, "big", signed=False) & ~(0x80 << (8 * (len(field) - 1)))
        if field[0] & 0x40:
            raise BadImageError(f"{where}: negative {what} in a tar header")
        return value
    text = field.split(b"\0", 1)[0].strip(b" ")
    if not text:
        return 0
    try:
        return int(text, 8)
    except ValueError:
        raise BadImageError(f"{where}: tar header has a malformed {what} field") from None


def _block_sum(view: memoryview, pos: int) -> int:
    """The unsigned byte sum of the 512-byte block at ``pos``, in C: the low half of adler32 is
    1 + the byte sum modulo 65521, and 256 bytes never sum past 65280, so two halves are exact."""
    return (
        (zlib.adler32(view[pos : pos + 256]) & 0xFFFF)
        + (zlib.adler32(view[pos + 256 : pos + BLOCK]) & 0xFFFF)
        - 2
    )


def _pax_records(data: bytes, where: str) -> dict[str, bytes]:
    records: dict[str, bytes] = {}
    pos = 0
    while pos < len(data):
        if data[pos] == 0:
            break
        space = data.find(b" ", pos)
        if space < 0:
            raise BadImageError(f"{where}: malformed pax header")
        try:
            length = int(data[pos:space])
        except ValueError:
            raise BadImageError(f"{where}: malformed pax record length") from None
        end = pos + length
        if length <= 0 or end > len(data) or data[end - 1 : end] != b"\n":
            raise BadImageError(f"{where}: malformed pax record")
        key, sep, value = data[space + 1 : end - 1].partition(b"=")
        if not sep:
            raise BadImageError(f"{where}: malformed pax record")
        records[key.decode("utf-8", "replace")] = value
        pos = end
    return records


def _pax_int(records: dict[str, bytes], key: str, where: str) -> int:
    if key not in records:
        return 0
    try:
        return int(records[key])
    except ValueError:
        raise BadImageError(f"{where}: malformed pax {key} record") from None


class TarReader:
    """Iterate the members of one uncompressed tar stream, reading it exactly once.

    ``entries()`` yields one ``Entry`` tuple per member; while a regular member is current,
    ``content(limit)`` returns up to ``limit`` bytes of it (the rest is skipped when iteration
    resumes). Iterating the reader itself yields ``Member`` objects, with content for the
    members ``want(name, size)`` asks for. ``progress(bytes_read)`` is called every few MiB. The
    whole stream is consumed, even past the end-of-archive marker, so a verifying stream gets to
    check its digest.

    ``stream`` is a ``ChunkSource`` (a ``Prefetcher``) or anything with ``read``.
    """

    def __init__(
        self,
        stream: ChunkSource | ByteSource,
        where: str,
        want: Callable[[str, int], int] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._source: ChunkSource
        if isinstance(stream, ChunkSource):
            self._source = stream
        else:
            self._source = _StreamChunks(stream)
        self._where = where
        self._want = want
        self._progress = progress
        self._view = memoryview(b"")
        self._end = 0
        self._pos = 0
        self._consumed = 0  # bytes of the stream before the current chunk
        self._next_progress = 0
        self._eof = False
        self._left = 0  # content bytes of the current member not yet taken

    @property
    def bytes_read(self) -> int:
        return self._consumed + self._pos

    # --- chunks --------------------------------------------------------------------------

    def _next_chunk(self) -> memoryview:
        try:
            return self._source.read_chunk()
        except TailorError:
            raise
        except Exception as exc:  # decoders raise many types; all mean a corrupt blob
            raise BadImageError(f"{self._where}: cannot read the layer stream: {exc}") from None

    def _advance(self) -> bool:
        """Move to the next chunk, keeping the unread rest of this one; False at the end."""
        if self._eof:
            return False
        rest = bytes(self._view[self._pos : self._end]) if self._pos < self._end else b""
        self._consumed += self._pos
        chunk = self._next_chunk()
        if not chunk:
            self._eof = True
            if not rest:
                self._view, self._end, self._pos = memoryview(b""), 0, 0
                return False
        # A rest only exists in streams whose reads are not block aligned: rare, so copying
        # it in front of the new chunk is fine.
        self._view = memoryview(rest + bytes(chunk)) if rest else chunk
        self._end = len(self._view)
        self._pos = 0
        if self._progress is not None and self.bytes_read >= self._next_progress:
            self._progress(self.bytes_read)
            self._next_progress = self.bytes_read + 8 * CHUNK
        return bool(chunk)

    def _have(self, need: int) -> bool:
        while self._end - self._pos < need:
            if not self._advance():
                return self._end - self._pos >= need
        return True

    def _take(self, size: int) -> bytes:
        pos = self._pos
        if self._end - pos >= size:
            self._pos = pos + size
            return bytes(self._view[pos : pos + size])
        parts = []
        while size:
            if self._pos == self._end and not self._advance():
                raise BadImageError(f"{self._where}: tar stream is truncated")
            pos = self._pos
            part = min(size, self._end - pos)
            parts.append(bytes(self._view[pos : pos + part]))
            self._pos = pos + part
            size -= part
        return b"".join(parts)

    def _skip(self, size: int) -> None:
        while self._end - self._pos < size:
            size -= self._end - self._pos
            self._pos = self._end
            if not self._advance():
                raise BadImageError(f"{self._where}: tar stream is truncated")
        self._pos += size

    def _drain(self) -> None:
        self._pos = self._end
        while self._advance():
            self._pos = self._end
        if self._progress is not None:
            self._progress(self.bytes_read)

    def _meta(self, size: int) -> bytes:
        if size > MAX_META_SIZE:
            raise BadImageError(f"{self._where}: tar metadata member of {size} bytes is too large")
        data = self._take(size)
        self._skip(-size % BLOCK)
        return data

    def content(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of the current regular member (only before iteration resumes)."""
        size = min(limit, self._left)
        self._left -= size
        return self._take(size)

    def hash_rest(self, update: Callable[[memoryview], object]) -> None:
        """Feed the rest of the current regular member to ``update`` (a hash's), chunk by
        chunk from the stream's own buffers: no copy, memory bounded by the chunk size."""
        left = self._left
        self._left = 0
        while left:
            if self._pos == self._end and not self._advance():
                raise BadImageError(f"{self._where}: tar stream is truncated")
            pos = self._pos
            part = min(left, self._end - pos)
            update(self._view[pos : pos + part])
            self._pos = pos + part
            left -= part

    # --- members -------------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        # The hot loop of the whole analysis: one turn per tar member, so attribute lookups
        # are hoisted into locals and the common case (a plain ustar header in the current
        # chunk) stays short.
        where = self._where
        kinds = KIND_BY_TYPEFLAG
        unpack = _HEADER.unpack_from
        pax: dict[str, bytes] = {}
        long_name: bytes | None = None
        long_link: bytes | None = None
        while True:
            pos = self._pos
            if self._end - pos < BLOCK:
                if not self._have(BLOCK):
                    if self._end == self._pos:
                        break  # ended on a block boundary without the zero blocks: tolerated
                    raise BadImageError(f"{where}: tar stream is truncated inside a header")
                pos = self._pos
            view = self._view
            self._pos = pos + BLOCK
            (
                raw_name,
                raw_mode,
                raw_uid,
                raw_gid,
                raw_size,
                raw_checksum,
                typeflag,
                raw_link,
                ustar,
                prefix,
            ) = unpack(view, pos)
            if raw_name[0] == 0 and view[pos : pos + BLOCK] == _ZERO_BLOCK:
                break
            try:  # usually six digits, a NUL and a space
                checksum = int(raw_checksum[:6], 8)
            except ValueError:
                checksum = _number(raw_checksum, "checksum", where)
            if checksum != _block_sum(view, pos) - sum(raw_checksum) + 256:
                raise BadImageError(f"{where}: tar header checksum mismatch (corrupt layer)")
            try:
                size = int(raw_size[:11], 8)
            except ValueError:
                size = _number(raw_size, "size", where)
            if typeflag in _META_TYPES:
                data = self._meta(size)
                if typeflag == b"x":
                    pax = _pax_records(data, where)
                elif typeflag == b"L":
                    long_name = data.split(b"\0", 1)[0]
                elif typeflag == b"K":
                    long_link = data.split(b"\0", 1)[0]
                continue  # global pax headers ('g') carry nothing a layer needs
            if pax and "size" in pax:
                size = _pax_int(pax, "size", where)
            if size < 0 or size > MAX_MEMBER_SIZE:
                raise BadImageError(f"{where}: tar member declares an absurd size ({size})")
            if typeflag == b"S":
                raise BadImageError(f"{where}: GNU sparse tar members are not supported")

            if pax and "path" in pax:
                raw_name = pax["path"]
            elif long_name is not None:
                raw_name = long_name
            else:
                raw_name = raw_name.split(b"\0", 1)[0]
                if prefix[0] and ustar[:6] == b"ustar\0":
                    raw_name = prefix.split(b"\0", 1)[0] + b"/" + raw_name
            if pax and "linkpath" in pax:
                raw_link = pax["linkpath"]
            elif long_link is not None:
                raw_link = long_link
            else:
                raw_link = raw_link.split(b"\0", 1)[0] if raw_link[0] else b""
            kind = kinds.get(typeflag, "file")  # POSIX: unknown types are files
            if typeflag == b"\0" and raw_name.endswith(b"/"):
                kind = "dir"
            try:
                name, utf8 = raw_name.decode("utf-8"), True
            except UnicodeDecodeError:
                name, utf8 = raw_name.decode("utf-8", "surrogateescape"), False
            linkname = raw_link.decode("utf-8", "surrogateescape") if raw_link else ""
            try:
                mode = int(raw_mode[:7], 8) & 0o7777
                uid = int(raw_uid[:7], 8)
                gid = int(raw_gid[:7], 8)
            except ValueError:
                mode = _number(raw_mode, "mode", where) & 0o7777
                uid = _number(raw_uid, "uid", where)
                gid = _number(raw_gid, "gid", where)
            if pax:
                uid = _pax_int(pax, "uid", where) or uid
                gid = _pax_int(pax, "gid", where) or gid
                pax = {}
            long_name = long_link = None

            # Only regular members carry content; links and devices declare sizes they lack.
            if size and kind == "file":
                pos = self._pos
                head = MAGIC_BYTES if size >= MAGIC_BYTES else size
                enough = self._end - pos >= head
                magic = bytes(view[pos : pos + head]) if enough else self._peek(head)
                self._left = size
                yield name, kind, size, mode, uid, gid, linkname, magic, utf8
                skip = self._left + (-size % BLOCK)
                self._left = 0
                pos = self._pos + skip
                if pos <= self._end:
                    self._pos = pos
                else:
                    self._skip(skip)
            else:
                yield name, kind, size, mode, uid, gid, linkname, b"", utf8
        self._drain()

    def _peek(self, size: int) -> bytes:
        """The next ``size`` bytes without consuming them (they may start a new chunk)."""
        if not self._have(size):
            raise BadImageError(f"{self._where}: tar stream is truncated")
        return bytes(self._view[self._pos : self._pos + size])

    def __iter__(self) -> Iterator[Member]:
        want = self._want
        for name, kind, size, mode, uid, gid, linkname, magic, utf8 in self.entries():
            member = Member(name, kind, size, mode, uid, gid, linkname, None, magic, utf8)
            if size and kind == "file" and want is not None:
                wanted = want(name, size)
                if wanted:
                    member.data = self.content(wanted)
            yield member
