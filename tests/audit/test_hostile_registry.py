"""A registry that lies: pages that lead elsewhere, never end, are not JSON or too long. Served by
a small HTTP server of ours on 127.0.0.1; each answer must end the walk with one clear line."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from imagetailor.audit import catalogue
from imagetailor.errors import BadImageError, TailorError

Answer = Callable[[str], tuple[int, dict[str, str], bytes]]


@pytest.fixture
def fake_registry() -> Iterator[Callable[[Answer], str]]:
    servers: list[ThreadingHTTPServer] = []

    def serve(answer: Answer) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = answer(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _json(document: object, link: str = "") -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json"}
    if link:
        headers["Link"] = link
    return 200, headers, json.dumps(document).encode()


def test_a_next_link_to_another_host_is_refused(fake_registry):
    host = fake_registry(lambda path: _json(
        {"repositories": ["a"]}, '<http://169.254.169.254/v2/_catalog?n=1>; rel="next"'
    ))  # fmt: skip
    with pytest.raises(BadImageError, match="leaves /v2/_catalog"):
        catalogue.walk_registry(host, "")


def test_endless_pages_are_cut_off(fake_registry, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(catalogue, "MAX_PAGES", 5)
    counter = iter(range(10**6))

    def answer(path: str) -> tuple[int, dict[str, str], bytes]:
        n = next(counter)
        return _json({"repositories": [f"r{n}"]}, f'</v2/_catalog?last=r{n}&n=1>; rel="next"')

    with pytest.raises(BadImageError, match="more than 5 pages"):
        catalogue.walk_registry(fake_registry(answer), "")


def test_a_repeated_page_ends_the_walk(fake_registry):
    host = fake_registry(lambda path: _json(
        {"repositories": ["only"]} if "_catalog" in path else {"tags": ["1"]},
        '</v2/_catalog?last=only&n=100>; rel="next"' if "_catalog" in path else "",
    ))  # fmt: skip
    assert catalogue.walk_registry(host, "") == [f"docker://{host}/only:1"]


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"repositories": "a"}', b'{"repositories": [1, 2]}', b"[" * 100_000],
)
def test_malformed_catalogues(fake_registry, body: bytes):
    host = fake_registry(lambda path: (200, {}, body))
    with pytest.raises(BadImageError):
        catalogue.walk_registry(host, "")


def test_oversized_page_and_too_many_repositories(fake_registry, monkeypatch: pytest.MonkeyPatch):
    big = fake_registry(lambda path: (200, {}, b" " * (catalogue.MAX_PAGE_BYTES + 10)))
    with pytest.raises(TailorError):
        catalogue.walk_registry(big, "")
    monkeypatch.setattr(catalogue, "MAX_REPOSITORIES", 3)
    many = fake_registry(lambda path: _json({"repositories": [f"r{i}" for i in range(5)]}))
    with pytest.raises(BadImageError, match="more than 3 repositories"):
        catalogue.walk_registry(many, "")


def test_refused_catalogue_and_hostile_names(fake_registry):
    refused = fake_registry(lambda path: (403, {}, b"{}"))
    with pytest.raises(TailorError, match=r"answered 403 .*check credentials"):
        catalogue.walk_registry(refused, "")
    hostile = fake_registry(lambda path: _json({"repositories": ["../../etc"]}))
    with pytest.raises(TailorError, match="not a valid image name"):
        catalogue.walk_registry(hostile, "")
