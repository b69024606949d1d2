# SPDX-License-Identifier: MIT
from aiohttp import web

from .__about__ import __version__

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "version": __version__})


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    name = request.app["service_name"]
    return web.Response(text=f"{name}: all systems operational\n")


def create_app(service_name: str = "statuspage") -> web.Application:
    app = web.Application()
    app["service_name"] = service_name
    app.add_routes(routes)
    return app
