import os

from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

GREETING = os.environ.get("GREETING", "Hello")


async def homepage(request):
    return PlainTextResponse(f"{GREETING}, world")


async def greet(request):
    name = request.path_params["name"]
    return JSONResponse({"message": f"{GREETING}, {name}"})


async def healthz(request):
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/", homepage),
        Route("/hello/{name}", greet),
        Route("/healthz", healthz),
    ]
)
