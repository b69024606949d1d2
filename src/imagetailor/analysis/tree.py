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
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

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


@dataclass(slots=True)
class Node:
    kind: str  # file, dir, symlink, hardlink, char, block, fifo
    size: int
    mode: int
    uid: int
    gid: int
    layer: int
    link: str | None = None
    content: Content | None = None
    magic: bytes = b""
    data: bytes | None = None


@dataclass(slots=True, eq=False)  # compared and hashed by identity: one object per blob
class Content:
    """Bytes one layer stored for one regular file; hard links share it."""

    path: str
    size: int
    layer: int
    refs: int = 0


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
        self.nodes: dict[str, Node] = {"": Node("dir", 0, 0o755, 0, 0, -1)}
        self.children: dict[str, set[str]] = {"": set()}
        self.hidden: list[Hidden] = []
        self.warnings: list[str] = []

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
        if kind == "file":  # most members: built in one go, no attribute updates after
            content = Content(path, size, layer, 1) if size else None
            node = Node(kind, size, mode, uid, gid, layer, None, content, magic, data)
            # pop, not get: a duplicate moves to the end, where extraction would apply it
            previous = pending.entries.pop(path, None)
            if previous is not None and previous.content is not None:
                # The earlier duplicate never reaches the file system unless a link kept it.
                self._release(previous.content, layer, "overwritten")
            pending.entries[path] = node
            return
        node = Node(kind, 0, mode, uid, gid, layer)
        if kind == "symlink":
            node.link = linkname
        elif kind == "hardlink":
            target = normalize(linkname, where)
            node.link = target
            source = pending.entries.get(target) or self.nodes.get(target)
            if source is not None and source.kind in ("file", "hardlink"):
                node.size, node.content, node.magic = source.size, source.content, source.magic
                node.data = source.data
            else:
                self.warnings.append(f"{where}: hard link {path!r} -> {target!r} has no target")
        previous = pending.entries.pop(path, None)
        if previous is not None and previous.content is not None:
            # The earlier duplicate never reaches the file system unless a link kept it.
            self._release(previous.content, pending.index, "overwritten")
        if node.content is not None:
            node.content.refs += 1
        pending.entries[path] = node

    def _release(self, blob: Content, layer: int, how: str) -> None:
        blob.refs -= 1
        if blob.refs == 0:
            self.hidden.append(Hidden(blob.path, blob.size, blob.layer, layer, how))

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
            self.nodes[directory] = Node("dir", 0, 0o755, 0, 0, layer)
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
            if node.content is not None:
                self._release(node.content, layer, how)
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
        seen: set[Content] = set()
        total = 0
        for node in self.nodes.values():
            if node.content is not None and node.content not in seen:
                seen.add(node.content)
                total += node.size
        return total


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name
