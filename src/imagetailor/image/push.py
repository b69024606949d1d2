"""Pushing an image to a registry with the distribution API, spoken directly (no engine).

Why not ``docker push``: the image pushed must be the image that was checked. Here the bytes
uploaded are read from the same ``Image`` the check read (the config blob exactly as stored, so
its digest is the checked config digest; each layer from its verified uncompressed stream), and
the manifest digest is computed from the bytes we send, not parsed from an engine's progress
output. It also needs no daemon configuration: TLS with a private CA (SSL_CERT_FILE) and the
docker config's credentials work as they do for reading.

Layers are recompressed with gzip at a fixed mtime of 0 and no file name, so pushing the same
layer twice yields the same blob digest and the second push finds it already there.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from isal import isal_zlib

from imagetailor.deadline import Deadline
from imagetailor.errors import BadImageError, DigestMismatchError, SourceUnavailableError
from imagetailor.image.http import read_bounded
from imagetailor.image.mediatypes import OCI_MANIFEST
from imagetailor.image.model import Descriptor, Image
from imagetailor.image.registry import RegistryStore

OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MAX_ANSWER_BYTES = 64 * 1024  # a registry's answer to a PUT or POST: a few headers and JSON
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str


Body = Callable[[], Iterator[bytes] | bytes]


class RegistryWriter(RegistryStore):
    """A repository written to: blobs uploaded (monolithic POST then PUT), manifests put."""

    last_headers: httpx.Headers | None = None  # of the last manifest put (OCI-Subject)

    def call(
        self,
        method: str,
        target: str,
        headers: dict[str, str] | None = None,
        body: Body | None = None,
    ) -> Answer:
        """One request with authentication (a 401 is answered once, again when the scope it
        asks for changes), an upgrade to TLS where a loopback registry serves it, and a
        bounded answer. ``body`` makes the content afresh for each attempt."""
        deadline = Deadline(self._deadline_seconds)
        self._operation.deadline = deadline
        url = target if "://" in target else self.base + target
        answered: set[str] = set()
        while True:
            request_headers = dict(headers or {})
            if self._authorization:
                request_headers["Authorization"] = self._authorization
            response = self._exchange(method, url, request_headers, body, deadline)
            if self.upgraded_to_tls(response):
                url = "https://" + url.split("://", 1)[1]
                continue
            try:
                challenge = response.headers.get("www-authenticate", "")
                if response.status_code == 401 and challenge not in answered:
                    answered.add(challenge)
                    self._authorization = self._answer(challenge, url, deadline)
                    continue
                # A HEAD's Content-Length is the blob's, with no body to read.
                data = (
                    b""
                    if method == "HEAD"
                    else read_bounded(response, MAX_ANSWER_BYTES, f"answer to {method} {url}")
                )
            except httpx.HTTPError as error:
                raise self._unreachable(error, method, url) from None
            finally:
                response.close()
            return Answer(response.status_code, response.headers, data, str(response.url))

    def _exchange(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Body | None,
        deadline: Deadline,
    ) -> httpx.Response:
        try:
            request = self._client.build_request(
                method, url, headers=headers, content=None if body is None else body()
            )
            return self._client.send(request, stream=True)
        except httpx.TimeoutException:
            if deadline.expired():
                raise deadline.error(f"{method} {url}") from None
            raise SourceUnavailableError(
                f"timed out after {self._timeout:g}s: {method} {url}"
            ) from None
        except httpx.HTTPError as error:
            raise self._unreachable(error, method, url) from None

    def _unreachable(self, error: httpx.HTTPError, method: str, url: str) -> Exception:
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        if "CERTIFICATE_VERIFY_FAILED" in reason:
            reason += "; a registry with a private CA: set SSL_CERT_FILE to its certificate"
        return SourceUnavailableError(f"cannot reach {self.where}: {reason} ({method} {url})")

    def refused(self, answer: Answer, what: str) -> SourceUnavailableError:
        detail = answer.body[:200].decode("utf-8", errors="replace")
        hint = "; check credentials (docker login)" if answer.status in (401, 403) else ""
        return SourceUnavailableError(
            f"{self.where} answered {answer.status} to {what}{hint}: {' '.join(detail.split())}"
        )

    # --- blobs and manifests -------------------------------------------------------------

    def has_blob(self, digest: str) -> bool:
        answer = self.call("HEAD", f"/v2/{self.name.repository}/blobs/{digest}")
        return answer.status == 200

    def upload_blob(self, digest: str, size: int, body: Body) -> bool:
        """Upload a blob unless the repository has it; True when it was uploaded."""
        if self.has_blob(digest):
            return False
        started = self.call("POST", f"/v2/{self.name.repository}/blobs/uploads/")
        location = started.headers.get("location")
        if started.status != 202 or not location:
            raise self.refused(started, f"starting the upload of {digest}")
        url = httpx.URL(started.url).join(location).copy_merge_params({"digest": digest})
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        answer = self.call("PUT", str(url), headers, body)
        if answer.status != 201:
            raise self.refused(answer, f"the upload of {digest}")
        stored = answer.headers.get("docker-content-digest")
        if stored and stored != digest:
            raise DigestMismatchError(f"{self.where} stored {digest} as {stored}")
        return True

    def put_manifest(self, reference: str, data: bytes, media_type: str) -> str:
        """PUT a manifest under a tag or its digest; returns the digest, checked against the
        registry's. The answer's headers are kept in ``last_headers`` (OCI-Subject)."""
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        answer = self.call(
            "PUT",
            f"/v2/{self.name.repository}/manifests/{reference}",
            {"Content-Type": media_type},
            lambda: data,
        )
        if answer.status != 201:
            raise self.refused(answer, f"the manifest {self.name.repository}:{reference}")
        stored = answer.headers.get("docker-content-digest")
        if stored and stored != digest:
            raise DigestMismatchError(f"{self.where} stored manifest {digest} as {stored}")
        self.last_headers = answer.headers
        return digest


@dataclass(frozen=True)
class Pushed:
    repository: str  # host/repo
    digest: str  # the manifest's
    size: int
    tags: tuple[str, ...]
    config_digest: str
    uploaded: int  # blobs sent (the rest the registry had)

    def descriptor(self) -> Descriptor:
        return Descriptor(OCI_MANIFEST, self.digest, self.size)


def _file_body(path: Path) -> Body:
    def chunks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    return chunks


def _compressed(stream: IO[bytes], spool: Path) -> tuple[str, int]:
    """The layer gzipped into ``spool`` (reproducibly); its digest and size. The stream checks
    the layer's diff_id as it reaches the end, so a layer that is not what the config names
    fails here, before anything is uploaded."""
    # wbits 16+15: a gzip member whose header has mtime 0 and no name, as reproducible as zlib.
    deflate = isal_zlib.compressobj(2, isal_zlib.DEFLATED, 16 + 15)
    with spool.open("wb") as raw:
        while chunk := stream.read(CHUNK):
            raw.write(deflate.compress(chunk))
        raw.write(deflate.flush())
    hasher = hashlib.sha256()
    with spool.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
    return "sha256:" + hasher.hexdigest(), spool.stat().st_size


def image_manifest(config: Descriptor, layers: list[Descriptor]) -> bytes:
    def describe(d: Descriptor) -> dict[str, object]:
        return {"mediaType": d.media_type, "digest": d.digest, "size": d.size}

    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": describe(config),
        "layers": [describe(layer) for layer in layers],
    }
    return json.dumps(document, separators=(",", ":")).encode()


def push_image(image: Image, writer: RegistryWriter, tags: list[str]) -> Pushed:
    """Upload ``image``'s blobs and put its manifest under each of ``tags``."""
    config = image.config_bytes
    if not config:
        raise BadImageError(f"{image.reference}: its source keeps no config bytes to push")
    if "sha256:" + hashlib.sha256(config).hexdigest() != image.config_digest:
        raise DigestMismatchError(f"{image.reference}: config does not hash to its digest")
    uploaded = 0
    layers: list[Descriptor] = []
    with tempfile.TemporaryDirectory(prefix="imagetailor-push-") as spool:
        for number, layer in enumerate(image.layers):
            path = Path(spool) / f"layer-{number}.tar.gz"
            with layer.open() as stream:
                digest, size = _compressed(stream, path)
            uploaded += writer.upload_blob(digest, size, _file_body(path))
            layers.append(Descriptor(OCI_LAYER_GZIP, digest, size))
            path.unlink()
    uploaded += writer.upload_blob(image.config_digest, len(config), lambda: config)
    manifest = image_manifest(Descriptor(OCI_CONFIG, image.config_digest, len(config)), layers)
    digest = ""
    for tag in tags:
        digest = writer.put_manifest(tag, manifest, OCI_MANIFEST)
    name = writer.name
    return Pushed(
        f"{name.registry}/{name.repository}",
        digest,
        len(manifest),
        tuple(tags),
        image.config_digest,
        uploaded,
    )
