"""Fuzzing the image readers: archives, OCI layouts with hostile documents, layer tars.

The promise under test: whatever the bytes, reading an image (and analysing it) either works
or raises our own ``TailorError`` (one line, exit 2 at the CLI). Any other exception escaping
is a finding. Inputs start from valid images so the readers get past the first check.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagetailor.analysis import analyze
from imagetailor.errors import TailorError
from imagetailor.image import open_image
from tests.analysis.rawimage import RawLayer, raw_image
from tests.fuzz.conftest import EXECUTIONS
from tests.fuzz.strategies import (
    CONFIG_PATHS,
    INDEX_PATHS,
    JSON,
    MANIFEST_PATHS,
    damaged,
    mutate,
    mutations,
)
from tests.imagefactory import (
    OCI_INDEX,
    OCI_MANIFEST,
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Symlink,
    Whiteout,
    build,
    write_docker_archive,
    write_oci_archive,
)

pytestmark = pytest.mark.fuzz

BASE = build(
    ImageSpec(
        [
            LayerSpec([Dir("etc"), File("etc/passwd", "root:x:0:0::/:/bin/sh\n"),
                       File("bin/app", b"\x7fELF" + bytes(60), mode=0o755)], compression="gzip"),
            LayerSpec([Whiteout("etc/passwd"), Symlink("bin/sh", "app"),
                       Hardlink("bin/app2", "bin/app")], compression="none"),
        ],
        entrypoint=["/bin/app"],
        labels={"a": "b"},
    )
)  # fmt: skip
os.environ.setdefault("TAILOR_WORKERS", "1")  # in process: an exception must reach the test


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def read_fully(reference: str) -> None:
    """Open and analyse: every reader, the merge and the models see the input."""
    EXECUTIONS["image"] += 1
    try:
        with open_image(reference) as image:
            analyze(image)
    except TailorError as error:
        assert "\n" not in str(error)


def write_layout(directory: Path, config: bytes, manifest: Any, index: Any) -> None:
    blobs = directory / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    for layer in BASE.layers:
        (blobs / layer.digest[7:]).write_bytes(layer.blob)
    (blobs / sha(config)[7:]).write_bytes(config)
    manifest_bytes = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    (blobs / sha(manifest_bytes)[7:]).write_bytes(manifest_bytes)
    if callable(index):
        index = index(sha(manifest_bytes), len(manifest_bytes))
    index_bytes = index if isinstance(index, bytes) else json.dumps(index).encode()
    (directory / "index.json").write_bytes(index_bytes)
    (directory / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')


def _index(digest: str, size: int) -> dict[str, Any]:
    return {"schemaVersion": 2, "mediaType": OCI_INDEX,
            "manifests": [{"mediaType": OCI_MANIFEST, "digest": digest, "size": size}]}  # fmt: skip


@given(changes=mutations(CONFIG_PATHS))
def test_config_with_fields_replaced(changes: list[tuple[Any, ...]]) -> None:
    config = json.dumps(mutate(json.loads(BASE.config), changes)).encode()
    manifest = json.loads(BASE.manifest)
    manifest["config"].update(digest=sha(config), size=len(config))
    with tempfile.TemporaryDirectory() as scratch:
        write_layout(Path(scratch), config, manifest, _index)
        read_fully(f"oci:{scratch}")


@given(changes=mutations(MANIFEST_PATHS), index_changes=mutations(INDEX_PATHS))
def test_manifest_and_index_with_fields_replaced(
    changes: list[tuple[Any, ...]], index_changes: list[tuple[Any, ...]]
) -> None:
    manifest = mutate(json.loads(BASE.manifest), changes)

    def index(digest: str, size: int) -> Any:
        return mutate(_index(digest, size), index_changes)

    with tempfile.TemporaryDirectory() as scratch:
        write_layout(Path(scratch), BASE.config, manifest, index)
        read_fully(f"oci:{scratch}")


@given(document=JSON, where=st.sampled_from(["config", "manifest", "index"]))
def test_documents_that_are_any_json(document: Any, where: str) -> None:
    raw = json.dumps(document).encode()
    config = raw if where == "config" else BASE.config
    manifest: Any = raw if where == "manifest" else json.loads(BASE.manifest)
    index: Any = raw if where == "index" else _index
    if where == "config":
        manifest["config"].update(digest=sha(raw), size=len(raw))
    with tempfile.TemporaryDirectory() as scratch:
        write_layout(Path(scratch), config, manifest, index)
        read_fully(f"oci:{scratch}")


ARCHIVES: dict[str, bytes] = {}


def _archive(kind: str) -> bytes:
    if kind not in ARCHIVES:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "a.tar"
            if kind == "oci-archive":
                write_oci_archive(BASE, path)
            else:
                write_docker_archive(BASE, path, oci_based=kind == "docker-archive-oci")
            ARCHIVES[kind] = path.read_bytes()
    return ARCHIVES[kind]


@given(kind=st.sampled_from(["docker-archive", "docker-archive-oci", "oci-archive"]),
       data=st.data())  # fmt: skip
def test_archives_with_damaged_bytes(kind: str, data: st.DataObject) -> None:
    bad = data.draw(damaged(_archive(kind)))
    transport = "oci-archive" if kind == "oci-archive" else "docker-archive"
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "a.tar"
        path.write_bytes(bad)
        read_fully(f"{transport}:{path}")
        read_fully(str(path))  # a bare path: detected by what it holds


@given(data=st.data(), layer=st.integers(0, 1))
def test_layer_tars_with_damaged_bytes(data: st.DataObject, layer: int) -> None:
    tar = data.draw(damaged(BASE.layers[layer].tar) | st.binary(max_size=2048))
    EXECUTIONS["layer"] += 1
    try:
        analyze(raw_image(RawLayer(tar), config=json.loads(BASE.config)))
    except TailorError as error:
        assert "\n" not in str(error)
