"""`tailor smoke`: run an image with its configuration injected through the environment, wait
until it answers on a loopback port, send a bounded number of requests, report status and
latency, and always remove the container."""

from __future__ import annotations

import contextlib
import math
import socket
import statistics
import time
from dataclasses import dataclass, field

import httpx

from imagetailor.engine.client import EngineClient
from imagetailor.engine.containers import is_running, logs, remove, start_detached
from imagetailor.errors import TailorError, UsageError

LOOPBACK = "127.0.0.1"
MAX_REQUESTS = 1000


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
        }


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
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: use a TCP port number 1-65535")
    if not 1 <= requests <= MAX_REQUESTS:
        raise UsageError(f"--requests {requests}: use 1-{MAX_REQUESTS}")
    if not path.startswith("/"):
        raise UsageError(f"--path {path!r}: must start with /")
    if not port_is_free(port):
        raise UsageError(f"port {port} on {LOOPBACK} is in use: pick a free one with --port")
    url = f"http://{LOOPBACK}:{port}{path}"
    environment = {**(env or {}), "PORT": str(port)}
    started = time.monotonic()
    container = start_detached(
        reference, network="host", env=environment, timeout=60, client=client
    )
    result = SmokeResult(reference, url, ok=False, ready_seconds=None)
    try:
        # trust_env=False: a proxy from the environment must never see loopback probes.
        with httpx.Client(trust_env=False, timeout=5.0) as http:
            deadline = started + timeout
            while time.monotonic() < deadline:
                try:
                    if http.get(url).status_code < 500:
                        result.ready_seconds = time.monotonic() - started
                        break
                except httpx.TransportError:
                    pass
                if not is_running(container, client=client):
                    result.reason = "the container exited before it answered"
                    break
                time.sleep(0.2)
            else:
                result.reason = f"no answer on {url} within {timeout:.0f}s"
            if result.ready_seconds is not None:
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
    finally:
        result.logs = logs(container, tail=20, client=client)[-4000:]
        # The result (or the error that got us here) matters more than a failed clean-up.
        with contextlib.suppress(TailorError):
            remove(container, client=client)
    return result
