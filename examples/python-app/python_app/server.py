"""Entry point: configuration from the environment, then serve until stopped."""

from __future__ import annotations

import os
import signal
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from python_app.app import create_app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main() -> int:
    raw_port = os.environ.get("PORT", "8000")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        print(f"PORT must be a TCP port number, got {raw_port!r}", file=sys.stderr)
        return 2
    greeting = os.environ.get("GREETING", "Hello from python-app")
    server = make_server("0.0.0.0", int(raw_port), create_app(greeting), handler_class=QuietHandler)
    # Containers stop with SIGTERM: finish the request in flight, then leave serve_forever.
    # (Raising from the handler would not do: wsgiref swallows exceptions raised mid-request.)
    # shutdown() waits for the loop to notice, so it must run on another thread.
    signal.signal(
        signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    )
    print(f"python-app listening on :{raw_port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
