"""Building several targets of a generated docker-bake.hcl in one `docker buildx bake`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from imagetailor.engine.build import BuildFailedError, BuildResult, stream_log
from imagetailor.engine.client import EngineClient
from imagetailor.engine.process import first_line, run_client
from imagetailor.engine.progress import parse_plain_progress


def bake_argv(
    client: EngineClient,
    project: Path,
    purposes: list[str],
    build_args: dict[str, str],
    no_cache: bool = False,
) -> list[str]:
    """`docker buildx bake` for the purposes' targets of the generated docker-bake.hcl, with the
    base map's images as overrides of every target's args."""
    argv = [*client.buildx("bake"), "--file", str(project / "docker-bake.hcl")]
    argv += ["--load", "--progress", "plain"]
    for name, value in sorted(build_args.items()):
        argv += ["--set", f"*.args.{name}={value}"]
    if no_cache:
        argv.append("--no-cache")
    return argv + purposes


def bake(
    client: EngineClient,
    project: Path,
    tags: dict[str, str],
    build_args: dict[str, str],
    on_line: Callable[[str], None] | None,
    no_cache: bool,
) -> dict[str, BuildResult]:
    """Build every purpose in one bake (targets in parallel, common stages once). BuildKit's log
    is shared, so each purpose gets the whole log and the bake's wall time."""
    purposes = list(tags)
    argv = bake_argv(client, project, purposes, build_args, no_cache)
    started = time.monotonic()
    # The bake's own output, streamed and bounded like a single build's (see build.stream_log).
    returncode, log_text = stream_log(client, argv, on_line, None, cwd=project)
    seconds = time.monotonic() - started
    if returncode != 0:
        raise BuildFailedError(f"docker buildx bake failed: {first_line(log_text)}", log_text)
    steps = parse_plain_progress(log_text)
    results: dict[str, BuildResult] = {}
    for purpose in purposes:
        inspect = run_client(client, ["image", "inspect", "--format", "{{.Id}}", tags[purpose]])
        results[purpose] = BuildResult(inspect.stdout.decode().strip(), seconds, log_text, steps)
    return results
