"""An ``Image`` over layer streams the tests craft byte by byte (hostile tars, broken decoders).

The factory writes well-formed tars through ``tarfile``; hostile inputs need bytes no writer
would produce, and streams whose decoder fails half way, so this builds them directly.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from imagetailor.image.model import Descriptor, Image, Layer

TAR_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar"


class RawLayer(Layer):
    def __init__(self, data: bytes, opener: Callable[[bytes], IO[bytes]] = io.BytesIO) -> None:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        self.descriptor = Descriptor(TAR_MEDIA_TYPE, digest, len(data))
        self.diff_id = digest
        self._data = data
        self._opener = opener

    @contextmanager
    def _open(self) -> Iterator[IO[bytes]]:
        yield self._opener(self._data)

    def open(self) -> Any:
        return self._open()


def raw_image(*layers: RawLayer, config: dict[str, Any] | None = None) -> Image:
    return Image(
        reference="raw:test",
        manifest={},
        manifest_digest=None,
        config=config or {"config": {}},
        config_digest="sha256:" + "0" * 64,
        layers=list(layers),
    )


def tar_bytes(
    members: list[tuple[tarfile.TarInfo, bytes | None]], fmt: int = tarfile.PAX_FORMAT
) -> bytes:
    out = io.BytesIO()
    with tarfile.open(
        fileobj=out, mode="w", format=fmt, encoding="utf-8", errors="surrogateescape"
    ) as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def file(name: str, data: bytes = b"", mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode = mode
    return info, data


def link(name: str, target: str, hard: bool = False) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info, None


def with_checksum(header: bytearray) -> bytearray:
    """Recompute a hand-edited ustar header's checksum so only the edit is wrong."""
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    return header
