"""A layer with a million entries, written on the fly into an OCI layout (for the memory test).

tarfile's writer spends ~20 µs per member; headers are made here from one template instead, so a
million-entry layer is written in a few seconds. The layer is gzip-compressed while it is written
(it is mostly headers, so the blob is small), and its digests are computed on the way.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

from tests.imagefactory import OCI_CONFIG, OCI_INDEX, OCI_MANIFEST

GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def _header(name: bytes, kind: bytes, size: int, mode: int) -> bytes:
    """A ustar header: name, mode, uid, gid, size, mtime, checksum, type, magic."""
    block = bytearray(512)
    block[0 : len(name)] = name
    block[100:108] = b"%07o\0" % mode
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = b"%011o\0" % size
    block[136:148] = b"00000000000\0"
    block[148:156] = b"        "
    block[156:157] = kind
    block[257:265] = b"ustar\x0000"
    checksum = sum(block)
    block[148:156] = b"%06o\0 " % checksum
    return bytes(block)


class _Writer:
    def __init__(self, path: Path) -> None:
        self._out = path.open("wb")
        self._gzip = zlib.compressobj(1, zlib.DEFLATED, 31)
        self.tar_hash = hashlib.sha256()
        self.blob_hash = hashlib.sha256()
        self.blob_size = 0

    def write(self, data: bytes) -> None:
        self.tar_hash.update(data)
        self._emit(self._gzip.compress(data))

    def _emit(self, data: bytes) -> None:
        self.blob_hash.update(data)
        self.blob_size += len(data)
        self._out.write(data)

    def close(self) -> None:
        self._emit(self._gzip.flush())
        self._out.close()


def write_million_entry_layout(directory: Path, entries: int = 1_000_000) -> int:
    """An OCI layout whose one layer has ``entries`` members: directories of 999 one-byte files
    each. Returns the number of members written."""
    blobs = directory / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    partial = blobs / "layer.partial"
    writer = _Writer(partial)
    written = 0
    chunk: list[bytes] = []
    directories = (entries + 999) // 1000
    for d in range(directories):
        if written >= entries:
            break
        chunk.append(_header(b"usr/share/d%04d/" % d, b"5", 0, 0o755))
        written += 1
        for f in range(999):
            if written >= entries:
                break
            chunk.append(_header(b"usr/share/d%04d/file-%04d.txt" % (d, f), b"0", 1, 0o644))
            chunk.append(b"x" + bytes(511))
            written += 1
        writer.write(b"".join(chunk))
        chunk = []
    writer.write(bytes(1024))
    writer.close()
    layer_digest = "sha256:" + writer.blob_hash.hexdigest()
    diff_id = "sha256:" + writer.tar_hash.hexdigest()
    partial.rename(blobs / layer_digest.split(":", 1)[1])
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": ["PATH=/usr/bin:/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "ADD many files"}],
        }
    ).encode()
    config_digest = _put(blobs, config)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": GZIP_LAYER, "digest": layer_digest, "size": writer.blob_size}],
        }
    ).encode()
    manifest_digest = _put(blobs, manifest)
    (directory / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    index = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": manifest_digest, "size": len(manifest)}
        ],
    }
    (directory / "index.json").write_text(json.dumps(index))
    return written


def _put(blobs: Path, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    (blobs / digest.split(":", 1)[1]).write_bytes(data)
    return digest
