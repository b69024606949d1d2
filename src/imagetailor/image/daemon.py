"""``docker-daemon:NAME[:TAG]``: an image in an engine, fetched over its API.

The engine is the one the endpoint names (engine/endpoint.py: --engine-host, --engine-context,
DOCKER_HOST with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, DOCKER_CONTEXT, the config's current
context), the same one `tailor build` built in: a unix socket, TCP (TLS with client
certificates), or ssh (through ``docker system dial-stdio`` on the remote host).

The engine API has no random access to layers; ``GET /images/get`` streams the ``docker save``
archive. It is spooled into a private temp directory (bounded by the image's size, the free space
and ``MAX_SPOOL_BYTES``), read in place as a docker-archive, and removed when the image is closed.
"""

from __future__ import annotations

import json
import shutil
import ssl
import tempfile
import weakref
from pathlib import Path
from typing import Any

import httpx

from imagetailor.deadline import Deadline, configured_deadline
from imagetailor.engine.endpoint import Endpoint, Tls, resolve_endpoint
from imagetailor.errors import (
    BadImageError,
    SourceUnavailableError,
    TailorError,
    UsageError,
    dead_engine_fix,
    one_line,
)
from imagetailor.image.dialstdio import DialStdioBridge
from imagetailor.image.docker_archive import open_docker_archive
from imagetailor.image.http import Operation, guarded_client, iter_body, read_bounded
from imagetailor.image.model import FetchProgress, Image
from imagetailor.image.platforms import Platform
from imagetailor.image.reference import ImageReference, parse_name

MAX_SPOOL_BYTES = 256 * 1024**3
# The archive adds tar headers and JSON to the image's own size.
ARCHIVE_OVERHEAD = 1.05
ARCHIVE_SLACK = 16 * 1024 * 1024
# An inspect record or an error answer; the engine's are a few KB.
MAX_ANSWER_BYTES = 4 * 1024 * 1024


def tls_context(tls: Tls) -> ssl.SSLContext:
    """The client side of the engine's TLS: its CA (or none, unverified) and our certificate."""
    try:
        context = ssl.create_default_context(cafile=str(tls.ca) if tls.ca else None)
        if not tls.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if tls.cert is not None and tls.key is not None:
            context.load_cert_chain(str(tls.cert), str(tls.key))
    except (ssl.SSLError, OSError) as error:
        reason = one_line(str(error), 160)
        raise UsageError(f"cannot use the engine's TLS files: {reason}") from None
    return context


def engine_client(
    timeout: float, operation: Operation, endpoint: Endpoint | None = None
) -> tuple[httpx.Client, str, DialStdioBridge | None]:
    """An HTTP client talking to the engine at ``endpoint`` (default: resolved as the docker
    CLI would), every wait bounded by ``operation``'s deadline; the ssh bridge to close, if any."""
    endpoint = endpoint or resolve_endpoint()
    where = endpoint.describe()
    if endpoint.scheme == "unix":
        uds = endpoint.socket_path()
        client = guarded_client(operation, timeout, uds=uds, base_url="http://docker")
        return client, where, None
    if endpoint.scheme == "tcp":
        host, port = endpoint.tcp_address()
        if endpoint.tls is None:
            base = f"http://{host}:{port}"
            return guarded_client(operation, timeout, proxy_for=base, base_url=base), where, None
        base = f"https://{host}:{port}"
        client = guarded_client(
            operation, timeout, proxy_for=base, base_url=base, verify=tls_context(endpoint.tls)
        )
        return client, where, None
    if endpoint.scheme == "ssh":
        bridge = DialStdioBridge(endpoint.ssh_argv())
        client = guarded_client(operation, timeout, uds=bridge.path, base_url="http://docker")
        return client, where, bridge
    raise UsageError(f"engine host {endpoint.host[:100]} is not supported")


def _engine_name(reference: ImageReference) -> str:
    if reference.image_id:
        return reference.image_id
    assert reference.name is not None
    return reference.name.familiar()


def _message(response: httpx.Response) -> str:
    """The engine's error text, read bounded (an endless error answer is cut, not held)."""
    try:
        body = read_bounded(response, MAX_ANSWER_BYTES, "answer")
    except (BadImageError, httpx.HTTPError):
        return "(an unreadable or oversized answer)"
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return one_line(body.decode(errors="replace"), 200)
    message = document.get("message") if isinstance(document, dict) else None
    return one_line(str(message or ""), 200)


class _Engine:
    """One client and the deadline of the operation it is doing."""

    def __init__(
        self, timeout: float, deadline: float | None, endpoint: Endpoint | None = None
    ) -> None:
        self.operation = Operation()
        self.client, self.host, self._bridge = engine_client(timeout, self.operation, endpoint)
        self.seconds = configured_deadline() if deadline is None else deadline

    def __enter__(self) -> _Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self._bridge is not None:
            self._bridge.close()

    def start(self) -> Deadline:
        self.operation.deadline = Deadline(self.seconds)
        return self.operation.deadline

    def failed(self, error: httpx.HTTPError, what: str) -> SourceUnavailableError:
        deadline = self.operation.deadline
        if deadline is not None and deadline.expired():
            return deadline.error(f"{what} from the Docker engine at {self.host}")
        if isinstance(error, httpx.TimeoutException):
            return SourceUnavailableError(
                f"the Docker engine at {self.host} did not answer in time"
            )
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        fix = f"; {dead_engine_fix()}" if isinstance(error, httpx.ConnectError) else ""
        return SourceUnavailableError(
            f"cannot reach the Docker engine at {self.host}: {reason}{fix}"
        )


def open_daemon_image(
    reference: ImageReference,
    platform: Platform | None,
    *,
    timeout: float = 30.0,
    max_bytes: int = MAX_SPOOL_BYTES,
    fetch_progress: FetchProgress | None = None,
    deadline: float | None = None,
    endpoint: Endpoint | None = None,
) -> Image:
    name = _engine_name(reference)
    engine = _Engine(timeout, deadline, endpoint)
    spool = Path(tempfile.mkdtemp(prefix="imagetailor-daemon-"))
    try:
        with engine:
            size = _inspect_size(engine, name)
            if size > max_bytes:
                raise SourceUnavailableError(
                    f"image {name} is {size} bytes, more than the {max_bytes} we spool"
                )
            bound = min(max_bytes, int(size * ARCHIVE_OVERHEAD) + ARCHIVE_SLACK)
            if shutil.disk_usage(spool).free < bound:
                raise SourceUnavailableError(f"not enough free space in {spool.parent} for {name}")
            archive = spool / "image.tar"
            _spool(engine, name, archive, bound, size, fetch_progress)
        selection = ImageReference("docker-archive", str(archive), archive, index=0)
        image = open_docker_archive(archive, selection, platform, reference.text)
    except BaseException:
        # Also on SIGTERM (cli.main raises Terminated) and Ctrl-C: no image.tar is left behind.
        shutil.rmtree(spool, ignore_errors=True)
        raise
    # close() removes the spool; the finalizer also does if the caller forgets, at exit at latest.
    image.close_hooks.append(weakref.finalize(image, shutil.rmtree, spool, ignore_errors=True))
    return image


def _inspect_size(engine: _Engine, name: str) -> int:
    host = engine.host
    engine.start()
    try:
        with engine.client.stream("GET", f"/images/{name}/json") as response:
            if response.status_code == 404:
                raise SourceUnavailableError(f"the Docker engine at {host} has no image {name}")
            if response.status_code != 200:
                raise SourceUnavailableError(
                    f"the Docker engine at {host} answered {response.status_code} for image "
                    f"{name}: {_message(response)}"
                )
            body = read_bounded(response, MAX_ANSWER_BYTES, f"the engine's record of {name}")
    except httpx.HTTPError as error:
        raise engine.failed(error, f"the record of {name}") from None
    except BadImageError as error:
        raise SourceUnavailableError(f"the Docker engine at {host}: {error}") from None
    try:
        info: Any = json.loads(body)
    except (ValueError, RecursionError):
        raise SourceUnavailableError(f"the Docker engine at {host} sent invalid JSON") from None
    size = info.get("Size") if isinstance(info, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise SourceUnavailableError(f"the Docker engine at {host} reported no size for {name}")
    return size


def open_daemon_images(
    names: list[str],
    *,
    timeout: float = 30.0,
    max_bytes: int = MAX_SPOOL_BYTES,
    endpoint: Endpoint | None = None,
) -> dict[str, Image]:
    """Several engine images from ONE export: `docker save a b c` writes each shared layer once
    (a ci and a dev image share the whole toolchain), so the engine's export, the slowest part
    of checking freshly built images, is paid once. The images share the spool; each one's
    close() removes it when the last is closed."""
    engine = _Engine(timeout, None, endpoint)
    spool = Path(tempfile.mkdtemp(prefix="imagetailor-daemon-"))
    images: dict[str, Image] = {}
    try:
        with engine:
            size = sum(_inspect_size(engine, name) for name in names)  # shared layers counted twice
            if size > max_bytes:
                raise SourceUnavailableError(f"images of {size} bytes, more than {max_bytes}")
            bound = min(max_bytes, int(size * ARCHIVE_OVERHEAD) + ARCHIVE_SLACK)
            if shutil.disk_usage(spool).free < bound:
                raise SourceUnavailableError(f"not enough free space in {spool.parent}")
            archive = spool / "images.tar"
            _spool(engine, names, archive, bound, size, None)
        for name in names:
            ref = ImageReference(
                "docker-archive", str(archive), archive, ref=name, name=parse_name(name)
            )
            images[name] = open_docker_archive(archive, ref, None, f"docker-daemon:{name}")
    except BaseException:
        shutil.rmtree(spool, ignore_errors=True)
        raise
    shared = _SharedSpool(spool, len(images))
    for image in images.values():
        image.close_hooks.append(shared.release)  # the hook keeps the spool alive with the image
    return images


class _SharedSpool:
    """A spool several images read: removed when the last of them is closed, or when all of
    them are gone without being closed (at exit at the latest)."""

    def __init__(self, path: Path, users: int) -> None:
        self._users = users
        self._remove = weakref.finalize(self, shutil.rmtree, path, ignore_errors=True)

    def release(self) -> None:
        self._users -= 1
        if self._users <= 0:
            self._remove()


def _spool(
    engine: _Engine,
    name: str | list[str],
    archive: Path,
    bound: int,
    expected: int,
    fetch_progress: FetchProgress | None,
) -> None:
    written = 0
    host = engine.host
    if fetch_progress is not None:
        fetch_progress(0, expected)  # the engine prepares for seconds before its first byte
    engine.start()
    try:
        with (
            engine.client.stream(
                "GET", "/images/get", params={"names": name}
            ) as response,  # fmt: skip
            open(archive, "xb") as out,
        ):
            if response.status_code != 200:
                raise SourceUnavailableError(
                    f"the Docker engine at {host} answered {response.status_code} when saving "
                    f"{name}: {_message(response)}"
                )
            for chunk in iter_body(response):
                written += len(chunk)
                if written > bound:
                    raise BadImageError(
                        f"the engine's archive of {name} exceeds the expected {bound} bytes"
                    )
                out.write(chunk)
                if fetch_progress is not None:
                    fetch_progress(written, expected)
    except TailorError:
        raise
    except httpx.HTTPError as error:
        raise engine.failed(error, f"the archive of {name}") from None
    except OSError as error:
        raise SourceUnavailableError(f"cannot spool {name} to {archive}: {error}") from None
