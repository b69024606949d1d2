"""Analysis objects built by hand, so policy, report and CLI tests know every figure exactly."""

from __future__ import annotations

from typing import Any

from imagetailor.analysis.model import (
    Analysis,
    ConfigSummary,
    DiveFigures,
    FileInfo,
    HiddenBytes,
    HiddenFile,
    LayerInfo,
    PackageInfo,
    SecretHit,
    ToolHit,
)

APP_LAYER = "COPY server /app/server # buildkit"
BASE_LAYER = "ADD rootfs.tar / # buildkit"


def layer(index: int, created_by: str, size: int) -> LayerInfo:
    return LayerInfo(
        index=index,
        digest=f"sha256:{index:064x}",
        diff_id=f"sha256:{index + 100:064x}",
        media_type="application/vnd.oci.image.layer.v1.tar+gzip",
        compressed_size_bytes=size // 2,
        size_bytes=size,
        tar_size_bytes=size + 1024,
        created_by=created_by,
        files_added=3,
    )


def hit(name: str, category: str, path: str | None, layer: int | None = 0, **kw: Any) -> ToolHit:
    return ToolHit(
        name=name,
        category=category,
        path=path,
        layer=layer,
        evidence=kw.pop("evidence", "file"),
        **kw,
    )


def clean_analysis(**changes: Any) -> Analysis:
    """A two-layer image that every built-in deploy rule passes: non-root, entrypoint there,
    a healthcheck, no tools, no secrets, no waste."""
    hits: list[ToolHit] = changes.pop("tool_hits", [])
    tools: dict[str, list[str]] = {}
    for h in hits:
        tools.setdefault(h.category, []).append(h.path or h.name)
    config = ConfigSummary(
        os="linux",
        architecture="amd64",
        user="10001",
        entrypoint=["/app/server"],
        cmd=None,
        env={"PATH": "/usr/bin:/bin"},
        env_names=["PATH"],
        entrypoint_path="/app/server",
        entrypoint_exists=True,
        entrypoint_executable=True,
        healthcheck=["CMD", "/app/server", "health"],
    )
    config = config.model_copy(update=changes.pop("config", {}))
    values: dict[str, Any] = dict(
        reference="docker-archive:/tmp/app.tar",
        manifest_digest="sha256:" + "a" * 64,
        config_digest="sha256:" + "b" * 64,
        size_bytes=3_000_000,
        compressed_size_bytes=1_500_000,
        final_size_bytes=3_000_000,
        file_count=12,
        layers=[layer(0, BASE_LAYER, 1_000_000), layer(1, APP_LAYER, 2_000_000)],
        dive=DiveFigures(
            efficiency=1.0, wasted_bytes=0, user_size_bytes=2_000_000, wasted_user_percent=0.0
        ),
        hidden=HiddenBytes(total_bytes=0),
        tools={k: sorted(v) for k, v in tools.items()},
        tool_hits=hits,
        config=config,
        biggest_files=[
            FileInfo(
                path="/app/server",
                kind="file",
                size_bytes=2_000_000,
                mode=0o755,
                uid=0,
                gid=0,
                layer=1,
            ),
        ],
    )
    values.update(changes)
    return Analysis(**values)


__all__ = [
    "APP_LAYER",
    "BASE_LAYER",
    "HiddenBytes",
    "HiddenFile",
    "PackageInfo",
    "SecretHit",
    "clean_analysis",
    "hit",
    "layer",
]
