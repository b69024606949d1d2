"""``tailor smoke REF --port N``: run the image, probe it on loopback, report, remove it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from imagetailor.cli.options import emit, engine_option, output_options, refuse_existing
from imagetailor.engine.client import select_client
from imagetailor.pipeline.smoke import parse_env, smoke


@click.command("smoke")
@click.argument("reference")
@click.option(
    "--port", type=int, required=True, help="Loopback port the app is told to use (PORT)."
)
@click.option("--path", default="/healthz", show_default=True, help="Path to request.")
@click.option("--env", "env", multiple=True, metavar="NAME=VALUE", help="Configuration to inject.")
@click.option("--requests", "count", type=int, default=20, show_default=True)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to get ready."
)
@engine_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@output_options
def command(
    reference: str,
    port: int,
    path: str,
    env: tuple[str, ...],
    count: int,
    timeout: float,
    engine: str,
    fmt: str,
    output: Path | None,
    force: bool,
) -> int:
    """Run REFERENCE with --network host and PORT=N, send requests, always remove it."""
    err = Console(stderr=True)
    refuse_existing(output, force)
    client = select_client(engine)
    result = smoke(
        client, reference, port, path=path, env=parse_env(env), requests=count, timeout=timeout
    )
    data = result.as_json()
    if fmt == "json":
        emit(json.dumps(data, indent=2) + "\n", output, force)
    else:
        latency = data["latency_ms"]
        assert isinstance(latency, dict)
        verdict = "ok" if result.ok else f"FAILED: {result.reason}"
        line = (
            f"{reference} {result.url}: {verdict}; ready in {data['ready_seconds']}s; "
            f"{data['requests']} requests, statuses {data['statuses']}, "
            f"p50 {latency['p50']} ms, p95 {latency['p95']} ms"
        )
        emit(line + "\n", output, force)
    if not result.ok and result.logs:
        err.print("[dim]container log (last lines):[/dim]")
        err.out(result.logs.rstrip(), highlight=False)
    return 0 if result.ok else 1
