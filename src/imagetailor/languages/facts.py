"""What a language's detection found in a project, with the evidence for each answer.

Facts are proposals: `tailor init` shows them, asks about them (or takes them with ``--yes``)
and writes tailor.toml from the answers. Where detection cannot know, it records an ``Unknown``
naming the tailor.toml key, so ``--yes`` stops with one line instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Constraint:
    """What the project says about its runtime version, and how to read it.

    ``kind``: ``pep440`` (a specifier set, newest allowed wins), ``npm`` (a semver range, newest
    allowed wins), ``minimum`` (Go's go/toolchain line: that version, else the newest above it),
    ``any`` (nothing said: the newest available).
    """

    kind: str
    text: str = ""
    source: str = ""


@dataclass(frozen=True)
class Unknown:
    key: str  # the tailor.toml key to set, e.g. "app.start"
    why: str  # what detection saw
    example: str = ""  # a value that would work, e.g. '["gunicorn", "app:app"]'


@dataclass
class Frontend:
    dir: str
    build: str = "build"
    output: str = "dist"
    manager: str = "npm"
    lockfile: bool = True
    node: str = ""  # the Node line that builds it


@dataclass
class Facts:
    language: str
    manager: str
    runtime: Constraint = field(default_factory=lambda: Constraint("any"))
    name: str = ""  # the manifest's name ("" when it has none)
    version: str = ""  # the app's own version from its manifest
    manifests: list[str] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    start_source: str = ""
    main: str = ""  # what is built (Go: the main package)
    workdir: str = "."  # where the start command runs, inside the project (a workspace)
    build: str = ""  # the project's own build command, run in the build stage
    test: str = ""
    test_tools: list[str] = field(default_factory=list)
    kind: str = "web"  # web | cli | static
    port: int | None = None
    port_source: str = ""
    config: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # read at run time, copied into deploy
    native: list[str] = field(default_factory=list)  # dependencies with compiled code
    cgo: bool = False
    frontend: Frontend | None = None
    # Several plausible answers for one key (several Go commands): key -> choices.
    choices: dict[str, list[str]] = field(default_factory=dict)
    unknowns: list[Unknown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
