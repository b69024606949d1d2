"""LABEL and ENV values written by dockerfile_string read back exactly from an image the real
engine (BuildKit) built: $, quotes, backslashes, braces and other scripts are data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.generate.quoting import dockerfile_string
from tests.conftest import docker

pytestmark = pytest.mark.engine

VALUES = [
    "plain",
    "$HOME and ${PATH} and $$",
    "quotes \" and ' and `ticks`",
    "back\\slash \\n not a newline",
    "{{ braces }} % ; && | > <",
    "Grüße ☃ 日本",
    "",
    "trailing \\",
]


def test_label_and_env_values_survive_a_real_build(busybox_image: str, tmp_path: Path) -> None:
    lines = [f"FROM {busybox_image}"]
    for index, value in enumerate(VALUES):
        lines.append(f"LABEL v{index}={dockerfile_string(value)}")
        lines.append(f"ENV V{index}={dockerfile_string(value)}")
    (tmp_path / "Dockerfile").write_text("\n".join(lines) + "\n")
    tag = "imagetailor-test/quoting:1"
    docker("build", "--network", "host", "-q", "-t", tag, str(tmp_path))
    info = json.loads(docker("image", "inspect", tag).stdout)[0]["Config"]
    env = dict(entry.split("=", 1) for entry in info["Env"])
    for index, value in enumerate(VALUES):
        assert info["Labels"][f"v{index}"] == value
        assert env[f"V{index}"] == value
    docker("image", "rm", tag, check=False)
