"""Routes, separate from the server so tests can serve them on any port."""

from __future__ import annotations

import html

import bottle


def create_app(greeting: str) -> bottle.Bottle:
    app = bottle.Bottle()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}  # bottle serialises dicts as application/json

    @app.get("/")
    def index() -> str:
        # The greeting comes from the environment: escape it, it is not ours to trust as HTML.
        bottle.response.content_type = "text/html; charset=utf-8"
        return f"<!doctype html>\n<title>python-app</title>\n<h1>{html.escape(greeting)}</h1>\n"

    return app
