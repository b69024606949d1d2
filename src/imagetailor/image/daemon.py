"""``docker-daemon:NAME[:TAG]``: an image in the local engine, fetched over its API.

The engine API has no random access to layers; ``GET /images/get`` streams the ``docker save``
archive. It is spooled into a private temp directory (bounded by the image's size, the free space
and ``MAX_SPOOL_BYTES``), read in place as a docker-archive, and removed when the image is closed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

import httpx

from imagetailor.errors import BadImageError, SourceUnavailableError, TailorError, UsageError
from imagetailor.image.docker_archive import open_docker_archive
from imagetailor.image.model import FetchProgress, Image
from imagetailor.image.platforms import Platform
from imagetailor.image.reference import ImageReference

DEFAULT_SOCKET = "/var/run/docker.sock"
MAX_SPOOL_BYTES = 256 * 1024**3
# The archive adds tar headers and JSON to the image's own size.
ARCHIVE_OVERHEAD = 1.05
ARCHIVE_SLACK = 16 * 1024 * 1024


def engine_client(timeout: float) -> tuple[httpx.Client, str]:
    """An HTTP client talking to the engine named by DOCKER_HOST (default: the unix socket)."""
    host = os.environ.get("DOCKER_HOST", "") or f"unix://{DEFAULT_SOCKET}"
    limits = httpx.Timeout(timeout)
    if host.startswith("unix://"):
        socket_path = host.removeprefix("unix://")
        transport = httpx.HTTPTransport(uds=socket_path)
        return httpx.Client(transport=transport, base_url="http://docker", timeout=limits), host
    if host.startswith("tcp://"):
        base = "http://" + host.removeprefix("tcp://")
        return httpx.Client(base_url=base, timeout=limits), host
    raise UsageError(f"DOCKER_HOST={host} is not supported (use unix:// or tcp://)")


def _engine_name(reference: ImageReference) -> str:
    if reference.image_id:
        return reference.image_id
    assert reference.name is not None
    return reference.name.familiar()


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    message = body.get("message") if isinstance(body, dict) else None
    return " ".join(str(message or "").split())[:200]


def _request_failed(error: httpx.HTTPError, host: str) -> SourceUnavailableError:
    if isinstance(error, httpx.TimeoutException):
        return SourceUnavailableError(f"the Docker engine at {host} did not answer in time")
    reason = " ".join(str(error).split())[:200] or type(error).__name__
    return SourceUnavailableError(f"cannot reach the Docker engine at {host}: {reason}")


def open_daemon_image(
    reference: ImageReference,
    platform: Platform | None,
    *,
    timeout: float = 30.0,
    max_bytes: int = MAX_SPOOL_BYTES,
    fetch_progress: FetchProgress | None = None,
) -> Image:
    name = _engine_name(reference)
    client, host = engine_client(timeout)
    spool = Path(tempfile.mkdtemp(prefix="imagetailor-daemon-"))
    try:
        with client:
            size = _inspect_size(client, host, name)
            if size > max_bytes:
                raise SourceUnavailableError(
                    f"image {name} is {size} bytes, more than the {max_bytes} we spool"
                )
            bound = min(max_bytes, int(size * ARCHIVE_OVERHEAD) + ARCHIVE_SLACK)
            if shutil.disk_usage(spool).free < bound:
                raise SourceUnavailableError(f"not enough free space in {spool.parent} for {name}")
            archive = spool / "image.tar"
            _spool(client, host, name, archive, bound, size, fetch_progress)
        selection = ImageReference("docker-archive", str(archive), archive, index=0)
        image = open_docker_archive(archive, selection, platform, reference.text)
    except BaseException:
        shutil.rmtree(spool, ignore_errors=True)
        raise
    # close() removes the spool; the finalizer also does if the caller forgets, at exit at latest.
    image.close_hooks.append(weakref.finalize(image, shutil.rmtree, spool, ignore_errors=True))
    return image


def _inspect_size(client: httpx.Client, host: str, name: str) -> int:
    try:
        response = client.get(f"/images/{name}/json")
    except httpx.HTTPError as error:
        raise _request_failed(error, host) from None
    if response.status_code == 404:
        raise SourceUnavailableError(f"the Docker engine at {host} has no image {name}")
    if response.status_code != 200:
        raise SourceUnavailableError(
            f"the Docker engine at {host} answered {response.status_code} for image {name}: "
            f"{_message(response)}"
        )
    try:
        info: Any = response.json()
    except ValueError:
        raise SourceUnavailableError(f"the Docker engine at {host} sent invalid JSON") from None
    size = info.get("Size") if isinstance(info, dict) else None
    if not isinstance(size, int) or size < 0:
        raise SourceUnavailableError(f"the Docker engine at {host} reported no size for {name}")
    return size


def _spool(
    client: httpx.Client,
    host: str,
    name: str,
    archive: Path,
    bound: int,
    expected: int,
    fetch_progress: FetchProgress | None,
) -> None:
    written = 0
    if fetch_progress is not None:
        fetch_progress(0, expected)  # the engine prepares for seconds before its first byte
    try:
        with (
            client.stream("GET", "/images/get", params={"names": name}) as response,
            open(archive, "xb") as out,
        ):
            if response.status_code != 200:
                response.read()
                raise SourceUnavailableError(
                    f"the Docker engine at {host} answered {response.status_code} when saving "
                    f"{name}: {_message(response)}"
                )
            for chunk in response.iter_raw(1024 * 1024):
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
        raise _request_failed(error, host) from None
    except OSError as error:
        raise SourceUnavailableError(f"cannot spool {name} to {archive}: {error}") from None
