"""Output formats of the commands, kept apart from the renderers: a command's options need them
when the CLI starts, the renderers (rich, the models) only once there is something to render."""

from __future__ import annotations

INSPECT_FORMATS = ("text", "json")
DIFF_FORMATS = ("text", "json")
