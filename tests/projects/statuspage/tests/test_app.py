# SPDX-License-Identifier: MIT
from statuspage import create_app


async def test_healthz(aiohttp_client):
    client = await aiohttp_client(create_app())
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "ok"


async def test_index(aiohttp_client):
    client = await aiohttp_client(create_app("billing"))
    resp = await client.get("/")
    assert "billing: all systems operational" in await resp.text()
