"""Rich renderables to a string, so every format is rendered the same way: to text first, then
written to stdout or a file by the caller."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text


def render_to_string(parts: Iterable[object], *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        soft_wrap=False,
    )
    for part in parts:
        # A bare line of text (a verdict) stays one line, however long: scripts grep it.
        console.print(part, soft_wrap=isinstance(part, Text | str))
    return buffer.getvalue()


# C0 and C1 controls and lone surrogates: names in an image are chosen by whoever built it, and
# an escape sequence in a file name must not repaint the reader's terminal.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def safe_text(value: object, style: str = "") -> Text:
    """Untrusted text as a rich Text: no markup parsing, control characters shown escaped."""
    text = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return Text(text, style=style)


def add_row(table: Table, *cells: object) -> None:
    table.add_row(*(cell if isinstance(cell, Text) else safe_text(cell) for cell in cells))
