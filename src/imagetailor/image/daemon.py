"""``docker-daemon:NAME[:TAG]``: an image in the local engine, fetched over its API.

The engine API has no random access to layers; ``GET /images/get`` streams the ``docker save``
archive. It is spooled into a private temp directory (bounded by the image's size, the free space
and ``MAX_SPOOL_BYTES``), read in place as a docker-archive, and removed when the image is closed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

import httpx

from imagetailor.deadline import Deadline, configured_deadline
from imagetailor.errors import (
    BadImageError,
    SourceUnavailableError,
    TailorError,
    UsageError,
    dead_engine_fix,
    one_line,
)
from imagetailor.image.docker_archive import open_docker_archive
from imagetailor.image.http import Operation, guarded_client, iter_body, read_bounded
from imagetailor.image.model import FetchProgress, Image
from imagetailor.image.platforms import Platform
from imagetailor.image.reference import ImageReference, parse_name

DEFAULT_SOCKET = "/var/run/docker.sock"
MAX_SPOOL_BYTES = 256 * 1024**3
# The archive adds tar headers and JSON to the image's own size.
ARCHIVE_OVERHEAD = 1.05
ARCHIVE_SLACK = 16 * 1024 * 1024
# An inspect record or an error answer; the engine's are a few KB.
MAX_ANSWER_BYTES = 4 * 1024 * 1024


def engine_client(timeout: float, operation: Operation) -> tuple[httpx.Client, str]:
    """An HTTP client talking to the engine named by DOCKER_HOST (default: the unix socket),
    every wait bounded by ``operation``'s deadline."""
    host = os.environ.get("DOCKER_HOST", "") or f"unix://{DEFAULT_SOCKET}"
    if host.startswith("unix://"):
        socket_path = host.removeprefix("unix://")
        client = guarded_client(operation, timeout, uds=socket_path, base_url="http://docker")
        return client, host
    if host.startswith("tcp://"):
        base = "http://" + host.removeprefix("tcp://")
        return guarded_client(operation, timeout, proxy_for=base, base_url=base), host
    raise UsageError(f"DOCKER_HOST={host[:100]} is not supported (use unix:// or tcp://)")


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

    def __init__(self, timeout: float, deadline: float | None) -> None:
        self.operation = Operation()
        self.client, self.host = engine_client(timeout, self.operation)
        self.seconds = configured_deadline() if deadline is None else deadline

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
) -> Image:
    name = _engine_name(reference)
    engine = _Engine(timeout, deadline)
    spool = Path(tempfile.mkdtemp(prefix="imagetailor-daemon-"))
    try:
        with engine.client:
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
    names: list[str], *, timeout: float = 30.0, max_bytes: int = MAX_SPOOL_BYTES
) -> dict[str, Image]:
    """Several engine images from ONE export: `docker save a b c` writes each shared layer once
    (a ci and a dev image share the whole toolchain), so the engine's export, the slowest part
    of checking freshly built images, is paid once. The images share the spool; each one's
    close() removes it when the last is closed."""
    engine = _Engine(timeout, None)
    spool = Path(tempfile.mkdtemp(prefix="imagetailor-daemon-"))
    images: dict[str, Image] = {}
    try:
        with engine.client:
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
