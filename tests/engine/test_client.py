"""Client selection, checked against what each client really does with a BuildKit build."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from imagetailor.engine import client as engine_client
from imagetailor.engine.client import EngineClient, docker_candidates, probe_docker, select_client
from imagetailor.errors import SourceUnavailableError, UsageError


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(engine_client.DOCKER_ENV, raising=False)
    engine_client.forget_choice()
    yield
    engine_client.forget_choice()


def buildkit_build_works(verdict_client: EngineClient | None, binary: str, base: str) -> bool:
    """Really try a BuildKit build with this binary, the way its verdict says (or classic)."""
    tag = f"imagetailor-test/probe:{uuid.uuid4().hex[:8]}"
    dockerfile = f"FROM {base}\nRUN --mount=type=cache,target=/c echo probe > /probe\n"
    if verdict_client is not None and verdict_client.mode == "buildx":
        argv = [binary, "buildx", "build", "--load", "--network", "host", "-t", tag, "-"]
    else:
        argv = [binary, "build", "--network", "host", "-t", tag, "-"]
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    result = subprocess.run(argv, input=dockerfile.encode(), env=env, capture_output=True)
    subprocess.run([binary, "image", "rm", tag], capture_output=True)
    return result.returncode == 0


def test_every_candidate_verdict_matches_a_real_buildkit_build(engine: str, busybox_image: str):
    candidates = docker_candidates()
    assert candidates, "no docker client found at all"
    for binary in candidates:
        verdict = probe_docker(binary)
        works = buildkit_build_works(verdict.client, binary, busybox_image)
        assert works == (verdict.client is not None), f"{binary}: verdict {verdict.why!r}"


def test_selection_takes_the_first_working_candidate_and_says_why(
    engine: str, capsys: pytest.CaptureFixture[str]
):
    chosen = select_client(announce=True)  # a command's -v
    working = [b for b in docker_candidates() if probe_docker(b).client is not None]
    assert chosen.binary == working[0]
    stderr = capsys.readouterr().err
    assert f"engine: using {chosen.binary}" in stderr
    assert chosen.reason in stderr
    # Every candidate before the chosen one is named with the reason it was skipped.
    for binary in docker_candidates()[: docker_candidates().index(chosen.binary)]:
        assert binary in stderr.split("engine: using")[0]
    # The choice is made once per process, and said once.
    assert select_client(announce=True) is chosen
    assert capsys.readouterr().err == ""


def test_configured_client_is_used(engine: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(engine_client.DOCKER_ENV, engine)
    chosen = select_client(announce=False)
    assert chosen.binary == engine
    assert chosen.mode in ("buildx", "classic")


@pytest.mark.parametrize(
    ("binary", "why"),
    [("/nonexistent/docker", "not an executable file"), ("/bin/true", "does not report")],
)
def test_configured_client_that_cannot_build_is_an_error_not_a_fallback(
    monkeypatch: pytest.MonkeyPatch, binary: str, why: str
):
    monkeypatch.setenv(engine_client.DOCKER_ENV, binary)
    with pytest.raises(UsageError, match=why) as caught:
        select_client(announce=False)
    assert "\n" not in str(caught.value)
    assert engine_client.DOCKER_ENV in str(caught.value)


def test_client_version_decides_classic_buildkit(engine: str):
    verdict = probe_docker(engine)
    assert verdict.client is not None
    version = subprocess.run(
        [engine, "version", "--format", "{{.Client.Version}}"], capture_output=True, text=True
    ).stdout.strip()
    if verdict.client.mode == "classic":
        assert int(version.split(".")[0]) < engine_client.BUILDX_REQUIRED_FROM
        assert verdict.client.env == {"DOCKER_BUILDKIT": "1"}
        assert verdict.client.version == version


def test_unknown_engine_and_missing_podman(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(UsageError, match="unknown engine 'rkt'"):
        select_client("rkt")
    monkeypatch.setenv(engine_client.PODMAN_ENV, "/nonexistent/podman")
    with pytest.raises(SourceUnavailableError, match="podman was asked for"):
        select_client("podman")
