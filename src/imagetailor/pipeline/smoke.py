"""`tailor smoke`: run an image with its configuration injected through the environment and see
that it does its job, then always remove the container.

- web: wait until it answers on a loopback port (any answer counts as an answer: a 500 is
  reported as a 500, not as silence), send a bounded number of requests, report statuses and
  latency;
- cli: it must exit 0 within the timeout; its output is reported;
- worker: it must still be running after ``--running`` seconds.

On failure the result carries the container's last log lines."""

from __future__ import annotations

import contextlib
import math
import socket
import statistics
import time
from dataclasses import dataclass, field

import httpx

from imagetailor.engine.client import EngineClient
from imagetailor.engine.containers import exit_code, is_running, logs, remove, start_detached
from imagetailor.errors import TailorError, UsageError

LOOPBACK = "127.0.0.1"
MAX_REQUESTS = 1000
LOG_TAIL = 4000


@dataclass
class SmokeResult:
    reference: str
    url: str
    ok: bool
    ready_seconds: float | None
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    reason: str = ""
    logs: str = ""
    kind: str = "web"
    exit_code: int | None = None
    last_status: int | None = None
    root_status: int | None = None  # the answer on / when the probed path is another one
    warnings: list[str] = field(default_factory=list)

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        # Nearest rank: the smallest value with at least `fraction` of the values at or below it.
        index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
        return ordered[index]

    def as_json(self) -> dict[str, object]:
        p50, p95 = self.percentile(0.50), self.percentile(0.95)
        return {
            "reference": self.reference,
            "url": self.url,
            "ok": self.ok,
            "ready_seconds": None if self.ready_seconds is None else round(self.ready_seconds, 3),
            "requests": len(self.latencies_ms) + self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "latency_ms": {
                "p50": None if p50 is None else round(p50, 2),
                "p95": None if p95 is None else round(p95, 2),
                "mean": round(statistics.fmean(self.latencies_ms), 2)
                if self.latencies_ms
                else None,
            },
            "reason": self.reason,
            "kind": self.kind,
            "exit_code": self.exit_code,
            "last_status": self.last_status,
            "root_status": self.root_status,
            "warnings": self.warnings,
            "logs_tail": "" if self.ok and not self.warnings else self.logs[-LOG_TAIL:],
        }


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def parse_env(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name or not name.replace("_", "a").isalnum() or name[0].isdigit():
            raise UsageError(f"--env {pair!r}: use NAME=VALUE")
        env[name] = value
    return env


def smoke(
    client: EngineClient,
    reference: str,
    port: int,
    *,
    path: str = "/healthz",
    env: dict[str, str] | None = None,
    requests: int = 20,
    timeout: float = 30.0,
) -> SmokeResult:
    """Run ``reference`` with --network host and PORT=port, probe http://127.0.0.1:port/path."""
    check_probe(port, path, requests)
    url = f"http://{LOOPBACK}:{port}{path}"
    environment = {**(env or {}), "PORT": str(port)}
    started = time.monotonic()
    container = start_detached(
        reference, network="host", env=environment, timeout=60, client=client
    )
    result = SmokeResult(reference, url, ok=False, ready_seconds=None)
    try:
        probe(client, result, [container], started, requests=requests, timeout=timeout)
    finally:
        result.logs = logs(container, tail=20, client=client)[-4000:]
        # The result (or the error that got us here) matters more than a failed clean-up.
        with contextlib.suppress(TailorError):
            remove(container, client=client)
    return result


def check_probe(port: int, path: str, requests: int) -> None:
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: use a TCP port number 1-65535")
    if not 1 <= requests <= MAX_REQUESTS:
        raise UsageError(f"--requests {requests}: use 1-{MAX_REQUESTS}")
    if not path.startswith("/"):
        raise UsageError(f"--path {path!r}: must start with /")
    if not port_is_free(port):
        raise UsageError(f"port {port} on {LOOPBACK} is in use: pick a free one with --port")


def probe(
    client: EngineClient,
    result: SmokeResult,
    containers: list[str],
    started: float,
    *,
    requests: int,
    timeout: float,
) -> None:
    """Wait for an answer on result.url while every container runs, then send ``requests``."""
    url = result.url
    # trust_env=False: a proxy from the environment must never see loopback probes.
    with httpx.Client(trust_env=False, timeout=5.0) as http:
        deadline = started + timeout
        while time.monotonic() < deadline:
            try:
                result.last_status = http.get(url).status_code
                if result.last_status < 500:
                    result.ready_seconds = time.monotonic() - started
                    break
            except httpx.TransportError:
                pass
            if not all(is_running(c, client=client) for c in containers):
                result.reason = "the container exited before it answered"
                return
            time.sleep(0.2)
        else:
            if result.last_status is not None:
                result.reason = f"answered {result.last_status} on {url} for {timeout:.0f}s"
            else:
                result.reason = f"no answer on {url} within {timeout:.0f}s"
        if result.ready_seconds is None:
            return
        for _ in range(requests):
            began = time.perf_counter()
            try:
                response = http.get(url)
            except httpx.TransportError:
                result.errors += 1
                continue
            result.latencies_ms.append((time.perf_counter() - began) * 1000)
            code = response.status_code
            result.statuses[code] = result.statuses.get(code, 0) + 1
        bad = sum(n for code, n in result.statuses.items() if code >= 400)
        result.ok = result.errors == 0 and bad == 0
        if not result.ok:
            result.reason = f"{bad + result.errors} of {requests} requests failed"
            return
        check_root(http, result)


def check_root(http: httpx.Client, result: SmokeResult) -> None:
    """Ask the app's root once when the probed path is another one. A health route can answer
    while every page fails: Django's manifest storage without collected static files (/healthz
    200, every page 500) is a broken image, but so looks an app whose pages need a database or
    a migration this run did not provide (Procfile release:), which is a working image. So a
    5xx there is a warning with the status, not a failure; no answer at all (the process died
    on the request) fails. A 404 (an API with no root route), a redirect or a 401 is an app
    at work."""
    probed = httpx.URL(result.url)
    if probed.path == "/":
        return
    root = probed.copy_with(path="/", query=None)
    try:
        result.root_status = http.get(root).status_code  # redirects are not followed
    except httpx.TransportError as error:
        result.ok = False
        result.reason = f"{probed.path} answers but {root} does not ({type(error).__name__})"
        return
    if result.root_status >= 500:
        result.warnings.append(
            f"{probed.path} answers but {root} answered {result.root_status}: the pages fail "
            "here (a database or migration this run did not provide? the logs say why)"
        )


def smoke_process(
    client: EngineClient,
    reference: str,
    kind: str,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
    running: float = 5.0,
) -> SmokeResult:
    """A cli image must exit 0 within ``timeout``; a worker must still run after ``running``
    seconds. No network: neither is probed from outside."""
    if kind not in ("cli", "worker"):
        raise UsageError(f"--kind {kind!r}: use web, cli or worker")
    started = time.monotonic()
    container = start_detached(reference, network="none", env=env or {}, timeout=60, client=client)
    result = SmokeResult(reference, "", ok=False, ready_seconds=None, kind=kind)
    try:
        wait = timeout if kind == "cli" else running
        while time.monotonic() - started < wait and is_running(container, client=client):
            time.sleep(0.2)
        alive = is_running(container, client=client)
        if kind == "worker":
            result.ok = alive
            result.ready_seconds = time.monotonic() - started if alive else None
            result.reason = "" if alive else "the container exited; a worker keeps running"
        elif alive:
            result.reason = f"still running after {timeout:.0f}s; a cli image runs and exits"
        else:
            result.exit_code = exit_code(container, client=client)
            result.ok = result.exit_code == 0
            result.ready_seconds = time.monotonic() - started
            result.reason = "" if result.ok else f"exited {result.exit_code}"
    finally:
        result.logs = logs(container, tail=40, client=client)[-LOG_TAIL:]
        with contextlib.suppress(TailorError):
            remove(container, client=client)
    return result
