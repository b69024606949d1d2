"""What a language plug-in is: a data file (``languages/NAME.toml``, this schema) and, only where
data cannot say it, a hooks module (``languages/NAME.py``, the ``Hooks`` protocol).

The data says how the language is recognised, which package managers it has (their manifests,
lock files, install and frozen-install commands, cache mounts), which upstream bases exist per
version, the conventions for tests, start commands and ports, and what .dockerignore adds. The
hooks read a project (``ProjectFiles``) into ``Facts`` and turn a validated tailor.toml into a
``Plan`` (imagetailor.generate.plan), which the one shared assembler writes as a Dockerfile.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from imagetailor.generate.plan import Plan, PlanContext
    from imagetailor.languages.facts import Facts
    from imagetailor.languages.files import ProjectFiles


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Manager(_Data):
    """A package manager (or its absence) and how a Dockerfile drives it."""

    title: str
    # Files whose presence selects this manager (globs at the project root), tried in order.
    when: list[str] = Field(default_factory=list)
    # Lock files, in order of preference: the first present one is the lock.
    lock: list[str] = Field(default_factory=list)
    # Files copied before any source (those present): manifests, locks, the manager's config.
    manifests: list[str] = Field(default_factory=list)
    # A pip requirement installed into a throwaway venv (/opt/locktool) in the lock stage.
    tool: str = ""
    # Commands of the lock stage, writing /requirements/prod.txt and /requirements/all.txt.
    export: list[str] = Field(default_factory=list)
    # Commands that make the lock when the project has none (then the build is not frozen).
    relock: list[str] = Field(default_factory=list)
    # Commands before the install (corepack enable, ...), and the installs themselves.
    setup: list[str] = Field(default_factory=list)
    install_all: list[str] = Field(default_factory=list)
    install_prod: list[str] = Field(default_factory=list)
    # Commands run on the copied source before building and testing (go mod init, ...).
    prepare: list[str] = Field(default_factory=list)
    cache: list[str] = Field(default_factory=list)  # cache mount targets for the installs
    # BuildKit runs deps and deps-prod side by side: a cache two installs must not write at
    # once (Yarn's) is "locked"; "shared" where the tool copes.
    cache_sharing: str = "shared"
    env: dict[str, str] = Field(default_factory=dict)  # inline environment of the installs
    run_script: str = ""  # how a project script runs: "npm run {script}"
    test: str = ""  # the manager's test command when the project declares tests
    frozen: bool = True  # does the install refuse to change the lock?
    note: str = ""


class Version(_Data):
    """One upstream version: the Debian release its images are built on, and its deploy base."""

    debian: str
    deploy: str = ""  # overrides [bases].deploy for this version
    deploy_native: str = ""  # overrides [bases].deploy_native
    note: str = ""


class Bases(_Data):
    """Upstream reference templates; {version}, {major}, {debian}, {debian_number} are filled."""

    toolchain: str
    deploy: str
    # Deploy base when the payload links C libraries (cgo, native addons): glibc and friends.
    deploy_native: str = ""
    # Other upstream images a plan names by role (composer, php-fpm's runtime, nginx).
    extra: dict[str, str] = Field(default_factory=dict)


class Conventions(_Data):
    sources: list[str]  # file suffixes scanned for environment names and ports
    env: list[str] = Field(default_factory=list)  # regexes; group 1 is the variable name
    ports: list[str] = Field(default_factory=list)  # regexes; group 1 is the port number
    default_port: int = 8080
    skip_dirs: list[str] = Field(default_factory=list)
    # File names read at build time, not run time (build.rs, setup.py): not scanned for hints.
    skip_files: list[str] = Field(default_factory=list)

    @field_validator("env", "ports")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            re.compile(pattern)
        return value


class Layout(_Data):
    """Where things live in the images."""

    workdir: str  # source in build, ci and dev; the app in deploy
    interpreter: str = ""  # the deploy image's runtime ("" for native binaries)
    dev_interpreter: str = ""  # the toolchain's, for ci and dev
    debug_port: int = 0  # the dev image's debugger port (0: none)
    # Folders of the dev image that a bind-mounted source must not hide (node_modules).
    dev_volumes: list[str] = Field(default_factory=list)
    # What `app.main` names for this language (asked by init, commented in tailor.toml).
    main_title: str = "The package built into the program"


class Tools(_Data):
    """Default tools per purpose, by name from the recipe catalogue."""

    ci: list[str] = Field(default_factory=list)
    dev: list[str] = Field(default_factory=list)


class Language(_Data):
    name: str
    title: str
    priority: int = 0  # when several languages match a project, the higher one wins
    signals: list[str]  # globs at the project root that say "this is a NAME project"
    # Globs that say so only when no language's signals match (a bare main.go or script.py).
    weak_signals: list[str] = Field(default_factory=list)
    toolchain_arg: str  # the ARG naming the toolchain image (PYTHON_IMAGE, ...)
    # Official image names whose tag is this language's version ("FROM python:3.11-slim" in
    # a project's own Dockerfile says 3.11), and how such a version constrains.
    image_names: list[str] = Field(default_factory=list)
    image_constraint: str = "pep440"
    # The recipe catalogue's installer for this language's own tools (pip, npm, go), and the
    # command it runs: {packages} (all at once) or {package} (one command each).
    tool_manager: str = ""
    tool_install: str = ""
    tool_cache: list[str] = Field(default_factory=list)
    default_manager: str
    managers: dict[str, Manager]
    versions: dict[str, Version]  # every upstream version that exists, with its Debian release
    bases: Bases
    conventions: Conventions
    layout: Layout
    tools: Tools = Field(default_factory=Tools)
    ignore: list[str] = Field(default_factory=list)  # .dockerignore lines
    # The ci command when the project has no tests: a real check that needs no test files.
    no_tests: str = ""
    # Anything else the hooks module reads (known servers, frameworks, ...), kept as given.
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("managers")
    @classmethod
    def _some_manager(cls, value: dict[str, Manager]) -> dict[str, Manager]:
        if not value:
            raise ValueError("a language needs at least one [managers.NAME] table")
        return value

    def manager(self, name: str) -> Manager:
        return self.managers[name]

    def version_numbers(self) -> list[str]:
        """Known versions, newest first."""
        return sorted(self.versions, key=version_key, reverse=True)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


class Hooks(Protocol):
    """What a language's module provides: reading a project, and planning its images."""

    def detect(self, files: ProjectFiles, language: Language) -> Facts: ...

    def plan(self, ctx: PlanContext) -> Plan: ...
