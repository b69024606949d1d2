"""``open_image``: any reference, any source, one ``Image``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from imagetailor.errors import UsageError
from imagetailor.image.model import FetchProgress, Image
from imagetailor.image.platforms import Platform, parse_platform
from imagetailor.image.reference import ImageReference, parse_reference

if TYPE_CHECKING:
    from imagetailor.engine.endpoint import Endpoint


def open_image(
    reference: str,
    platform: str | None = None,
    *,
    docker_config: Path | None = None,
    timeout: float = 30.0,
    fetch_progress: FetchProgress | None = None,
    deadline: float | None = None,
    endpoint: Endpoint | None = None,
) -> Image:
    """Resolve ``reference`` to a single-platform image.

    ``platform`` (``os/arch[/variant]``) picks from a multi-platform index; by default the host's.
    ``docker_config`` is the ``config.json`` holding registry credentials (default
    ``~/.docker/config.json``); ``timeout`` bounds each network wait in seconds and ``deadline``
    each whole network operation (default ``TAILOR_DEADLINE``, 600 s). Close the image
    (or use it as a context manager) to release temp files and connections.
    ``fetch_progress(bytes_done, bytes_expected)`` hears about work done before the image can be
    read at all (the engine exporting an image), so a caller can show it.
    ``endpoint``: the engine ``docker-daemon:`` reads from (default: as the docker CLI resolves
    it, engine/endpoint.py).
    """
    parsed = parse_reference(reference)
    wanted = parse_platform(platform) if platform else None
    image = _open(parsed, wanted, docker_config, timeout, fetch_progress, deadline, endpoint)
    if wanted is not None:
        _check_platform(image, wanted)
    return image


def _open(
    parsed: ImageReference,
    wanted: Platform | None,
    docker_config: Path | None,
    timeout: float,
    fetch_progress: FetchProgress | None,
    deadline: float | None,
    endpoint: Endpoint | None = None,
) -> Image:
    # Sources are imported lazily: reading an archive needs no HTTP client, and vice versa.
    if parsed.transport == "docker-archive":
        from imagetailor.image.docker_archive import open_docker_archive

        assert parsed.path is not None
        return open_docker_archive(parsed.path, parsed, wanted, parsed.text)
    if parsed.transport == "oci":
        from imagetailor.image.oci_layout import open_oci_layout

        assert parsed.path is not None
        return open_oci_layout(parsed.path, parsed.ref, wanted, parsed.text)
    if parsed.transport == "oci-archive":
        from imagetailor.image.oci_archive import open_oci_archive

        assert parsed.path is not None
        return open_oci_archive(parsed.path, parsed.ref, wanted, parsed.text)
    if parsed.transport == "docker-daemon":
        from imagetailor.image.daemon import open_daemon_image

        return open_daemon_image(
            parsed,
            wanted,
            timeout=timeout,
            fetch_progress=fetch_progress,
            deadline=deadline,
            endpoint=endpoint,
        )
    from imagetailor.image.registry import open_registry_image

    return open_registry_image(
        parsed, wanted, docker_config=docker_config, timeout=timeout, deadline=deadline
    )


def _check_platform(image: Image, wanted: Platform) -> None:
    """A single-platform source cannot choose: refuse an explicit platform it does not hold."""
    config = image.config
    held = {"os": config.get("os"), "architecture": config.get("architecture")}
    if config.get("variant"):
        held["variant"] = config.get("variant")
    if not wanted.matches(held):
        image.close()
        have = "/".join(str(v) for v in held.values() if v)
        raise UsageError(f"{image.reference} is an image for {have}, not {wanted}")
