"""Images in the engine: does one exist, what does its config say, save it to an archive."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from imagetailor.engine.client import EngineClient
from imagetailor.engine.process import (
    default_client,
    engine_error,
    is_missing,
    missing_image,
    run_client,
)
from imagetailor.errors import TailorError, UsageError


def image_exists(ref: str, *, client: EngineClient | None = None) -> bool:
    client = default_client(client)
    result = run_client(client, ["image", "inspect", "--format", "{{.Id}}", ref], check=False)
    if result.returncode == 0:
        return True
    stderr = result.stderr.decode(errors="replace")
    if is_missing(stderr):
        return False
    raise engine_error(client, ["image", "inspect"], stderr)


def inspect_image(ref: str, *, client: EngineClient | None = None) -> dict[str, Any]:
    """The engine's inspect record of one image (Id, RepoTags, Config, Size, ...)."""
    client = default_client(client)
    result = run_client(client, ["image", "inspect", ref], check=False)
    stderr = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        if is_missing(stderr):
            raise missing_image(client, ref)
        raise engine_error(client, ["image", "inspect"], stderr)
    try:
        records = json.loads(result.stdout)
    except ValueError:
        raise TailorError(f"{client.name} image inspect {ref} printed invalid JSON") from None
    if not isinstance(records, list) or len(records) != 1 or not isinstance(records[0], dict):
        raise TailorError(f"{client.name} image inspect {ref} did not describe exactly one image")
    record: dict[str, Any] = records[0]
    return record


def save(
    ref: str, dest: Path, *, client: EngineClient | None = None, overwrite: bool = False
) -> Path:
    """Write ``ref`` as a docker-archive tar at ``dest``; never leaves a half-written file."""
    client = default_client(client)
    if dest.exists() and not overwrite:
        raise UsageError(f"{dest} already exists; fix: choose another path or remove it first")
    if not dest.parent.is_dir():
        raise UsageError(f"cannot save to {dest}: {dest.parent} is not a directory")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    args = ["save", "--output", str(partial), ref]
    if client.mode == "podman":
        args[1:1] = ["--format", "docker-archive"]
    try:
        result = run_client(client, args, timeout=None, check=False)
        if result.returncode != 0:
            stderr = result.stderr.decode(errors="replace")
            if is_missing(stderr):
                raise missing_image(client, ref)
            raise engine_error(client, ["save", ref], stderr)
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def remove_image(ref: str, *, client: EngineClient | None = None) -> bool:
    """Remove an image (tag); False when there was none."""
    client = default_client(client)
    result = run_client(client, ["image", "rm", ref], check=False)
    if result.returncode == 0:
        return True
    stderr = result.stderr.decode(errors="replace")
    if is_missing(stderr):
        return False
    raise engine_error(client, ["image", "rm"], stderr)
