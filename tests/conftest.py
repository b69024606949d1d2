"""Shared fixtures for tests that use the real engine and the local registry.

Engine and registry tests never skip: where the engine or registry is missing they fail, so a CI
run that lost its services is red, not quietly green.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DOCKER = (
    "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else (shutil.which("docker") or "docker")
)
BUSYBOX_IMAGE = "imagetailor-test/busybox:1"


@pytest.fixture(autouse=True)
def _private_layer_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own layer cache (analysis/diskcache.py): never the user's, never shared."""
    monkeypatch.setenv("TAILOR_CACHE_DIR", str(tmp_path_factory.mktemp("layer-cache")))


def docker(
    *args: str, input: bytes | None = None, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run Debian's docker client (the one that builds with BuildKit here)."""
    full_env = {**os.environ, "DOCKER_BUILDKIT": "1", **(env or {})}
    return subprocess.run(
        [DOCKER, *args], input=input, env=full_env, capture_output=True, check=check
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that reaches the engine (through any fixture) is an `engine` test, marked or
    not: `-m "not engine"` must not build images or start containers (tests/examples did)."""
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.engine)


@pytest.fixture(scope="session")
def engine() -> str:
    """The docker client path, after proving the engine answers."""
    result = docker("info", "--format", "{{.ServerVersion}}", check=False)
    if result.returncode != 0:
        pytest.fail(
            "the Docker engine is not running (scripts/setup starts it): "
            + result.stderr.decode(errors="replace").strip()
        )
    return DOCKER


@pytest.fixture(scope="session")
def busybox_image(engine: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny base image made from Debian's busybox-static: /bin/busybox plus applet links."""
    if docker("image", "inspect", BUSYBOX_IMAGE, check=False).returncode == 0:
        return BUSYBOX_IMAGE
    busybox = Path("/bin/busybox")
    if not busybox.exists():
        pytest.fail("busybox-static is not installed (scripts/setup installs it)")
    archive = tmp_path_factory.mktemp("busybox") / "rootfs.tar"
    with tarfile.open(archive, "w") as tar:
        for directory in ("bin", "etc", "tmp", "root"):
            info = tarfile.TarInfo(directory)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if directory == "tmp" else 0o755
            tar.addfile(info)
        tar.add(busybox, "bin/busybox")
        for applet in (
            "sh",
            "ls",
            "cat",
            "echo",
            "rm",
            "mkdir",
            "cp",
            "mv",
            "wget",
            "vi",
            "ln",
            "chmod",
            "dd",
            "head",
            "true",
            "env",
            "id",
        ):
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type = tarfile.SYMTYPE
            info.linkname = "busybox"
            tar.addfile(info)
        for name, text in (
            ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/:/bin/false\n"),
            ("etc/group", "root:x:0:\napp:x:10001:\n"),
        ):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    docker("import", str(archive), BUSYBOX_IMAGE)
    return BUSYBOX_IMAGE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def start_registry(
    root: Path, htpasswd: Path | None = None, tls: tuple[Path, Path] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start Debian's docker-registry on a free loopback port; returns (process, 'HOST:PORT').
    ``tls``: (certificate, key) to serve HTTPS with."""
    binary = shutil.which("docker-registry") or "/usr/bin/docker-registry"
    if not os.path.exists(binary):
        pytest.fail("docker-registry is not installed (scripts/setup installs it)")
    port = _free_port()
    auth = ""
    if htpasswd is not None:
        auth = f"auth:\n  htpasswd:\n    realm: imagetailor-test\n    path: {htpasswd}\n"
    config = root / "config.yml"
    (root / "data").mkdir(parents=True, exist_ok=True)
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: error\n"
        f"storage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
        "  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
        + (f"  tls:\n    certificate: {tls[0]}\n    key: {tls[1]}\n" if tls else "")
        + auth
    )
    log = open(root / "registry.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    if not _wait_for_port(port):
        process.kill()
        pytest.fail(f"docker-registry did not start: {(root / 'registry.log').read_text()[-500:]}")
    return process, f"127.0.0.1:{port}"


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An anonymous local registry on 127.0.0.1; yields 'HOST:PORT'."""
    process, address = start_registry(tmp_path_factory.mktemp("registry"))
    yield address
    process.terminate()
    process.wait(timeout=10)
