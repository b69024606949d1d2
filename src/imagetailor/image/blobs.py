"""Reading blobs we do not trust: digest and size checked while streaming, decompressed by magic.

Every byte a source hands over passes a ``VerifyingReader`` that hashes it and counts it against
the size the descriptor declared. A blob longer than declared is refused as soon as it overflows;
one that ends early or hashes differently is refused when its end is reached. Small JSON documents
(manifests, indexes, configs) are read whole, but only up to ``MAX_DOCUMENT_BYTES``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import IO, Any, cast

import zstandard
from isal import igzip_threaded

from imagetailor.errors import BadImageError, DigestMismatchError, TailorError
from imagetailor.image.model import Descriptor

# Manifests, indexes and configs are small; 4 MiB is generous and keeps memory bounded.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
# A declared blob size beyond this is treated as hostile rather than as a real layer.
MAX_BLOB_BYTES = 64 * 1024**3
# An uncompressed layer beyond this is a decompression bomb for our purposes.
MAX_UNCOMPRESSED_LAYER_BYTES = 256 * 1024**3
CHUNK = 1024 * 1024

_DIGEST = re.compile(r"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def check_digest(digest: object, what: str) -> str:
    """Return ``digest`` if it is a well-formed sha256/sha512 digest, else refuse the image."""
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise BadImageError(f"{what} has a malformed or unsupported digest: {str(digest)[:80]!r}")
    return digest


def check_size(size: object, what: str, limit: int = MAX_BLOB_BYTES) -> int:
    # bool is an int in Python; a JSON true is not a size.
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BadImageError(f"{what} declares an invalid size: {str(size)[:40]!r}")
    if size > limit:
        raise BadImageError(f"{what} declares an absurd size: {size} bytes (limit {limit})")
    return size


def descriptor_from_json(data: object, what: str, size_limit: int = MAX_BLOB_BYTES) -> Descriptor:
    """Validate one OCI/Docker descriptor object from a manifest or index."""
    if not isinstance(data, dict):
        raise BadImageError(f"{what} is not a descriptor object")
    media_type = data.get("mediaType", "")
    if not isinstance(media_type, str):
        raise BadImageError(f"{what} has a non-string mediaType")
    digest = check_digest(data.get("digest"), what)
    size = check_size(data.get("size"), f"{what} {digest}", size_limit)
    raw_annotations = data.get("annotations") or {}
    if not isinstance(raw_annotations, dict):
        raise BadImageError(f"{what} {digest} has malformed annotations")
    annotations = {str(k): str(v) for k, v in raw_annotations.items()}
    return Descriptor(media_type, digest, size, annotations)


def new_hasher(digest: str) -> Any:
    return hashlib.new(digest.split(":", 1)[0])


class VerifyingReader(io.RawIOBase):
    """Pass bytes through while hashing them; refuse overflow at once and mismatch at the end.

    ``size`` None means the size is unknown (an uncompressed layer checked against its diff_id).
    ``describe`` names the blob in error messages.
    """

    def __init__(
        self,
        source: IO[bytes],
        digest: str | None,
        size: int | None,
        describe: str,
        limit: int = MAX_BLOB_BYTES,
        *,
        decompressing: bool = False,
    ) -> None:
        self._source = source
        self._decompressing = decompressing
        self._digest = digest
        self._hasher = new_hasher(digest) if digest else None
        self._size = size
        # Read at most one byte beyond the declared size: enough to prove an overflow.
        self._limit = size + 1 if size is not None else limit + 1
        self._describe = describe
        self.count = 0
        self.verified = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self._limit - self.count)
        if want <= 0:
            return self._overflow()
        n = self._readinto(view[:want])
        if not n:
            self._finish()
            return 0
        self.count += n
        if self._hasher is not None:
            # hashlib releases the GIL for large buffers: a reader thread hashes in parallel.
            self._hasher.update(view[:n])
        if self.count >= self._limit:
            return self._overflow()
        return n

    def _readinto(self, view: memoryview) -> int:
        # Straight into the caller's buffer: a fresh 1 MiB bytes object per read made glibc grow
        # and trim its heap over and over, and the page faults cost more than the hashing.
        readinto = getattr(self._source, "readinto", None)
        if not self._decompressing:
            return readinto(view) if readinto is not None else self._copy_into(view)
        # Decompressors fail in many dialects; the user gets one line naming the layer.
        try:
            return readinto(view) if readinto is not None else self._copy_into(view)
        except TailorError:
            raise
        except (EOFError, OSError, zlib.error, zstandard.ZstdError, ValueError) as error:
            reason = _one_line(error) or type(error).__name__
            raise BadImageError(f"{self._describe} cannot be decompressed: {reason}") from None

    def _copy_into(self, view: memoryview) -> int:
        data = self._source.read(len(view))
        view[: len(data)] = data
        return len(data)

    def drain(self) -> None:
        """Read (and hash) whatever is left, even if a wrapper around us was closed."""
        buffer = bytearray(CHUNK)
        while self.readinto(buffer):
            pass

    def _overflow(self) -> int:
        if self._size is not None:
            raise BadImageError(f"{self._describe} is longer than its declared {self._size} bytes")
        raise BadImageError(f"{self._describe} is larger than the limit of {self._limit - 1} bytes")

    def _finish(self) -> None:
        if self.verified:
            return
        if self._size is not None and self.count != self._size:
            raise BadImageError(
                f"{self._describe} is truncated: {self.count} of {self._size} declared bytes"
            )
        if self._hasher is not None and self._digest is not None:
            actual = f"{self._digest.split(':', 1)[0]}:{self._hasher.hexdigest()}"
            if actual != self._digest:
                raise DigestMismatchError(
                    f"{self._describe} does not match its digest (got {actual})"
                )
        self.verified = True


def read_document(
    opener: Callable[[], AbstractContextManager[IO[bytes]]],
    descriptor: Descriptor,
    what: str,
) -> bytes:
    """Read a small blob whole, bounded by ``MAX_DOCUMENT_BYTES`` and checked against its digest."""
    check_size(descriptor.size, f"{what} {descriptor.digest}", MAX_DOCUMENT_BYTES)
    with opener() as source:
        reader = VerifyingReader(
            source, descriptor.digest, descriptor.size, f"{what} {descriptor.digest}"
        )
        # readall() reads to EOF, where the size and digest are checked.
        data = reader.readall()
    if not reader.verified:
        raise BadImageError(f"{what} {descriptor.digest} could not be read to its end")
    return data


def _no_constant(name: str) -> float:
    # Python's json reads NaN and Infinity, which JSON does not have; a document holding them
    # is not one, and they would make our own JSON output invalid.
    raise ValueError(f"{name} is not a JSON value")


def parse_json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        document = json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise BadImageError(f"{what} is not valid JSON: {_one_line(error)}") from None
    if not isinstance(document, dict):
        raise BadImageError(f"{what} is not a JSON object")
    return document


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200]


# --- layers ---------------------------------------------------------------------------------


def sniff_compression(head: bytes) -> str:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "none"


def declared_compression(media_type: str) -> str | None:
    """What the media type claims; None when it does not say (e.g. a docker-save ``layer.tar``)."""
    if media_type.endswith(("+gzip", ".gzip", "tar.gzip")):
        return "gzip"
    if media_type.endswith(("+zstd", ".zstd")):
        return "zstd"
    if media_type.endswith((".tar", "tar")):
        return "none"
    return None


def _decompressor(kind: str, compressed: IO[bytes]) -> IO[bytes]:
    if kind == "gzip":
        # isal's threaded reader inflates (and so hashes the compressed blob, which it reads)
        # in a worker thread that releases the GIL: decompression overlaps with our own work.
        reader = igzip_threaded.open(  # type: ignore[no-untyped-call]
            compressed, "rb", threads=1, block_size=CHUNK
        )
        return cast(IO[bytes], reader)
    if kind == "zstd":
        return cast(
            IO[bytes],
            zstandard.ZstdDecompressor().stream_reader(
                compressed, read_across_frames=True, closefd=False
            ),
        )
    return compressed


@contextmanager
def open_layer_stream(
    raw: IO[bytes],
    descriptor: Descriptor,
    diff_id: str | None,
    *,
    verify_blob_digest: bool = True,
    describe: str | None = None,
) -> Iterator[IO[bytes]]:
    """Wrap a raw blob stream: verify the blob, decompress it, verify the diff_id.

    On a clean exit from the ``with`` block the rest of the stream is drained so both digests are
    checked even when the reader stopped early (a tar reader stops at the end-of-archive marker,
    before the padding) or closed the stream. On an exception nothing is drained and nothing was
    verified: callers must not trust partial results of a failed read.
    """
    name = describe or f"layer {descriptor.digest}"
    blob = VerifyingReader(
        raw,
        descriptor.digest if verify_blob_digest else None,
        descriptor.size if verify_blob_digest else None,
        name,
    )
    buffered = io.BufferedReader(blob, CHUNK)
    try:
        head = buffered.peek(4)[:4]
    except TailorError:
        raise
    except OSError as error:
        raise BadImageError(f"{name} cannot be read: {_one_line(error)}") from None
    kind = sniff_compression(head)
    claimed = declared_compression(descriptor.media_type)
    if claimed in ("gzip", "zstd") and kind != claimed and head:
        raise BadImageError(f"{name} is declared {claimed} but its content is not")
    uncompressed_digest = diff_id
    if kind == "none" and verify_blob_digest and diff_id:
        same_algorithm = diff_id.split(":", 1)[0] == descriptor.digest.split(":", 1)[0]
        if same_algorithm and diff_id != descriptor.digest:
            raise DigestMismatchError(
                f"{name} is uncompressed, so its diff_id {diff_id} must equal its digest"
            )
        if same_algorithm:
            # The blob is the tar: one hash proves both digests.
            uncompressed_digest = None
    decompressed = _decompressor(kind, buffered)
    try:
        uncompressed = VerifyingReader(
            decompressed,
            uncompressed_digest,
            None,
            f"{name} (uncompressed, diff_id {diff_id})" if diff_id else f"{name} (uncompressed)",
            MAX_UNCOMPRESSED_LAYER_BYTES,
            decompressing=kind != "none",
        )
        yield io.BufferedReader(uncompressed, CHUNK)
        # Bytes already in the caller's buffer were hashed when read, so draining the verifying
        # readers directly is exact, and works even if the caller closed its stream.
        uncompressed.drain()
    finally:
        if decompressed is not buffered:
            # Stops gzip's worker thread, so the blob below is ours alone again.
            decompressed.close()
    # The decompressor may stop at the end of its last frame: read the blob to its end too.
    blob.drain()
    if not uncompressed.verified or not blob.verified:
        raise BadImageError(f"{name} could not be verified to its end")
