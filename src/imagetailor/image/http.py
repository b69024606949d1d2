"""HTTP to servers we do not trust (registries, the engine's API): deadlines, bounds, retries.

- Every socket read and write waits at most the per-read timeout *and* at most what is left of
  the current operation's ``Deadline``: a server trickling one byte a second (headers or body)
  is cut off at the deadline, not after hours. This sits in httpcore's network backend, the one
  place every byte passes, so no request or body read can escape it.
- Bodies read whole are read with a bound (``read_bounded``): an endless answer is refused.
- Idempotent requests are retried (``send_with_retries``) on 429, 5xx and dropped connections,
  with jittered exponential back-off inside the deadline, and each retry is said on stderr.
"""

from __future__ import annotations

import email.utils
import os
import random
import ssl
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import httpcore
import httpx

from imagetailor.deadline import Deadline
from imagetailor.errors import BadImageError, SourceUnavailableError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Dropped or reset connections; a timeout is not retried (it has already cost its wait).
RETRY_ERRORS = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 0.5
RETRY_MAX_SECONDS = 8.0
Notice = Callable[[str], None]


def say(text: str) -> None:
    print(f"tailor: {text}", file=sys.stderr, flush=True)


class Operation:
    """The deadline of the operation a client is busy with; the network layer reads it."""

    def __init__(self) -> None:
        self.deadline: Deadline | None = None

    def bound(self, timeout: float | None) -> float | None:
        deadline = self.deadline
        if deadline is None:
            return timeout
        if deadline.expired():
            raise httpcore.ReadTimeout("the operation's deadline has passed")
        return deadline.bound(timeout)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, operation: Operation) -> None:
        self._stream = stream
        self._operation = operation

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._operation.bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._operation.bound(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:  # fmt: skip
        if ssl_context is DEFERRED_TLS:  # the first TLS connection makes the real one
            ssl_context = default_tls()
        tls = self._stream.start_tls(ssl_context, server_hostname, self._operation.bound(timeout))
        return _Stream(tls, self._operation)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend, operation: Operation) -> None:
        self._backend = backend
        self._operation = operation

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:  # fmt: skip
        stream = self._backend.connect_tcp(
            host, port, self._operation.bound(timeout), local_address, socket_options
        )
        return _Stream(stream, self._operation)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:  # fmt: skip
        stream = self._backend.connect_unix_socket(
            path, self._operation.bound(timeout), socket_options
        )
        return _Stream(stream, self._operation)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


_TLS_CONTEXTS: dict[tuple[str, str], ssl.SSLContext] = {}
# What a client is built with in place of the verifying context, which costs 45 ms to make and
# which a plain-HTTP registry (loopback) never needs: every TLS handshake goes through
# ``_Stream.start_tls``, which swaps this for ``default_tls()``. Used as it is, it would trust
# no certificate at all (no CA loaded, hostnames checked): a mistake fails closed.
DEFERRED_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
_TLS_LOCK = threading.Lock()


def default_tls() -> ssl.SSLContext:
    """httpx's default verifying context, made once per CA setting and shared: making one loads
    the whole CA bundle (50 ms of CPU here), which was most of the cost of opening a registry
    image when an audit opens hundreds. A context is safe to share between connections."""
    key = (os.environ.get("SSL_CERT_FILE", ""), os.environ.get("SSL_CERT_DIR", ""))
    with _TLS_LOCK:
        if key not in _TLS_CONTEXTS:
            context = httpx.create_ssl_context()
            # What httpcore sets on the context it is given (here it is given DEFERRED_TLS).
            context.set_alpn_protocols(["http/1.1"])
            _TLS_CONTEXTS[key] = context
        return _TLS_CONTEXTS[key]


def guarded_client(
    operation: Operation,
    timeout: float,
    *,
    uds: str | None = None,
    proxy_for: str = "",
    verify: ssl.SSLContext | bool = True,
    **options: Any,
) -> httpx.Client:
    """An httpx client whose every socket wait is bounded by ``operation``'s deadline;
    ``proxy_for`` is the base URL whose proxy (from the environment) it goes through;
    ``verify`` the TLS context (a transport of ours is not given the client's)."""
    proxy = None if uds else _environment_proxy(proxy_for)
    tls = DEFERRED_TLS if verify is True else verify
    transport = httpx.HTTPTransport(uds=uds, proxy=proxy, verify=tls)
    # httpx builds the httpcore pool itself and offers no way to hand it a network backend;
    # the pool keeps it in one attribute, wrapped here (tests prove the trickle is cut off).
    pool: Any = transport._pool
    pool._network_backend = _Backend(pool._network_backend, operation)
    return httpx.Client(transport=transport, timeout=httpx.Timeout(timeout), **options)


_PROXIES: dict[tuple[str, tuple[str | None, ...]], str | None] = {}


def _environment_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url`` (HTTPS_PROXY, NO_PROXY...), as httpx's own
    default transport would use: a transport of ours is not given them by httpx. Kept per URL
    and the variables that decide it: urllib walks (and decodes) the whole environment twice
    per call, a millisecond that an audit paid once per image."""
    scheme, _, rest = url.partition("://")
    names = (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "no_proxy", "NO_PROXY",
             "REQUEST_METHOD")  # fmt: skip
    key = (url, tuple(os.environ.get(name) for name in names))
    if key not in _PROXIES:
        host = rest.split("/", 1)[0]
        found = None
        if host and not urllib.request.proxy_bypass(host):
            found = urllib.request.getproxies_environment().get(scheme)
        _PROXIES[key] = found
    return _PROXIES[key]


def read_bounded(response: httpx.Response, limit: int, what: str) -> bytes:
    """A response body read whole, refused once it passes ``limit`` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadImageError(f"{what} is larger than {limit:,} bytes")
    data = bytearray()
    for chunk in response.iter_raw():
        data += chunk
        if len(data) > limit:
            raise BadImageError(f"{what} is larger than {limit:,} bytes")
    return bytes(data)


def iter_body(response: httpx.Response) -> Iterator[bytes]:
    """The body as the network hands it over (never buffered up to a chunk size: a trickle
    must reach the deadline checks, not wait in a buffer)."""
    return response.iter_raw()


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a 429/503's Retry-After asks for (a number or an HTTP date), if it says."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def send_with_retries(
    send: Callable[[], httpx.Response],
    deadline: Deadline,
    describe: str,
    notice: Notice = say,
) -> httpx.Response:
    """``send()`` (an idempotent request), again after a transient failure while attempts and
    the deadline allow; the last answer or error is the caller's to judge."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        last = attempt == MAX_ATTEMPTS
        try:
            response = send()
        except RETRY_ERRORS as error:
            if last:
                raise
            reason = " ".join(str(error).split())[:80] or type(error).__name__
            wait = _backoff(attempt)
        else:
            if response.status_code not in RETRY_STATUSES or last:
                return response
            asked = retry_after(response)
            status = f"{response.status_code} {response.reason_phrase}".strip()
            response.close()
            if asked is not None and asked > deadline.remaining():
                raise SourceUnavailableError(
                    f"{describe}: answered {status} and asks to retry after {asked:g}s, "
                    f"past the {deadline.seconds:g}s deadline"
                )
            reason, wait = f"answered {status}", asked if asked is not None else _backoff(attempt)
        if wait >= deadline.remaining():
            raise deadline.error(describe)
        notice(f"{describe}: {reason}; retrying in {wait:.1f}s (attempt {attempt + 1} of "
               f"{MAX_ATTEMPTS})")  # fmt: skip
        time.sleep(wait)
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _backoff(attempt: int) -> float:
    # Full jitter around an exponential step: clients that failed together retry apart.
    step = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * float(2 ** (attempt - 1)))
    return step * random.uniform(0.5, 1.5)
