"""dive's waste figures, computed the way dive 0.13 computes them, so both tools agree.

dive (wagoodman/dive, ``dive/filetree/efficiency.go`` and the docker-archive reader) builds one
tree per layer from the tar entries and then, for every *leaf* of every layer tree, adds up the
size the path takes in each layer. Its definitions, which we reproduce including their quirks:

- a layer's size is the sum of the declared sizes of all its tar entries;
- user size is the sum of the sizes of all layers but the first;
- per layer tree, only leaves count (a directory with entries below it in that layer does not);
  a parent directory created implicitly (no entry of its own) carries an empty payload;
- an opaque marker (``.wh..wh..opq``) is ignored entirely (its parent is still created);
- a whiteout ``.wh.X`` counts, for path X, the size of X in the stack of the lower layers: the
  sum over X's subtree if X was a directory there, otherwise 0; if X is not in that stack, dive
  stops visiting the rest of that layer (remaining leaves of that layer are not counted) and the
  path keeps an entry with no size (its minimum stays -1, which lowers the score's numerator);
- the stack used for layer k (k > 0) is layer 0 stacked twice, then layers 1..k-1; for layer 0
  it is layer 0 itself; stacking replaces payloads (implicit parents get the empty payload)
  and removes whiteout targets;
- efficiency = Σ min size per path / Σ cumulative size per path (1.0 when nothing is counted);
- a path seen in two or more leaves is inefficient; wasted bytes = Σ of their cumulative sizes;
- wasted user ratio = wasted bytes / user size (dive divides blindly; with no user bytes we
  report 0.0 where dive would print NaN or +Inf).
Leaves are visited depth first, children in byte order, like dive's ``VisitDepthChildFirst``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

WHITEOUT_PREFIX = ".wh."
DOUBLE_WHITEOUT_PREFIX = ".wh..wh.."


class _Node:
    __slots__ = ("children", "is_dir", "path", "size")

    def __init__(self, size: int = 0, is_dir: bool = False, path: str | None = None) -> None:
        self.size = size
        self.is_dir = is_dir
        self.children: dict[str, _Node] = {}
        # The tar entry's own path string for nodes made from an entry: the per-path totals
        # reuse it as their key instead of building the same path again (4 MB on 56,000 files).
        self.path = path

    def copy(self) -> _Node:
        clone = _Node(self.size, self.is_dir)
        stack = [(self, clone)]
        while stack:
            source, target = stack.pop()
            for name, child in source.children.items():
                twin = _Node(child.size, child.is_dir)
                target.children[name] = twin
                if child.children:
                    stack.append((child, twin))
        return clone


def _get(root: _Node, path: str) -> _Node | None:
    node = root
    for name in path.split("/"):
        if not name:
            continue
        found = node.children.get(name)
        if found is None:
            return None
        node = found
    return node


def _parent_node(tree: _Node, parent_path: str) -> _Node | None:
    """dive's AddPath walking to a parent: missing intermediates are created with an empty
    payload; None where dive gives up (a missing part named '.wh..wh..*')."""
    parent = tree
    for part in parent_path.split("/"):
        child = parent.children.get(part)
        if child is None:
            if part.startswith(DOUBLE_WHITEOUT_PREFIX):
                return None
            child = parent.children[part] = _Node()
        parent = child
    return parent


def _subtree_size(node: _Node) -> int:
    total = 0
    stack = [node]
    while stack:
        current = stack.pop()
        total += current.size
        stack.extend(current.children.values())
    return total


def _leaves(root: _Node) -> list[tuple[str, str, _Node]]:
    """The leaves in dive's visiting order (depth first, children sorted): (parent path, own
    name, node). Plain string order equals Go's byte order for every valid UTF-8 name."""
    out: list[tuple[str, str, _Node]] = []
    stack: list[tuple[str, str, _Node]] = [
        ("", name, root.children[name]) for name in sorted(root.children, reverse=True)
    ]
    while stack:
        parent, name, node = stack.pop()
        if not node.children:
            out.append((parent, name, node))
            continue
        path = f"{parent}/{name}"
        stack.extend(
            (path, child, node.children[child]) for child in sorted(node.children, reverse=True)
        )
    return out


def _display_path(parent: str, name: str) -> str:
    """dive's Path(): the leaf's own '.wh.' prefix dropped, '//' folded."""
    if name.startswith(WHITEOUT_PREFIX):
        name = name[len(WHITEOUT_PREFIX) :]
    return f"{parent}/{name}".replace("//", "/")


def _stack(lower: _Node, upper: _Node, graft: bool = False) -> None:
    """dive's Stack: visit upper child first, children sorted; a whiteout removes its target
    from lower, any other node sets its payload there (creating what is missing). Iterative:
    layer trees can be thousands of levels deep.

    ``graft``: the upper tree has no whiteouts and is not used after this, so a subtree that
    lower lacks is moved over whole: creating each node and copying its payload, as dive does,
    ends in the same subtree, and a new directory of 20,000 files costs one step."""
    Finish = tuple[_Node, str, _Node | None]  # (lower parent or target, name, upper node)
    frames: list[tuple[_Node, _Node, Iterator[str], Finish | None]] = [
        (lower, upper, iter(sorted(upper.children)), None)
    ]
    while frames:
        low, up, names, finish = frames[-1]
        name = next(names, None)
        if name is None:
            frames.pop()
            if finish is not None:
                _finish(finish)
            continue
        child = up.children[name]
        done: Finish
        if name.startswith(WHITEOUT_PREFIX):
            done = (low, name[len(WHITEOUT_PREFIX) :], None)
            if child.children:  # entries below a whiteout name: dive adds them first
                below = low.children.setdefault(name, _Node())
                frames.append((below, child, iter(sorted(child.children)), done))
                continue
        else:
            target = low.children.get(name)
            if target is None:
                if graft:
                    low.children[name] = child
                    continue
                target = low.children[name] = _Node()
            done = (target, name, child)
            if child.children:
                frames.append((target, child, iter(sorted(child.children)), done))
                continue
        _finish(done)


def _finish(done: tuple[_Node, str, _Node | None]) -> None:
    node, name, upper = done
    if upper is None:
        node.children.pop(name, None)  # a whiteout: its target leaves the lower tree
    else:
        node.size, node.is_dir = upper.size, upper.is_dir


@dataclass
class DiveResult:
    efficiency: float
    wasted_bytes: int
    size_bytes: int
    user_size_bytes: int
    wasted_user_ratio: float
    layer_sizes: list[int]
    inefficient: list[tuple[str, int, int]]  # (path, count, cumulative size)


@dataclass
class DiveEmulator:
    """Feed each layer's entries in tar order, then ``result()``."""

    # path -> [cumulative size, minimum size (-1: none yet), leaves counted], or for the many
    # paths seen once just their size (a list per path cost 4 MB on benchmarks/inspect)
    _totals: dict[str, int | list[int]] = field(default_factory=dict)
    _inefficient: list[str] = field(default_factory=list)
    _stacked: _Node | None = None
    _layer_sizes: list[int] = field(default_factory=list)
    _tree: _Node | None = None
    _size: int = 0
    # parent path -> its node in the current layer's tree: tar entries come grouped by
    # directory, so most entries skip the walk from the root
    _dirs: dict[str, _Node] = field(default_factory=dict)

    _whiteouts_in_layer: bool = False

    def begin_layer(self) -> None:
        self._tree = _Node()
        self._size = 0
        self._dirs = {"": self._tree}
        self._whiteouts_in_layer = False

    def add_entries(self, entries: Iterable[tuple[Any, ...]]) -> None:
        """The layer's tar entries in order, as (path, kind, size, ...) tuples: ``path`` the
        cleaned name ('' for the root entry, which dive skips), ``kind`` 'dir' for directories.
        A batch per call, not an entry: this loop runs once per member of every layer."""
        tree = self._tree
        assert tree is not None
        dirs = self._dirs
        layer_size = self._size
        for entry in entries:
            path = entry[0]
            if not path:
                continue
            size = entry[2]
            is_dir = entry[1] == "dir"
            layer_size += size
            if ".wh." in path:
                self._whiteouts_in_layer = True
            slash = path.rfind("/")
            parent_path, name = (path[:slash], path[slash + 1 :]) if slash >= 0 else ("", path)
            parent = dirs.get(parent_path)
            if parent is None:
                parent = _parent_node(tree, parent_path)
                if parent is None:
                    continue
                dirs[parent_path] = parent
            # dive's AddPath for the last name: replace the payload (keeping children) or
            # create the node; a new name starting with '.wh..wh..' (an opaque marker) is never
            # added.
            node = parent.children.get(name)
            if node is None:
                if name.startswith(DOUBLE_WHITEOUT_PREFIX):
                    continue
                parent.children[name] = _Node(size, is_dir, path)
            else:
                node.size, node.is_dir, node.path = size, is_dir, path
        self._size = layer_size

    def end_layer(self) -> None:
        tree = self._tree
        assert tree is not None
        lower = tree if self._stacked is None else self._stacked
        all_totals = self._totals
        for parent, name, node in _leaves(tree):
            # Totals are keyed by the path without dive's leading '/' (added back in result()):
            # for a node an entry made, that is the entry's own path string.
            whiteout = name.startswith(WHITEOUT_PREFIX)
            own = None if whiteout else node.path
            path = own if own is not None else _display_path(parent, name)[1:]
            totals = all_totals.get(path)
            if whiteout:
                previous = _get(lower, path)
                if previous is None:
                    if totals is None:
                        all_totals[path] = [0, -1, 0]  # dive keeps the path, with no size
                    break  # dive's visitor errors out here and skips the rest of the layer
                size = _subtree_size(previous) if previous.is_dir else 0
            else:
                size = node.size
            if totals is None:
                all_totals[path] = size  # seen once: cumulative and minimum are its size
            elif isinstance(totals, int):
                all_totals[path] = [totals + size, min(totals, size), 2]
                self._inefficient.append(path)
            else:
                totals[0] += size
                if totals[1] < 0 or size < totals[1]:
                    totals[1] = size
                totals[2] += 1
                if totals[2] == 2:
                    self._inefficient.append(path)
        if self._stacked is None and not self._whiteouts_in_layer:
            # Stacking layer 0 onto a copy of itself changes nothing without whiteouts: use it.
            self._stacked = tree
        else:
            if self._stacked is None:
                self._stacked = tree.copy()
            _stack(self._stacked, tree, graft=not self._whiteouts_in_layer)
        self._layer_sizes.append(self._size)
        self._tree = None
        self._dirs = {}

    def result(self) -> DiveResult:
        minimum = discovered = 0
        for totals in self._totals.values():
            if isinstance(totals, int):
                minimum += totals
                discovered += totals
            else:
                minimum += totals[1]
                discovered += totals[0]
        efficiency = 1.0 if discovered == 0 else minimum / discovered
        inefficient = []
        for path in self._inefficient:
            totals = self._totals[path]
            assert isinstance(totals, list)  # seen at least twice
            inefficient.append(("/" + path, totals[2], totals[0]))
        inefficient.sort(key=lambda item: (-item[2], item[0]))
        wasted = sum(size for _, _, size in inefficient)
        user = sum(self._layer_sizes[1:])
        return DiveResult(
            efficiency=efficiency,
            wasted_bytes=wasted,
            size_bytes=sum(self._layer_sizes),
            user_size_bytes=user,
            wasted_user_ratio=wasted / user if user else 0.0,
            layer_sizes=list(self._layer_sizes),
            inefficient=inefficient,
        )
