"""Registry credentials from the docker client's ``config.json`` (``auths`` entries).

Keys in ``auths`` come in several spellings (``host:port``, ``https://host``, the legacy
``https://index.docker.io/v1/`` for Docker Hub); they are compared by host. Credential helpers
are asked as the docker client asks them: ``credHelpers`` for that registry first, else
``credsStore`` for every registry, then ``auths``. A helper is the program
``docker-credential-NAME`` on PATH, run with ``get`` and the server on stdin (the protocol of
docker/docker-credential-helpers), bounded in time and output.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from imagetailor.errors import UsageError
from imagetailor.image.reference import DOCKER_HUB
from imagetailor.untrusted import read_regular

_HUB_ALIASES = {DOCKER_HUB, "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
MAX_CONFIG_BYTES = 4 * 1024 * 1024
HELPER_TIMEOUT = 30.0
MAX_HELPER_OUTPUT = 64 * 1024
_HELPER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HUB_SERVER = "https://index.docker.io/v1/"  # what the docker client asks a helper for Hub


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def basic_header(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    def __repr__(self) -> str:  # never print a password by accident
        return f"Credentials(username={self.username!r}, password=***)"


def default_config_path() -> Path:
    directory = os.environ.get("DOCKER_CONFIG")
    return Path(directory) / "config.json" if directory else Path.home() / ".docker/config.json"


def _host_of(key: str) -> str:
    host = key.split("://", 1)[-1].split("/", 1)[0]
    return DOCKER_HUB if host in _HUB_ALIASES else host


def find_credentials(registry: str, config_path: Path | None = None) -> Credentials | None:
    """The credentials ``config.json`` holds for ``registry`` (``host[:port]``), if any."""
    path = config_path or default_config_path()
    if config_path is None and not path.exists():
        return None
    raw = read_regular(path, "docker config", MAX_CONFIG_BYTES)
    try:
        config = json.loads(raw)
    except ValueError as error:
        raise UsageError(f"docker config {path} is not valid JSON: {error}") from None
    except RecursionError:
        raise UsageError(f"docker config {path} nests too deeply to be a docker config") from None
    if not isinstance(config, dict):
        return None
    wanted = _host_of(registry)
    helpers = config.get("credHelpers")
    helper = helpers.get(wanted) if isinstance(helpers, dict) else None
    if not isinstance(helper, str) or not helper:
        store = config.get("credsStore")
        helper = store if isinstance(store, str) and store else None
    if helper is not None:
        return _from_helper(helper, wanted, path)
    auths = config.get("auths")
    if not isinstance(auths, dict):
        return None
    for key, entry in auths.items():
        if _host_of(str(key)) != wanted or not isinstance(entry, dict):
            continue
        if isinstance(entry.get("auth"), str) and entry["auth"]:
            try:
                decoded = base64.b64decode(entry["auth"], validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise UsageError(
                    f"docker config {path}: auth for {key} is not valid base64"
                ) from None
            username, colon, password = decoded.partition(":")
            if not colon:
                raise UsageError(f"docker config {path}: auth for {key} is not user:password")
            return Credentials(username, password)
        plain_user, plain_password = entry.get("username"), entry.get("password")
        if isinstance(plain_user, str) and isinstance(plain_password, str):
            return Credentials(plain_user, plain_password)
    return None


def _from_helper(helper: str, registry: str, config: Path) -> Credentials | None:
    """Ask ``docker-credential-HELPER`` for ``registry``; None when it has nothing for it."""
    if not _HELPER_NAME.match(helper):
        raise UsageError(f"docker config {config}: {helper[:40]!r} is not a credential helper name")
    program = shutil.which(f"docker-credential-{helper}")
    if program is None:
        raise UsageError(
            f"docker config {config} names credential helper {helper!r}, but "
            f"docker-credential-{helper} is not on PATH"
        )
    server = HUB_SERVER if registry == DOCKER_HUB else registry
    try:
        done = subprocess.run(
            [program, "get"],
            input=server.encode(),
            capture_output=True,
            timeout=HELPER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"credential helper {helper} did not answer within {HELPER_TIMEOUT:g}s"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot run credential helper {helper}: {error.strerror}") from None
    output = done.stdout[: MAX_HELPER_OUTPUT + 1]
    if done.returncode != 0:
        # The helpers' own words for "nothing stored for this server".
        if b"credentials not found" in (output + done.stderr).lower():
            return None
        reason = (done.stderr or output).decode("utf-8", "replace").strip()[:120]
        raise UsageError(f"credential helper {helper} failed for {registry}: {reason}")
    try:
        answer = json.loads(output) if len(output) <= MAX_HELPER_OUTPUT else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise UsageError(f"credential helper {helper} answered something that is not its JSON")
    username, secret = answer.get("Username"), answer.get("Secret")
    if not isinstance(username, str) or not isinstance(secret, str) or not secret:
        return None
    return Credentials(username, secret)
