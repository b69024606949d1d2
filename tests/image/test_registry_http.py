"""The registry client against a tiny in-test registry on 127.0.0.1 that misbehaves on purpose.

The real registry (test_engine_and_registry.py) proves the happy paths with real software; this
one answers 401/403/404/500, hangs, lies about digests and cuts bodies short, and speaks the
Bearer token flow, which Debian's registry cannot do without a separate token server.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from imagetailor.errors import (
    BadImageError,
    DigestMismatchError,
    SourceUnavailableError,
    UsageError,
)
from imagetailor.image import open_image
from tests.image.helpers import layer_names
from tests.imagefactory import (
    OCI_INDEX,
    OCI_MANIFEST,
    BuiltImage,
    File,
    ImageSpec,
    LayerSpec,
    build,
    sha256,
)

TOKEN = "token-for-img"


@dataclass
class Behaviour:
    """What the fake registry holds and how it misbehaves."""

    manifests: dict[str, tuple[bytes, str]] = field(
        default_factory=dict
    )  # "repo:ref" -> body, type
    blobs: dict[str, bytes] = field(default_factory=dict)
    auth: str = "none"  # none | basic | bearer
    user: tuple[str, str] | None = None
    hang_seconds: float = 0
    lie_digest: bool = False
    short_blobs: bool = False
    redirect_blobs: bool = False
    manifest_content_type: str | None = None
    requests: list[str] = field(default_factory=list)


class FakeRegistry(BaseHTTPRequestHandler):
    behaviour: Behaviour
    address: str

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _basic_ok(self) -> bool:
        user = self.behaviour.user
        expected = (
            "Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode() if user else None
        )
        return self.headers.get("Authorization") == expected

    def _authorised(self) -> bool:
        auth = self.behaviour.auth
        if auth == "basic":
            if self._basic_ok():
                return True
            self._send(401, b"{}", {"WWW-Authenticate": 'Basic realm="fake"'})
            return False
        if auth == "bearer":
            if self.headers.get("Authorization") == f"Bearer {TOKEN}":
                return True
            realm = f"http://{self.address}/token"
            challenge = f'Bearer realm="{realm}",service="fake",scope="repository:img:pull"'
            self._send(401, b"{}", {"WWW-Authenticate": challenge})
            return False
        return True

    def do_GET(self) -> None:
        behaviour = self.behaviour
        behaviour.requests.append(self.path)
        path = self.path.split("?", 1)[0]
        if path.startswith("/storage/"):
            self._send(200, behaviour.blobs[path.rsplit("/", 1)[1]])
            return
        if path == "/token":
            if behaviour.user is not None and not self._basic_ok():
                self._send(401, b"bad credentials")
                return
            self._send(200, json.dumps({"token": TOKEN}).encode())
            return
        if not self._authorised():
            return
        parts = path.split("/")
        if path == "/v2/" or len(parts) < 5:
            self._send(200, b"{}")
            return
        repository, kind, ref = "/".join(parts[2:-2]), parts[-2], parts[-1]
        if repository == "hang" and behaviour.hang_seconds:
            time.sleep(behaviour.hang_seconds)
        for status in (403, 404, 500, 502):
            if repository == f"status{status}":
                self._send(status, b'{"errors": []}')
                return
        if kind == "manifests" and f"{repository}:{ref}" in behaviour.manifests:
            body, media_type = behaviour.manifests[f"{repository}:{ref}"]
            media_type = behaviour.manifest_content_type or media_type
            digest = sha256(b"lie") if behaviour.lie_digest else sha256(body)
            self._send(200, body, {"Content-Type": media_type, "Docker-Content-Digest": digest})
            return
        if kind == "blobs" and ref in behaviour.blobs:
            body = behaviour.blobs[ref]
            if behaviour.redirect_blobs:
                self._send(307, b"", {"Location": f"http://{self.address}/storage/{ref}"})
                return
            if behaviour.short_blobs:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            self._send(200, body)
            return
        self._send(404, b'{"errors": [{"code": "MANIFEST_UNKNOWN"}]}')


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that give up mid-answer (the timeout tests) are expected, not news."""


@pytest.fixture
def fake() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    server = QuietServer(("127.0.0.1", 0), FakeRegistry)
    server.daemon_threads = True
    address = f"127.0.0.1:{server.server_address[1]}"
    handler = type("Handler", (FakeRegistry,), {"behaviour": behaviour, "address": address})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield address, behaviour
    server.shutdown()
    server.server_close()


def publish(behaviour: Behaviour, repository: str, tag: str, built: BuiltImage) -> None:
    behaviour.manifests[f"{repository}:{tag}"] = (built.manifest, OCI_MANIFEST)
    behaviour.manifests[f"{repository}:{built.manifest_digest}"] = (built.manifest, OCI_MANIFEST)
    behaviour.blobs[built.config_digest] = built.config
    for layer in built.layers:
        behaviour.blobs[layer.digest] = layer.blob


def small_image(marker: str = "x", architecture: str = "amd64") -> BuiltImage:
    return build(
        ImageSpec(
            [LayerSpec([File("marker", marker)], compression="gzip")], architecture=architecture
        )
    )


def docker_config(tmp_path: Path, registry: str, user: str, password: str) -> Path:
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"auths": {registry: {"auth": auth}}}))
    return path


def one_line(error: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_anonymous_image_by_tag_and_by_digest(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    built = small_image()
    publish(behaviour, "team/img", "1", built)
    for ref in ("1", None):
        text = (
            f"docker://{address}/team/img:1"
            if ref
            else f"docker://{address}/team/img@{built.manifest_digest}"
        )
        with open_image(text) as image:
            assert image.manifest_digest == built.manifest_digest
            assert image.config_digest == built.config_digest
            assert layer_names(image.layers[0]) == ["marker"]


@pytest.mark.parametrize(
    ("repository", "status"),
    [
        ("status403", "403 Forbidden"),
        ("status404", "404 Not Found"),
        ("status500", "500"),
        ("status502", "502"),
    ],
)
def test_error_statuses_are_one_line_naming_status_and_url(
    fake: tuple[str, Behaviour], repository: str, status: str
) -> None:
    address, _ = fake
    with pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/{repository}:1")
    message = one_line(caught)
    assert status in message
    assert f"http://{address}/v2/{repository}/manifests/1" in message


def test_hanging_registry_times_out(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    behaviour.hang_seconds = 5
    started = time.monotonic()
    with pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/hang:1", timeout=0.5)
    assert time.monotonic() - started < 4
    assert "timed out after 0.5s" in one_line(caught)


def test_unreachable_registry(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://127.0.0.1:{port}/x:1", timeout=2)
    assert "cannot reach registry" in one_line(caught)


def test_manifest_naming_a_blob_the_registry_lacks(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    built = small_image()
    publish(behaviour, "img", "1", built)
    del behaviour.blobs[built.layers[0].digest]
    with open_image(f"docker://{address}/img:1") as image, pytest.raises(BadImageError) as caught:
        layer_names(image.layers[0])
    message = one_line(caught)
    assert built.layers[0].digest in message and "404" in message


def test_registry_lying_about_the_manifest_digest(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    publish(behaviour, "img", "1", small_image())
    behaviour.lie_digest = True
    with pytest.raises(DigestMismatchError) as caught:
        open_image(f"docker://{address}/img:1")
    assert "the registry claims" in one_line(caught)


def test_manifest_fetched_by_digest_must_hash_to_it(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    built = small_image()
    other = small_image("y")
    behaviour.manifests[f"img:{built.manifest_digest}"] = (other.manifest, OCI_MANIFEST)
    with pytest.raises(DigestMismatchError) as caught:
        open_image(f"docker://{address}/img@{built.manifest_digest}")
    assert "does not match its digest" in one_line(caught)


def test_blob_body_cut_short(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    publish(behaviour, "img", "1", small_image("z" * 5000))
    behaviour.short_blobs = True
    with pytest.raises((SourceUnavailableError, BadImageError)) as caught:
        open_image(f"docker://{address}/img:1")
    one_line(caught)


def test_basic_auth_needs_credentials(fake: tuple[str, Behaviour], tmp_path: Path) -> None:
    address, behaviour = fake
    publish(behaviour, "img", "1", small_image())
    behaviour.auth, behaviour.user = "basic", ("ann", "s3cret")
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    with pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/img:1", docker_config=empty)
    assert "needs credentials" in one_line(caught)
    wrong = docker_config(tmp_path, address, "ann", "wrong")
    with pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/img:1", docker_config=wrong)
    assert "401" in one_line(caught)
    right = docker_config(tmp_path, f"http://{address}", "ann", "s3cret")
    with open_image(f"docker://{address}/img:1", docker_config=right) as image:
        assert layer_names(image.layers[0]) == ["marker"]


def test_bearer_token_flow_with_and_without_credentials(
    fake: tuple[str, Behaviour], tmp_path: Path
) -> None:
    address, behaviour = fake
    built = small_image()
    publish(behaviour, "img", "1", built)
    behaviour.auth = "bearer"
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    with open_image(f"docker://{address}/img:1", docker_config=empty) as image:
        assert layer_names(image.layers[0]) == ["marker"]
    assert any(
        r.startswith("/token?") and "scope=repository%3Aimg%3Apull" in r for r in behaviour.requests
    )
    behaviour.user = ("bob", "pw")
    with pytest.raises(SourceUnavailableError) as caught:
        open_image(f"docker://{address}/img:1", docker_config=empty)
    assert "token endpoint answered 401" in one_line(caught)
    config = docker_config(tmp_path, address, "bob", "pw")
    with open_image(f"docker://{address}/img:1", docker_config=config) as image:
        assert image.config_digest == built.config_digest


def test_bad_docker_config_is_a_usage_error(fake: tuple[str, Behaviour], tmp_path: Path) -> None:
    address, behaviour = fake
    publish(behaviour, "img", "1", small_image())
    behaviour.auth, behaviour.user = "basic", ("ann", "pw")
    broken = tmp_path / "config.json"
    broken.write_text(json.dumps({"auths": {address: {"auth": "not base64!"}}}))
    with pytest.raises(UsageError, match="not valid base64"):
        open_image(f"docker://{address}/img:1", docker_config=broken)


def test_multi_platform_index_from_the_registry(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    amd, arm = small_image("amd"), small_image("arm", architecture="arm64")
    entries = []
    for built, architecture in ((amd, "amd64"), (arm, "arm64")):
        publish(behaviour, "multi", architecture, built)
        entries.append(
            {
                "mediaType": OCI_MANIFEST,
                "digest": built.manifest_digest,
                "size": len(built.manifest),
                "platform": {"os": "linux", "architecture": architecture},
            }
        )
    # An attestation entry, as BuildKit writes: never chosen.
    entries.append(
        {
            "mediaType": OCI_MANIFEST,
            "digest": amd.manifest_digest,
            "size": len(amd.manifest),
            "platform": {"os": "unknown", "architecture": "unknown"},
        }
    )
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    behaviour.manifests["multi:1"] = (index, OCI_INDEX)
    with open_image(f"docker://{address}/multi:1", platform="linux/arm64") as image:
        assert image.manifest_digest == arm.manifest_digest
        assert image.config["architecture"] == "arm64"
    with open_image(f"docker://{address}/multi:1", platform="linux/amd64") as image:
        assert image.manifest_digest == amd.manifest_digest
    with pytest.raises(UsageError, match=r"available: linux/amd64, linux/arm64"):
        open_image(f"docker://{address}/multi:1", platform="linux/riscv64")


def test_blob_redirects_are_followed(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    built = small_image()
    publish(behaviour, "img", "1", built)
    behaviour.redirect_blobs = True
    with open_image(f"docker://{address}/img:1") as image:
        assert layer_names(image.layers[0]) == ["marker"]
    assert f"/storage/{built.layers[0].digest}" in behaviour.requests


def test_manifest_served_as_plain_json_is_recognised_by_shape(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    built = small_image()
    publish(behaviour, "img", "1", built)
    behaviour.manifest_content_type = "application/json"
    with open_image(f"docker://{address}/img:1") as image:
        assert image.config_digest == built.config_digest


def test_oversized_manifest_is_refused(fake: tuple[str, Behaviour]) -> None:
    address, behaviour = fake
    behaviour.manifests["img:1"] = (b" " * (5 * 1024 * 1024) + b"{}", OCI_MANIFEST)
    with pytest.raises(BadImageError) as caught:
        open_image(f"docker://{address}/img:1")
    assert "is larger than 4,194,304 bytes" in one_line(caught)
