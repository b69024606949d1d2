"""Adapters for real engines: the docker CLI (buildx or classic BuildKit) and podman.

We drive the engine's own client rather than its HTTP API for builds, so BuildKit, cache mounts
and the user's client configuration behave exactly as they do for the user.
"""

from __future__ import annotations

from imagetailor.engine.bake import bake, bake_argv
from imagetailor.engine.build import BuildFailedError, BuildResult, build, build_argv
from imagetailor.engine.client import EngineClient, select_client
from imagetailor.engine.containers import (
    RunResult,
    is_running,
    logs,
    remove,
    run,
    run_argv,
    start_detached,
)
from imagetailor.engine.images import image_exists, inspect_image, remove_image, save
from imagetailor.engine.progress import BuildStep, parse_plain_progress

__all__ = [
    "BuildFailedError",
    "BuildResult",
    "BuildStep",
    "EngineClient",
    "RunResult",
    "bake",
    "bake_argv",
    "build",
    "build_argv",
    "image_exists",
    "inspect_image",
    "is_running",
    "logs",
    "parse_plain_progress",
    "remove",
    "remove_image",
    "run",
    "run_argv",
    "save",
    "select_client",
    "start_detached",
]
