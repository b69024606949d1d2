"""Every path of an image's final file system with what a comparison needs of it: kind, size,
mode, owner, link target and the sha256 of the content (`tailor diff`, `check --compare`).

``analyze(image, contents=ContentRecorder())`` asks the single pass to hash every regular file as
it streams past (layerscan, ``TarReader.hash_rest``: no copy, memory bounded by the chunk size)
and, once the tree is merged, keeps one small record per final path. Inspect and check never ask,
so they never pay for the hashing. A layer another image of the run already read with hashing
is replayed from the layer cache, not read again.

Why every layer is hashed, shared ones too: when an image's own layer rewrites a file of a
shared layer with the same size (a reinstalled package, a touched config), only the digests of
both tell "modified" from "same bytes, new mtime".
"""

from __future__ import annotations

from hashlib import sha256
from typing import NamedTuple

from imagetailor.analysis.tree import MergedTree

EMPTY_DIGEST = sha256(b"").digest()


class FinalFile(NamedTuple):
    kind: str  # file, dir, symlink, hardlink, char, block, fifo
    size: int  # bytes of a regular file or hard link, 0 otherwise
    mode: int
    uid: int
    gid: int
    link: str | None  # a symlink's or hard link's target
    digest: bytes | None  # sha256 of the content (files and hard links), None when unknown
    layer: int  # index of the layer that put it there


class ContentRecorder:
    """Fed by ``analyze``: each layer's digests (``add_layer``), then the merged tree."""

    def __init__(self) -> None:
        self._digests: dict[int, dict[str, bytes]] = {}
        self.files: dict[str, FinalFile] | None = None

    def add_layer(self, index: int, digests: dict[str, bytes] | None) -> None:
        self._digests[index] = digests or {}

    def finish(self, tree: MergedTree) -> dict[str, FinalFile]:
        by_layer = self._digests
        files: dict[str, FinalFile] = {}
        for path, node in tree.nodes.items():
            if not path:
                continue
            kind = node.kind
            digest: bytes | None = None
            if kind in ("file", "hardlink"):
                if node.size == 0 and (kind == "file" or node.content is None):
                    digest = EMPTY_DIGEST if kind == "file" else None
                else:
                    digest = by_layer.get(node.layer, {}).get(path)
                    extra = node.extra
                    owner = node.content
                    if digest is None and owner is not None and isinstance(extra, tuple):
                        # A hard link to a file of a lower layer: that layer hashed it.
                        digest = by_layer.get(owner.layer, {}).get(str(extra[0]))
            size = node.size if kind in ("file", "hardlink") else 0
            files[path] = FinalFile(
                kind, size, node.mode, node.uid, node.gid, node.link, digest, node.layer
            )
        self._digests = {}
        self.files = files
        return files
