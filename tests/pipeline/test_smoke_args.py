"""`tailor smoke` refuses bad arguments before it starts anything."""

from __future__ import annotations

import socket

import pytest

from imagetailor.engine.client import EngineClient
from imagetailor.errors import UsageError
from imagetailor.pipeline.smoke import SmokeResult, parse_env, port_is_free, smoke

# Never run: every case below is refused before the engine is called.
CLIENT = EngineClient("/nonexistent/docker", "classic")


def test_parse_env() -> None:
    assert parse_env(["GREETING=hi there", "EMPTY=", "A_1=x=y"]) == {
        "GREETING": "hi there",
        "EMPTY": "",
        "A_1": "x=y",
    }
    for bad in ("NOVALUE", "=x", "1ABC=x", "BAD-NAME=x"):
        with pytest.raises(UsageError, match="use NAME=VALUE"):
            parse_env([bad])


def test_port_in_use_is_refused() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not port_is_free(port)
        with pytest.raises(UsageError, match=f"port {port} on 127.0.0.1 is in use"):
            smoke(CLIENT, "any:image", port)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": 0}, "--port 0"),
        ({"port": 8080, "requests": 0}, "--requests 0"),
        ({"port": 8080, "requests": 5000}, "--requests 5000"),
        ({"port": 8080, "path": "healthz"}, "must start with /"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    port = int(str(kwargs.pop("port")))
    with pytest.raises(UsageError, match=message):
        smoke(CLIENT, "any:image", port, **kwargs)  # type: ignore[arg-type]


def test_percentiles_nearest_rank() -> None:
    result = SmokeResult("x", "u", ok=True, ready_seconds=0.1)
    result.latencies_ms = [float(v) for v in range(1, 101)]  # 1..100 ms
    assert result.percentile(0.50) == 50.0
    assert result.percentile(0.95) == 95.0
    single = SmokeResult("x", "u", ok=True, ready_seconds=0.1, latencies_ms=[7.0])
    assert single.percentile(0.95) == 7.0
    assert SmokeResult("x", "u", ok=False, ready_seconds=None).percentile(0.5) is None
