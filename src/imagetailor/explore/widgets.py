"""The file tree widget: a scroll view that renders only the rows on screen (``render_line``),
so a tree of 100,000 entries scrolls and moves as fast as one of 100.

Each row carries a one-character mark besides its colour, so the tree reads the same with
NO_COLOR: ``+`` added, ``~`` modified, ``-`` removed, ``!`` hidden later, blank otherwise.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from imagetailor.explore.model import Row, TreeView
from imagetailor.policy.sizes import format_size
from imagetailor.report.console import safe_text

MARKS = {"added": "+", "modified": "~", "removed": "-"}
STYLES = {
    "added": Style(color="green"),
    "modified": Style(color="yellow"),
    "removed": Style(color="red"),
    "hidden": Style(color="magenta"),
}
SIZE_WIDTH = 10


def row_text(row: Row) -> tuple[str, str]:
    """The row's text before the size, and its style key."""
    if row.hidden:
        mark, key = "!", "hidden"
    else:
        mark, key = MARKS.get(row.status, " "), row.status
    arrow = ("▾ " if row.expanded else "▸ ") if row.is_dir else "  "
    name = safe_text(row.name).plain + ("/" if row.is_dir else "")
    return f"{'  ' * row.depth}{arrow}{mark} {name}", key


class FileTree(ScrollView, can_focus=True):
    """Rows of a ``TreeView``; a cursor; Enter/Space/arrows open and close directories."""

    BINDINGS = [  # noqa: RUF012 (Textual reads this class attribute as is)
        Binding("up,k", "move(-1)", "up", show=False),
        Binding("down,j", "move(1)", "down", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter,space", "open_close", "open/close", show=False),
        Binding("right,l", "expand", show=False),
        Binding("left,h", "collapse", show=False),
    ]

    class Moved(Message):
        def __init__(self, row: Row | None) -> None:
            self.row = row
            super().__init__()

    def __init__(self, view: TreeView, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view = view
        self.cursor = 0
        self._sync()

    # --- what is shown --------------------------------------------------------------------

    def _sync(self) -> None:
        count = len(self.view.rows)
        self.cursor = max(0, min(self.cursor, count - 1))
        self.virtual_size = Size(self.size.width or 80, count)
        self.refresh()

    def reload(self, keep: str | None = None) -> None:
        """The view changed (layer, toggle, filter): rows anew, the cursor kept on ``keep``."""
        self.view.refresh()
        if keep is not None:
            for number, row in enumerate(self.view.rows):
                if row.path == keep:
                    self.cursor = number
                    break
            else:
                self.cursor = 0
        self._sync()
        self._show_cursor()

    def current(self) -> Row | None:
        rows = self.view.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y
        width = self.size.width
        rows = self.view.rows
        if number >= len(rows):
            # A styled blank: NO_COLOR's monochrome filter needs a style on every segment.
            return Strip.blank(width, Style())
        row = rows[number]
        text, key = row_text(row)
        size = format_size(row.size).rjust(SIZE_WIDTH)
        room = max(width - SIZE_WIDTH - 1, 1)
        if len(text) > room:
            text = text[: room - 1] + "…"
        style = STYLES.get(key, Style())
        if row.is_dir:
            style += Style(bold=True)
        if number == self.cursor and self.has_focus:
            style += Style(reverse=True)
        elif number == self.cursor:
            style += Style(underline=True)
        segments = [Segment(text.ljust(room) + " ", style), Segment(size, Style(dim=True))]
        return Strip(segments).adjust_cell_length(width, Style())

    def on_resize(self) -> None:
        self._sync()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- moving ---------------------------------------------------------------------------

    def _show_cursor(self) -> None:
        top = self.scroll_offset.y
        height = max(self.size.height, 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self.refresh()
        self.post_message(self.Moved(self.current()))

    def move_to(self, number: int) -> None:
        count = len(self.view.rows)
        self.cursor = max(0, min(number, count - 1))
        self._show_cursor()

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(self.size.height - 1, 1))

    def action_jump(self, where: int) -> None:
        self.move_to(where if where >= 0 else len(self.view.rows) - 1)

    def action_open_close(self) -> None:
        row = self.current()
        if row is not None and row.is_dir:
            self.view.toggle_row(self.cursor)
            self._sync()
            self._show_cursor()

    def action_expand(self) -> None:
        row = self.current()
        if row is not None and row.is_dir and not row.expanded:
            self.action_open_close()

    def action_collapse(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.is_dir and row.expanded:
            self.action_open_close()
            return
        parent = row.path.rsplit("/", 1)[0] if "/" in row.path else ""
        for number in range(self.cursor - 1, -1, -1):  # up to the parent's row
            if self.view.rows[number].path == parent:
                self.move_to(number)
                return
