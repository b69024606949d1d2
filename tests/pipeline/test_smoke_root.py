"""The root check after the probed path: a health route that answers while the pages fail is
not a working image (tests/projects/deskapp before its fix: /healthz 200, / 500)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from imagetailor.pipeline.smoke import SmokeResult, check_root


@contextmanager
def serve(root_status: int | None) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/" and root_status is None:
                self.connection.close()  # no answer at all
                return
            code = root_status if self.path == "/" else 200
            self.send_response(code or 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def judged(root_status: int | None, path: str = "/healthz") -> SmokeResult:
    with serve(root_status) as base, httpx.Client(trust_env=False, timeout=5.0) as client:
        result = SmokeResult("app:1", f"{base}{path}", ok=True, ready_seconds=0.1)
        check_root(client, result)
    return result


@pytest.mark.parametrize("status", [200, 301, 302, 401, 403, 404])
def test_a_root_that_answers_below_500_keeps_the_smoke_ok(status: int) -> None:
    result = judged(status)
    assert result.ok is True and result.root_status == status and result.reason == ""
    assert result.warnings == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_root_that_fails_is_a_warning_with_its_status(status: int) -> None:
    # mysite and microblog: / queries tables their release step (migrate) makes; the smoke
    # runs no release step, and the image is fine. deskapp before its fix looked the same.
    result = judged(status)
    assert result.ok is True and result.root_status == status
    (warning,) = result.warnings
    assert warning.startswith("/healthz answers but http://127.0.0.1:")
    assert f"/ answered {status}: the pages fail here" in warning
    assert result.as_json()["warnings"] == [warning]


def test_a_root_with_no_answer_fails_the_smoke() -> None:
    result = judged(None)
    assert result.ok is False and result.root_status is None
    assert "/healthz answers but" in result.reason and "does not" in result.reason


def test_probing_the_root_itself_asks_nothing_more() -> None:
    result = judged(500, path="/")
    assert result.ok is True and result.root_status is None
    assert result.as_json()["root_status"] is None
