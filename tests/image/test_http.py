"""Registries and engines that misbehave on the wire, for real, on loopback or a unix socket:
trickling one byte a second, answering without end, failing once, resetting the connection.
Every case ends by the deadline with one line, or succeeds after a retry that stderr reports."""

from __future__ import annotations

import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from imagetailor.errors import BadImageError, SourceUnavailableError, TailorError
from imagetailor.image import http, open_image
from tests.deadline import within
from tests.image.test_registry_http import publish, small_image
from tests.imagefactory import OCI_MANIFEST

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that give up mid-answer are what these tests cause."""


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _handler(handle: Handler) -> type[BaseHTTPRequestHandler]:
    class Serve(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def address_string(self) -> str:
            return "local"

        def do_GET(self) -> None:
            handle(self)

    return Serve


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], str]]:
    """Start a server on 127.0.0.1 whose GETs ``handle`` answers; returns 'HOST:PORT'."""
    servers: list[socketserver.BaseServer] = []

    def start(handle: Handler) -> str:
        server = _Quiet(("127.0.0.1", 0), _handler(handle))
        servers.append(server)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return f"127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Handler], str]]:
    """A fake Docker engine on a unix socket in tmp_path; DOCKER_HOST points at it."""
    servers: list[socketserver.BaseServer] = []

    def start(handle: Handler) -> str:
        path = tmp_path / "docker.sock"
        server = _UnixServer(str(path), _handler(handle))
        servers.append(server)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
        return str(path)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def trickle(request: BaseHTTPRequestHandler, data: bytes, every: float = 0.2) -> None:
    for byte in data:
        request.wfile.write(bytes([byte]))
        request.wfile.flush()
        time.sleep(every)


def endless(request: BaseHTTPRequestHandler, status: int = 200, json_start: bytes = b"") -> None:
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.end_headers()
    request.wfile.write(json_start)
    block = b" " * 65536
    try:
        for _ in range(100_000):  # 6.5 GB at most: the client must stop long before
            request.wfile.write(block)
    except OSError:
        pass


def one_line(error: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(error.value)
    assert "\n" not in message and len(message) < 300, message
    return message


# --- the deadline -------------------------------------------------------------------------


def test_registry_trickling_the_body_ends_at_the_deadline(serve: Callable[[Handler], str]) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", OCI_MANIFEST)
        request.send_header("Content-Length", "1000")
        request.end_headers()
        trickle(request, b"{" + b" " * 999)

    address = serve(handle)
    started = time.monotonic()
    with within(20), pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/img:1", timeout=5, deadline=2)
    elapsed = time.monotonic() - started
    assert 1.9 < elapsed < 4, elapsed  # each byte came within the 5 s read timeout
    assert "did not finish within the 2s deadline (set TAILOR_DEADLINE" in one_line(caught)


def test_registry_trickling_the_status_line_ends_at_the_deadline(
    serve: Callable[[Handler], str],
) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        trickle(request, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000)

    address = serve(handle)
    started = time.monotonic()
    with within(20), pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/img:1", timeout=5, deadline=1.5)
    assert time.monotonic() - started < 3.5
    assert "1.5s deadline" in one_line(caught)


def test_layer_blob_trickling_ends_at_the_deadline() -> None:
    from tests.image.helpers import layer_names
    from tests.image.test_registry_http import Behaviour, FakeRegistry, QuietServer

    behaviour = Behaviour()
    built = small_image("z" * 5000)
    publish(behaviour, "img", "1", built)
    layer = built.layers[0]

    class Slow(FakeRegistry):
        def do_GET(self) -> None:
            if self.path.endswith(layer.digest):
                self.send_response(200)
                self.send_header("Content-Length", str(len(layer.blob)))
                self.end_headers()
                trickle(self, layer.blob, 0.05)
                return
            super().do_GET()

    server = QuietServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    address = f"127.0.0.1:{server.server_address[1]}"
    Slow.behaviour, Slow.address = behaviour, address
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        # The manifest and the config come at once; the layer is read only by layer_names.
        with within(20), open_image(f"docker://{address}/img:1", timeout=5, deadline=1) as image:
            started = time.monotonic()
            with pytest.raises(SourceUnavailableError) as caught:
                layer_names(image.layers[0])
        assert time.monotonic() - started < 3
        assert "1s deadline" in one_line(caught)
    finally:
        server.shutdown()
        server.server_close()


def test_deadline_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    from imagetailor.deadline import DEFAULT_DEADLINE_SECONDS, configured_deadline
    from imagetailor.errors import UsageError

    monkeypatch.delenv("TAILOR_DEADLINE", raising=False)
    assert configured_deadline() == DEFAULT_DEADLINE_SECONDS == 600
    monkeypatch.setenv("TAILOR_DEADLINE", "2.5")
    assert configured_deadline() == 2.5
    for bad in ("0", "-1", "nan", "inf", "soon"):
        monkeypatch.setenv("TAILOR_DEADLINE", bad)
        with pytest.raises(UsageError, match="is not a positive number of seconds"):
            configured_deadline()


# --- bounded bodies -----------------------------------------------------------------------


def test_registry_endless_manifest_is_cut_at_the_bound(serve: Callable[[Handler], str]) -> None:
    address = serve(lambda request: endless(request, 200, b"{"))
    with within(30), pytest.raises(BadImageError) as caught:
        open_image(f"docker://{address}/img:1")
    assert "is larger than 4,194,304 bytes" in one_line(caught)


def test_endless_token_answer_is_cut_at_the_bound(serve: Callable[[Handler], str]) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.path.startswith("/token"):
            endless(request, 200, b'{"token": "')
            return
        address = request.headers["Host"]
        request.send_response(401)
        request.send_header("WWW-Authenticate", f'Bearer realm="http://{address}/token"')
        request.send_header("Content-Length", "0")
        request.end_headers()

    address = serve(handle)
    with within(30), pytest.raises(BadImageError) as caught:
        open_image(f"docker://{address}/img:1")
    assert "token from" in one_line(caught)


@pytest.mark.parametrize("realm", ["::::x", "http://", "ftp://x/token", "http://example.com/t"])
def test_token_realm_that_is_not_a_usable_url(realm: str, serve: Callable[[Handler], str]) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(401)
        request.send_header("WWW-Authenticate", f'Bearer realm="{realm}"')
        request.send_header("Content-Length", "0")
        request.end_headers()

    address = serve(handle)
    with within(10), pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/img:1")
    assert "token realm" in one_line(caught)


@pytest.mark.parametrize("where", ["record", "error", "archive"])
def test_engine_answering_without_end(where: str, engine: Callable[[Handler], str]) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.path.endswith("/json"):
            if where == "record":
                endless(request, 200, b'{"Size": 1')
            elif where == "error":
                endless(request, 500, b'{"message": "')
            else:
                body = json.dumps({"Size": 1000}).encode()
                request.send_response(200)
                request.send_header("Content-Length", str(len(body)))
                request.end_headers()
                request.wfile.write(body)
            return
        endless(request, 200)

    engine(handle)
    with within(30), pytest.raises(TailorError) as caught:
        open_image("docker-daemon:busybox:1")
    message = one_line(caught)
    expected = {
        "record": "is larger than 4,194,304 bytes",
        "error": "answered 500 for image busybox:1: (an unreadable or oversized answer)",
        "archive": "exceeds the expected",
    }[where]
    assert expected in message


def test_engine_trickling_the_archive_ends_at_the_deadline(
    engine: Callable[[Handler], str],
) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.path.endswith("/json"):
            body = b'{"Size": 100000}'
            request.send_response(200)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
            return
        request.send_response(200)
        request.end_headers()
        trickle(request, b"x" * 1000)

    engine(handle)
    started = time.monotonic()
    with within(20), pytest.raises(SourceUnavailableError) as caught:
        open_image("docker-daemon:busybox:1", deadline=1.5)
    assert time.monotonic() - started < 4
    assert "the archive of busybox:1 from the Docker engine" in one_line(caught)
    assert "1.5s deadline" in str(caught.value)


def test_sigterm_while_spooling_from_the_engine_leaves_no_temp_files(
    tmp_path: Path, engine: Callable[[Handler], str]
) -> None:
    started = threading.Event()

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.path.endswith("/json"):
            body = b'{"Size": 100000000}'
            request.send_response(200)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
            return
        request.send_response(200)
        request.end_headers()
        request.wfile.write(b"x" * 100_000)
        request.wfile.flush()
        started.set()
        trickle(request, b"x" * 100, 0.2)

    engine(handle)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "imagetailor.cli.main", "inspect", "docker-daemon:busybox:1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert started.wait(30), "tailor never asked for the archive"
        deadline = time.monotonic() + 10
        while not any(scratch.rglob("image.tar")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(scratch.rglob("image.tar")), "the spool was never written"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 143, stderr
    assert stderr.strip() == "tailor: terminated"
    assert list(scratch.iterdir()) == []


# --- retries ------------------------------------------------------------------------------


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "RETRY_BASE_SECONDS", 0.05)


def _flaky_registry(failures: list[str]) -> tuple[type[BaseHTTPRequestHandler], object]:
    """The fake registry of test_registry_http, failing each request in ``failures`` order
    first ("503", "429:N" with Retry-After N, "reset"), then answering normally."""
    from tests.image.test_registry_http import Behaviour, FakeRegistry

    behaviour = Behaviour()

    class Flaky(FakeRegistry):
        def do_GET(self) -> None:
            if failures:
                failure = failures.pop(0)
                if failure == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.close_connection = True
                    return
                status, _, after = failure.partition(":")
                headers = {"Retry-After": after} if after else {}
                self._send(int(status), b'{"errors": []}', headers)
                return
            super().do_GET()

    Flaky.behaviour = behaviour
    return Flaky, behaviour


def _run_registry(handler: type[BaseHTTPRequestHandler]) -> tuple[str, ThreadingHTTPServer]:
    from tests.image.test_registry_http import QuietServer

    server = QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    address = f"127.0.0.1:{server.server_address[1]}"
    handler.address = address  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return address, server


@pytest.mark.parametrize(
    ("failures", "said"),
    [
        (["503"], "answered 503 Service Unavailable; retrying in"),
        (["502", "500", "504"], "(attempt 4 of 4)"),
        (["429:1"], "answered 429 Too Many Requests; retrying in 1.0s (attempt 2 of 4)"),
        (["reset"], "retrying in"),
    ],
)
def test_transient_failures_are_retried_and_said(
    failures: list[str], said: str, quick_retries: None, capsys: pytest.CaptureFixture[str]
) -> None:
    handler, behaviour = _flaky_registry(list(failures))
    built = small_image()
    publish(behaviour, "img", "1", built)  # type: ignore[arg-type]
    address, server = _run_registry(handler)
    try:
        with within(30), open_image(f"docker://{address}/img:1") as image:
            assert image.config_digest == built.config_digest
    finally:
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    assert said in err
    assert err.count("retrying in") == len(failures)
    assert all(line.startswith(f"tailor: registry {address}: GET ") for line in err.splitlines())


def test_retries_are_bounded(quick_retries: None, capsys: pytest.CaptureFixture[str]) -> None:
    handler, _ = _flaky_registry(["503"] * 10)
    address, server = _run_registry(handler)
    try:
        with within(30), pytest.raises(SourceUnavailableError) as caught:
            open_image(f"docker://{address}/img:1")
    finally:
        server.shutdown()
        server.server_close()
    assert "answered 503 Service Unavailable for GET" in one_line(caught)
    assert capsys.readouterr().err.count("retrying in") == 3


def test_retry_after_beyond_the_deadline_fails_at_once(quick_retries: None) -> None:
    handler, _ = _flaky_registry(["429:3600"])
    address, server = _run_registry(handler)
    started = time.monotonic()
    try:
        with within(30), pytest.raises(SourceUnavailableError) as caught:
            open_image(f"docker://{address}/img:1", deadline=60)
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 2
    assert "asks to retry after 3600s, past the 60s deadline" in one_line(caught)


def test_a_404_is_not_retried(quick_retries: None, capsys: pytest.CaptureFixture[str]) -> None:
    handler, _ = _flaky_registry([])
    address, server = _run_registry(handler)
    try:
        with pytest.raises(SourceUnavailableError):
            open_image(f"docker://{address}/missing:1")
    finally:
        server.shutdown()
        server.server_close()
    assert "retrying" not in capsys.readouterr().err


def test_retry_after_as_an_http_date() -> None:
    import email.utils

    import httpx

    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": when})
    wait = http.retry_after(response)
    assert wait is not None and 28 < wait <= 30
    assert http.retry_after(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert http.retry_after(httpx.Response(503)) is None
