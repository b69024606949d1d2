"""tailor build's inputs: base-map build args read from the Dockerfile, refusals before building."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.pipeline import base_build_args
from imagetailor.project.bases import Base, BaseMap

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_build_args_follow_the_map_and_the_file() -> None:
    dockerfile = (
        "# comment\n"
        "ARG GO_IMAGE=golang:1.19-bookworm\n"
        "ARG DEPLOY_IMAGE=gcr.io/distroless/static-debian12:nonroot\n"
        "ARG UNMAPPED=busybox:1.36\n"
        "FROM ${GO_IMAGE} AS build\n"
        "ARG LATE=golang:1.19-bookworm\n"
    )
    bases = BaseMap(
        {
            "golang:1.19-bookworm": Base("golang:1.19-bookworm", "mirror/go:1.19", "apt"),
            "gcr.io/distroless/static-debian12:nonroot": Base(
                "gcr.io/distroless/static-debian12:nonroot", "mirror/static:nonroot", "none"
            ),
        }
    )
    # Only ARGs before the first FROM are base-image ARGs; unmapped ones keep their default.
    assert base_build_args(dockerfile, bases) == {
        "GO_IMAGE": "mirror/go:1.19",
        "DEPLOY_IMAGE": "mirror/static:nonroot",
    }
    assert base_build_args(dockerfile, BaseMap()) == {}


def test_unknown_purpose_and_missing_dockerfile_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TAILOR_BASE_MAP", raising=False)
    root = tmp_path / "node-app"
    shutil.copytree(EXAMPLES / "node-app", root, ignore=shutil.ignore_patterns("node_modules"))
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    capsys.readouterr()
    assert main(["build", "--dir", str(root)]) == 2
    assert "run `tailor generate` first" in capsys.readouterr().err
    assert main(["generate", "--dir", str(root)]) == 0
    capsys.readouterr()
    assert main(["build", "qa", "--dir", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tailor: error: unknown purpose 'qa'")
    assert len(err.splitlines()) == 1


def test_bake_argv_overrides_every_target_args() -> None:
    from imagetailor.engine.bake import bake_argv
    from imagetailor.engine.client import EngineClient

    client = EngineClient("/usr/local/bin/docker", "buildx")
    argv = bake_argv(
        client,
        Path("/src/app"),
        ["deploy", "ci"],
        {"GO_IMAGE": "mirror/go:1.19", "DEPLOY_IMAGE": "mirror/static"},
    )
    assert argv == [
        "/usr/local/bin/docker",
        "buildx",
        "bake",
        "--file",
        "/src/app/docker-bake.hcl",
        "--load",
        "--progress",
        "plain",
        "--set",
        "*.args.DEPLOY_IMAGE=mirror/static",
        "--set",
        "*.args.GO_IMAGE=mirror/go:1.19",
        "deploy",
        "ci",
    ]
