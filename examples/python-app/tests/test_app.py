from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from python_app.app import create_app


class SilentHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[object]:
    servers = []

    def start(greeting: str) -> str:
        server = make_server("127.0.0.1", 0, create_app(greeting), handler_class=SilentHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_healthz_is_json_ok(serve) -> None:
    status, content_type, body = get(serve("hi") + "/healthz")
    assert status == 200
    assert content_type.startswith("application/json")
    assert json.loads(body) == {"status": "ok"}


def test_root_shows_the_greeting_escaped(serve) -> None:
    status, content_type, body = get(serve("Hi <b>there</b> & welcome") + "/")
    assert status == 200
    assert content_type.startswith("text/html")
    assert "<h1>Hi &lt;b&gt;there&lt;/b&gt; &amp; welcome</h1>" in body


def test_unknown_path_is_404(serve) -> None:
    assert get(serve("hi") + "/nope")[0] == 404


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_entry_command_reads_port_and_greeting_from_environment() -> None:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "GREETING": "from the environment"}
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "-m", "python_app"], cwd=root, env=env)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                status, _, body = get(f"http://127.0.0.1:{port}/")
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert status == 200
        assert "<h1>from the environment</h1>" in body
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0  # SIGTERM is a clean exit


def test_bad_port_is_refused() -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PORT": "http"}
    result = subprocess.run(
        [sys.executable, "-m", "python_app"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "PORT must be a TCP port number" in result.stderr
