"""Containers for smoke tests and for running a suite inside an image.

Every container gets ``--network host`` or ``--network none`` (this machine has no bridge, and a
test container needs nothing else), and is always removed: ``run`` uses ``--rm``;
``start_detached`` hands back the id for ``remove``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from imagetailor.engine.client import EngineClient
from imagetailor.engine.process import (
    default_client,
    engine_error,
    is_missing,
    missing_image,
    run_client,
)
from imagetailor.errors import TailorError, UsageError

NETWORKS = ("host", "none")
ENGINE_FAILURE = 125


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float


def _run_options(
    network: str,
    env: Mapping[str, str] | None,
    entrypoint: str | None,
    user: str | None,
    workdir: str | None,
    mounts: Sequence[str] = (),
) -> list[str]:
    if network not in NETWORKS:
        raise UsageError(f"container network {network!r} is not allowed here; use host or none")
    options = ["--network", network]
    for key, value in sorted((env or {}).items()):
        options += ["--env", f"{key}={value}"]
    if entrypoint is not None:
        options += ["--entrypoint", entrypoint]
    if user is not None:
        options += ["--user", user]
    if workdir is not None:
        options += ["--workdir", workdir]
    for mount in mounts:  # docker's -v SOURCE:TARGET[:ro] (a named volume or a file we wrote)
        options += ["--volume", mount]
    return options


def run_argv(
    client: EngineClient,
    image: str,
    args: Sequence[str] = (),
    *,
    network: str = "none",
    env: Mapping[str, str] | None = None,
    entrypoint: str | None = None,
    user: str | None = None,
    workdir: str | None = None,
    detach: bool = False,
    name: str | None = None,
    mounts: Sequence[str] = (),
) -> list[str]:
    argv = ["run", "--detach"] if detach else ["run", "--rm"]
    if name is not None:
        argv += ["--name", name]
    argv += _run_options(network, env, entrypoint, user, workdir, mounts)
    return [*argv, image, *args]


def run(
    image: str,
    args: Sequence[str] = (),
    *,
    network: str = "none",
    env: Mapping[str, str] | None = None,
    entrypoint: str | None = None,
    user: str | None = None,
    workdir: str | None = None,
    timeout: float | None = 600,
    client: EngineClient | None = None,
    mounts: Sequence[str] = (),
) -> RunResult:
    """Run a command in a fresh container to completion; the container is removed after."""
    client = default_client(client)
    argv = run_argv(
        client,
        image,
        args,
        network=network,
        env=env,
        entrypoint=entrypoint,
        user=user,
        workdir=workdir,
        mounts=mounts,
    )
    started = time.monotonic()
    result = run_client(client, argv, timeout=timeout, check=False)
    stderr = result.stderr.decode(errors="replace")
    # 125 is docker run's own failure (no such image, bad option): not the command's result.
    if result.returncode == ENGINE_FAILURE and _engine_failed(stderr):
        if _no_image(stderr):
            raise missing_image(client, image)
        raise TailorError(f"the engine could not run {image}: {_line(stderr)}")
    return RunResult(
        result.returncode,
        result.stdout.decode(errors="replace"),
        stderr,
        time.monotonic() - started,
    )


def start_detached(
    image: str,
    args: Sequence[str] = (),
    *,
    network: str = "host",
    env: Mapping[str, str] | None = None,
    entrypoint: str | None = None,
    user: str | None = None,
    name: str | None = None,
    timeout: float | None = 120,
    client: EngineClient | None = None,
    mounts: Sequence[str] = (),
) -> str:
    """Start a container in the background and return its id; pair with ``remove``."""
    client = default_client(client)
    argv = run_argv(
        client,
        image,
        args,
        network=network,
        env=env,
        entrypoint=entrypoint,
        user=user,
        detach=True,
        name=name,
        mounts=mounts,
    )
    result = run_client(client, argv, timeout=timeout, check=False)
    container = result.stdout.decode(errors="replace").strip().splitlines()
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace")
        # docker run -d may have created the container before the start failed: remove it.
        if container:
            remove(container[-1], client=client)
        if _no_image(stderr):
            raise missing_image(client, image)
        raise engine_error(client, ["run", image], stderr)
    return container[-1]


def is_running(container: str, *, client: EngineClient | None = None) -> bool:
    client = default_client(client)
    result = run_client(
        client, ["container", "inspect", "--format", "{{.State.Running}}", container], check=False
    )
    return result.returncode == 0 and result.stdout.strip() == b"true"


def exit_code(container: str, *, client: EngineClient | None = None) -> int | None:
    """A stopped container's exit code (None when the engine cannot tell)."""
    client = default_client(client)
    result = run_client(
        client, ["container", "inspect", "--format", "{{.State.ExitCode}}", container], check=False
    )
    text = result.stdout.strip()
    return int(text) if result.returncode == 0 and text.lstrip(b"-").isdigit() else None


def logs(container: str, *, tail: int = 200, client: EngineClient | None = None) -> str:
    """The container's last output lines (stdout and stderr), for diagnosing a failed smoke."""
    client = default_client(client)
    result = run_client(client, ["logs", "--tail", str(tail), container], check=False)
    return (result.stdout + result.stderr).decode(errors="replace")


def remove(container: str, *, client: EngineClient | None = None) -> bool:
    """Force-remove a container; False when it was already gone."""
    client = default_client(client)
    result = run_client(client, ["rm", "--force", container], check=False)
    stderr = result.stderr.decode(errors="replace")
    # With --force, docker exits 0 for a container that is not there but still says so.
    if is_missing(stderr):
        return False
    if result.returncode == 0:
        return True
    raise engine_error(client, ["rm", container], stderr)


def _engine_failed(stderr: str) -> bool:
    lowered = stderr.lower()
    return any(
        phrase in lowered
        for phrase in (
            "docker: error",
            "error response from daemon",
            "unable to find image",
            "error:",
        )
    )


def _no_image(stderr: str) -> bool:
    lowered = stderr.lower()
    return (
        "unable to find image" in lowered
        or "pull access denied" in lowered
        or (is_missing(stderr) and "container" not in lowered)
    )


def _line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
