"""Build, run, save and read images in a second engine at tcp://127.0.0.1:PORT with mutual TLS,
named the ways users name it (--engine-host with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, DOCKER_HOST,
a docker context made by the docker CLI itself, ssh:// through dial-stdio), while the machine's
own engine stays untouched: it never gets the images.

ssh here is a stand-in script named `ssh` on PATH that runs `docker system dial-stdio` against
the second engine: what the docker CLI and our reader run is real, the ssh hop is not.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagetailor import engine as eng
from imagetailor.analysis import analyze
from imagetailor.cli.main import main
from imagetailor.engine.client import EngineClient, forget_choice, select_client
from imagetailor.engine.endpoint import Endpoint, Tls, resolve_endpoint
from imagetailor.errors import SourceUnavailableError
from imagetailor.image import open_image
from tests.engine.remote import CLIENT, RemoteEngine

pytestmark = [pytest.mark.engine, pytest.mark.slow]
TAG = "imagetailor-remote-test/hello:1"
DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
COPY hello.txt /hello.txt
LABEL dev.imagetailor.purpose=deploy
CMD ["/bin/busybox", "cat", "/hello.txt"]
"""


def _local_has(ref: str) -> bool:
    """Whether the machine's own engine has ``ref`` (whatever DOCKER_* a test has set)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    found = subprocess.run([CLIENT, "--host", "unix:///var/run/docker.sock", "image", "inspect",
                            ref], env=env, capture_output=True, check=False)  # fmt: skip
    return found.returncode == 0


@pytest.fixture(scope="module")
def remote_client(remote_engine: RemoteEngine) -> EngineClient:
    endpoint = resolve_endpoint(remote_engine.host, None, env=remote_engine.env())
    forget_choice()
    return select_client("docker", CLIENT, announce=False, endpoint=endpoint)


@pytest.fixture(scope="module")
def built(
    remote_engine: RemoteEngine,
    remote_client: EngineClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    context = tmp_path_factory.mktemp("remote-context")
    shutil.copy("/bin/busybox", context / "busybox")
    (context / "hello.txt").write_text("hello from the other engine\n")
    (context / "Dockerfile").write_text(DOCKERFILE)
    assert not _local_has(TAG)
    result = eng.build(context, context / "Dockerfile", tags=[TAG], client=remote_client,
                       network="none", timeout=300)  # fmt: skip
    assert result.image_id.startswith("sha256:")
    yield TAG
    remote_engine.docker("image", "rm", TAG, check=False)


def test_build_lands_in_the_remote_engine_only(remote_engine: RemoteEngine, built: str):
    record = json.loads(remote_engine.docker("image", "inspect", built).stdout)
    assert record[0]["Config"]["Labels"] == {"dev.imagetailor.purpose": "deploy"}
    assert not _local_has(built)


def test_run_and_save_go_to_the_remote_engine(
    remote_client: EngineClient, built: str, tmp_path: Path
):
    ran = eng.run(built, [], client=remote_client, timeout=60)
    assert (ran.exit_code, ran.stdout) == (0, "hello from the other engine\n")
    saved = eng.save(built, tmp_path / "hello.tar", client=remote_client)
    with open_image(f"docker-archive:{saved}") as image:
        assert len(image.layers) == 2
    assert eng.image_exists(built, client=remote_client)
    assert not _local_has(built)


def test_daemon_reader_reads_from_the_endpoint(remote_engine: RemoteEngine, built: str):
    endpoint = resolve_endpoint(remote_engine.host, None, env=remote_engine.env())
    with open_image(f"docker-daemon:{built}", endpoint=endpoint) as image:
        analysis = analyze(image)
    assert [layer.size_bytes for layer in analysis.layers][1] == len(
        "hello from the other engine\n"
    )
    assert analysis.layers[0].size_bytes == os.path.getsize("/bin/busybox")


def test_daemon_reader_follows_docker_host_like_the_cli(
    remote_engine: RemoteEngine, built: str, monkeypatch: pytest.MonkeyPatch
):
    for name, value in remote_engine.env().items():
        monkeypatch.setenv(name, value)
    with open_image(f"docker-daemon:{built}") as image:
        assert image.config["config"]["Labels"] == {"dev.imagetailor.purpose": "deploy"}


def test_cli_inspect_with_engine_host_and_with_a_docker_context(
    remote_engine: RemoteEngine, built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # fmt: skip
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(remote_engine.certs))
    code = main(["inspect", f"docker-daemon:{built}", "--engine-host", remote_engine.host,
                 "--format", "json"])  # fmt: skip
    assert code == 0
    assert len(json.loads(capsys.readouterr().out)["layers"]) == 2
    # A context made by the docker CLI itself: our reading of its store is checked by use.
    config = tmp_path / "docker-config"
    certs = remote_engine.certs
    subprocess.run(
        [CLIENT, "context", "create", "far",
         "--docker", f"host={remote_engine.host},ca={certs}/ca.pem,cert={certs}/cert.pem,"
         f"key={certs}/key.pem"],
        env={**os.environ, "DOCKER_CONFIG": str(config)}, check=True, capture_output=True,
    )  # fmt: skip
    for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    endpoint = resolve_endpoint(None, "far")
    assert endpoint.host == remote_engine.host and endpoint.tls is not None and endpoint.tls.verify
    code = main(["check", f"docker-daemon:{built}", "--engine-context", "far", "-p", "deploy",
                 "--format", "json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["reference"] == f"docker-daemon:{built}" and code in (0, 1)


def test_a_client_without_its_certificate_is_refused_in_one_line(
    remote_engine: RemoteEngine, built: str
):
    certs = remote_engine.certs
    endpoint = Endpoint(remote_engine.host, "option", Tls(True, certs / "ca.pem"))
    with pytest.raises(SourceUnavailableError, match="cannot reach the Docker engine at tcp://"):
        open_image(f"docker-daemon:{built}", endpoint=endpoint, timeout=10)


@pytest.fixture
def fake_ssh(remote_engine: RemoteEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`ssh [-l U] [-p P] -- HOST docker system dial-stdio` answered by the second engine."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "ssh-argv.log"
    certs = remote_engine.certs
    script = folder / "ssh"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        f"exec {CLIENT} --host {remote_engine.host} --tlsverify --tlscacert {certs}/ca.pem "
        f"--tlscert {certs}/cert.pem --tlskey {certs}/key.pem system dial-stdio\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    return log


def test_ssh_host_for_the_reader_and_the_client(built: str, fake_ssh: Path):
    endpoint = resolve_endpoint("ssh://tester@far.example", None, env={})
    with open_image(f"docker-daemon:{built}", endpoint=endpoint) as image:
        assert len(image.layers) == 2
    forget_choice()
    client = select_client("docker", CLIENT, announce=False, endpoint=endpoint)
    assert eng.image_exists(built, client=client)
    calls = fake_ssh.read_text().splitlines()
    # Ours and the docker CLI's ssh helper ask the same of ssh.
    assert calls[0] == "-l tester -- far.example docker system dial-stdio"
    assert any(line.endswith("far.example docker system dial-stdio") for line in calls[1:])
    assert not _local_has(built)


def test_one_export_of_several_images_from_the_remote_engine(
    remote_engine: RemoteEngine, remote_client: EngineClient, built: str
):
    """What `tailor build` checks after building (pipeline/images.py's export): the engine the
    client built in, not the local one."""
    from imagetailor.image.daemon import open_daemon_images

    remote_engine.docker("tag", built, f"{built}-copy")
    images = open_daemon_images([built, f"{built}-copy"], endpoint=remote_client.endpoint)
    try:
        assert {i.config_digest for i in images.values()} == {images[built].config_digest}
    finally:
        for image in images.values():
            image.close()
        remote_engine.docker("image", "rm", f"{built}-copy", check=False)


def test_tailor_build_builds_and_checks_in_the_remote_engine(
    remote_engine: RemoteEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # fmt: skip
    """The whole `tailor build` against the second engine: built there, exported from there and
    checked, never in the local engine. The project's Dockerfile is replaced by one FROM scratch
    (the second engine has no base images, and this is what is on disk that gets built)."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "main.py").write_text("print('hello')\n")
    monkeypatch.chdir(root)
    assert main(["init", "--yes", "--set", "app.start=python main.py"]) == 0
    assert main(["generate"]) == 0
    shutil.copy("/bin/busybox", root / "busybox")
    (root / "hello.txt").write_text("hello\n")
    (root / "Dockerfile").write_text(DOCKERFILE.replace("FROM scratch", "FROM scratch AS deploy"))
    (root / ".dockerignore").write_text("")
    for name, value in remote_engine.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TAILOR_DOCKER", CLIENT)
    forget_choice()
    capsys.readouterr()
    code = main(["build", "deploy", "--no-run-ci", "--format", "json"])
    results = json.loads(capsys.readouterr().out)
    assert code == 1  # busybox is a shell: not fit for deploy, judged on the remote image
    tag = results[0]["tag"]
    assert results[0]["failed_rules"]  # the shell (busybox) in a deploy image
    assert remote_engine.docker("image", "inspect", tag, check=False).returncode == 0
    assert not _local_has(tag)
    remote_engine.docker("image", "rm", tag, check=False)
    forget_choice()
