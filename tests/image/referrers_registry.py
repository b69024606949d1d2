"""A registry with the OCI 1.1 referrers API, for tests: a loopback HTTP front for the real
Debian docker-registry (distribution 2.8, which has no referrers API).

Every request is forwarded unchanged to the real registry, Host header included (distribution
builds its Location URLs from it, so uploads come back through the front), and its answer is
passed back, so storage stays real. On top of that, as distribution-spec 1.1 says:
- a successful manifest PUT whose body has a ``subject`` is recorded as a referrer of that
  subject and answered with ``OCI-Subject: <subject digest>``;
- ``GET /v2/<name>/referrers/<digest>`` answers an OCI image index of the recorded referrers
  (descriptors with ``artifactType`` and ``annotations``), filtered by ``?artifactType=`` with
  ``OCI-Filters-Applied: artifactType``, ``page_size`` entries a page with a
  ``Link: <...>; rel="next"`` to the next one.

``hostile`` turns the referrers answer into one a registry should never send, to prove the
client's bounds: "media-type" (not an index), "huge" (endless), "trickle" (a byte a second),
"wrong-subject" (another image's artifact listed), "digest-mismatch" (a referrer's manifest
served altered), "foreign-link" (a next page on another host, 127.0.0.2: loopback still).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
# Hop-by-hop headers are the connection's, not the message's: never forwarded.
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class ReferrersState:
    upstream: str  # HOST:PORT of the real registry
    page_size: int = 2
    hostile: str = ""
    # (repository, subject digest) -> descriptors, in the order they were pushed
    referrers: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)  # "METHOD path" as received
    lock: threading.Lock = field(default_factory=threading.Lock)


def _split(path: str) -> tuple[str, str, str] | None:
    """('manifests'|'referrers', repository, reference) of a /v2/ path, else None."""
    if not path.startswith("/v2/"):
        return None
    rest = path[len("/v2/") :]
    for kind in ("manifests", "referrers"):
        repository, sep, reference = rest.rpartition(f"/{kind}/")
        if sep and repository and reference and "/" not in reference:
            return kind, repository, reference
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _handle(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        with state.lock:
            state.requests.append(f"{self.command} {url.path}")
        parts = _split(url.path)
        if parts is not None and parts[0] == "referrers" and self.command == "GET":
            self._referrers(parts[1], parts[2], parse_qs(url.query))
            return
        body = self._body()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        if body or self.command in ("PUT", "POST", "PATCH"):
            headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(state.upstream, timeout=30)
        try:
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            extra: dict[str, str] = {}
            if (
                parts is not None
                and parts[0] == "manifests"
                and self.command == "PUT"
                and answer.status == 201
            ):
                subject = self._record(parts[1], body, self.headers.get("content-type", ""))
                if subject:
                    extra["OCI-Subject"] = subject
            if self._altered(parts):
                data = answer.read() + b" "  # no longer the bytes its digest names
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in (*HOP, "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP:
                    self.send_header(key, value)
            for key, value in extra.items():
                self.send_header(key, value)
            chunked = answer.getheader("content-length") is None and self.command != "HEAD"
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if self.command == "HEAD":
                return
            while chunk := answer.read(1 << 16):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        finally:
            connection.close()

    def _altered(self, parts: tuple[str, str, str] | None) -> bool:
        """Whether this GET is of a recorded referrer's manifest, to be served altered."""
        state = self.server.state
        if state.hostile != "digest-mismatch" or parts is None or self.command != "GET":
            return False
        kind, repository, reference = parts
        with state.lock:
            known = [d["digest"] for (r, _), ds in state.referrers.items() if r == repository
                     for d in ds]  # fmt: skip
        return kind == "manifests" and reference in known

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _record(self, repository: str, body: bytes, media_type: str) -> str:
        """The subject's digest, after recording the manifest as its referrer; "" without one."""
        try:
            manifest = json.loads(body)
        except ValueError:
            return ""
        subject = manifest.get("subject") if isinstance(manifest, dict) else None
        if not isinstance(subject, dict) or not isinstance(subject.get("digest"), str):
            return ""
        config = manifest.get("config")
        descriptor: dict[str, Any] = {
            "mediaType": manifest.get("mediaType") or media_type,
            "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "artifactType": manifest.get("artifactType")
            or (config.get("mediaType") if isinstance(config, dict) else None),
        }
        if isinstance(manifest.get("annotations"), dict):
            descriptor["annotations"] = manifest["annotations"]
        state = self.server.state
        with state.lock:
            known = state.referrers.setdefault((repository, subject["digest"]), [])
            if all(d["digest"] != descriptor["digest"] for d in known):
                known.append(descriptor)
        return str(subject["digest"])

    def _referrers(self, repository: str, digest: str, query: dict[str, list[str]]) -> None:
        state = self.server.state
        with state.lock:
            found = list(state.referrers.get((repository, digest), []))
        wanted = query.get("artifactType", [""])[0]
        if wanted:
            found = [d for d in found if d.get("artifactType") == wanted]
        page = int(query.get("page", ["0"])[0])
        start = page * state.page_size
        entries = found[start : start + state.page_size]
        if state.hostile == "wrong-subject":
            # A registry that lists another image's artifact under this subject.
            others = [d for (r, s), ds in state.referrers.items() if s != digest for d in ds]
            entries = others[:1]
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
        data = json.dumps(index).encode()
        self.send_response(200)
        self.send_header(
            "Content-Type", "application/json" if state.hostile == "media-type" else OCI_INDEX
        )
        if wanted:
            self.send_header("OCI-Filters-Applied", "artifactType")
        following = dict(query.items())
        following["page"] = [str(page + 1)]
        if start + state.page_size < len(found) or state.hostile == "foreign-link":
            host = "127.0.0.2:1" if state.hostile == "foreign-link" else self.headers["host"]
            target = f"http://{host}/v2/{repository}/referrers/{digest}"
            link = f"{target}?{urlencode(following, doseq=True)}"
            self.send_header("Link", f'<{link}>; rel="next"')
        if state.hostile == "huge":
            self._endless(index)
            return
        if state.hostile == "trickle":
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for byte in data:  # one byte a second: only a deadline ends it
                if self.server.stopping.is_set():
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1.0)
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _endless(self, index: dict[str, Any]) -> None:
        """An index that never ends (chunked, no length): a bound must refuse it."""
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        filler = json.dumps({"mediaType": "x", "digest": "sha256:" + "0" * 64, "size": 1})
        chunk = ("," + filler) * 1000
        head = '{"schemaVersion":2,"mediaType":"' + OCI_INDEX + '","manifests":[' + filler
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(head), head.encode()))
            for _ in range(20_000):  # bounded: ~1.2 GB at most, far past any client's bound
                if self.server.stopping.is_set():
                    return
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk.encode()))
        except OSError:
            return  # the client hung up, as it should


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ReferrersState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.stopping = threading.Event()


class ReferrersRegistry:
    """The front, started on a free loopback port; ``address`` is its HOST:PORT."""

    def __init__(self, upstream: str, page_size: int = 2) -> None:
        self.state = ReferrersState(upstream, page_size)
        self._server = _Server(self.state)
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
