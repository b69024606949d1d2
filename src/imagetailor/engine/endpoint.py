"""Where the engine is: a unix socket, a TCP address (with TLS), an ssh host, or a docker context.

Resolved the way the docker CLI resolves it, so a user's setup means the same thing to us as to
their own client: ``--engine-host URL`` or ``--engine-context NAME`` (never both), else
``DOCKER_HOST``, else ``DOCKER_CONTEXT``, else the config's ``currentContext``, else the local
socket. TLS for a host comes from ``DOCKER_TLS_VERIFY``/``DOCKER_TLS`` and ``DOCKER_CERT_PATH``
(ca.pem, cert.pem, key.pem); a context carries its own host and TLS files in the CLI's context
store (``$DOCKER_CONFIG/contexts``). The one resolved ``Endpoint`` is handed to every engine
call: the client's command lines (build, run, save, bake) and the ``docker-daemon:`` reader.

"engine" stays the engine's kind (``--engine docker|podman``); "engine host" and "engine
context" say where that engine runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from imagetailor.errors import UsageError, one_line

DEFAULT_SOCKET = "/var/run/docker.sock"
SCHEMES = ("unix", "tcp", "ssh")
MAX_META_BYTES = 1024 * 1024  # a context's meta.json is a few hundred bytes
DEFAULT_CONTEXT = "default"

_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/-]*$")

Source = Literal["option", "context-option", "DOCKER_HOST", "DOCKER_CONTEXT", "config", "default"]


@dataclass(frozen=True)
class Tls:
    """Client TLS settings: ``verify`` checks the engine's certificate against ``ca``."""

    verify: bool
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None


@dataclass(frozen=True)
class Endpoint:
    """One engine address. ``context`` is set when it came from a docker context, so the docker
    client is handed the context's name (and reads the same store) rather than our reading."""

    host: str
    source: Source = "default"
    tls: Tls | None = None
    context: str | None = None

    @property
    def scheme(self) -> str:
        return self.host.split("://", 1)[0]

    @property
    def is_default(self) -> bool:
        return self.source == "default"

    def socket_path(self) -> str:
        return self.host.removeprefix("unix://")

    def tcp_address(self) -> tuple[str, int]:
        parts = urlsplit(self.host)
        if parts.hostname is None:
            raise UsageError(f"engine host {self.host} names no host")
        return parts.hostname, parts.port or (2376 if self.tls else 2375)

    def ssh_argv(self) -> list[str]:
        """The command the docker CLI runs for an ssh:// host (its connhelper), for one
        connection: the remote client's ``system dial-stdio`` bridges stdin/stdout to the
        remote engine's socket."""
        parts = urlsplit(self.host)
        if not parts.hostname:
            raise UsageError(
                f"engine host {self.host} names no host; fix: ssh://[USER@]HOST[:PORT]"
            )
        argv = ["ssh"]
        if parts.username:
            argv += ["-l", parts.username]
        if parts.port:
            argv += ["-p", str(parts.port)]
        remote = ["docker"]
        if parts.path and parts.path != "/":
            remote += ["--host", f"unix://{parts.path}"]
        return [*argv, "--", parts.hostname, *remote, "system", "dial-stdio"]

    def client_options(self) -> list[str]:
        """Global options for the docker client (before its subcommand). The default endpoint
        gives none: the client resolves it itself, exactly as we did."""
        if self.is_default:
            return []
        if self.context is not None:
            return ["--context", self.context]
        options = ["--host", self.host]
        if self.tls is not None:
            options.append("--tlsverify" if self.tls.verify else "--tls")
            for flag, path in (
                ("--tlscacert", self.tls.ca),
                ("--tlscert", self.tls.cert),
                ("--tlskey", self.tls.key),
            ):
                if path is not None:
                    options += [flag, str(path)]
        return options

    def describe(self) -> str:
        where = f"context {self.context} ({self.host})" if self.context else self.host
        if self.tls is not None:
            where += ", TLS verified" if self.tls.verify else ", TLS unverified"
        return where if self.is_default else f"{where} (from {self.source})"


def config_dir(env: Mapping[str, str]) -> Path:
    named = env.get("DOCKER_CONFIG", "").strip()
    return Path(named) if named else Path(env.get("HOME", str(Path.home()))) / ".docker"


def check_host(host: str, what: str) -> str:
    scheme = host.split("://", 1)[0] if "://" in host else ""
    if scheme not in SCHEMES:
        raise UsageError(
            f"{what} {one_line(host, 100)!r} is not supported; fix: use unix:///PATH, "
            "tcp://HOST:PORT or ssh://[USER@]HOST"
        )
    if scheme == "unix" and not host.removeprefix("unix://").startswith("/"):
        raise UsageError(f"{what} {one_line(host, 100)!r} must name an absolute socket path")
    if scheme in ("tcp", "ssh"):
        try:
            parts = urlsplit(host)
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise UsageError(f"{what} {one_line(host, 100)!r} has a bad port") from None
        if not parts.hostname:
            raise UsageError(f"{what} {one_line(host, 100)!r} names no host")
        # ssh hands the remote command to the remote user's shell as one line: a socket path
        # is passed there, so it may hold no character a shell would act on.
        if scheme == "ssh" and not _SAFE_PATH.match(parts.path or "/"):
            raise UsageError(
                f"{what} {one_line(host, 100)!r}: the remote socket path may hold only letters, "
                "digits and ._-/"
            )
    return host


def _tls_from_env(env: Mapping[str, str]) -> Tls | None:
    verify = bool(env.get("DOCKER_TLS_VERIFY", "").strip())
    if not verify and not env.get("DOCKER_TLS", "").strip():
        return None
    folder = Path(env.get("DOCKER_CERT_PATH", "").strip() or config_dir(env))
    return _tls_files(folder, verify, "DOCKER_CERT_PATH" if "DOCKER_CERT_PATH" in env else "")


def _tls_files(folder: Path, verify: bool, named_by: str) -> Tls:
    found = {name: folder / f"{name}.pem" for name in ("ca", "cert", "key")}
    present = {name: path for name, path in found.items() if path.is_file()}
    where = f"{folder}" + (f" ({named_by})" if named_by else "")
    if verify and "ca" not in present:
        raise UsageError(f"TLS verification needs {found['ca']}; fix: put ca.pem in {where}")
    if ("cert" in present) != ("key" in present):
        raise UsageError(f"{where} holds only one of cert.pem and key.pem; fix: give both")
    return Tls(verify, present.get("ca"), present.get("cert"), present.get("key"))


def context_meta_dir(store: Path, name: str) -> Path:
    # The CLI's context store names each context's folder by the SHA-256 of its name.
    return store / "meta" / hashlib.sha256(name.encode()).hexdigest()


def read_context(name: str, env: Mapping[str, str], source: Source) -> Endpoint | None:
    """The docker endpoint of context ``name`` (None for "default": the environment's)."""
    if name == DEFAULT_CONTEXT:
        return None
    store = config_dir(env) / "contexts"
    meta = context_meta_dir(store, name) / "meta.json"
    try:
        with open(meta, "rb") as handle:
            data = handle.read(MAX_META_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(
            f"no docker context {one_line(name, 60)!r} in {store}; fix: `docker context ls`"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot read {meta}: {error.strerror}") from None
    try:
        if len(data) > MAX_META_BYTES:
            raise ValueError("too large")
        document = json.loads(data)
        docker = document["Endpoints"]["docker"]
        host = docker["Host"]
        skip_verify = bool(docker.get("SkipTLSVerify", False))
        if not isinstance(host, str):
            raise TypeError("Host is not a string")
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise UsageError(f"docker context {name!r}: {meta} is malformed ({error})") from None
    check_host(host, f"docker context {name!r} host")
    tls_dir = store / "tls" / hashlib.sha256(name.encode()).hexdigest() / "docker"
    tls = _tls_files(tls_dir, not skip_verify, "") if tls_dir.is_dir() else None
    if tls is not None and tls.ca is None and tls.cert is None:
        tls = None
    return Endpoint(host, source, tls, name)


def _current_context(env: Mapping[str, str]) -> str | None:
    config = config_dir(env) / "config.json"
    try:
        with open(config, "rb") as handle:
            data = handle.read(MAX_META_BYTES + 1)
        document = json.loads(data) if len(data) <= MAX_META_BYTES else {}
    except (OSError, ValueError, RecursionError):
        return None  # the credential reader reports a broken config; here it names no context
    name = document.get("currentContext") if isinstance(document, dict) else None
    return name if isinstance(name, str) and name else None


def resolve_endpoint(
    host: str | None = None, context: str | None = None, env: Mapping[str, str] | None = None
) -> Endpoint:
    """The engine endpoint, in the docker CLI's order (see the module's docstring)."""
    env = os.environ if env is None else env
    if host and context:
        raise UsageError("give --engine-host or --engine-context, not both")
    if host:
        return Endpoint(check_host(host, "--engine-host"), "option", _tls_from_env(env))
    if context:
        found = read_context(context, env, "context-option")
        return found if found is not None else _from_environment(env, ignore_contexts=True)
    return _from_environment(env, ignore_contexts=False)


def _from_environment(env: Mapping[str, str], *, ignore_contexts: bool) -> Endpoint:
    named = env.get("DOCKER_HOST", "").strip()
    if named:
        return Endpoint(check_host(named, "DOCKER_HOST"), "DOCKER_HOST", _tls_from_env(env))
    if not ignore_contexts:
        context = env.get("DOCKER_CONTEXT", "").strip()
        source: Source = "DOCKER_CONTEXT"
        if not context:
            context, source = _current_context(env) or "", "config"
        if context:
            found = read_context(context, env, source)
            if found is not None:
                return found
    return Endpoint(f"unix://{DEFAULT_SOCKET}", "default")
