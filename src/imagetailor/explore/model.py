"""What `tailor explore` shows, without any terminal code: the file tree as of a layer (or the
final image), narrowed by the toggles and the filter, flattened into the rows on screen.

As dive does, selecting layer L shows the file system after layers 0..L, with L's own changes
marked (added, modified, removed) and entries whose bytes a later layer hides marked as hidden.
"Changes in this layer only" keeps L's own entries; "only wasted bytes" keeps hidden ones. The
final image is the merged tree of the analysis.

Only the expanded part of the tree becomes rows, and the screen asks for the rows it shows
(widgets.py), so 100,000 entries cost one pass when the view changes and nothing per keypress.
"""

from __future__ import annotations

from dataclasses import dataclass

from imagetailor.analysis.filetree import REMOVED, DirIndex, ImageFiles, TreeEntry
from imagetailor.analysis.tree import parent_of

FINAL = -1  # the view of the final (merged) image rather than one layer


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    depth: int
    name: str
    is_dir: bool
    expanded: bool
    size: int  # at or under the path
    status: str
    hidden: bool


def state_after(files: ImageFiles, layer: int) -> list[TreeEntry]:
    """The entries after layers 0..layer, as extraction leaves them (analysis/tree.py): the
    latest entry of each path; a non-directory gives way to a directory written below it, and
    takes the subtree of a directory it is written over; entries a removal in (their layer,
    ``layer``] deleted are left out; ``layer``'s own removals are kept, to be shown."""
    latest: dict[str, TreeEntry] = {}
    parents: set[str] = set()  # paths something was written below (maybe since removed)
    removed_at: dict[str, int] = {}  # path -> the last layer <= ``layer`` that removed it
    for index in range(layer + 1):
        for entry in files.layers[index]:
            path = entry.path
            if entry.status == REMOVED:
                removed_at[path] = index
                if index == layer:
                    latest[path] = entry
                else:
                    latest.pop(path, None)
                continue
            current = parent_of(path)
            while current:
                above = latest.get(current)
                if above is not None and above.kind != "dir" and above.status != REMOVED:
                    del latest[current]  # a file where a directory must be: it gives way
                parents.add(current)
                current = parent_of(current)
            if entry.kind != "dir" and path in parents:
                # Over a directory (rare): its subtree goes, as extraction removes it.
                prefix = path + "/"
                for below in [p for p in latest if p.startswith(prefix)]:
                    del latest[below]
            latest[path] = entry
    if not removed_at:
        return list(latest.values())
    kept = []
    for path, entry in latest.items():
        current, gone = parent_of(path), False
        while current and entry.status != REMOVED:
            when = removed_at.get(current)
            if when is not None and when > entry.layer:
                gone = True  # a whiteout or opaque marker above it, after it
                break
            current = parent_of(current)
        if not gone:
            kept.append(entry)
    return kept


class TreeView:
    """The tree on screen: which layer, which toggles and filter, what is expanded."""

    def __init__(self, files: ImageFiles) -> None:
        self.files = files
        self.layer = FINAL
        self.changes_only = False
        self.wasted_only = False
        self.filter = ""
        self.expanded: set[str] = {""}
        self.collapsed: set[str] = set()  # closed by hand while everything is open
        self._cache: dict[tuple[int, bool, bool, str], DirIndex] = {}
        self.rows: list[Row] = []
        self.refresh()

    def index(self) -> DirIndex:
        key = (self.layer, self.changes_only, self.wasted_only, self.filter)
        found = self._cache.get(key)
        if found is None:
            found = DirIndex.of(self._entries())
            if len(self._cache) > 16:  # a few views stay instant to go back to
                self._cache.clear()
            self._cache[key] = found
        return found

    def _entries(self) -> list[TreeEntry]:
        if self.layer == FINAL:
            entries = self.files.merged
            if self.changes_only and self.files.layers:
                last = len(self.files.layers) - 1
                entries = [e for e in entries if e.layer == last]
        elif self.changes_only:
            entries = self.files.layers[self.layer]
        else:
            entries = state_after(self.files, self.layer)
        if self.wasted_only:
            entries = [e for e in entries if e.hidden]
        if self.filter:
            needle = self.filter.lower()
            entries = [e for e in entries if needle in e.path.lower()]
        return entries

    def refresh(self) -> None:
        """Rebuild the rows after any change of layer, toggle or filter."""
        self.rows = self._flatten("", -1)

    def _flatten(self, top: str, depth: int) -> list[Row]:
        """The rows under ``top`` (at ``depth``), as far as they are expanded."""
        index = self.index()
        # A filter or a narrowing toggle shows every match: everything is expanded.
        open_all = self.opens_all()
        closed = self.collapsed if open_all else set()
        rows: list[Row] = []
        entries, children, total = index.entries, index.children, index.total
        stack = [(child, depth + 1) for child in reversed(children.get(top, []))]
        while stack:
            path, level = stack.pop()
            entry = entries[path]
            is_dir = path in children or entry.kind == "dir"
            if open_all:
                expanded = is_dir and path not in closed
            else:
                expanded = is_dir and path in self.expanded
            name = path.rsplit("/", 1)[-1]
            rows.append(
                Row(path, level, name, is_dir, expanded, total[path], entry.status, entry.hidden)
            )
            if expanded:
                stack.extend((child, level + 1) for child in reversed(children.get(path, [])))
        return rows

    def opens_all(self) -> bool:
        return bool(self.filter) or self.wasted_only or self.changes_only

    def toggle(self, path: str) -> None:
        # Everything open (a filter, a toggle): what is closed by hand is remembered instead.
        if self.opens_all():
            self.collapsed ^= {path}
        else:
            self.expanded ^= {path}
        for number, row in enumerate(self.rows):
            if row.path == path:
                self._toggle_row(number)
                return
        self.refresh()

    def toggle_row(self, number: int) -> None:
        """Open or close the directory of row ``number``: only its own rows change, so this
        costs the size of that directory, not of the whole tree."""
        path = self.rows[number].path
        if self.opens_all():
            self.collapsed ^= {path}
        else:
            self.expanded ^= {path}
        self._toggle_row(number)

    def _toggle_row(self, number: int) -> None:
        row = self.rows[number]
        if not row.is_dir:
            return
        end = number + 1
        if row.expanded:  # close: drop the rows below it, down to its next sibling
            while end < len(self.rows) and self.rows[end].depth > row.depth:
                end += 1
            below: list[Row] = []
        else:
            below = self._flatten(row.path, row.depth)
        opened = Row(row.path, row.depth, row.name, True, not row.expanded, row.size,
                     row.status, row.hidden)  # fmt: skip
        self.rows[number:end] = [opened, *below]

    def reveal(self, path: str) -> int | None:
        """Expand the parents of ``path`` and return its row, if the view has it."""
        current = parent_of(path)
        while current:
            self.expanded.add(current)
            self.collapsed.discard(current)
            current = parent_of(current)
        self.refresh()
        for number, row in enumerate(self.rows):
            if row.path == path:
                return number
        return None
