"""Command lines per client kind. Podman is not installed here: its mapping is checked as argv."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.engine.build import build_argv
from imagetailor.engine.client import EngineClient
from imagetailor.engine.containers import run_argv
from imagetailor.errors import UsageError

PODMAN = EngineClient("/usr/bin/podman", "podman", "4.3.1", "asked for")
CLASSIC = EngineClient(
    "/usr/bin/docker", "classic", "20.10.24", "old client", {"DOCKER_BUILDKIT": "1"}
)
BUILDX = EngineClient("/usr/local/bin/docker", "buildx", "v0.17.1", "buildx plugin")


def argv_for(client: EngineClient, **overrides: object) -> list[str]:
    options: dict[str, object] = {
        "target": "deploy",
        "tags": ["app:1.0", "app:latest"],
        "labels": {"org.opencontainers.image.title": "app", "a.purpose": "deploy"},
        "build_args": {"VERSION": "1.0"},
        "network": "host",
        "iidfile": Path("/tmp/iid"),
    }
    options.update(overrides)
    return build_argv(client, Path("/src"), Path("/src/Dockerfile"), **options)  # type: ignore[arg-type]


def test_podman_build_maps_to_podman_build_with_layers_and_no_progress_flag():
    assert argv_for(PODMAN) == [
        "/usr/bin/podman", "build", "--layers",
        "--file", "/src/Dockerfile", "--network", "host", "--iidfile", "/tmp/iid",
        "--target", "deploy", "--tag", "app:1.0", "--tag", "app:latest",
        "--label", "a.purpose=deploy", "--label", "org.opencontainers.image.title=app",
        "--build-arg", "VERSION=1.0",
        "/src",
    ]  # fmt: skip
    assert PODMAN.env == {}
    assert not PODMAN.can_bake


def test_buildx_loads_into_the_engine_and_prints_plain_progress():
    argv = argv_for(BUILDX, no_cache=True)
    assert argv[:6] == ["/usr/local/bin/docker", "buildx", "build", "--load", "--progress", "plain"]
    assert argv[-2:] == ["--no-cache", "/src"]
    assert BUILDX.can_bake


def test_classic_builds_need_the_buildkit_environment():
    argv = argv_for(CLASSIC, target=None, tags=[], labels={}, build_args={})
    assert argv == [
        "/usr/bin/docker", "build", "--progress", "plain",
        "--file", "/src/Dockerfile", "--network", "host", "--iidfile", "/tmp/iid", "/src",
    ]  # fmt: skip
    assert CLASSIC.process_env()["DOCKER_BUILDKIT"] == "1"


@pytest.mark.parametrize("network", ["bridge", "default", "container:x", ""])
def test_networks_other_than_host_and_none_are_refused(network: str):
    with pytest.raises(UsageError, match="not allowed"):
        argv_for(CLASSIC, network=network)
    with pytest.raises(UsageError, match="not allowed"):
        run_argv(PODMAN, "img", network=network)


def test_run_argv_is_the_same_for_podman_and_docker():
    expected = [
        "run", "--rm", "--network", "none", "--env", "A=1", "--env", "B=two words",
        "--entrypoint", "/bin/app", "--user", "65532", "img", "--flag",
    ]  # fmt: skip
    for client in (PODMAN, CLASSIC):
        argv = run_argv(
            client, "img", ["--flag"], env={"B": "two words", "A": "1"},
            entrypoint="/bin/app", user="65532",
        )  # fmt: skip
        assert argv == expected
    detached = run_argv(CLASSIC, "img", network="host", detach=True, name="smoke-1")
    assert detached == ["run", "--detach", "--name", "smoke-1", "--network", "host", "img"]
