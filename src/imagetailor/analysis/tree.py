"""The merged (final) file system of an image, built layer by layer with OCI semantics.

Rules (OCI image-spec, "Applying changesets"):
- ``.wh.NAME`` deletes NAME and everything below it from the layers underneath;
- ``.wh..wh..opq`` in directory D hides everything the layers underneath put in D;
- whiteouts apply only to lower layers: entries of the same layer survive, in any tar order;
- a duplicate entry in one layer: the last one wins, as extraction would leave it;
- a hard link shares the content of its target (same layer first, else the tree below).

Member names are normalised like an extractor does (leading ``/`` and ``./`` dropped, ``a/../b``
folded); a name that would leave the root (``../x``) is rejected with ``BadImageError``, as Docker
rejects it ("breakout"). Symlink targets are kept verbatim and resolved only inside the root.

Alongside the tree this tracks every stored content blob, so the bytes that are written by one
layer and hidden by a later one (overwritten or deleted) are known with both layers.

Memory is per path: a 64-byte node, the path string and its slots in ``nodes`` and
``children`` (see Node).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from imagetailor.errors import BadImageError

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
MAX_SYMLINK_HOPS = 40  # what Linux allows before ELOOP


def normalize(name: str, where: str) -> str:
    """The member's path relative to the root ('' is the root itself)."""
    if name and name[0] not in "/." and name[-1] != "/" and "//" not in name and "/." not in name:
        return name  # already clean: the common case, kept cheap
    path = posixpath.normpath("/" + name.lstrip("/")) if name else "/"
    relative = posixpath.normpath(name.lstrip("/")) if name.strip("/") else "."
    if relative == ".." or relative.startswith("../"):
        raise BadImageError(f"{where}: tar member {name!r} escapes the image root")
    return path.lstrip("/")


def parent_of(path: str) -> str:
    slash = path.rfind("/")
    return path[:slash] if slash >= 0 else ""


# The leading bytes the analysis tells apart (config.program_kind): ELF, a script, other.
_ELF, _SCRIPT = b"\x7fELF", b"#!"


class Node:
    """One path of the final file system, in 64 bytes: a million-entry layer is a million of
    these. ``attrs`` is a shared tuple (kind, mode, uid, gid, magic): a layer has few distinct
    ones, so each node holds a pointer instead of five fields. ``extra`` is the rare part: a
    symlink's target, a file's content for the package readers, or for a hard link the tuple
    (target path, the file node whose bytes it shares, content). A regular file with bytes is
    its own content blob (hard links point at it), so no separate object per file is made."""

    __slots__ = ("attrs", "extra", "layer", "size")

    def __init__(self, attrs: Attrs, size: int, layer: int, extra: object = None) -> None:
        self.attrs = attrs
        self.size = size
        self.layer = layer
        self.extra = extra

    @property
    def kind(self) -> str:  # file, dir, symlink, hardlink, char, block, fifo
        return self.attrs[0]

    @property
    def mode(self) -> int:
        return self.attrs[1]

    @property
    def uid(self) -> int:
        return self.attrs[2]

    @property
    def gid(self) -> int:
        return self.attrs[3]

    @property
    def magic(self) -> bytes:
        return self.attrs[4]

    @property
    def link(self) -> str | None:
        kind, extra = self.attrs[0], self.extra
        if kind == "symlink":
            return extra if isinstance(extra, str) else None
        if kind == "hardlink" and isinstance(extra, tuple):
            return str(extra[0])
        return None

    @property
    def content(self) -> Node | None:
        """The blob this node's bytes are: itself for a regular file with bytes, the file it
        links to for a hard link, None otherwise. Compared by identity."""
        kind = self.attrs[0]
        if kind == "file":
            return self if self.size else None
        if kind == "hardlink" and isinstance(self.extra, tuple):
            owner: Node | None = self.extra[1]
            return owner
        return None

    @property
    def data(self) -> bytes | None:
        kind, extra = self.attrs[0], self.extra
        if kind == "file":
            return extra if isinstance(extra, bytes) else None
        if kind == "hardlink" and isinstance(extra, tuple):
            found: bytes | None = extra[2]
            return found
        return None


Attrs = tuple[str, int, int, int, bytes]
_ROOT_ATTRS: Attrs = ("dir", 0o755, 0, 0, b"")


@dataclass(slots=True)
class Hidden:
    path: str
    size: int
    layer: int
    hidden_by: int
    how: str


@dataclass(slots=True)
class LayerChanges:
    added: int = 0
    modified: int = 0
    removed: int = 0


@dataclass
class PendingLayer:
    """One layer's entries, collected while streaming, applied at its end."""

    index: int
    entries: dict[str, Node] = field(default_factory=dict)
    whiteouts: list[str] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)


class MergedTree:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {"": Node(_ROOT_ATTRS, 0, -1)}
        self.children: dict[str, set[str]] = {"": set()}
        self.hidden: list[Hidden] = []
        self.warnings: list[str] = []
        self._attrs: dict[Attrs, Attrs] = {_ROOT_ATTRS: _ROOT_ATTRS}
        # Blobs that hard links share: file node -> [references, the path it was stored at].
        # A blob without an entry has one reference, its own file.
        self._shared: dict[Node, list[Any]] = {}

    def _interned(self, kind: str, mode: int, uid: int, gid: int, magic: bytes) -> Attrs:
        if magic:  # only what program_kind tells apart is kept: shared, not one per file
            magic = (
                _ELF if magic.startswith(_ELF) else _SCRIPT if magic.startswith(_SCRIPT) else b""
            )
        key = (kind, mode, uid, gid, magic)
        return self._attrs.setdefault(key, key)

    # --- building ------------------------------------------------------------------------

    def begin_layer(self, index: int) -> PendingLayer:
        return PendingLayer(index)

    def add_member(
        self,
        pending: PendingLayer,
        path: str,
        kind: str,
        size: int,
        mode: int,
        uid: int,
        gid: int,
        linkname: str,
        magic: bytes,
        data: bytes | None,
        where: str,
    ) -> None:
        """Record one (normalised, non-root) member of the layer being read."""
        if WHITEOUT_PREFIX in path:  # rare: the checks below cost a split
            base = path.rsplit("/", 1)[-1]
            if base == OPAQUE_MARKER:
                pending.opaque.append(parent_of(path))
                return
            if base.startswith(WHITEOUT_PREFIX):
                pending.whiteouts.append(_join(parent_of(path), base[len(WHITEOUT_PREFIX) :]))
                return
        layer = pending.index
        attrs = self._interned(kind, mode, uid, gid, magic)
        if kind == "file":  # most members: built in one go, no attribute updates after
            node = Node(attrs, size, layer, data)
            # pop, not get: a duplicate moves to the end, where extraction would apply it
            previous = pending.entries.pop(path, None)
            if previous is not None:
                # The earlier duplicate never reaches the file system unless a link kept it.
                self._release(previous, path, layer, "overwritten")
            pending.entries[path] = node
            return
        extra: object = None
        node_size = 0
        owner: Node | None = None
        if kind == "symlink":
            extra = linkname
        elif kind == "hardlink":
            target = normalize(linkname, where)
            source = pending.entries.get(target) or self.nodes.get(target)
            if source is not None and source.kind in ("file", "hardlink"):
                owner = source.content
                node_size, extra = source.size, (target, owner, source.data)
                attrs = self._interned(kind, mode, uid, gid, source.magic)
                if owner is not None and owner not in self._shared:
                    self._shared[owner] = [1, target]
            else:
                extra = (target, None, None)
                self.warnings.append(f"{where}: hard link {path!r} -> {target!r} has no target")
        node = Node(attrs, node_size, layer, extra)
        previous = pending.entries.pop(path, None)
        if previous is not None:
            # The earlier duplicate never reaches the file system unless a link kept it.
            self._release(previous, path, pending.index, "overwritten")
        if owner is not None:  # (a link over its own target released it just above)
            self._shared.setdefault(owner, [0, target])[0] += 1
        pending.entries[path] = node

    def _release(self, node: Node, path: str, layer: int, how: str) -> None:
        """``node`` (at ``path``) leaves the file system: its blob is hidden once nothing else
        refers to it."""
        blob = node.content
        if blob is None:
            return
        shared = self._shared.get(blob)
        if shared is None:  # the common case: a file no hard link ever shared
            self.hidden.append(Hidden(path, blob.size, blob.layer, layer, how))
            return
        shared[0] -= 1
        if shared[0] == 0:
            del self._shared[blob]
            self.hidden.append(Hidden(shared[1], blob.size, blob.layer, layer, how))

    def end_layer(self, pending: PendingLayer) -> LayerChanges:
        changes = LayerChanges()
        layer = pending.index
        existed_before = {p for p in pending.entries if p in self.nodes}
        removed: set[str] = set()
        for path in pending.whiteouts:
            if path in self.nodes and path:
                removed |= self._remove(path, layer, "deleted")
        for directory in pending.opaque:
            if directory in self.children:
                for child in list(self.children[directory]):
                    removed |= self._remove(child, layer, "deleted")
        nodes = self.nodes
        put = self._put
        added = modified = 0
        for path, node in pending.entries.items():
            if node.kind != "dir":
                if path in existed_before:
                    modified += 1
                else:
                    added += 1
            if path in nodes:
                put(path, node, layer)
                continue
            # A new path under an existing directory: what _put does, without the calls.
            slash = path.rfind("/")
            parent = path[:slash] if slash >= 0 else ""
            above = nodes.get(parent)
            if above is None or above.kind != "dir":
                put(path, node, layer)
                continue
            nodes[path] = node
            self.children[parent].add(path)
            if node.kind == "dir":
                self.children[path] = set()
        changes.added, changes.modified = added, modified
        changes.removed = sum(1 for p in removed if p not in pending.entries)
        pending.entries = {}  # its nodes live in the tree now; the table need not wait for GC
        return changes

    def _put(self, path: str, node: Node, layer: int) -> None:
        parent = parent_of(path)
        self._ensure_dir(parent, layer)
        existing = self.nodes.get(path)
        if existing is not None:
            if existing.kind == "dir" and node.kind == "dir":
                self.nodes[path] = node  # new attributes, the children stay
                return
            self._remove(path, layer, "overwritten")
        self.nodes[path] = node
        self.children[parent].add(path)
        if node.kind == "dir":
            self.children[path] = set()

    def _ensure_dir(self, path: str, layer: int) -> None:
        """Make path and its parents directories, as an extractor would (iteratively: layer
        paths can be thousands of levels deep)."""
        missing = []
        current = path
        while current:
            node = self.nodes.get(current)
            if node is not None and node.kind == "dir":
                break
            missing.append(current)
            current = parent_of(current)
        for directory in reversed(missing):
            if directory in self.nodes:
                self._remove(directory, layer, "overwritten")  # a file gives way to the dir
            self.nodes[directory] = Node(_ROOT_ATTRS, 0, layer)
            self.children[parent_of(directory)].add(directory)
            self.children[directory] = set()

    def _remove(self, path: str, layer: int, how: str) -> set[str]:
        """Delete path and its subtree; returns the non-directory paths removed."""
        removed: set[str] = set()
        stack = [path]
        while stack:
            current = stack.pop()
            node = self.nodes.pop(current, None)
            if node is None:
                continue
            if node.kind == "dir":
                stack.extend(self.children.pop(current, ()))
            else:
                removed.add(current)
                self._release(node, current, layer, how)
        if path:
            self.children.get(parent_of(path), set()).discard(path)
        return removed

    # --- reading the final tree -----------------------------------------------------------

    def resolve(self, path: str, follow_last: bool = True) -> str | None:
        """The path a (possibly symlinked) path leads to inside the root; None when missing
        or looping. '..' and absolute targets never leave the root: they stop at '/'."""
        pending = [part for part in path.split("/") if part]
        pending.reverse()
        current: list[str] = []
        hops = 0
        while pending:
            part = pending.pop()
            if part == ".":
                continue
            if part == "..":
                if current:
                    current.pop()
                continue
            candidate = "/".join([*current, part])
            node = self.nodes.get(candidate)
            if node is None:
                return None
            if node.kind == "symlink" and (pending or follow_last):
                hops += 1
                if hops > MAX_SYMLINK_HOPS:
                    return None
                target = node.link or ""
                if target.startswith("/"):
                    current = []
                parts = [p for p in target.split("/") if p]
                pending.extend(reversed(parts))
                continue
            if pending and node.kind != "dir":
                return None
            current.append(part)
        return "/".join(current)

    def final_size(self) -> int:
        """Bytes of the distinct blobs the final tree holds. Every regular file is its own
        blob; a hard link adds its blob only when the file it shared is no longer there (no
        set of every file: on a million-entry layer that set alone was 40 MB)."""
        total = 0
        orphans: set[Node] = set()
        nodes = self.nodes
        for node in nodes.values():
            kind = node.attrs[0]
            if kind == "file":
                total += node.size
            elif kind == "hardlink":
                blob = node.content
                if blob is not None and blob not in orphans:
                    shared = self._shared.get(blob)
                    if shared is None or nodes.get(shared[1]) is not blob:
                        orphans.add(blob)
                        total += blob.size
        return total


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name
