"""A busybox-based image judged end to end (archive written in Python, no engine): fit for
local, where a shell and its applets are allowed, and one busybox finding for deploy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, Symlink, write_docker_archive

APPLETS = ["sh", "ls", "vi", "wget", "nc", "telnet", "dpkg", "rpm"]


@pytest.fixture
def busybox_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TAILOR_WORKERS", "1")  # the machine is shared: read in this process
    busybox = Path("/bin/busybox")
    if not busybox.exists():
        pytest.fail("busybox-static is not installed (scripts/setup installs it)")
    binary = busybox.read_bytes()
    base = [Dir("bin"), File("bin/busybox", binary, 0o755)]
    base += [Symlink(f"bin/{name}", "busybox") for name in APPLETS]
    app = [Dir("app"), File("app/server", binary, 0o755)]  # a static program to start
    spec = ImageSpec(
        layers=[
            LayerSpec(base, "ADD rootfs.tar / # buildkit"),
            LayerSpec(app, "COPY server /app/server # buildkit"),
        ],
        user="10001",
        entrypoint=["/app/server"],
        healthcheck=["CMD", "/app/server", "--version"],
    )
    archive = tmp_path / "local.tar"
    write_docker_archive(spec, archive)
    return archive


def check(capsys: pytest.CaptureFixture[str], archive: Path, purpose: str) -> tuple[int, dict]:
    code = main(["check", f"docker-archive:{archive}", "-p", purpose, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_busybox_image_is_fit_for_local(
    capsys: pytest.CaptureFixture[str], busybox_archive: Path
) -> None:
    code, data = check(capsys, busybox_archive, "local")
    assert (code, data["fit"], data["findings"]) == (0, True, [])


def test_deploy_gets_one_busybox_finding_with_its_applets(
    capsys: pytest.CaptureFixture[str], busybox_archive: Path
) -> None:
    code, data = check(capsys, busybox_archive, "deploy")
    assert code == 1
    assert [(f["rule"], f["path"], f["layer"]) for f in data["findings"]] == [
        ("TP101", "/bin/busybox", 0)
    ]
    message = data["findings"][0]["message"]
    assert message.startswith("busybox at /bin/busybox with ")
    for applet in ("dpkg (package-manager)", "nc (network)", "telnet (network)", "vi (editor)"):
        assert applet in message
