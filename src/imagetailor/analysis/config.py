"""The config summary: who the image runs as, what it runs, and whether that program exists."""

from __future__ import annotations

import posixpath
from typing import Any

from imagetailor.analysis.model import ConfigSummary, StartProblem
from imagetailor.analysis.secrets import SecretScanner
from imagetailor.analysis.start import start_problems
from imagetailor.analysis.tree import MergedTree

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REDACTED = "***"


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return None


def env_pairs(config: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for entry in (config.get("config") or {}).get("Env") or []:
        if isinstance(entry, str):
            name, _, value = entry.partition("=")
            pairs.append((name, value))
    return pairs


def image_path(config: dict[str, Any]) -> list[str]:
    for name, value in env_pairs(config):
        if name == "PATH":
            return [d for d in value.split(":") if d]
    return DEFAULT_PATH.split(":")


def program_kind(magic: bytes) -> str:
    if magic.startswith(b"\x7fELF"):
        return "elf"
    if magic.startswith(b"#!"):
        return "script"
    return "other"


def summarize_config(
    config: dict[str, Any], tree: MergedTree, scanner: SecretScanner
) -> ConfigSummary:
    inner = config.get("config") or {}
    env: dict[str, str] = {}
    for name, value in env_pairs(config):
        secret = scanner.sensitive_env(name) or scanner.looks_secret(f"{name}={value}")
        env[name] = REDACTED if secret and value else value
    summary = ConfigSummary(
        os=config.get("os"),
        architecture=config.get("architecture"),
        user=inner.get("User") or None,
        entrypoint=_strings(inner.get("Entrypoint")),
        cmd=_strings(inner.get("Cmd")),
        workdir=inner.get("WorkingDir") or None,
        exposed_ports=sorted(inner.get("ExposedPorts") or {}),
        env_names=[name for name, _ in env_pairs(config)],
        env=env,
        labels={
            str(k): REDACTED if scanner.looks_secret(f"{k}={v}") else str(v)
            for k, v in sorted((inner.get("Labels") or {}).items())
        },
        volumes=sorted(inner.get("Volumes") or {}),
        healthcheck=_healthcheck(inner.get("Healthcheck")),
    )
    argv = (summary.entrypoint or []) or (summary.cmd or [])
    if argv and argv[0]:
        _resolve_program(summary, argv[0], config, tree)
        # The runtime runs ENTRYPOINT followed by CMD: the whole command is what must start.
        full = [*(summary.entrypoint or []), *(summary.cmd or [])]
        program = summary.entrypoint_path if summary.entrypoint_exists else None
        raw_env = dict(env_pairs(config))
        summary.start_problems = [
            StartProblem(kind=p.kind, path=p.path, message=p.message)
            for p in start_problems(
                full, summary.workdir or "/", raw_env, program, tree, summary.user
            )
        ]
    return summary


def _healthcheck(value: Any) -> list[str] | None:
    """Docker's Healthcheck.Test (not in the OCI spec; BuildKit and podman write it). An empty
    test means "inherit", which in a built config is the same as none."""
    test = _strings(value.get("Test")) if isinstance(value, dict) else None
    return test or None


def _resolve_program(
    summary: ConfigSummary, program: str, config: dict[str, Any], tree: MergedTree
) -> None:
    """Find what the runtime would execute: a path (relative to WORKDIR) or a PATH lookup."""
    if "/" in program:
        candidates = [posixpath.join(summary.workdir or "/", program)]
    else:
        candidates = [posixpath.join(d, program) for d in image_path(config) if d.startswith("/")]
    found: tuple[str, bool, str] | None = None
    for candidate in candidates:
        resolved = tree.resolve(candidate)
        node = tree.nodes.get(resolved) if resolved is not None else None
        if node is None or node.kind == "dir":
            continue
        executable = node.kind in ("file", "hardlink") and bool(node.mode & 0o111)
        if found is None or (executable and not found[1]):
            found = ("/" + (resolved or ""), executable, program_kind(node.magic))
        if executable:
            break
    if found is None:
        summary.entrypoint_path = posixpath.normpath(candidates[0]) if candidates else None
        summary.entrypoint_exists = False
        summary.entrypoint_executable = False
        return
    summary.entrypoint_path, summary.entrypoint_executable, kind = found
    summary.entrypoint_exists = True
    summary.entrypoint_kind = kind
