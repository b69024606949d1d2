"""Credential helpers named by the docker config, asked as the docker client asks them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.image.credentials import find_credentials

HELPER = """#!/bin/sh
[ "$1" = get ] || exit 3
read -r server
echo "$server" >> "{log}"
case "$server" in
  127.0.0.1:5000) echo '{{"ServerURL":"127.0.0.1:5000","Username":"ci","Secret":"from-helper"}}' ;;
  https://index.docker.io/v1/) echo '{{"Username":"hub","Secret":"hub-secret"}}' ;;
  broken.example) echo 'not json' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


@pytest.fixture
def helper_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "docker-credential-fake"
    program.write_text(HELPER.format(log=tmp_path / "asked.log"))
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return tmp_path


def config(tmp_path: Path, document: dict[str, object]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(document))
    return path


def test_cred_helpers_win_for_their_registry(helper_dir: Path) -> None:
    path = config(
        helper_dir,
        {"credHelpers": {"127.0.0.1:5000": "fake"}, "auths": {"127.0.0.1:5000": {"auth": "eDp5"}}},
    )
    found = find_credentials("127.0.0.1:5000", path)
    assert found is not None and (found.username, found.password) == ("ci", "from-helper")
    assert "from-helper" not in repr(found)
    # Another registry is not the helper's: the auths entries (none) answer.
    assert find_credentials("other:5000", path) is None


def test_creds_store_for_every_registry(helper_dir: Path) -> None:
    path = config(helper_dir, {"credsStore": "fake"})
    hub = find_credentials("docker.io", path)
    assert hub is not None and hub.username == "hub"
    assert find_credentials("unknown.example", path) is None  # "credentials not found"
    asked = (helper_dir / "asked.log").read_text().split()
    assert asked == ["https://index.docker.io/v1/", "unknown.example"]


@pytest.mark.parametrize(
    ("helper", "message"),
    [("missing", "docker-credential-missing is not on PATH"),
     ("../evil", "is not a credential helper name")],
)  # fmt: skip
def test_bad_helpers_are_one_line(helper_dir: Path, helper: str, message: str) -> None:
    path = config(helper_dir, {"credsStore": helper})
    with pytest.raises(UsageError, match=message):
        find_credentials("127.0.0.1:5000", path)


def test_a_helper_answering_garbage(helper_dir: Path) -> None:
    path = config(helper_dir, {"credsStore": "fake"})
    with pytest.raises(UsageError, match="not its JSON"):
        find_credentials("broken.example", path)
