"""Images and containers in the real engine: exists, inspect, save, run, detached, remove."""

from __future__ import annotations

import json
import socket
import tarfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from imagetailor import engine as eng
from imagetailor.errors import SourceUnavailableError, UsageError

MISSING = "imagetailor-test/never-built:0"


def test_image_exists_and_inspect(busybox_image: str):
    assert eng.image_exists(busybox_image)
    assert not eng.image_exists(MISSING)
    record = eng.inspect_image(busybox_image)
    assert busybox_image in record["RepoTags"]
    with pytest.raises(SourceUnavailableError, match=f"no image {MISSING}"):
        eng.inspect_image(MISSING)


def test_save_writes_a_docker_archive_and_never_overwrites(busybox_image: str, tmp_path: Path):
    dest = tmp_path / "busybox.tar"
    assert eng.save(busybox_image, dest) == dest
    with tarfile.open(dest) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest[0]["RepoTags"] == [busybox_image]
    before = dest.read_bytes()
    with pytest.raises(UsageError, match="already exists"):
        eng.save(busybox_image, dest)
    assert dest.read_bytes() == before
    with pytest.raises(SourceUnavailableError, match="no image"):
        eng.save(MISSING, tmp_path / "missing.tar")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busybox.tar"]  # no partial file left


def test_run_passes_environment_and_returns_the_exit_code(busybox_image: str):
    result = eng.run(busybox_image, ["sh", "-c", 'echo "$GREETING"; echo oops >&2; exit 7'],
                     env={"GREETING": "hello world"})  # fmt: skip
    assert (result.exit_code, result.stdout, result.stderr) == (7, "hello world\n", "oops\n")
    isolated = eng.run(busybox_image, ["ls", "/sys/class/net"])
    assert isolated.stdout.split() == ["lo"]  # network none is the default
    with pytest.raises(SourceUnavailableError, match="no image"):
        eng.run(MISSING, ["true"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_detached_container_serves_on_the_host_network_and_is_removed(busybox_image: str):
    port = free_port()
    name = f"imagetailor-test-{uuid.uuid4().hex[:8]}"
    container = eng.start_detached(
        busybox_image, ["/bin/busybox", "httpd", "-f", "-p", f"127.0.0.1:{port}", "-h", "/etc"],
        name=name,
    )  # fmt: skip
    try:
        body = b""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/passwd", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert b"app:x:10001" in body
        assert eng.is_running(container)
    finally:
        assert eng.remove(container)
    assert not eng.is_running(container)
    assert not eng.remove(container)  # already gone: idempotent


def test_start_detached_of_a_missing_image_leaves_nothing(busybox_image: str):
    with pytest.raises(SourceUnavailableError, match="no image"):
        eng.start_detached(MISSING)


def test_logs_show_the_container_output(busybox_image: str):
    container = eng.start_detached(busybox_image, ["sh", "-c", "echo started; sleep 30"])
    try:
        deadline = time.monotonic() + 10
        while "started" not in eng.logs(container) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert eng.logs(container).strip() == "started"
    finally:
        eng.remove(container)
