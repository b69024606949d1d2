"""Image references in the containers-transports(5) syntax, plus bare paths and bare names.

``docker-archive:PATH[:NAME[:TAG]|:@INDEX]``, ``oci:DIR[:REF]``, ``oci-archive:PATH[:REF]``,
``docker-daemon:NAME[:TAG]|NAME@DIGEST|sha256:ID``, ``docker://HOST[:PORT]/REPO[:TAG|@DIGEST]``.
A bare existing path is recognised by what it contains; any other bare text must be an image
name and means the local engine. Paths may contain ``:``: the longest prefix that exists wins.
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from imagetailor.errors import UsageError, did_you_mean
from imagetailor.untrusted import open_regular

DOCKER_HUB = "docker.io"
# The distribution reference grammar, in parts.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}"
_NAME_RE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)
_IMAGE_ID = re.compile(r"^sha256:[a-f0-9]{64}$")
TRANSPORTS = ("docker-archive", "oci", "oci-archive", "docker-daemon", "docker")


@dataclass(frozen=True)
class ImageName:
    """A normalised image name: registry host, repository, and tag and/or digest."""

    registry: str
    repository: str
    tag: str | None
    digest: str | None

    def __str__(self) -> str:
        text = f"{self.registry}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    def familiar(self) -> str:
        """The short form users and ``docker images`` show (``busybox:1``, ``host:5000/x:y``)."""
        repository = self.repository
        if self.registry == DOCKER_HUB:
            repository = repository.removeprefix("library/")
            text = repository
        else:
            text = f"{self.registry}/{repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_name(text: str, default_tag: str | None = "latest") -> ImageName:
    """Parse and normalise a name: ``busybox`` -> ``docker.io/library/busybox:latest``."""
    match = _NAME_RE.match(text)
    if not match or len(text) > 512:
        raise UsageError(f"not a valid image name: {text[:120]!r}")
    domain, path = match.group("domain"), match.group("path")
    # A first component that looks like a host is one; otherwise the name lives on Docker Hub.
    if domain is not None and not ("." in domain or ":" in domain or domain == "localhost"):
        if not re.fullmatch(_COMPONENT, domain):
            raise UsageError(f"not a valid image name: {text[:120]!r}")
        path, domain = f"{domain}/{path}", None
    if domain is not None and domain.lower() != domain and not domain.startswith("["):
        raise UsageError(f"not a valid image name (host must be lower case): {text[:120]!r}")
    if domain is None or domain in (DOCKER_HUB, "index.docker.io", "registry-1.docker.io"):
        domain = DOCKER_HUB
        if "/" not in path:
            path = f"library/{path}"
    if len(path) > 255:
        raise UsageError(f"image repository name too long: {text[:120]!r}")
    tag, digest = match.group("tag"), match.group("digest")
    if tag is None and digest is None:
        tag = default_tag
    return ImageName(domain, path, tag, digest)


@dataclass(frozen=True)
class ImageReference:
    """Where an image is and which one: the parsed form of a reference string."""

    transport: str
    text: str
    path: Path | None = None
    # oci / oci-archive: the ref.name; docker-archive: NAME[:TAG] as given
    ref: str | None = None
    # docker-archive: ``@INDEX`` selection
    index: int | None = None
    # docker / docker-daemon (and docker-archive NAME[:TAG], normalised)
    name: ImageName | None = None
    # docker-daemon by image ID
    image_id: str | None = None

    def __str__(self) -> str:
        return self.text


def _split_path(rest: str) -> tuple[str, str | None]:
    """PATH[:SUFFIX], where PATH may itself contain ':': the longest existing prefix wins."""
    if not rest:
        raise UsageError("the reference names no path")
    if Path(rest).exists() or ":" not in rest:
        return rest, None
    positions = [i for i, char in enumerate(rest) if char == ":"]
    for position in reversed(positions):
        if Path(rest[:position]).exists():
            return rest[:position], rest[position + 1 :]
    position = positions[0]
    return rest[:position], rest[position + 1 :]


def _docker_archive(text: str, rest: str) -> ImageReference:
    path, suffix = _split_path(rest)
    if suffix is None or suffix == "":
        return ImageReference("docker-archive", text, Path(path))
    if suffix.startswith("@"):
        if not suffix[1:].isdigit():
            raise UsageError(f"docker-archive index must be a number: {text!r}")
        return ImageReference("docker-archive", text, Path(path), index=int(suffix[1:]))
    name = parse_name(suffix)
    if name.digest:
        raise UsageError(f"docker-archive selects by NAME:TAG or @INDEX, not digest: {text!r}")
    return ImageReference("docker-archive", text, Path(path), ref=suffix, name=name)


def _oci(transport: str, text: str, rest: str) -> ImageReference:
    path, ref = _split_path(rest)
    if ref is not None and not re.fullmatch(r"[A-Za-z0-9._\-:/@+]+", ref):
        raise UsageError(f"not a valid OCI ref name {ref!r} in {text!r}")
    return ImageReference(transport, text, Path(path), ref=ref or None)


def _daemon(text: str, rest: str) -> ImageReference:
    if _IMAGE_ID.match(rest):
        return ImageReference("docker-daemon", text, image_id=rest)
    if not rest:
        raise UsageError(f"docker-daemon: needs an image name: {text!r}")
    return ImageReference("docker-daemon", text, name=parse_name(rest))


def _registry(text: str, rest: str) -> ImageReference:
    if not rest.startswith("//"):
        raise UsageError(f"a registry reference looks like docker://HOST/REPO[:TAG]: {text!r}")
    name = parse_name(rest[2:])
    return ImageReference("docker", text, name=name)


def detect_path(path: Path, text: str) -> ImageReference:
    """What an existing bare path holds: an OCI layout, an OCI archive or a docker-save archive."""
    if path.is_dir():
        if (path / "oci-layout").is_file() or (path / "index.json").is_file():
            return ImageReference("oci", text, path)
        raise UsageError(f"{path} is a directory but not an OCI layout (no oci-layout file)")
    try:
        # Opened as a regular file first: tarfile.open(path) of a FIFO would block forever.
        with (
            open_regular(path, "image archive") as handle,
            tarfile.open(fileobj=handle, mode="r:") as tar,
        ):
            names = set()
            for info in tar:
                names.add(info.name.removeprefix("./"))
                if "manifest.json" in names:
                    return ImageReference("docker-archive", text, path)
                if len(names) > 100_000:
                    break
    except (tarfile.TarError, OSError, EOFError):
        raise UsageError(f"{path} is not an image archive (not a readable plain tar)") from None
    if "index.json" in names or "oci-layout" in names:
        return ImageReference("oci-archive", text, path)
    raise UsageError(f"{path} is a tar but not an image archive (no manifest.json or index.json)")


def _looks_like_path(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~")) or text.endswith((".tar", ".tar.gz", ".oci"))


def parse_reference(text: str) -> ImageReference:
    """Parse a reference; UsageError (one line) if it is malformed."""
    if not isinstance(text, str) or not text.strip():
        raise UsageError("empty image reference")
    if "\0" in text or "\n" in text:
        raise UsageError("image reference contains control characters")
    transport, colon, rest = text.partition(":")
    # "docker:27" is the image named docker, not the registry transport (which needs "//").
    if colon and transport in TRANSPORTS and not (transport == "docker" and rest[:1] != "/"):
        if transport == "docker-archive":
            return _docker_archive(text, rest)
        if transport in ("oci", "oci-archive"):
            return _oci(transport, text, rest)
        if transport == "docker-daemon":
            return _daemon(text, rest)
        return _registry(text, rest)
    path = Path(text).expanduser()
    if path.exists():
        return detect_path(path, text)
    # `dockr-archive:/x.tar`: a mistyped transport before a path or a //host.
    if colon and rest.startswith(("/", "./", "~")) and did_you_mean(transport, TRANSPORTS):
        hint = did_you_mean(transport, TRANSPORTS)
        raise UsageError(f"unknown transport {transport + ':'!r} in {text!r}{hint}")
    if _looks_like_path(text):
        raise UsageError(f"no such file or directory: {text}")
    if re.match(r"^[a-z][a-z0-9+.-]*://", text):
        raise UsageError(f"unknown transport in {text!r} (use one of: {', '.join(TRANSPORTS)})")
    try:
        return ImageReference("docker-daemon", text, name=parse_name(text))
    except UsageError:
        raise UsageError(
            f"{text[:120]!r} is neither an existing path nor an image name "
            f"(transports: {', '.join(TRANSPORTS)})"
        ) from None
