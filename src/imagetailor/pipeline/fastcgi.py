"""`tailor smoke` for a FastCGI image (PHP-FPM): started the way compose.yaml starts it. The
static service's copy fills a fresh volume with the public files, PHP-FPM runs on a free loopback
port, the stock nginx serves the volume and passes scripts to it, and the probe goes through
nginx. Every container and the volume are removed afterwards, whatever happened."""

from __future__ import annotations

import contextlib
import tempfile
import time
import uuid
from pathlib import Path

from imagetailor.engine.client import EngineClient
from imagetailor.engine.containers import logs, remove, run, start_detached
from imagetailor.engine.process import run_client
from imagetailor.errors import TailorError
from imagetailor.languages import php
from imagetailor.pipeline.smoke import LOOPBACK, SmokeResult, check_probe, free_port, probe
from imagetailor.project.model import Spec


def smoke_fastcgi(
    client: EngineClient,
    spec: Spec,
    reference: str,
    nginx_image: str,
    port: int,
    *,
    path: str = "/healthz",
    env: dict[str, str] | None = None,
    requests: int = 20,
    timeout: float = 30.0,
) -> SmokeResult:
    check_probe(port, path, requests)
    fpm = f"{LOOPBACK}:{free_port()}"
    url = f"http://{LOOPBACK}:{port}{path}"
    result = SmokeResult(reference, url, ok=False, ready_seconds=None, kind="fastcgi")
    volume = f"tailor-smoke-{uuid.uuid4().hex[:12]}"
    containers: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tailor-nginx-") as folder:
        conf = Path(folder) / "default.conf"
        conf.write_text("\n".join(php.nginx_conf(spec, f"{LOOPBACK}:{port}", fpm)) + "\n")
        conf.chmod(0o644)
        Path(folder).chmod(0o755)
        try:
            copied = run(
                reference,
                ["-r", php.COPY_PUBLIC],
                entrypoint=php.PHP,
                user="0:0",
                env={"PUBLIC_DIR": php.docroot(spec), "SKIP_TOP": php.skip_top(spec)},
                mounts=[f"{volume}:/static"],
                timeout=120,
                client=client,
            )
            if copied.exit_code != 0:
                result.reason = "the static copy failed"
                result.logs = (copied.stdout + copied.stderr)[-4000:]
                return result
            environment = {**(env or {}), "FPM_LISTEN": fpm}
            containers.append(
                start_detached(reference, network="host", env=environment, client=client)
            )
            containers.append(
                start_detached(
                    nginx_image,
                    network="host",
                    mounts=[
                        f"{volume}:{php.NGINX_ROOT}:ro",
                        f"{conf}:/etc/nginx/conf.d/default.conf:ro",
                    ],
                    client=client,
                )
            )
            probe(client, result, containers, started, requests=requests, timeout=timeout)
        finally:
            if containers:
                result.logs = "\n".join(logs(c, tail=10, client=client) for c in containers)[-4000:]
            with contextlib.suppress(TailorError):
                for container in containers:
                    remove(container, client=client)
                run_client(client, ["volume", "rm", "-f", volume], timeout=60, check=False)
    return result
