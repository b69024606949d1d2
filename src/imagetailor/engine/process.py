"""Running the engine client: one place that turns its failures into one-line errors."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from imagetailor.deadline import configured_deadline
from imagetailor.engine.capture import run_captured
from imagetailor.engine.client import EngineClient, select_client
from imagetailor.errors import SourceUnavailableError, TailorError, dead_engine_fix

# What one run of the client may print on each stream: `image inspect` prints a few KB; a
# client printing past this is not one (TAILOR_DOCKER=/usr/bin/yes, say) and is stopped.
MAX_CLIENT_OUTPUT = 16 * 1024 * 1024
# Phrases with which docker and podman say the daemon (or its socket) is not there.
_UNREACHABLE = (
    "cannot connect to the docker daemon",
    "is the docker daemon running",
    "cannot connect to podman",
    "connection refused",
)
_NO_SUCH = (
    "no such image",
    "no such object",
    "no such container",
    "image not known",
    "reference does not exist",
)


def default_client(client: EngineClient | None) -> EngineClient:
    return client if client is not None else select_client()


def first_line(text: str) -> str:
    """The most telling line of an engine's error output, for a one-line message."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        lowered = line.lower()
        if lowered.startswith(("error", "failed")) or "error:" in lowered:
            return line.removeprefix("Error: ").removeprefix("Error response from daemon: ")
    return lines[-1] if lines else "no output"


def is_missing(stderr: str) -> bool:
    lowered = stderr.lower()
    return any(phrase in lowered for phrase in _NO_SUCH)


def run_client(
    client: EngineClient,
    args: Sequence[str],
    *,
    timeout: float | None = 120,  # None: the operation deadline (TAILOR_DEADLINE)
    input: bytes | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``CLIENT ARGS...``; with ``check``, a failure becomes a one-line TailorError."""
    argv = client.argv(*args)
    try:
        # Bounded in bytes and in time: a client that prints or runs forever is stopped.
        captured = run_captured(
            argv,
            input=input,
            env=client.process_env(),
            timeout=configured_deadline() if timeout is None else timeout,
            limit=MAX_CLIENT_OUTPUT,
        )
    except FileNotFoundError:
        raise SourceUnavailableError(
            f"the engine client {client.binary} is not installed"
        ) from None
    except subprocess.TimeoutExpired as expired:
        raise SourceUnavailableError(
            f"{client.name} {args[0] if args else ''} did not finish within {expired.timeout:.0f}s"
        ) from None
    result = subprocess.CompletedProcess(argv, captured.returncode, captured.stdout,
                                         captured.stderr)  # fmt: skip
    if check and result.returncode != 0:
        raise engine_error(client, args, result.stderr.decode(errors="replace"))
    return result


def missing_image(client: EngineClient, ref: str) -> SourceUnavailableError:
    """The one wording for an image the engine does not have."""
    return SourceUnavailableError(f"the {client.name} engine has no image {ref}")


def engine_error(client: EngineClient, args: Sequence[str], stderr: str) -> TailorError:
    line = first_line(stderr)
    what = " ".join(args[:2])
    if any(phrase in stderr.lower() for phrase in _UNREACHABLE):
        return SourceUnavailableError(
            f"the {client.name} engine does not answer ({what}): {line}; "
            f"{dead_engine_fix(client.name)}"
        )
    return TailorError(f"{client.name} {what} failed: {line}")
