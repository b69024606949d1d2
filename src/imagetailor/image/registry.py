"""``docker://HOST[:PORT]/REPO[:TAG|@DIGEST]``: the distribution API v2, spoken directly.

Plain HTTP only to loopback registries, HTTPS to any other. Authentication follows the registry's
challenge: anonymous, Basic (credentials from the docker config), or Bearer (a token from the
realm the challenge names, fetched with those credentials if there are any). Manifests are read
bounded and digest-checked; layer blobs are streamed (redirects followed) through the verifying
reader like every other source's.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx

from imagetailor.errors import BadImageError, DigestMismatchError, SourceUnavailableError
from imagetailor.image.blobs import MAX_DOCUMENT_BYTES, check_digest, parse_json_object
from imagetailor.image.credentials import Credentials, find_credentials
from imagetailor.image.manifests import (
    INDEX_TYPES,
    MANIFEST_TYPES,
    build_image,
    document_kind,
    resolve_index,
)
from imagetailor.image.model import Descriptor, Image
from imagetailor.image.platforms import Platform
from imagetailor.image.reference import DOCKER_HUB, ImageName, ImageReference

ACCEPT = ", ".join((*MANIFEST_TYPES, *INDEX_TYPES))
_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')


def api_host(registry: str) -> str:
    return "registry-1.docker.io" if registry == DOCKER_HUB else registry


def is_loopback(host_port: str) -> bool:
    host = host_port.rsplit(":", 1)[0] if not host_port.endswith("]") else host_port
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".strip()


class _ResponseReader(io.RawIOBase):
    """A raw reader over a streamed response body, transport errors made one-line."""

    def __init__(self, response: httpx.Response, url: str, timeout: float) -> None:
        self._chunks = response.iter_raw(1024 * 1024)
        self._pending = b""
        self._url = url
        self._timeout = timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._next(len(view))
        view[: len(data)] = data
        return len(data)

    def _next(self, size: int) -> bytes:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return b""
            except httpx.TimeoutException:
                raise SourceUnavailableError(
                    f"timed out after {self._timeout:g}s reading {self._url}"
                ) from None
            except httpx.HTTPError as error:
                raise SourceUnavailableError(
                    f"transfer of {self._url} failed: {' '.join(str(error).split())[:160]}"
                ) from None
        if size >= len(self._pending):
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        return data


class RegistryStore:
    """One repository of one registry, as a blob store (manifests by digest included)."""

    def __init__(self, name: ImageName, credentials: Credentials | None, timeout: float) -> None:
        self.name = name
        host = api_host(name.registry)
        scheme = "http" if is_loopback(host) else "https"
        self.base = f"{scheme}://{host}"
        self.where = f"registry {name.registry}"
        self._credentials = credentials
        self._timeout = timeout
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True)
        self._authorization: str | None = None

    def close(self) -> None:
        self._client.close()

    # --- requests -------------------------------------------------------------------------

    def _send(self, url: str, headers: dict[str, str], *, stream: bool) -> httpx.Response:
        request_headers = dict(headers)
        if self._authorization:
            request_headers["Authorization"] = self._authorization
        request = self._client.build_request("GET", url, headers=request_headers)
        try:
            return self._client.send(request, stream=stream)
        except httpx.TimeoutException:
            raise SourceUnavailableError(f"timed out after {self._timeout:g}s: GET {url}") from None
        except httpx.HTTPError as error:
            reason = " ".join(str(error).split())[:160] or type(error).__name__
            raise SourceUnavailableError(
                f"cannot reach {self.where}: {reason} (GET {url})"
            ) from None

    def get(self, path: str, headers: dict[str, str], *, stream: bool = False) -> httpx.Response:
        """GET with authentication: on a 401 answer the challenge once, then retry."""
        url = self.base + path
        response = self._send(url, headers, stream=stream)
        if response.status_code == 401 and self._authorization is None:
            challenge = response.headers.get("www-authenticate", "")
            response.close()
            self._authorization = self._answer(challenge, url)
            response = self._send(url, headers, stream=stream)
        return response

    def _answer(self, challenge: str, url: str) -> str:
        scheme = challenge.split(" ", 1)[0].lower()
        params = dict(_CHALLENGE_PARAM.findall(challenge))
        if scheme == "basic":
            if self._credentials is None:
                raise SourceUnavailableError(
                    f"{self.where} answered 401 Unauthorized for {url}: it needs credentials "
                    f"(docker login {self.name.registry})"
                )
            return self._credentials.basic_header()
        if scheme == "bearer" and params.get("realm"):
            return "Bearer " + self._token(params)
        raise SourceUnavailableError(
            f"{self.where} answered 401 Unauthorized for {url} with an unsupported challenge "
            f"{challenge[:80]!r}"
        )

    def _token(self, params: dict[str, str]) -> str:
        realm = params["realm"]
        realm_url = httpx.URL(realm)
        if realm_url.scheme not in ("https", "http") or (
            realm_url.scheme == "http" and not is_loopback(realm_url.netloc.decode())
        ):
            raise SourceUnavailableError(f"{self.where} names an insecure token realm {realm!r}")
        query = {"scope": params.get("scope") or f"repository:{self.name.repository}:pull"}
        if params.get("service"):
            query["service"] = params["service"]
        headers = {}
        if self._credentials is not None:
            headers["Authorization"] = self._credentials.basic_header()
        try:
            request = self._client.build_request("GET", realm, params=query, headers=headers)
            response = self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise SourceUnavailableError(
                f"timed out after {self._timeout:g}s: GET {realm}"
            ) from None
        except httpx.HTTPError as error:
            reason = " ".join(str(error).split())[:160]
            raise SourceUnavailableError(f"cannot get a token from {realm}: {reason}") from None
        try:
            if response.status_code != 200:
                raise SourceUnavailableError(
                    f"token endpoint answered {_status(response)} for GET {response.url}"
                )
            data = self._read_bounded(response, f"token from {realm}")
        finally:
            response.close()
        body = parse_json_object(data, f"token from {realm}")
        token = body.get("token") or body.get("access_token")
        if not isinstance(token, str) or not token:
            raise SourceUnavailableError(f"token endpoint {realm} sent no token")
        return token

    def _read_bounded(self, response: httpx.Response, what: str) -> bytes:
        """A small response body, refused past ``MAX_DOCUMENT_BYTES`` without reading it all."""
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
            raise BadImageError(f"{what} is larger than {MAX_DOCUMENT_BYTES} bytes")
        reader = _ResponseReader(response, str(response.url), self._timeout)
        data = bytearray()
        while chunk := reader.read(MAX_DOCUMENT_BYTES + 1 - len(data)):
            data += chunk
            if len(data) > MAX_DOCUMENT_BYTES:
                raise BadImageError(f"{what} is larger than {MAX_DOCUMENT_BYTES} bytes")
        return bytes(data)

    def _fail(self, response: httpx.Response, what: str) -> None:
        url = str(response.url)
        status = _status(response)
        if response.status_code == 404 and what.startswith("blob"):
            raise BadImageError(
                f"the manifest names {what}, but {self.where} answered {status}: {url}"
            )
        if response.status_code == 404:
            raise SourceUnavailableError(f"{self.where} has no {what} ({status}: GET {url})")
        if response.status_code in (401, 403):
            raise SourceUnavailableError(
                f"{self.where} refused access to {what} ({status}: GET {url}); check credentials"
            )
        raise SourceUnavailableError(f"{self.where} answered {status} for GET {url}")

    # --- manifests and blobs -------------------------------------------------------------

    def manifest(self, reference: str) -> tuple[bytes, str, str]:
        """(bytes, digest, media type) of the manifest or index ``reference`` names."""
        path = f"/v2/{self.name.repository}/manifests/{reference}"
        response = self.get(path, {"Accept": ACCEPT}, stream=True)
        try:
            if response.status_code != 200:
                self._fail(response, f"manifest {self.name.repository}:{reference}")
            data = self._read_bounded(response, f"manifest {reference}")
        finally:
            response.close()
        algorithm = reference.split(":", 1)[0] if ":" in reference else "sha256"
        digest = f"{algorithm}:" + hashlib.new(algorithm, data).hexdigest()
        if ":" in reference and digest != reference:
            raise DigestMismatchError(
                f"manifest {reference} does not match its digest (got {digest})"
            )
        header = response.headers.get("docker-content-digest")
        if header and header.startswith(f"{algorithm}:") and header != digest:
            raise DigestMismatchError(
                f"manifest {reference} hashes to {digest}, not the {header} the registry claims"
            )
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        return data, digest, media_type

    @contextmanager
    def open_blob(self, descriptor: Descriptor) -> Iterator[IO[bytes]]:
        # Manifests reached from an index are fetched from the manifests endpoint, by digest.
        if descriptor.media_type in (*MANIFEST_TYPES, *INDEX_TYPES):
            data, _digest, _type = self.manifest(descriptor.digest)
            yield io.BytesIO(data)
            return
        path = f"/v2/{self.name.repository}/blobs/{descriptor.digest}"
        response = self.get(path, {}, stream=True)
        try:
            if response.status_code != 200:
                self._fail(response, f"blob {descriptor.digest}")
            yield io.BufferedReader(_ResponseReader(response, str(response.url), self._timeout))
        finally:
            response.close()


def open_registry_image(
    reference: ImageReference,
    platform: Platform | None,
    *,
    docker_config: Path | None = None,
    timeout: float = 30.0,
) -> Image:
    name = reference.name
    assert name is not None
    credentials = find_credentials(name.registry, docker_config)
    store = RegistryStore(name, credentials, timeout)
    try:
        target = name.digest or name.tag or "latest"
        if name.digest:
            check_digest(name.digest, f"reference {reference.text}")
        data, digest, media_type = store.manifest(target)
        what = f"manifest {name.familiar()}"
        document = parse_json_object(data, what)
        if document_kind(document, media_type, what) == "index":
            data, digest = resolve_index(store, document, f"index {digest}", None, platform)
        image = build_image(store, data, digest, reference.text)
    except BaseException:
        store.close()
        raise
    image.close_hooks.append(store.close)
    return image


__all__ = ["RegistryStore", "open_registry_image"]
