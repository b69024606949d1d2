"""BuildKit's plain progress output, read back into steps.

``--progress plain`` prints each vertex as a block::

    #6 [deps 2/3] COPY go.mod go.sum ./
    #6 sha256:...
    #6 CACHED                      (or: #6 0.043 some output ... #6 DONE 1.2s, or #6 ERROR: ...)

A vertex may be printed more than once while its output streams; the first line names it. From
these we can tell which Dockerfile steps ran and which came from the cache, which is how a
rebuild proves it re-ran no dependency step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"^#(\d+) (.*)$")
_NAME = re.compile(r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<index>\d+)/(?P<count>\d+)\] (?P<instr>.*)$")
_DONE = re.compile(r"^DONE (\d+(?:\.\d+)?)s$")
# Lines inside a vertex block that are not its name: digest, timestamped output, transfer notes.
_DETAIL = re.compile(
    r"^(sha256:[0-9a-f]+$|\d+\.\d+ |transferring \w+:|exporting (layers|config|manifest)"
    r"|writing image |naming to )"
)


@dataclass
class BuildStep:
    """One vertex of the build: a Dockerfile instruction, or BuildKit's own work."""

    number: int
    name: str
    cached: bool = False
    done: bool = False
    seconds: float | None = None
    error: str | None = None

    @property
    def stage(self) -> str | None:
        """The Dockerfile stage the step belongs to, when it is a named stage's instruction."""
        match = _NAME.match(self.name)
        return match.group("stage") if match else None

    @property
    def instruction(self) -> str | None:
        """The instruction as BuildKit printed it (``COPY a b``), or None for internal work."""
        match = _NAME.match(self.name)
        return match.group("instr") if match else None

    @property
    def is_instruction(self) -> bool:
        return self.instruction is not None

    @property
    def is_from(self) -> bool:
        """A FROM names a base; whether BuildKit calls it cached says nothing about our work."""
        return (self.instruction or "").startswith("FROM ")

    @property
    def executed(self) -> bool:
        """An instruction that did work in this build (a cache miss). FROM never counts."""
        if not self.is_instruction or self.is_from:
            return False
        return not self.cached and (self.done or self.error is not None)

    @property
    def reused(self) -> bool:
        """An instruction whose result came from the cache. FROM never counts."""
        return self.is_instruction and not self.is_from and self.cached


def parse_plain_progress(text: str) -> list[BuildStep]:
    """The steps in the order BuildKit first printed them."""
    steps: dict[int, BuildStep] = {}
    for raw in text.splitlines():
        match = _LINE.match(raw.rstrip("\r"))
        if not match:
            continue
        number, rest = int(match.group(1)), match.group(2)
        step = steps.setdefault(number, BuildStep(number, ""))
        if rest == "CACHED":
            step.cached = True
        elif rest.startswith("ERROR"):
            step.error = rest.removeprefix("ERROR").lstrip(": ").strip() or "failed"
        elif rest == "CANCELED":
            step.error = step.error or "canceled"
        elif done := _DONE.match(rest):
            step.done = True
            step.seconds = float(done.group(1))
        elif not step.name and not _DETAIL.match(rest):
            # The name line opens a vertex's block; should output ever come first, the name
            # still wins over digests, timestamps and progress details.
            step.name = rest
    return list(steps.values())
