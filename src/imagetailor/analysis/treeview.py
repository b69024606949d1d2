"""The merged tree with the lookups the start check and the closure need: children of a folder,
the ELF facts riding on a file, whether the image's user may read a path. Symlinks resolve
inside the root only (MergedTree.resolve), so nothing here can reach outside the image."""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.analysis.elf import ElfInfo, parse
from imagetailor.analysis.tree import MergedTree


class TreeView:
    """The merged tree with the lookups the checks need (children of a folder, ELF facts, what
    the image's user may read)."""

    def __init__(self, tree: MergedTree, user: str | None = None) -> None:
        self.tree = tree
        self._children: dict[str, set[str]] | None = None
        self.who = _identity(tree, user)
        self.denied: list[str] = []  # found, but the user cannot read it
        self._elf: dict[str, ElfInfo | None] = {}

    def readable(self, path: str) -> bool:
        """Whether the image's user can reach and read ``path`` (root, or no user: always)."""
        if self.who is None:
            return True
        uid, gids = self.who
        resolved = self.tree.resolve(path.lstrip("/"))
        if resolved is None:
            return False
        parts = resolved.split("/") if resolved else []
        for depth in range(len(parts) + 1):
            node = self.tree.nodes.get("/".join(parts[:depth]))
            if node is None:
                continue
            last = depth == len(parts)
            need = (0o4 | (0o1 if node.kind == "dir" else 0)) if last else 0o1
            if node.uid == uid:
                bits = node.mode >> 6
            elif node.gid in gids:
                bits = node.mode >> 3
            else:
                bits = node.mode
            if bits & need != need:
                return False
        return True

    def find(self, path: str) -> str | None:
        """The resolved relative path of an existing non-folder at ``path``, else None."""
        resolved = self.tree.resolve(path.lstrip("/"))
        node = self.tree.nodes.get(resolved) if resolved is not None else None
        return resolved if node is not None and node.kind != "dir" else None

    def is_dir(self, path: str) -> bool:
        resolved = self.tree.resolve(path.lstrip("/"))
        node = self.tree.nodes.get(resolved) if resolved is not None else None
        return node is not None and node.kind == "dir"

    def children(self, folder: str) -> set[str]:
        if self._children is None:
            self._children = {}
            for path in self.tree.nodes:
                parent, _, name = path.rpartition("/")
                self._children.setdefault(parent, set()).add(name)
        resolved = self.tree.resolve(folder.lstrip("/"))
        return self._children.get(resolved or "", set()) if resolved is not None else set()

    def elf(self, path: str) -> ElfInfo | None:
        # Memoised: the object scan, the platform filter and the loader walk ask for the same
        # objects' summaries.
        if path not in self._elf:
            node = self.tree.nodes.get(path)
            self._elf[path] = parse(node.data) if node is not None else None
        return self._elf[path]

    def paths_under(self, folder: str) -> Iterator[str]:
        prefix = folder.strip("/") + "/"
        for path in self.tree.nodes:
            if path.startswith(prefix):
                yield path


def _identity(tree: MergedTree, user: str | None) -> tuple[int, set[int]] | None:
    """The image user's uid and gids (None for root or when the name cannot be resolved)."""
    name, _, group = (user or "").partition(":")
    if name in ("", "0", "root"):
        return None

    def table(path: str) -> list[list[str]]:
        node = tree.nodes.get(path)
        data = node.data if node is not None else None
        return [line.split(":") for line in (data or b"").decode("utf-8", "replace").splitlines()]

    passwd = {row[0]: row for row in table("etc/passwd") if len(row) >= 4}
    if name.isdigit():
        uid = int(name)
        gid = next((int(r[3]) for r in passwd.values() if r[2] == name and r[3].isdigit()), uid)
    elif name in passwd and passwd[name][2].isdigit() and passwd[name][3].isdigit():
        uid, gid = int(passwd[name][2]), int(passwd[name][3])
    else:
        return None
    groups = {gid}
    for row in table("etc/group"):
        if len(row) >= 4 and row[2].isdigit() and name in row[3].split(","):
            groups.add(int(row[2]))
    if group.isdigit():
        groups = {int(group)}
    return uid, groups
