"""100,000 entries: only the rows on screen are ever rendered, and opening, closing and moving
cost the size of what changes, not of the tree."""

from __future__ import annotations

import asyncio
import time

from imagetailor.analysis.filetree import ADDED, ImageFiles, TreeEntry
from imagetailor.explore.app import ExploreApp
from imagetailor.explore.model import TreeView
from imagetailor.explore.widgets import FileTree
from tests.policy.builders import clean_analysis

COUNT = 100_000


def big_files() -> ImageFiles:
    entries = [
        TreeEntry(f"srv/d{n // 1000}/s{(n // 50) % 20}/f{n}", "file", n % 1000, 0, ADDED)
        for n in range(COUNT)
    ]
    return ImageFiles([entries], entries, [0])


def test_open_and_close_cost_what_changes() -> None:
    view = TreeView(big_files())
    view.changes_only = True  # every directory open: 100,000 files and their directories
    view.refresh()
    assert len(view.rows) == 1 + 100 + 100 * 20 + COUNT
    started = time.perf_counter()
    for _ in range(10):
        view.toggle_row(1)  # srv/d0 closed, then opened again
    # Rebuilding all 102,101 rows each time took 0.5 s a toggle; splicing takes milliseconds.
    assert time.perf_counter() - started < 2.0
    assert len(view.rows) == 1 + 100 + 100 * 20 + COUNT
    view.toggle_row(1)
    assert len(view.rows) == 1 + 100 + 100 * 20 + COUNT - 20 - 1000
    assert [row.path for row in view.rows[:3]] == ["srv", "srv/d0", "srv/d1"]


def test_only_visible_rows_are_rendered() -> None:
    rendered: set[int] = set()
    original = FileTree.render_line

    def counting(self: FileTree, y: int) -> object:
        rendered.add(self.scroll_offset.y + y)
        return original(self, y)

    async def main() -> float:
        app = ExploreApp(clean_analysis(), big_files(), {})
        FileTree.render_line = counting  # type: ignore[method-assign]
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.press("c")  # everything open
                await pilot.pause()
                started = time.perf_counter()
                await pilot.press(*["pagedown"] * 20, "end", "up", "home")
                await pilot.pause()
                return time.perf_counter() - started
        finally:
            FileTree.render_line = original  # type: ignore[method-assign]

    seconds = asyncio.run(main())
    # 23 pages of at most 20 rows seen, out of 102,101 rows.
    assert 0 < len(rendered) < 24 * 25
    assert max(rendered) >= 102_000
    assert seconds < 15.0  # Pilot waits for the screen after each key; generous on busy CI
