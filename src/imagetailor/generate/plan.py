"""A language's plan for its images: plain data that the one shared assembler
(imagetailor.generate.assembler) turns into stages.

A language's hooks module fills a ``Plan`` from tailor.toml and its data file; it never writes a
Dockerfile line itself. Shell commands in a plan are complete and safe: every value from the
user that goes into one was quoted by ``imagetailor.generate.quoting``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from imagetailor.generate.quoting import shell_word
from imagetailor.languages.plugin import Language, Manager
from imagetailor.project.model import Spec


@dataclass(frozen=True)
class Run:
    commands: tuple[str, ...]
    mounts: tuple[str, ...] = ()
    comment: tuple[str, ...] = ()


@dataclass(frozen=True)
class Copy:
    source: str
    dest: str
    stage: str = ""  # "" copies from the build context


@dataclass(frozen=True)
class PreStage:
    """A stage from another image, before the dependencies: a tool to copy from (composer), a
    runtime whose files deploy collects (php-fpm). ``role`` names the upstream image in the
    language's [bases.extra]; ``arg`` is the ARG that names it in the Dockerfile."""

    name: str
    role: str
    arg: str
    comment: str
    runs: tuple[Run, ...] = ()
    # It collects files for deploy: the deploy base is at /runtime, so what it has is not copied.
    collects: bool = False


@dataclass
class Plan:
    workdir: str
    toolchain_note: str
    deploy_note: str
    # The lock stage (Python's exported locks): its manifests and commands; empty: no stage.
    lock_manifests: list[str] = field(default_factory=list)
    lock: list[Run] = field(default_factory=list)
    pre_stages: list[PreStage] = field(default_factory=list)
    # The dependency stages: what is copied first (files from pre-stages, manifests), then
    # installed.
    deps_copies: list[Copy] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    deps_from_lock: bool = False
    deps_env: dict[str, str] = field(default_factory=dict)
    deps_env_note: str = "Where the dependencies are (not configuration)."
    path_prepend: list[str] = field(default_factory=list)  # folders put before PATH in deps
    deps_setup: list[Run] = field(default_factory=list)
    deps_all: list[Run] = field(default_factory=list)
    # None: deploy needs no runtime dependencies of their own (a Go binary, no dependencies).
    deps_prod: list[Run] | None = None
    # Run on the copied source in build, ci and dev (before building or testing).
    prepare: list[Run] = field(default_factory=list)
    build: list[Run] = field(default_factory=list)
    # Run after the build in the build stage only (ci keeps what these remove).
    build_cleanup: list[Run] = field(default_factory=list)
    # Where the front end's built files go in the build, ci and dev stages (relative).
    frontend_into: str = ""
    # deploy: "default" | "native" (needs libc and friends) | "scratch"
    deploy_kind: str = "default"
    # The upstream role of the deploy base when the kind alone cannot say it (a role of the
    # language's [bases.extra]: .NET's aspnet or runtime image); "" follows deploy_kind.
    deploy_role: str = ""
    deploy_user: str = ""  # the deploy base's own non-root user ("" is distroless's 65532)
    deploy_copies: list[Copy] = field(default_factory=list)
    deploy_env: dict[str, str] = field(default_factory=dict)
    deploy_env_note: str = "Where the app and its dependencies are (not configuration)."
    deploy_workdir: str = "/app"
    entrypoint: list[str] = field(default_factory=list)
    entrypoint_note: tuple[str, ...] = ()
    # Folders whose compiled code (.so, .node) may link libraries the deploy base lacks: the
    # libraries are collected from deps-prod and copied into deploy.
    native_dirs: list[str] = field(default_factory=list)
    native_build_packages: list[str] = field(default_factory=list)
    ci_cmd: list[str] = field(default_factory=list)
    ci_build: bool = False  # run the build commands in ci too (tests import built files)
    dev_cmd: list[str] = field(default_factory=list)
    dev_ports: list[int] = field(default_factory=list)
    header_notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanContext:
    project: (
        Path  # the project folder: plans may read its files (they are inputs, like tailor.toml)
    )
    spec: Spec
    language: Language
    version: str
    debian: str


def fill(template: str, values: dict[str, str]) -> str:
    """A data template with ``{key}`` filled by already-quoted values (unknown keys stay)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def manager_runs(
    manager: Manager,
    commands: list[str],
    values: dict[str, str],
    comment: tuple[str, ...] = (),
    cache: bool = True,
) -> list[Run]:
    """One RUN for the manager's commands, with its inline environment and (``cache``, for the
    installs) its cache mounts."""
    if not commands:
        return []
    prefix = env_prefix(manager)
    filled = tuple((f"{prefix} {fill(c, values)}" if prefix else fill(c, values)) for c in commands)
    return [Run(filled, cache_mounts(manager) if cache else (), comment)]


def env_prefix(manager: Manager) -> str:
    """The manager's inline environment (``K=V K2=V2``), quoted, for its commands."""
    return " ".join(f"{k}={shell_word(v)}" for k, v in sorted(manager.env.items()))


def cache_mounts(manager: Manager) -> tuple[str, ...]:
    """The RUN --mount values of the manager's caches."""
    sharing = "" if manager.cache_sharing == "shared" else f",sharing={manager.cache_sharing}"
    return tuple(f"type=cache,target={target}{sharing}" for target in manager.cache)


def test_argv(command: str) -> list[str]:
    """The ci CMD: exec form when the command is plain words, else through the image's sh."""
    import shlex

    if any(ch in command for ch in "|&;<>()$`*?[]#~=%\\\"'\n") or not command.strip():
        return ["/bin/sh", "-c", command]
    return shlex.split(command)
