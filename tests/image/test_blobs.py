"""The verifying reader and layer decompression, on exact bytes."""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
import os
import struct
import tarfile
import zlib

import pytest
import zstandard

from imagetailor.errors import BadImageError, DigestMismatchError
from imagetailor.image.blobs import VerifyingReader, open_layer_stream, sniff_compression
from imagetailor.image.model import Descriptor
from tests.imagefactory import File, layer_tar, sha256

DATA = b"0123456789" * 100_000


def test_verifying_reader_passes_exact_content_in_chunks() -> None:
    reader = VerifyingReader(io.BytesIO(DATA), sha256(DATA), len(DATA), "blob x")
    buffered = io.BufferedReader(reader, 4096)
    out = b"".join(iter(lambda: buffered.read(777), b""))
    assert out == DATA and reader.verified and reader.count == len(DATA)


def test_verifying_reader_refuses_overflow_without_reading_further() -> None:
    source = io.BytesIO(DATA)
    reader = VerifyingReader(source, sha256(DATA[:1000]), 1000, "blob x")
    with pytest.raises(BadImageError, match="longer than its declared 1000 bytes"):
        reader.read()
    assert source.tell() == 1001  # one byte past the declared size, no more


def test_verifying_reader_refuses_truncation_and_mismatch() -> None:
    with pytest.raises(BadImageError, match="truncated: 10 of 11"):
        VerifyingReader(io.BytesIO(DATA[:10]), sha256(DATA[:11]), 11, "blob x").read()
    with pytest.raises(
        DigestMismatchError, match=r"blob x does not match its digest \(got sha256:"
    ):
        VerifyingReader(io.BytesIO(DATA[:10]), sha256(b"other"), 10, "blob x").read()


def test_sha512_digests_are_verified() -> None:
    digest = "sha512:" + hashlib.sha512(DATA).hexdigest()
    assert VerifyingReader(io.BytesIO(DATA), digest, len(DATA), "b").read() == DATA
    with pytest.raises(DigestMismatchError):
        VerifyingReader(io.BytesIO(DATA + b"!"), digest, len(DATA) + 1, "b").read()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"app/", "none"),
        (b"", "none"),
    ],
)
def test_sniffing(head: bytes, kind: str) -> None:
    assert sniff_compression(head) == kind


def _read_layer(blob: bytes, media_type: str, diff_id: str | None) -> bytes:
    descriptor = Descriptor(media_type, sha256(blob), len(blob))
    with open_layer_stream(io.BytesIO(blob), descriptor, diff_id) as stream:
        return stream.read()


TAR = layer_tar([File("a", DATA), File("b", "x")])


@pytest.mark.parametrize(
    ("blob", "media_type"),
    [
        (gzip.compress(TAR), "application/vnd.oci.image.layer.v1.tar+gzip"),
        (zstandard.ZstdCompressor().compress(TAR), "application/vnd.oci.image.layer.v1.tar+zstd"),
        (TAR, "application/vnd.oci.image.layer.v1.tar"),
        # docker save's layer.tar names no compression: the magic bytes decide.
        (gzip.compress(TAR), "application/vnd.docker.image.rootfs.diff.tar"),
        (zstandard.ZstdCompressor().compress(TAR), ""),
    ],
)
def test_layers_decompress_by_magic_and_verify_both_digests(blob: bytes, media_type: str) -> None:
    assert _read_layer(blob, media_type, sha256(TAR)) == TAR


def test_multi_frame_zstd_and_multi_member_gzip() -> None:
    half = len(TAR) // 2
    zstd = zstandard.ZstdCompressor()
    frames = zstd.compress(TAR[:half]) + zstd.compress(TAR[half:])
    assert _read_layer(frames, "application/vnd.oci.image.layer.v1.tar+zstd", sha256(TAR)) == TAR
    members = gzip.compress(TAR[:half]) + gzip.compress(TAR[half:])
    assert _read_layer(members, "application/vnd.oci.image.layer.v1.tar+gzip", sha256(TAR)) == TAR


def _gzip_member_with_extra(payload: bytes, extra: bytes) -> bytes:
    """One gzip member with an FEXTRA field, as eStargz writes its footer."""
    deflate = zlib.compressobj(0, zlib.DEFLATED, -15)  # stored blocks, like the Go writer
    body = deflate.compress(payload) + deflate.flush()
    header = b"\x1f\x8b\x08\x04" + b"\x00" * 4 + b"\x00\xff" + struct.pack("<H", len(extra)) + extra
    trailer = struct.pack("<II", zlib.crc32(payload), len(payload))
    return header + body + trailer


def test_estargz_layers_read_as_gzip() -> None:
    # eStargz: one gzip member per file, a TOC entry, and a footer member carrying the TOC offset
    # in an extra field. The uncompressed stream is an ordinary tar including the TOC entry.
    members = [("etc/hosts", b"127.0.0.1 localhost\n"), ("bin/tool", DATA[:50_000])]
    toc = b'{"version":1,"entries":[]}'
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [*members, ("stargz.index.json", toc)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    uncompressed = out.getvalue()
    # Cut the tar into several gzip members (at arbitrary points, as per-file chunks would be).
    cuts = [0, 1536, 52_736, len(uncompressed)]
    blob = b"".join(gzip.compress(uncompressed[a:b], mtime=0) for a, b in itertools.pairwise(cuts))
    footer_extra = b"SG" + struct.pack("<H", 22) + b"%016xSTARGZ" % len(blob)
    blob += _gzip_member_with_extra(b"", footer_extra)
    assert len(_gzip_member_with_extra(b"", footer_extra)) == 51  # the eStargz footer size
    read = _read_layer(blob, "application/vnd.oci.image.layer.v1.tar+gzip", sha256(uncompressed))
    assert read == uncompressed
    with tarfile.open(fileobj=io.BytesIO(read)) as tar:
        assert tar.getnames() == ["etc/hosts", "bin/tool", "stargz.index.json"]


def test_unknown_diff_id_still_verifies_the_blob() -> None:
    blob = gzip.compress(TAR)
    assert _read_layer(blob, "application/vnd.oci.image.layer.v1.tar+gzip", None) == TAR
    tampered = blob[:-8] + b"\x00" * 8
    descriptor = Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", sha256(blob), len(blob))
    with (
        pytest.raises(BadImageError),
        open_layer_stream(io.BytesIO(tampered), descriptor, None) as stream,
    ):
        stream.read()


def test_trailing_garbage_after_gzip_is_refused() -> None:
    blob = gzip.compress(TAR) + b"garbage!"
    with pytest.raises(BadImageError, match="cannot be decompressed"):
        _read_layer(blob, "application/vnd.oci.image.layer.v1.tar+gzip", sha256(TAR))


def test_closing_the_stream_early_still_verifies_on_exit() -> None:
    blob = gzip.compress(TAR)
    descriptor = Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", sha256(blob), len(blob))
    with open_layer_stream(io.BytesIO(blob), descriptor, sha256(TAR)) as stream:
        assert stream.read(10) == TAR[:10]
        stream.close()
    wrong = sha256(TAR + b"!")
    with (
        pytest.raises(DigestMismatchError, match="diff_id"),
        open_layer_stream(io.BytesIO(blob), descriptor, wrong) as stream,
    ):
        stream.read(10)
        stream.close()


def test_a_failing_reader_is_not_drained() -> None:
    # An exception inside the block propagates as is; nothing more is read from the source.
    big = layer_tar([File("random", os.urandom(8 * 1024 * 1024))])
    source = io.BytesIO(gzip.compress(big, compresslevel=1))
    size = len(source.getvalue())
    descriptor = Descriptor(
        "application/vnd.oci.image.layer.v1.tar+gzip", sha256(source.getvalue()), size
    )
    with (
        pytest.raises(KeyError),
        open_layer_stream(source, descriptor, sha256(big)) as stream,
    ):
        stream.read(10)
        raise KeyError("analysis failed")
    assert source.tell() < size
