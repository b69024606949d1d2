"""A tiny stock-level service: `python -m inventory`."""

import json

STOCK = {"apples": 12, "pears": 4}


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/":
        body, status = {"items": STOCK}, "200 OK"
    elif path.startswith("/items/") and path[7:] in STOCK:
        body, status = {path[7:]: STOCK[path[7:]]}, "200 OK"
    else:
        body, status = {"error": "not found"}, "404 Not Found"
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]
