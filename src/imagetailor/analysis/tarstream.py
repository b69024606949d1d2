"""A minimal, streaming tar reader for layer tars (ustar, pax and GNU long names).

Why not ``tarfile``: the analysis reads every layer once, front to back, and needs the content of
only a handful of members (package databases, secret candidates). ``tarfile`` makes a Python
object per member and reads content through several layers of file objects; this reader parses
headers straight out of a large buffer and skips content by moving an offset, which keeps the
pass close to the cost of just reading the bytes.

Layer data is untrusted: checksums are verified, sizes are bounded, names that are not UTF-8 are
decoded with ``surrogateescape`` (and flagged), truncation is an error. Every problem surfaces as
``BadImageError`` with one line that names the layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from imagetailor.errors import BadImageError, TailorError

BLOCK = 512
CHUNK = 1 << 20
# A member larger than this is not a real file but an attack on the reader's arithmetic.
MAX_MEMBER_SIZE = 1 << 40
# Metadata members (pax records, GNU long names) are held in memory: keep them small.
MAX_META_SIZE = 1 << 20
# Leading bytes of every regular file, kept to tell ELF binaries and scripts apart.
MAGIC_BYTES = 4

_META_TYPES = (b"x", b"g", b"L", b"K")
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


class ByteSource(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


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


def _octal(header: bytes, start: int, end: int, what: str, where: str) -> int:
    """A numeric header field; the common form (octal digits, one NUL or space) parsed fast."""
    try:
        return int(header[start : end - 1], 8)
    except ValueError:
        return _number(header[start:end], what, where)


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

    ``want(name, size)`` returns how many bytes of a regular member's content the caller wants
    (0 for none); those bytes arrive in ``Member.data``. ``progress(bytes_read)`` is called every
    few MiB. The whole stream is consumed, even past the end-of-archive marker, so a verifying
    stream gets to check its digest.
    """

    def __init__(
        self,
        stream: ByteSource,
        where: str,
        want: Callable[[str, int], int] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._stream = stream
        self._where = where
        self._want = want
        self._progress = progress
        self._buf = b""
        self._pos = 0
        self._consumed = 0  # bytes handed out of the stream before the current buffer
        self._next_progress = 0
        self._eof = False
        self._scratch = bytearray(CHUNK)

    @property
    def bytes_read(self) -> int:
        return self._consumed + self._pos

    # --- raw stream access ---------------------------------------------------------------

    def _read(self, size: int) -> bytes:
        try:
            return self._stream.read(size)
        except TailorError:
            raise
        except Exception as exc:  # decoders raise many types; all mean a corrupt blob
            raise BadImageError(f"{self._where}: cannot read the layer stream: {exc}") from None

    def _fill(self, need: int) -> bool:
        """Make ``need`` bytes available at ``_pos``; False when the stream ends first."""
        avail = len(self._buf) - self._pos
        if avail >= need:
            return True
        parts = [self._buf[self._pos :]]
        self._consumed += self._pos
        while avail < need and not self._eof:
            chunk = self._read(max(CHUNK, need - avail))
            if not chunk:
                self._eof = True
                break
            parts.append(chunk)
            avail += len(chunk)
        self._buf = b"".join(parts)
        self._pos = 0
        self._report()
        return avail >= need

    def _take(self, size: int) -> bytes:
        if not self._fill(size):
            raise BadImageError(f"{self._where}: tar stream is truncated")
        data = self._buf[self._pos : self._pos + size]
        self._pos += size
        return data

    def _skip(self, size: int) -> None:
        avail = len(self._buf) - self._pos
        if size <= avail:
            self._pos += size
            return
        size -= avail
        self._consumed += len(self._buf)
        self._buf, self._pos = b"", 0
        view = memoryview(self._scratch)
        readinto = getattr(self._stream, "readinto", None)
        while size > 0:
            want = min(size, CHUNK)
            if readinto is not None:
                try:
                    got = readinto(view[:want])
                except TailorError:
                    raise
                except Exception as exc:
                    raise BadImageError(
                        f"{self._where}: cannot read the layer stream: {exc}"
                    ) from None
            else:
                got = len(self._read(want))
            if not got:
                raise BadImageError(f"{self._where}: tar stream is truncated")
            size -= got
            self._consumed += got
            self._report()

    def _report(self) -> None:
        if self._progress is not None and self.bytes_read >= self._next_progress:
            self._progress(self.bytes_read)
            self._next_progress = self.bytes_read + 8 * CHUNK

    def _drain(self) -> None:
        self._consumed += len(self._buf)
        self._buf, self._pos = b"", 0
        while not self._eof:
            chunk = self._read(CHUNK)
            if not chunk:
                self._eof = True
            self._consumed += len(chunk)
        if self._progress is not None:
            self._progress(self.bytes_read)

    def _content(self, size: int) -> bytes:
        if size > MAX_META_SIZE:
            raise BadImageError(f"{self._where}: tar metadata member of {size} bytes is too large")
        data = self._take(size)
        self._skip(-size % BLOCK)
        return data

    # --- members -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Member]:
        # The hot loop of the whole analysis: one turn per tar member, so attribute lookups
        # are hoisted into locals and the common case (a plain ustar header) stays short.
        where = self._where
        want = self._want
        kinds = KIND_BY_TYPEFLAG
        pax: dict[str, bytes] = {}
        long_name: bytes | None = None
        long_link: bytes | None = None
        while True:
            pos = self._pos
            if len(self._buf) - pos < BLOCK:
                if not self._fill(BLOCK):
                    if len(self._buf) - self._pos == 0:
                        break  # ended on a block boundary without the zero blocks: tolerated
                    raise BadImageError(f"{where}: tar stream is truncated inside a header")
                pos = self._pos
            header = self._buf[pos : pos + BLOCK]
            self._pos = pos + BLOCK
            if header[0] == 0 and header.count(0) == BLOCK:
                break
            try:  # usually six digits, a NUL and a space
                checksum = int(header[148:154], 8)
            except ValueError:
                checksum = _number(header[148:156], "checksum", where)
            if checksum != sum(header) - sum(header[148:156]) + 256:
                raise BadImageError(f"{where}: tar header checksum mismatch (corrupt layer)")
            typeflag = header[156:157]
            try:
                size = int(header[124:135], 8)
            except ValueError:
                size = _number(header[124:136], "size", where)
            if typeflag in _META_TYPES:
                data = self._content(size)
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
                raw_name = header[0:100].split(b"\0", 1)[0]
                if header[345] and header[257:263] == b"ustar\0":
                    raw_name = header[345:500].split(b"\0", 1)[0] + b"/" + raw_name
            if pax and "linkpath" in pax:
                raw_link = pax["linkpath"]
            elif long_link is not None:
                raw_link = long_link
            else:
                raw_link = header[157:257].split(b"\0", 1)[0] if header[157] else b""
            kind = kinds.get(typeflag, "file")  # POSIX: unknown types are files
            if typeflag == b"\0" and raw_name.endswith(b"/"):
                kind = "dir"
            try:
                name, utf8 = raw_name.decode("utf-8"), True
            except UnicodeDecodeError:
                name, utf8 = raw_name.decode("utf-8", "surrogateescape"), False
            linkname = raw_link.decode("utf-8", "surrogateescape") if raw_link else ""
            try:
                mode = int(header[100:107], 8) & 0o7777
                uid = int(header[108:115], 8)
                gid = int(header[116:123], 8)
            except ValueError:
                mode = _number(header[100:108], "mode", where) & 0o7777
                uid = _number(header[108:116], "uid", where)
                gid = _number(header[116:124], "gid", where)
            if pax:
                uid = _pax_int(pax, "uid", where) or uid
                gid = _pax_int(pax, "gid", where) or gid
                pax = {}
            long_name = long_link = None

            member = Member(name, kind, size, mode, uid, gid, linkname, None, b"", utf8)
            # Only regular members carry content; links and devices declare sizes they lack.
            if size and kind == "file":
                wanted = want(name, size) if want is not None else 0
                rest = size
                if wanted:
                    member.data = self._take(min(wanted, size))
                    member.magic = member.data[:MAGIC_BYTES]
                    rest -= len(member.data)
                else:
                    pos = self._pos
                    head = MAGIC_BYTES if size >= MAGIC_BYTES else size
                    if len(self._buf) - pos >= head or self._fill(head):
                        pos = self._pos
                        member.magic = self._buf[pos : pos + head]
                skip = rest + (-size % BLOCK)
                pos = self._pos
                if len(self._buf) - pos >= skip:
                    self._pos = pos + skip
                else:
                    self._skip(skip)
            yield member
        self._drain()
