"""Where the engine is, resolved as the docker CLI resolves it, and the command lines that point
each client at it. Pure: no engine. (The same endpoints against a real second engine:
tests/engine/test_remote.py.) buildx builders and podman's --url are only checked as argv here:
neither buildx nor podman is installed on these machines."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from imagetailor.engine.bake import bake_argv
from imagetailor.engine.build import build_argv
from imagetailor.engine.client import EngineClient, forget_choice, select_client
from imagetailor.engine.containers import run_argv
from imagetailor.engine.endpoint import Endpoint, Tls, resolve_endpoint
from imagetailor.errors import UsageError
from tests.engine.remote import make_certificates

CLASSIC = EngineClient("/usr/bin/docker", "classic", "20.10.24", "old", {"DOCKER_BUILDKIT": "1"})
BUILDX = EngineClient("/usr/local/bin/docker", "buildx", "v0.17.1", "buildx plugin")
PODMAN = EngineClient("/usr/bin/podman", "podman", "4.3.1", "asked for")


def certs(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.pem").write_text("x")
    return folder


def make_context(config: Path, name: str, host: str, tls: bool = False, skip: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    docker = {"Host": host, "SkipTLSVerify": skip}
    (meta / "meta.json").write_text(
        json.dumps({"Name": name, "Metadata": {}, "Endpoints": {"docker": docker}})
    )
    if tls:
        certs(config / "contexts" / "tls" / digest / "docker", "ca", "cert", "key")


def test_default_is_the_local_socket_and_gives_the_client_no_options(tmp_path: Path):
    endpoint = resolve_endpoint(env={"HOME": str(tmp_path)})
    assert endpoint == Endpoint("unix:///var/run/docker.sock", "default")
    assert endpoint.client_options() == []
    assert CLASSIC.argv("save", "x") == ["/usr/bin/docker", "save", "x"]


def test_docker_host_with_tls_verify_and_cert_path(tmp_path: Path):
    folder = certs(tmp_path / "c", "ca", "cert", "key")
    env = {"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1",
           "DOCKER_CERT_PATH": str(folder)}  # fmt: skip
    endpoint = resolve_endpoint(env=env)
    assert endpoint.tls == Tls(True, folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    assert endpoint.tcp_address() == ("127.0.0.1", 2376)
    assert endpoint.client_options() == [
        "--host", "tcp://127.0.0.1:2376", "--tlsverify", "--tlscacert", f"{folder}/ca.pem",
        "--tlscert", f"{folder}/cert.pem", "--tlskey", f"{folder}/key.pem",
    ]  # fmt: skip
    assert "TLS verified (from DOCKER_HOST)" in endpoint.describe()


def test_cert_path_defaults_to_the_docker_config_folder(tmp_path: Path):
    certs(tmp_path / ".docker", "ca")
    env = {"HOME": str(tmp_path), "DOCKER_TLS_VERIFY": "1"}
    endpoint = resolve_endpoint("tcp://10.0.0.1:2376", None, env=env)
    assert endpoint.tls == Tls(True, tmp_path / ".docker" / "ca.pem")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOCKER_TLS_VERIFY": "1"}, "TLS verification needs .*ca.pem"),
        ({"DOCKER_TLS": "1", "ONLY": "cert"}, "only one of cert.pem and key.pem"),
    ],
)
def test_tls_files_missing_are_one_clear_line(tmp_path: Path, env: dict[str, str], message: str):
    folder = certs(tmp_path / "c", *(["cert"] if env.pop("ONLY", "") else []))
    with pytest.raises(UsageError, match=message):
        resolve_endpoint("tcp://h:1", None, env={**env, "DOCKER_CERT_PATH": str(folder)})


@pytest.mark.parametrize(
    "host",
    ["http://127.0.0.1:2375", "tcp://", "unix://relative.sock", "tcp://h:port", "npipe:////./pipe/x",
     "127.0.0.1:2375"],
)  # fmt: skip
def test_unsupported_hosts_are_usage_errors(host: str):
    with pytest.raises(UsageError):
        resolve_endpoint(host, None, env={})
    with pytest.raises(UsageError, match="DOCKER_HOST"):
        resolve_endpoint(env={"DOCKER_HOST": host})


def test_ssh_hosts_cannot_smuggle_options_or_shell_commands():
    # A user or host that looks like an option stays an argument: -l takes the next word, and
    # the host comes after "--".
    assert Endpoint("ssh://-oProxyCommand=x@h").ssh_argv()[:5] == [
        "ssh", "-l", "-oProxyCommand=x", "--", "h"
    ]  # fmt: skip
    with pytest.raises(UsageError, match="remote socket path"):
        resolve_endpoint("ssh://h/run/x.sock;touch%20/tmp/pwned", None, env={})
    with pytest.raises(UsageError, match="remote socket path"):
        resolve_endpoint(env={"DOCKER_HOST": "ssh://h/$(id)"})


def test_host_and_context_together_are_refused():
    with pytest.raises(UsageError, match="not both"):
        resolve_endpoint("tcp://h:1", "far", env={})


def test_contexts_from_the_option_the_environment_and_the_config(tmp_path: Path):
    make_context(tmp_path, "far", "tcp://far.example:2376", tls=True)
    make_context(tmp_path, "near", "unix:///run/user/1000/docker.sock")
    env = {"DOCKER_CONFIG": str(tmp_path)}
    far = resolve_endpoint(None, "far", env=env)
    assert (far.host, far.context, far.source) == (
        "tcp://far.example:2376",
        "far",
        "context-option",
    )
    assert far.tls is not None and far.tls.verify and far.tls.key is not None
    # The docker client is handed the name: it reads the same store.
    assert far.client_options() == ["--context", "far"]
    assert resolve_endpoint(env={**env, "DOCKER_CONTEXT": "near"}).host.endswith("1000/docker.sock")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "far"}))
    assert resolve_endpoint(env=env).source == "config"
    # As in the docker CLI, DOCKER_HOST wins over any context of the environment or config.
    assert resolve_endpoint(env={**env, "DOCKER_HOST": "tcp://h:1"}).host == "tcp://h:1"
    # "default" is the environment's engine.
    assert resolve_endpoint(None, "default", env=env).is_default


def test_context_skip_tls_verify_and_bad_stores(tmp_path: Path):
    make_context(tmp_path, "lax", "tcp://lax:2376", tls=True, skip=True)
    env = {"DOCKER_CONFIG": str(tmp_path)}
    lax = resolve_endpoint(None, "lax", env=env)
    assert lax.tls is not None and not lax.tls.verify
    with pytest.raises(UsageError, match="no docker context 'gone'"):
        resolve_endpoint(None, "gone", env=env)
    broken = tmp_path / "contexts" / "meta" / hashlib.sha256(b"broken").hexdigest()
    broken.mkdir(parents=True)
    (broken / "meta.json").write_text('{"Endpoints": {}}')
    with pytest.raises(UsageError, match="malformed"):
        resolve_endpoint(None, "broken", env=env)
    (broken / "meta.json").write_bytes(b"{" * (2 * 1024 * 1024))
    with pytest.raises(UsageError, match="malformed"):
        resolve_endpoint(None, "broken", env=env)


def test_a_context_the_docker_cli_wrote_reads_the_same(tmp_path: Path):
    """The peer: `docker context create` writes the store, we read it (no engine needed)."""
    _, folder = make_certificates(tmp_path / "tls")  # the CLI checks they are certificates
    config = tmp_path / "config"
    subprocess.run(
        ["/usr/bin/docker", "context", "create", "peer", "--docker",
         f"host=tcp://127.0.0.1:12376,ca={folder}/ca.pem,cert={folder}/cert.pem,key={folder}/key.pem"],
        env={**os.environ, "DOCKER_CONFIG": str(config)}, check=True, capture_output=True,
    )  # fmt: skip
    endpoint = resolve_endpoint(None, "peer", env={"DOCKER_CONFIG": str(config)})
    assert endpoint.host == "tcp://127.0.0.1:12376"
    assert endpoint.tls is not None and endpoint.tls.verify
    assert endpoint.tls.ca is not None
    assert endpoint.tls.ca.read_bytes() == (folder / "ca.pem").read_bytes()
    assert endpoint.tls.key is not None and endpoint.tls.key.parent != folder  # the store's copy


def test_ssh_command_matches_the_docker_cli_helper():
    assert Endpoint("ssh://deploy@build.example:2222").ssh_argv() == [
        "ssh", "-l", "deploy", "-p", "2222", "--", "build.example", "docker", "system", "dial-stdio"
    ]  # fmt: skip
    assert Endpoint("ssh://h/run/docker.sock").ssh_argv()[-5:] == [
        "docker", "--host", "unix:///run/docker.sock", "system", "dial-stdio"
    ]  # fmt: skip


def test_every_command_line_carries_the_endpoint(tmp_path: Path):
    endpoint = Endpoint("tcp://127.0.0.1:2376", "option")
    classic = EngineClient(CLASSIC.binary, "classic", endpoint=endpoint)
    argv = build_argv(
        classic, tmp_path, tmp_path / "Dockerfile", target="deploy", tags=["a:1"], labels={},
        build_args={}, network="host", iidfile=tmp_path / "iid",
    )  # fmt: skip
    assert argv[:5] == ["/usr/bin/docker", "--host", "tcp://127.0.0.1:2376", "build", "--progress"]
    assert classic.argv(*run_argv(classic, "a:1"))[:4] == [
        "/usr/bin/docker", "--host", "tcp://127.0.0.1:2376", "run"
    ]  # fmt: skip


def test_buildx_builder_in_build_and_bake(tmp_path: Path):
    context = Endpoint("tcp://h:2376", "context-option", None, "far")
    client = EngineClient(BUILDX.binary, "buildx", endpoint=context, builder="k8s")
    assert client.build_prefix() == [
        "/usr/local/bin/docker", "--context", "far", "buildx", "build", "--builder", "k8s",
        "--load", "--progress", "plain",
    ]  # fmt: skip
    assert bake_argv(client, tmp_path, ["deploy", "ci"], {"BASE": "b:1"}) == [
        "/usr/local/bin/docker", "--context", "far", "buildx", "bake", "--builder", "k8s",
        "--file", f"{tmp_path}/docker-bake.hcl", "--load", "--progress", "plain",
        "--set", "*.args.BASE=b:1", "deploy", "ci",
    ]  # fmt: skip
    assert "engine at context far" in client.describe() and "builder k8s" in client.describe()


def test_podman_gets_url_and_refuses_contexts_and_builders_need_buildx():
    podman = EngineClient(PODMAN.binary, "podman", endpoint=Endpoint("ssh://u@h", "option"))
    assert podman.argv("save", "x") == ["/usr/bin/podman", "--url", "ssh://u@h", "save", "x"]
    forget_choice()
    with pytest.raises(UsageError, match="contexts are docker's"):
        select_client("podman", endpoint=Endpoint("tcp://h:1", "config", None, "far"))
    with pytest.raises(UsageError, match="--builder k8s needs docker buildx"):
        select_client("docker", "/usr/bin/docker", announce=False, builder="k8s")
    forget_choice()
