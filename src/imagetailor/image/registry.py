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

from imagetailor.deadline import Deadline, configured_deadline
from imagetailor.errors import BadImageError, DigestMismatchError, SourceUnavailableError
from imagetailor.image.blobs import MAX_DOCUMENT_BYTES, check_digest, parse_json_object
from imagetailor.image.credentials import Credentials, find_credentials
from imagetailor.image.http import (
    Notice,
    Operation,
    guarded_client,
    iter_body,
    read_bounded,
    say,
    send_with_retries,
)
from imagetailor.image.mediatypes import INDEX_TYPES, MANIFEST_TYPES
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
    """A raw reader over a streamed response body, transport errors made one-line; every read
    is bounded by the operation's deadline (see image/http.py)."""

    def __init__(
        self, response: httpx.Response, url: str, timeout: float, deadline: Deadline
    ) -> None:
        self._chunks = iter_body(response)
        self._pending = b""
        self._url = url
        self._timeout = timeout
        self._deadline = deadline

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
                if self._deadline.expired():
                    raise self._deadline.error(f"reading {self._url}") from None
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
    """One repository of one registry, as a blob store (manifests by digest included).

    Each ``get`` is one operation with its own deadline (``TAILOR_DEADLINE``): the answer to a
    challenge, a token, retries after transient failures and the whole body count against it.
    """

    def __init__(
        self,
        name: ImageName,
        credentials: Credentials | None,
        timeout: float,
        deadline: float | None = None,
        notice: Notice = say,
    ) -> None:
        self.name = name
        host = api_host(name.registry)
        scheme = "http" if is_loopback(host) else "https"
        self.base = f"{scheme}://{host}"
        self.where = f"registry {name.registry}"
        self._credentials = credentials
        self._timeout = timeout
        self._deadline_seconds = configured_deadline() if deadline is None else deadline
        self._notice = notice
        self._operation = Operation()
        self._client = guarded_client(
            self._operation, timeout, proxy_for=self.base, follow_redirects=True
        )
        self._authorization: str | None = None

    def close(self) -> None:
        self._client.close()

    # --- requests -------------------------------------------------------------------------

    def _request(
        self, url: str, headers: dict[str, str], *, stream: bool, deadline: Deadline, **kw: Any
    ) -> httpx.Response:
        """GET ``url`` (retried while transient), transport failures as one line."""

        def once() -> httpx.Response:
            request = self._client.build_request("GET", url, headers=headers, **kw)
            return self._client.send(request, stream=stream)

        try:
            return send_with_retries(once, deadline, f"{self.where}: GET {url}", self._notice)
        except httpx.TimeoutException:
            if deadline.expired():
                raise deadline.error(f"GET {url}") from None
            raise SourceUnavailableError(f"timed out after {self._timeout:g}s: GET {url}") from None
        except httpx.HTTPError as error:
            reason = " ".join(str(error).split())[:160] or type(error).__name__
            if "CERTIFICATE_VERIFY_FAILED" in reason:
                reason += "; a registry with a private CA: set SSL_CERT_FILE to its certificate"
            raise SourceUnavailableError(
                f"cannot reach {self.where}: {reason} (GET {url})"
            ) from None

    def _send(
        self, url: str, headers: dict[str, str], *, stream: bool, deadline: Deadline
    ) -> httpx.Response:
        request_headers = dict(headers)
        if self._authorization:
            request_headers["Authorization"] = self._authorization
        response = self._request(url, request_headers, stream=stream, deadline=deadline)
        if self.upgraded_to_tls(response):
            url = "https://" + url.split("://", 1)[1]
            response = self._request(url, request_headers, stream=stream, deadline=deadline)
        return response

    def upgraded_to_tls(self, response: httpx.Response) -> bool:
        """A loopback registry is spoken to in plain HTTP unless it serves TLS: Go's server
        answers plain HTTP on a TLS port with a bare HTTP/1.0 400 (no headers) saying so, and
        from then on the store uses HTTPS (certificates verified: a private CA comes from
        SSL_CERT_FILE). The answer in hand may be to a HEAD, without its body: the message is
        read from a GET of /v2/ instead, leaving ``response`` unread when it is not that."""
        if (
            response.status_code != 400
            or not self.base.startswith("http://")
            or response.http_version != "HTTP/1.0"
            or "content-type" in response.headers
        ):
            return False
        try:
            with self._client.stream("GET", self.base + "/v2/") as probe:
                body = read_bounded(probe, 4096, "answer")
        except (BadImageError, httpx.HTTPError):
            return False
        if b"HTTP request to an HTTPS server" not in body:
            return False
        response.close()
        self.base = "https://" + self.base.split("://", 1)[1]
        return True

    def get(
        self, path: str, headers: dict[str, str], *, stream: bool = False
    ) -> tuple[httpx.Response, Deadline]:
        """GET with authentication: on a 401 answer the challenge once, then retry. The
        deadline returned bounds reading the body too."""
        deadline = Deadline(self._deadline_seconds)
        self._operation.deadline = deadline
        url = self.base + path
        response = self._send(url, headers, stream=stream, deadline=deadline)
        if response.status_code == 401 and self._authorization is None:
            challenge = response.headers.get("www-authenticate", "")
            response.close()
            self._authorization = self._answer(challenge, url, deadline)
            response = self._send(url, headers, stream=stream, deadline=deadline)
        return response, deadline

    def _answer(self, challenge: str, url: str, deadline: Deadline) -> str:
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
            return "Bearer " + self._token(params, deadline)
        raise SourceUnavailableError(
            f"{self.where} answered 401 Unauthorized for {url} with an unsupported challenge "
            f"{challenge[:80]!r}"
        )

    def _token(self, params: dict[str, str], deadline: Deadline) -> str:
        realm = params["realm"]
        try:
            realm_url = httpx.URL(realm)
        except httpx.InvalidURL:
            raise SourceUnavailableError(
                f"{self.where} names a token realm that is not a URL: {realm[:80]!r}"
            ) from None
        if (
            realm_url.scheme not in ("https", "http")
            or not realm_url.host
            or (realm_url.scheme == "http" and not is_loopback(realm_url.netloc.decode()))
        ):
            raise SourceUnavailableError(
                f"{self.where} names an insecure or invalid token realm {realm[:80]!r}"
            )
        query = {"scope": params.get("scope") or f"repository:{self.name.repository}:pull"}
        if params.get("service"):
            query["service"] = params["service"]
        headers = {}
        if self._credentials is not None:
            headers["Authorization"] = self._credentials.basic_header()
        response = self._request(realm, headers, stream=True, deadline=deadline, params=query)
        try:
            if response.status_code != 200:
                raise SourceUnavailableError(
                    f"token endpoint answered {_status(response)} for GET {response.url}"
                )
            data = self._read_bounded(response, f"token from {realm}", deadline)
        finally:
            response.close()
        body = parse_json_object(data, f"token from {realm}")
        token = body.get("token") or body.get("access_token")
        if not isinstance(token, str) or not token:
            raise SourceUnavailableError(f"token endpoint {realm} sent no token")
        return token

    def _read_bounded(self, response: httpx.Response, what: str, deadline: Deadline) -> bytes:
        """A small response body, refused past ``MAX_DOCUMENT_BYTES`` without reading it all."""
        try:
            return read_bounded(response, MAX_DOCUMENT_BYTES, what)
        except httpx.TimeoutException:
            if deadline.expired():
                raise deadline.error(f"reading {response.url}") from None
            raise SourceUnavailableError(
                f"timed out after {self._timeout:g}s reading {response.url}"
            ) from None
        except httpx.HTTPError as error:
            raise SourceUnavailableError(
                f"transfer of {response.url} failed: {' '.join(str(error).split())[:160]}"
            ) from None

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
        response, deadline = self.get(path, {"Accept": ACCEPT}, stream=True)
        try:
            if response.status_code != 200:
                self._fail(response, f"manifest {self.name.repository}:{reference}")
            data = self._read_bounded(response, f"manifest {reference}", deadline)
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
        response, deadline = self.get(path, {}, stream=True)
        try:
            if response.status_code != 200:
                self._fail(response, f"blob {descriptor.digest}")
            reader = _ResponseReader(response, str(response.url), self._timeout, deadline)
            yield io.BufferedReader(reader)
        finally:
            response.close()


def open_registry_image(
    reference: ImageReference,
    platform: Platform | None,
    *,
    docker_config: Path | None = None,
    timeout: float = 30.0,
    deadline: float | None = None,
) -> Image:
    # Here, not at the top: the document models (pydantic) cost 0.1 s to import, and a
    # store that only reads manifests (a warm `tailor audit`) does not need them.
    from imagetailor.image.manifests import (
        build_image,
        document_kind,
        parse_manifest,
        resolve_index,
    )

    name = reference.name
    assert name is not None
    credentials = find_credentials(name.registry, docker_config)
    store = RegistryStore(name, credentials, timeout, deadline)
    try:
        target = name.digest or name.tag or "latest"
        if name.digest:
            check_digest(name.digest, f"reference {reference.text}")
        data, digest, media_type = store.manifest(target)
        what = f"manifest {name.familiar()}"
        document = parse_manifest(data, what)
        if document_kind(document, media_type, what) == "index":
            data, digest = resolve_index(store, document, f"index {digest}", None, platform)
        image = build_image(store, data, digest, reference.text)
    except BaseException:
        store.close()
        raise
    image.close_hooks.append(store.close)
    return image


__all__ = ["RegistryStore", "open_registry_image"]
