"""Each example's own test suite passes on this host, and the Go front end really builds."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.examples.conftest import require_tool, run_ok


def test_go_app_tests_pass_before_the_front_end_is_built(example_copy: Callable[[str], Path]):
    go = require_tool("go", "scripts/setup installs golang-go")
    app = example_copy("go-app")
    assert sorted(p.name for p in (app / "web" / "dist").iterdir()) == [".gitkeep"]
    run_ok([go, "vet", "./..."], app)
    out = run_ok([go, "test", "-count=1", "-v", "./..."], app)
    assert "--- PASS: TestFallbackPageWhenTheFrontEndIsNotBuilt" in out
    assert "FAIL" not in out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, seconds: float = 15) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_go_app_embeds_the_front_end_that_npm_builds(
    example_copy: Callable[[str], Path], tmp_path: Path
):
    go = require_tool("go", "scripts/setup installs golang-go")
    npm = require_tool("npm", "install Debian's npm")
    app = example_copy("go-app")
    web = app / "web"
    run_ok([npm, "ci", "--no-audit", "--no-fund"], web)
    run_ok([npm, "run", "build"], web)
    bundle = (web / "dist" / "app.js").read_text()
    # esbuild bundled health.js into main.js and minified it: one line, local names gone.
    assert "import " not in bundle and "describeHealth" not in bundle
    assert bundle.count("\n") <= 1 and '"/healthz"' in bundle
    run_ok([go, "test", "-count=1", "./..."], app)
    binary = tmp_path / "bin" / "go-app"
    run_ok([go, "build", "-o", str(binary), "."], app, env={**os.environ, "CGO_ENABLED": "0"})

    port = free_port()
    env = {**os.environ, "PORT": str(port), "GREETING": "Hello <embedded>"}
    server = subprocess.Popen([str(binary)], env=env, stderr=subprocess.DEVNULL)
    try:
        status, page = fetch(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert b'<h1 id="greeting">Hello &lt;embedded&gt;</h1>' in page
        assert b'<script src="/app.js">' in page
        assert fetch(f"http://127.0.0.1:{port}/app.js")[1] == bundle.encode()
        assert fetch(f"http://127.0.0.1:{port}/healthz") == (200, b'{"status":"ok"}\n')
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0  # SIGTERM shuts down cleanly


def test_python_app_tests_pass(example_copy: Callable[[str], Path], tmp_path: Path):
    uv = require_tool("uv", "scripts/setup installs uv")
    app = example_copy("python-app")
    venv = tmp_path / "venv"
    run_ok([uv, "venv", "--quiet", "--python", "3.11", str(venv)], app)
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    run_ok([uv, "pip", "install", "--quiet", "-r", "requirements.txt", "pytest"], app, env=env)
    out = run_ok(
        [str(venv / "bin" / "python"), "-m", "pytest", "-v", "-p", "no:cacheprovider"], app
    )
    assert "5 passed" in out


def test_node_app_tests_pass(example_copy: Callable[[str], Path]):
    npm = require_tool("npm", "install Debian's npm")
    app = example_copy("node-app")
    run_ok([npm, "ci", "--no-audit", "--no-fund"], app)
    out = run_ok([npm, "test"], app)
    assert "# pass 5" in out and "# fail 0" in out
