#!/usr/bin/env python3
"""Status page server: python server.py (PORT, default 8080)."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from jinja2 import Environment

PAGE = Environment(autoescape=True).from_string(
    "<h1>{{ title }}</h1><ul>{% for s in services %}<li>{{ s }}</li>{% endfor %}</ul>"
)
SERVICES = [s for s in os.environ.get("SERVICES", "db,cache,<queue>").split(",") if s]


def render(title="Service status", services=None):
    return PAGE.render(title=title, services=SERVICES if services is None else services)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path not in ("/", "/index.html"):
            self.send_error(404)
            return
        body = render().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    port = int(os.environ.get("PORT", 8080))
    server = ThreadingHTTPServer(("", port), Handler)
    print(f"serving on :{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
