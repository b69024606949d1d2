"""``tailor smoke [REF]``: run the image and see it do its job (answer HTTP, exit 0, or keep
running), report, always remove it. Without REF, the project's deploy image, kind and port."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from imagetailor.cli.options import (
    directory_option,
    emit,
    engine_endpoint,
    engine_option,
    output_options,
    refuse_existing,
)
from imagetailor.engine.client import EngineClient, select_client
from imagetailor.errors import UsageError
from imagetailor.pipeline.smoke import SmokeResult, parse_env, smoke, smoke_process
from imagetailor.project.model import Spec


@click.command("smoke")
@click.argument("reference", required=False)
@click.option("--port", type=int, help="Loopback port the app is told to use (PORT).")
@click.option(
    "--kind",
    type=click.Choice(["web", "cli", "worker", "fastcgi"]),
    help="What the image does (default: the project's kind, else web).",
)
@click.option("--path", default="/healthz", show_default=True, help="Path to request.")
@click.option("--env", "env", multiple=True, metavar="NAME=VALUE", help="Configuration to inject.")
@click.option("--requests", "count", type=int, default=20, show_default=True)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to get ready."
)
@click.option(
    "--running", type=float, default=5.0, show_default=True, help="Seconds a worker must last."
)
@engine_option
@directory_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--verbose", "-v", is_flag=True, help="Say which engine client runs the image and why."
)
@output_options
def command(
    reference: str | None,
    port: int | None,
    kind: str | None,
    path: str,
    env: tuple[str, ...],
    count: int,
    timeout: float,
    running: float,
    engine: str,
    engine_host: str | None,
    engine_context: str | None,
    directory: Path,
    fmt: str,
    verbose: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Run REFERENCE (default: this project's deploy image) and see it do its job.

    \b
    Examples:
      tailor smoke                      the project's deploy image, kind, port
      tailor smoke app:1.4.2 --port 8080 --path /healthz --env DEBUG=0
      tailor smoke worker:2.0 --kind worker --running 10 --format json
    """
    err = Console(stderr=True)
    refuse_existing(output, force)
    spec = None
    if reference is None or (directory / "tailor.toml").is_file():
        from imagetailor.project.model import load_spec

        spec = load_spec(directory / "tailor.toml")
        kind = kind or ("web" if spec.app.kind == "static" else spec.app.kind)
    if reference is None:
        assert spec is not None
        reference = spec.tag("deploy")
        port = port or (spec.app.port if spec.app.kind != "fastcgi" else None)
    kind = kind or "web"
    environment = parse_env(env)
    endpoint = engine_endpoint(engine_host, engine_context)
    client = select_client(engine, announce=verbose, endpoint=endpoint)
    if kind == "fastcgi":
        if spec is None or port is None:
            raise UsageError("--kind fastcgi needs the project's tailor.toml and --port (nginx's)")
        result = _fastcgi(
            client, spec, directory, reference, port, path, environment, count, timeout
        )
    elif kind == "web":
        if port is None:
            raise UsageError("--port is needed for a web image: the loopback port to probe")
        result = smoke(
            client, reference, port, path=path, env=environment, requests=count, timeout=timeout
        )
    else:
        result = smoke_process(
            client, reference, kind, env=environment, timeout=timeout, running=running
        )
    data = result.as_json()
    if fmt == "json":
        emit(json.dumps(data, indent=2) + "\n", output, force)
    else:
        emit(_line(result, data) + "\n", output, force)
    if not result.ok and result.logs:
        err.print("[dim]container log (last lines):[/dim]")
        err.out("\n".join(result.logs.rstrip().splitlines()[-20:]), highlight=False)
    return 0 if result.ok else 1


def _fastcgi(
    client: EngineClient,
    spec: Spec,
    directory: Path,
    reference: str,
    port: int,
    path: str,
    env: dict[str, str],
    count: int,
    timeout: float,
) -> SmokeResult:
    """nginx (the upstream name the language names, through the project's base map) in front
    of the FastCGI image, as compose.yaml pairs them."""
    from imagetailor import languages
    from imagetailor.languages.upstream import upstream
    from imagetailor.pipeline.fastcgi import smoke_fastcgi
    from imagetailor.project.model import load_project

    _, bases = load_project(directory)
    data = languages.plugin(spec.app.language).data
    nginx = bases.resolve(upstream(data, spec.app.runtime_version, "nginx")).image
    return smoke_fastcgi(
        client, spec, reference, nginx, port, path=path, env=env, requests=count, timeout=timeout
    )


def _line(result: SmokeResult, data: dict[str, object]) -> str:
    verdict = "ok" if result.ok else f"FAILED: {result.reason}"
    if result.kind not in ("web", "fastcgi"):
        return f"{result.reference} ({result.kind}): {verdict}; after {data['ready_seconds']}s"
    latency = data["latency_ms"]
    assert isinstance(latency, dict)
    return (
        f"{result.reference} {result.url}: {verdict}; ready in {data['ready_seconds']}s; "
        f"{data['requests']} requests, statuses {data['statuses']}, "
        f"p50 {latency['p50']} ms, p95 {latency['p95']} ms"
        + ("" if result.root_status is None else f"; / answered {result.root_status}")
        + "".join(f"\n  warning: {warning}" for warning in result.warnings)
    )
