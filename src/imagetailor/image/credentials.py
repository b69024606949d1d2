"""Registry credentials from the docker client's ``config.json`` (``auths`` entries).

Keys in ``auths`` come in several spellings (``host:port``, ``https://host``, the legacy
``https://index.docker.io/v1/`` for Docker Hub); they are compared by host. Credential helpers
(``credsStore``/``credHelpers``) run external programs and are not used.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path

from imagetailor.errors import UsageError
from imagetailor.image.reference import DOCKER_HUB
from imagetailor.untrusted import read_regular

_HUB_ALIASES = {DOCKER_HUB, "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
MAX_CONFIG_BYTES = 4 * 1024 * 1024


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
    auths = config.get("auths") if isinstance(config, dict) else None
    if not isinstance(auths, dict):
        return None
    wanted = _host_of(registry)
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
