"""Which engine client to drive, and how its command lines look.

Machines carry a mix of docker clients. A client with the buildx plugin builds with
``docker buildx build --load``; an older client (before 23) builds with BuildKit when
``DOCKER_BUILDKIT=1`` is set; a client from 23 on without buildx refuses BuildKit builds
altogether ("the buildx component is missing"). So we probe the candidates in order
(``TAILOR_DOCKER``, then ``docker`` on PATH, then ``/usr/bin/docker``), take the first that can
build with BuildKit, and, asked to (`-v`), say on stderr which one and why, once per command.
Podman is used only when asked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from imagetailor.engine.capture import OutputTooLarge, run_captured
from imagetailor.engine.endpoint import Endpoint
from imagetailor.errors import SourceUnavailableError, UsageError, one_line, summarise

DOCKER_ENV = "TAILOR_DOCKER"
PODMAN_ENV = "TAILOR_PODMAN"
FALLBACK_DOCKER = "/usr/bin/docker"
# Clients from this major version on build only through buildx.
BUILDX_REQUIRED_FROM = 23
PROBE_SECONDS = 15
PROBE_OUTPUT_BYTES = 64 * 1024

Mode = Literal["buildx", "classic", "podman"]


@dataclass(frozen=True)
class EngineClient:
    """A client binary and the way it builds: ``buildx``, ``classic`` BuildKit, or ``podman``."""

    binary: str
    mode: Mode
    version: str = ""
    reason: str = ""
    env: dict[str, str] = field(default_factory=dict)
    # Where the engine runs (None: wherever the client's own defaults say) and, for buildx,
    # which BuildKit builder builds (None: the client's current one).
    endpoint: Endpoint | None = None
    builder: str | None = None

    @property
    def name(self) -> str:
        return "podman" if self.mode == "podman" else "docker"

    @property
    def can_bake(self) -> bool:
        return self.mode == "buildx"

    def global_options(self) -> list[str]:
        """Options before the subcommand that point the client at the endpoint."""
        if self.endpoint is None or self.endpoint.is_default:
            return []
        if self.mode == "podman":
            return ["--url", self.endpoint.host]  # podman's remote client (no contexts)
        return self.endpoint.client_options()

    def argv(self, *args: str) -> list[str]:
        return [self.binary, *self.global_options(), *args]

    def buildx(self, command: str) -> list[str]:
        """``docker buildx COMMAND [--builder NAME]``."""
        argv = self.argv("buildx", command)
        return [*argv, "--builder", self.builder] if self.builder else argv

    def build_prefix(self) -> list[str]:
        """The start of a build command line, up to the first option."""
        if self.mode == "buildx":
            return [*self.buildx("build"), "--load", "--progress", "plain"]
        if self.mode == "classic":
            return [*self.argv("build"), "--progress", "plain"]
        # Podman prints buildah's step log, has no --progress; --layers keeps its layer cache.
        return [*self.argv("build"), "--layers"]

    def process_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def describe(self) -> str:
        how = {
            "buildx": "buildx build --load",
            "classic": "classic build with DOCKER_BUILDKIT=1",
            "podman": "podman build",
        }[self.mode]
        version = f" {self.version}" if self.version else ""
        where = ""
        if self.endpoint is not None and not self.endpoint.is_default:
            where = f", engine at {self.endpoint.describe()}"
        if self.builder:
            where += f", builder {self.builder}"
        return f"{self.binary} ({self.name}{version}, {how}{where}): {self.reason}"


@dataclass(frozen=True)
class Verdict:
    """What a probe found out about one candidate binary."""

    binary: str
    client: EngineClient | None
    why: str


def _probe_output(argv: Sequence[str]) -> tuple[int, str]:
    # A version line is short: a candidate that prints more is not a docker client.
    try:
        result = run_captured(argv, limit=PROBE_OUTPUT_BYTES, timeout=PROBE_SECONDS)
    except (OSError, subprocess.TimeoutExpired, OutputTooLarge) as exc:
        return -1, one_line(str(exc), 120)
    return result.returncode, result.stdout.decode(errors="replace").strip()


def _major(version: str) -> int | None:
    match = re.match(r"v?(\d+)\.", version)
    return int(match.group(1)) if match else None


def probe_docker(binary: str) -> Verdict:
    """Decide whether this docker client can build with BuildKit, and how."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        return Verdict(binary, None, "not an executable file")
    code, out = _probe_output([binary, "buildx", "version"])
    if code == 0 and out:
        return Verdict(
            binary,
            EngineClient(binary, "buildx", out.split()[1] if " " in out else out, "buildx plugin"),
            "has the buildx plugin",
        )
    # The client prints its own version even when the daemon does not answer (exit code 1).
    _, version = _probe_output([binary, "version", "--format", "{{.Client.Version}}"])
    major = _major(version)
    if major is None:
        return Verdict(binary, None, f"does not report a docker client version ({version[:60]!r})")
    if major >= BUILDX_REQUIRED_FROM:
        return Verdict(
            binary,
            None,
            f"client {version} has no buildx plugin and refuses BuildKit builds without it",
        )
    client = EngineClient(
        binary,
        "classic",
        version,
        f"client {version} builds with BuildKit itself (no buildx plugin needed)",
        {"DOCKER_BUILDKIT": "1"},
    )
    return Verdict(binary, client, client.reason)


def docker_candidates(configured: str | None = None) -> list[str]:
    """Binaries to try, first choice first, each real file once."""
    named = [configured or os.environ.get(DOCKER_ENV) or "", shutil.which("docker") or ""]
    named.append(FALLBACK_DOCKER)
    seen: set[str] = set()
    result: list[str] = []
    for candidate in named:
        if not candidate:
            continue
        resolved = shutil.which(candidate) or candidate
        key = os.path.realpath(resolved)
        if key not in seen:
            seen.add(key)
            result.append(resolved)
    return result


_CHOSEN: dict[tuple[str, str, Endpoint | None, str], EngineClient] = {}


def select_client(
    engine: str = "docker",
    configured: str | None = None,
    *,
    announce: bool = False,
    endpoint: Endpoint | None = None,
    builder: str | None = None,
) -> EngineClient:
    """The client to build with. With ``announce`` (a command's -v), says the choice and the
    rejected candidates on stderr; the choice is made once per process, so they are said once.

    ``configured`` (or ``TAILOR_DOCKER`` / ``TAILOR_PODMAN``) is an explicit choice: when it cannot
    build, that is an error, not a reason to quietly use another client. ``endpoint``: where the
    engine runs (engine/endpoint.py); ``builder``: a buildx builder (remote, Kubernetes...).
    """
    if endpoint is not None and endpoint.context is not None and engine == "podman":
        raise UsageError(
            "docker contexts are docker's; fix: give podman its engine with --engine-host URL"
        )
    key = (engine, configured or "", endpoint, builder or "")
    if key in _CHOSEN:
        return _CHOSEN[key]
    if engine == "podman":
        client = _select_podman(configured)
    elif engine == "docker":
        client = _select_docker(configured, announce)
    else:
        raise UsageError(f"unknown engine {engine!r}; fix: use --engine docker or --engine podman")
    if builder and client.mode != "buildx":
        raise UsageError(
            f"--builder {builder} needs docker buildx, and {client.binary} has no buildx plugin; "
            "fix: install buildx or leave --builder out"
        )
    client = replace(client, endpoint=endpoint, builder=builder or None)
    if announce:
        print(f"engine: using {client.describe()}", file=sys.stderr)
    _CHOSEN[key] = client
    return client


def _select_docker(configured: str | None, announce: bool) -> EngineClient:
    explicit = configured or os.environ.get(DOCKER_ENV)
    rejected: list[str] = []
    for binary in docker_candidates(configured):
        verdict = probe_docker(binary)
        if verdict.client is not None:
            if announce and rejected:
                print("engine: skipped " + "; ".join(rejected), file=sys.stderr)
            return verdict.client
        if explicit and binary == (shutil.which(explicit) or explicit):
            source = "configured" if configured else DOCKER_ENV
            raise UsageError(
                f"the docker client {binary} ({source}) cannot build with BuildKit: {verdict.why}; "
                "fix: install the buildx plugin or point it at a client that can"
            )
        rejected.append(f"{binary}: {verdict.why}")
    raise SourceUnavailableError(
        "no docker client here can build with BuildKit ("
        + summarise(rejected)
        + f"); fix: install docker buildx or set {DOCKER_ENV}"
    )


def _select_podman(configured: str | None) -> EngineClient:
    wanted = configured or os.environ.get(PODMAN_ENV) or "podman"
    binary = shutil.which(wanted)
    if binary is None:
        raise SourceUnavailableError(
            f"podman was asked for but {wanted!r} is not installed; fix: install podman "
            f"or set {PODMAN_ENV}"
        )
    _, version = _probe_output([binary, "version", "--format", "{{.Client.Version}}"])
    return EngineClient(binary, "podman", version, "asked for with --engine podman")


def forget_choice() -> None:
    """Drop cached choices (tests that change TAILOR_DOCKER between cases)."""
    _CHOSEN.clear()
