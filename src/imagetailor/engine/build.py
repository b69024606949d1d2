"""Building one Dockerfile target with the chosen client, keeping BuildKit's step log."""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from imagetailor.engine.client import EngineClient
from imagetailor.engine.process import default_client, first_line
from imagetailor.engine.progress import BuildStep, parse_plain_progress
from imagetailor.errors import SourceUnavailableError, TailorError, UsageError

# Builds here may only use the host's network or none (no bridge on these machines, and no
# other network is wanted in a build).
NETWORKS = ("host", "none")
# A build log beyond this many lines or bytes keeps only its tail: enough for steps and the
# error. A line is read at most MAX_LINE_CHARS at a time: a client printing one endless line
# is held in pieces, and only the tail's pieces are kept.
MAX_LOG_LINES = 200_000
MAX_LOG_CHARS = 32 * 1024 * 1024
MAX_LINE_CHARS = 64 * 1024


class BuildFailedError(TailorError):
    """The engine ran the build and it failed; ``log_text`` holds the engine's output."""

    def __init__(self, message: str, log_text: str) -> None:
        super().__init__(message)
        self.log_text = log_text


@dataclass
class BuildResult:
    image_id: str
    seconds: float
    log_text: str
    steps: list[BuildStep] = field(default_factory=list)

    def executed_steps(self, stage: str | None = None) -> list[BuildStep]:
        """Instructions that did work in this build (cache misses), optionally of one stage."""
        return [s for s in self.steps if s.executed and (stage is None or s.stage == stage)]

    def cached_steps(self, stage: str | None = None) -> list[BuildStep]:
        """Instructions whose result came from the cache, optionally of one stage."""
        return [s for s in self.steps if s.reused and (stage is None or s.stage == stage)]


def build_argv(
    client: EngineClient,
    context: Path,
    dockerfile: Path,
    *,
    target: str | None,
    tags: Sequence[str],
    labels: Mapping[str, str],
    build_args: Mapping[str, str],
    network: str,
    iidfile: Path,
    no_cache: bool = False,
) -> list[str]:
    """The full command line for one build (pure: no probing, no running)."""
    if network not in NETWORKS:
        raise UsageError(f"build network {network!r} is not allowed here; fix: use host or none")
    argv = client.build_prefix()
    argv += ["--file", str(dockerfile), "--network", network, "--iidfile", str(iidfile)]
    if target:
        argv += ["--target", target]
    for tag in tags:
        argv += ["--tag", tag]
    for key, value in sorted(labels.items()):
        argv += ["--label", f"{key}={value}"]
    for key, value in sorted(build_args.items()):
        argv += ["--build-arg", f"{key}={value}"]
    if no_cache:
        argv.append("--no-cache")
    argv.append(str(context))
    return argv


def build(
    context: Path,
    dockerfile: Path,
    target: str | None = None,
    tags: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    build_args: Mapping[str, str] | None = None,
    network: str = "host",
    *,
    client: EngineClient | None = None,
    no_cache: bool = False,
    on_line: Callable[[str], None] | None = None,
    timeout: float | None = None,
) -> BuildResult:
    """Build ``target`` of ``dockerfile`` and return its image id, wall time and step log.

    ``on_line`` receives each line of the engine's output as it arrives (live progress).
    """
    client = default_client(client)
    if not context.is_dir():
        raise UsageError(f"build context {context} is not a directory")
    if not dockerfile.is_file():
        raise UsageError(f"Dockerfile {dockerfile} does not exist")
    with tempfile.TemporaryDirectory(prefix="tailor-build-") as scratch:
        iidfile = Path(scratch) / "iid"
        argv = build_argv(
            client,
            context,
            dockerfile,
            target=target,
            tags=tags,
            labels=labels or {},
            build_args=build_args or {},
            network=network,
            iidfile=iidfile,
            no_cache=no_cache,
        )
        started = time.monotonic()
        code, log_text = stream_log(client, argv, on_line, timeout)
        seconds = time.monotonic() - started
        what = f"target {target}" if target else str(dockerfile)
        if code != 0:
            raise BuildFailedError(f"build of {what} failed: {_failure(log_text)}", log_text)
        image_id = iidfile.read_text().strip() if iidfile.exists() else ""
    if not image_id:
        raise TailorError(f"build of {what} succeeded but the engine reported no image id")
    return BuildResult(image_id, seconds, log_text, parse_plain_progress(log_text))


def stream_log(
    client: EngineClient,
    argv: list[str],
    on_line: Callable[[str], None] | None,
    timeout: float | None,
    cwd: Path | None = None,
) -> tuple[int, str]:
    """Run a build command, handing each output line to ``on_line``; (exit code, log tail)."""
    lines: deque[str] = deque()
    try:
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=client.process_env(),
            text=True,
            errors="replace",
            cwd=cwd,
        )
    except FileNotFoundError:
        raise SourceUnavailableError(
            f"the engine client {client.binary} is not installed"
        ) from None
    # A watchdog, not a check between lines: a build can be silent for a long time.
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        process.kill()

    timer = threading.Timer(timeout, stop) if timeout is not None else None
    if timer is not None:
        timer.start()
    assert process.stdout is not None
    try:
        with process:
            kept = 0
            while line := process.stdout.readline(MAX_LINE_CHARS):
                lines.append(line)
                kept += len(line)
                while kept > MAX_LOG_CHARS or len(lines) > MAX_LOG_LINES:
                    kept -= len(lines.popleft())
                if on_line is not None:
                    on_line(line.rstrip("\n"))
            code = process.wait()
    finally:
        if timer is not None:
            timer.cancel()
    if fired.is_set():
        raise TailorError(f"build did not finish within {timeout:.0f}s and was stopped")
    return code, "".join(lines)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def failed_step_output(log_text: str, lines: int = 15) -> list[str]:
    """The last lines the failing step printed (BuildKit's plain `#N 0.72 text` lines), control
    characters removed: the tool's own error (cargo's "requires the features") is in them."""
    failed = [s for s in parse_plain_progress(log_text) if s.error and s.error != "canceled"]
    if not failed:
        return []
    prefix = f"#{failed[-1].number} "
    out = []
    for line in log_text.splitlines():
        if line.startswith(prefix):
            rest = line[len(prefix) :]
            head, _, text = rest.partition(" ")
            if head.replace(".", "", 1).isdigit():
                out.append(_CONTROL.sub("", text)[:300])
    return out[-lines:]


def _failure(log_text: str) -> str:
    """One line that says why: the failing step's error, else the engine's last error line."""
    failed = [s for s in parse_plain_progress(log_text) if s.error and s.error != "canceled"]
    if failed:
        step = failed[-1]
        return f"{step.name}: {step.error}" if step.is_instruction else step.error or step.name
    return first_line(log_text)
