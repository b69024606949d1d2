"""The one way text reaches HTML: every value goes through ``esc`` (element content and quoted
attribute values) or ``script_json`` (data for the page's script), and only ``Markup`` built
here is emitted raw.

Values come from untrusted images (file names, labels, instructions): a file named
``<script>alert(1)</script>`` or a label holding ``</script>`` must stay text. ``el`` escapes
every child that is not already Markup and every attribute value; attribute and tag names are
our own constants and are checked against a strict pattern anyway. The page's script builds its
DOM with ``textContent`` only, so the data it reads is never parsed as HTML either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

# C0/C1 controls and lone surrogates are not characters a page can show (and a surrogate cannot
# even be encoded): shown as \\xNN like the terminal renderers do.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_SPECIAL = re.compile("[&<>\"']")


class Markup(str):
    """HTML that this module made (or a caller's literal constant): emitted as it is."""

    __slots__ = ()


def esc(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    text = _UNSHOWABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return Markup(_SPECIAL.sub(lambda m: _ESCAPES[m.group()], text))


Child = object  # str (escaped), Markup (raw), None (nothing), or an iterable of these


def _children(items: Iterable[Child]) -> Iterable[str]:
    for item in items:
        if item is None:
            continue
        if isinstance(item, str):
            yield esc(item)
        elif isinstance(item, Iterable):
            yield from _children(item)
        else:
            yield esc(item)


def el(tag: str, attrs: dict[str, object] | None = None, *children: Child) -> Markup:
    """``<tag attr="value">children</tag>``; an attribute whose value is None or False is left
    out, True writes the bare name."""
    if not _NAME.match(tag):
        raise ValueError(f"not a tag name: {tag!r}")
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        if not _NAME.match(name):
            raise ValueError(f"not an attribute name: {name!r}")
        if value is None or value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    parts.append(">")
    parts.extend(_children(children))
    parts.append(f"</{tag}>")
    return Markup("".join(parts))


def join(items: Iterable[Child]) -> Markup:
    return Markup("".join(_children(items)))


def script_json(data: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``
    survives literally (so no ``</script>`` or ``<!--``), nor U+2028/U+2029."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return Markup(text)


def raw_asset(text: str) -> Markup:
    """Our own script or style sheet, inlined; it must not close its element early."""
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError("an inline asset may not contain a closing script or style tag")
    return Markup(text)
