"""The engine client's choice is said only when asked (-v), once per command; a dead engine
says what to do. No engine needed: the probes are replaced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from imagetailor.engine import client as engine_client
from imagetailor.engine.client import EngineClient, Verdict, select_client
from imagetailor.engine.process import engine_error

OLD = "/usr/bin/docker"
NEW = "/usr/local/bin/docker"
DOWN = (
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
    "Is the docker daemon running?\n"
)


@pytest.fixture(autouse=True)
def two_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A newer client that refuses BuildKit builds first on PATH, an older one that works."""
    works = EngineClient(OLD, "classic", "20.10.24", "client 20.10.24 builds with BuildKit")
    verdicts = {
        NEW: Verdict(NEW, None, "client 28.1.1 has no buildx plugin"),
        OLD: Verdict(OLD, works, works.reason),
    }
    monkeypatch.delenv(engine_client.DOCKER_ENV, raising=False)
    monkeypatch.setattr(engine_client, "docker_candidates", lambda configured=None: [NEW, OLD])
    monkeypatch.setattr(engine_client, "probe_docker", verdicts.__getitem__)
    engine_client.forget_choice()
    yield
    engine_client.forget_choice()


def test_silent_without_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert select_client().binary == OLD
    assert capsys.readouterr().err == ""


def test_verbose_says_the_choice_and_the_skipped_client_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chosen = select_client(announce=True)
    assert capsys.readouterr().err.splitlines() == [
        f"engine: skipped {NEW}: client 28.1.1 has no buildx plugin",
        f"engine: using {OLD} (docker 20.10.24, classic build with DOCKER_BUILDKIT=1): "
        "client 20.10.24 builds with BuildKit",
    ]
    # Later calls in the same command (the build, then the ci run) reuse it without a word.
    assert select_client(announce=True) is chosen and select_client() is chosen
    assert capsys.readouterr().err == ""


def test_a_dead_engine_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    docker = EngineClient(OLD, "classic")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    assert str(engine_error(docker, ["image", "inspect", "app"], DOWN)) == (
        "the docker engine does not answer (image inspect): Cannot connect to the Docker daemon "
        "at unix:///var/run/docker.sock. Is the docker daemon running?; fix: start dockerd "
        "(systemctl start docker), or set DOCKER_HOST to the engine you use"
    )
    monkeypatch.setenv("DOCKER_HOST", "tcp://10.0.0.9:2375")
    assert str(engine_error(docker, ["build"], DOWN)).endswith(
        "; fix: start the engine at DOCKER_HOST=tcp://10.0.0.9:2375, or unset DOCKER_HOST"
    )
