"""tailor smoke on real containers: an answer of 500 is reported as a 500 (with the logs), not
as silence; a cli image must exit 0; a worker must keep running."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from imagetailor.engine.client import select_client
from imagetailor.pipeline.smoke import smoke, smoke_process
from tests.conftest import docker
from tests.examples.conftest import run_offline_bases

pytestmark = pytest.mark.engine

SERVER = (
    "import http.server, os\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        print('broken handler for', self.path, flush=True)\n"
    "        own = self.path == '/' and 'ROOT_STATUS' in os.environ\n"
    "        status = os.environ['ROOT_STATUS'] if own else os.environ.get('STATUS', '500')\n"
    "        self.send_response(int(status)); self.end_headers()\n"
    "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()\n"
)


@pytest.fixture(scope="module")
def images(engine: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    python = run_offline_bases().image("python:3.11-slim-bookworm")
    folder = tmp_path_factory.mktemp("smoke")
    (folder / "server.py").write_text(SERVER)
    # One image per xdist worker (its label makes the ID differ): test_no_container_is_left
    # looks for containers by image, and the other worker's smokes must not count.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    made = {}
    for name, cmd in {
        "web": '["python3", "/server.py"]',
        "cli-ok": '["python3", "-c", "print(42)"]',
        "cli-fails": '["python3", "-c", "import sys; print(\'bad input\'); sys.exit(3)"]',
        "worker": '["python3", "-c", "import time; time.sleep(600)"]',
    }.items():
        (folder / "Dockerfile").write_text(
            f"FROM {python}\nLABEL dev.imagetailor.test-worker={worker}\nCOPY server.py /\n"
            f"CMD {cmd}\n"
        )
        tag = f"imagetailor-test/smoke-{name}-{worker}:1"
        docker("build", "--network", "host", "-q", "-t", tag, str(folder))
        made[name] = tag
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_500_is_an_answer_with_its_status_and_logs(images: dict[str, str]) -> None:
    result = smoke(select_client(announce=False), images["web"], free_port(), timeout=5)
    assert not result.ok
    assert result.last_status == 500
    assert result.reason.startswith("answered 500 on http://127.0.0.1:")
    assert "broken handler for /healthz" in result.as_json()["logs_tail"]


def test_a_200_is_ok(images: dict[str, str]) -> None:
    result = smoke(
        select_client(announce=False), images["web"], free_port(), env={"STATUS": "200"},
        requests=3,
    )  # fmt: skip
    assert result.ok and result.statuses == {200: 3} and result.as_json()["logs_tail"] == ""


def test_cli_images_must_exit_zero(images: dict[str, str]) -> None:
    client = select_client(announce=False)
    ok = smoke_process(client, images["cli-ok"], "cli", timeout=30)
    assert ok.ok and ok.exit_code == 0 and "42" in ok.logs
    failed = smoke_process(client, images["cli-fails"], "cli", timeout=30)
    assert not failed.ok and failed.exit_code == 3 and failed.reason == "exited 3"
    assert "bad input" in failed.as_json()["logs_tail"]


def test_workers_must_keep_running(images: dict[str, str]) -> None:
    client = select_client(announce=False)
    assert smoke_process(client, images["worker"], "worker", running=2).ok
    quits = smoke_process(client, images["cli-ok"], "worker", running=2)
    assert not quits.ok and "keeps running" in quits.reason


def test_a_health_route_over_failing_pages_warns_with_the_logs(images: dict[str, str]) -> None:
    result = smoke(
        select_client(announce=False), images["web"], free_port(),
        env={"STATUS": "200", "ROOT_STATUS": "500"}, requests=3,
    )  # fmt: skip
    assert result.statuses == {200: 3} and result.root_status == 500 and result.ok
    assert "/healthz answers but http://127.0.0.1:" in result.warnings[0]
    assert "broken handler for /\n" in result.as_json()["logs_tail"]


def test_no_container_is_left(images: dict[str, str], tmp_path: Path) -> None:
    client = select_client(announce=False)
    assert not smoke(client, images["web"], free_port(), timeout=5).ok  # fails, and cleans up
    assert smoke(client, images["web"], free_port(), env={"STATUS": "200"}, requests=1).ok
    left = docker("ps", "-aq", "--filter", "ancestor=" + images["web"]).stdout.strip()
    assert left == b""
