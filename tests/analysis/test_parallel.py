"""Layers read by forked workers give exactly what a sequential read gives: same analysis, and
for bad layers the same error (class and line), the first bad layer in order."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from imagetailor.analysis import Analysis, analyze, layerscan
from imagetailor.analysis.parallel import worker_count
from imagetailor.errors import BadImageError, TailorError
from imagetailor.image import open_image
from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Symlink,
    Whiteout,
    write_docker_archive,
    write_oci_layout,
)

SPEC = ImageSpec(
    layers=[
        LayerSpec([Dir("etc"), File("etc/passwd", "root:x:0:0::/root:/bin/sh\n")]),
        LayerSpec(
            [
                *(File(f"srv/d{i % 7}/f{i:04d}", b"x" * (i % 700)) for i in range(1500)),
                File("app/.npmrc", "//registry.npmjs.org/:_authToken=npm_" + "a1B2c3D4" * 5),
                Dir("srv"),
            ]
        ),
        LayerSpec([Whiteout("srv/d3"), File("srv/d1/f0001", b"new"), Hardlink("h", "etc/passwd")]),
        LayerSpec([Symlink("bin/sh", "/bin/busybox"), File("bin/busybox", b"\x7fELF", 0o755)]),
    ]
)


def _analysis(reference: str, workers: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TAILOR_WORKERS", workers)
    with open_image(reference) as image:
        assert worker_count(image) == (0 if workers == "1" else 2)
        return analyze(image).model_dump_json()


@pytest.mark.parametrize(
    ("layout", "batch", "compression"),
    [("docker-archive", 4096, "none"), ("oci", 100, "gzip"), ("oci", 4096, "zstd")],
)
def test_workers_and_a_sequential_read_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, batch: int, compression: str
) -> None:
    """Batches of 100 make the workers stream the 1,500-file layer in pieces."""
    monkeypatch.setattr(layerscan, "BATCH", batch)
    spec = dataclasses.replace(
        SPEC, layers=[dataclasses.replace(layer, compression=compression) for layer in SPEC.layers]
    )
    target = tmp_path / "image"
    if layout == "oci":
        write_oci_layout(spec, target)
    else:
        write_docker_archive(spec, target)
    reference = f"{layout}:{target}"
    parallel = _analysis(reference, "2", monkeypatch)
    assert parallel == _analysis(reference, "1", monkeypatch)
    found = Analysis.model_validate_json(parallel)
    assert [(s.kind, s.path, s.layer) for s in found.secrets] == [("npm-token", "/app/.npmrc", 1)]
    assert [layer.files_removed for layer in found.layers] == [0, 0, 214, 0]
    assert found.file_count == 1301


def _error(reference: str, workers: str, monkeypatch: pytest.MonkeyPatch) -> TailorError:
    monkeypatch.setenv("TAILOR_WORKERS", workers)
    with open_image(reference) as image, pytest.raises(TailorError) as caught:
        analyze(image)
    return caught.value


def test_a_bad_layer_in_a_worker_is_the_same_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Layers 1 and 3 are tampered with: both readers report layer 1, with the same line."""
    spec = ImageSpec(
        layers=[
            LayerSpec([File("a", b"a")]),
            LayerSpec([File("b", b"FIRST-MARK" * 40)]),
            LayerSpec([File("c", b"c" * 5000)]),
            LayerSpec([File("d", b"SECOND-MARK" * 40)]),
        ]
    )
    archive = tmp_path / "image.tar"
    write_docker_archive(spec, archive)
    data = bytearray(archive.read_bytes())
    for marker in (b"FIRST-MARK", b"SECOND-MARK"):
        offset = data.index(marker)
        data[offset : offset + 4] = b"EVIL"
    archive.write_bytes(bytes(data))
    reference = f"docker-archive:{archive}"
    parallel = _error(reference, "2", monkeypatch)
    sequential = _error(reference, "1", monkeypatch)
    assert isinstance(parallel, BadImageError)
    assert type(parallel) is type(sequential)
    assert str(parallel) == str(sequential)
    assert "\n" not in str(parallel)
    with open_image(reference) as image:
        assert image.layers[1].descriptor.digest in str(parallel)
