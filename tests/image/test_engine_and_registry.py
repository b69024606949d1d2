"""The same engine-built image read from the daemon, a docker save archive, an OCI layout and the
real registry (anonymous and with htpasswd basic auth): one config digest, one list of diff_ids,
and layer streams that hash to those diff_ids — the engine's own figures."""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.model import Analysis
from imagetailor.errors import SourceUnavailableError
from imagetailor.image import open_image, parse_reference
from imagetailor.image.daemon import open_daemon_image
from tests.conftest import docker, start_registry
from tests.image.helpers import layer_names, read_all_layers

pytestmark = [pytest.mark.engine]

TAG = "imagetailor-test/image-sources:1"
DOCKERFILE = """\
FROM imagetailor-test/busybox:1
RUN mkdir -p /app && echo first > /app/a && echo keep > /app/keep
COPY payload.txt /app/payload.txt
ENV STAGE=test
RUN rm /app/a && echo second > /app/b
"""


@pytest.fixture(scope="module")
def engine_image(busybox_image: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build the test image; return the engine's own view of it (ID and layer diff_ids)."""
    context = tmp_path_factory.mktemp("context")
    (context / "Dockerfile").write_text(DOCKERFILE)
    (context / "payload.txt").write_text("payload " * 1000)
    docker("build", "--network", "host", "-t", TAG, str(context))
    inspect = json.loads(docker("image", "inspect", TAG).stdout)[0]
    return {"id": inspect["Id"], "diff_ids": inspect["RootFS"]["Layers"]}


@pytest.fixture(scope="module")
def saved_archive(
    engine_image: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("save") / "image.tar"
    docker("save", "-o", str(path), TAG)
    return path


def oci_layout_from_docker_save(archive: Path, directory: Path, ref: str) -> None:
    """Repack a classic docker save archive as an OCI layout (uncompressed layers)."""
    blobs: dict[str, bytes] = {}

    def add(data: bytes) -> dict[str, object]:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"digest": digest, "size": len(data)}

    with tarfile.open(archive) as tar:
        entry = json.loads(tar.extractfile("manifest.json").read())[0]  # type: ignore[union-attr]
        config = tar.extractfile(entry["Config"]).read()  # type: ignore[union-attr]
        layers = [tar.extractfile(name).read() for name in entry["Layers"]]  # type: ignore[union-attr]
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **add(config)},
        "layers": [
            {"mediaType": "application/vnd.oci.image.layer.v1.tar", **add(layer)}
            for layer in layers
        ],
    }
    manifest_descriptor = add(json.dumps(manifest).encode())
    directory.mkdir()
    (directory / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    for digest, data in blobs.items():
        path = directory / "blobs" / "sha256" / digest.split(":")[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                **manifest_descriptor,
                "annotations": {"org.opencontainers.image.ref.name": ref},
            }
        ],
    }
    (directory / "index.json").write_text(json.dumps(index))


@pytest.fixture(scope="module")
def pushed(engine_image: dict[str, object], registry: str) -> Iterator[str]:
    remote = f"{registry}/sources/image:1"
    docker("tag", TAG, remote)
    docker("push", remote)
    yield f"docker://{remote}"
    docker("rmi", remote, check=False)


def test_same_image_from_every_source(
    engine_image: dict[str, object],
    saved_archive: Path,
    pushed: str,
    tmp_path: Path,
) -> None:
    layout = tmp_path / "layout"
    oci_layout_from_docker_save(saved_archive, layout, "1")
    references = [
        f"docker-daemon:{TAG}",
        f"docker-daemon:{engine_image['id']}",
        f"docker-archive:{saved_archive}",
        f"docker-archive:{saved_archive}:{TAG}",
        str(saved_archive),
        f"oci:{layout}:1",
        pushed,
    ]
    expected_diff_ids = engine_image["diff_ids"]
    assert isinstance(expected_diff_ids, list) and len(expected_diff_ids) == 4
    seen_names = []
    for reference in references:
        with open_image(reference) as image:
            assert image.config_digest == engine_image["id"], reference
            assert [layer.diff_id for layer in image.layers] == expected_diff_ids, reference
            # The bytes each source streams hash to the engine's diff_ids.
            assert read_all_layers(image) == expected_diff_ids, reference
            seen_names.append([layer_names(layer) for layer in image.layers])
            created = [(h or {}).get("created_by", "") for _, h in image.layer_history()]
            assert "COPY payload.txt /app/payload.txt" in created[2], reference
    assert all(names == seen_names[0] for names in seen_names)
    assert "app/.wh.a" in seen_names[0][3] and "app/b" in seen_names[0][3]


def test_registry_layers_are_gzip_with_their_own_digests(pushed: str) -> None:
    with open_image(pushed) as image:
        assert image.manifest_digest is not None
        for layer in image.layers:
            assert layer.descriptor.media_type.endswith("gzip")
            assert layer.descriptor.digest != layer.diff_id


def test_daemon_spool_is_removed_on_close(engine_image: dict[str, object]) -> None:
    image = open_image(f"docker-daemon:{TAG}")
    spooled = Path(image.layers[0]._store.archive.path)  # type: ignore[attr-defined]
    assert spooled.exists()
    image.close()
    assert not spooled.parent.exists()


def test_daemon_spool_is_bounded(engine_image: dict[str, object]) -> None:
    spools_before = set(Path(tempfile.gettempdir()).glob("imagetailor-daemon-*"))
    with pytest.raises(SourceUnavailableError, match="more than the 100000 we spool"):
        open_daemon_image(parse_reference(f"docker-daemon:{TAG}"), None, max_bytes=100_000)
    assert set(Path(tempfile.gettempdir()).glob("imagetailor-daemon-*")) == spools_before


def test_daemon_unknown_image(engine: str) -> None:
    with pytest.raises(SourceUnavailableError, match="has no image imagetailor-test/absent:9"):
        open_image("docker-daemon:imagetailor-test/absent:9")


def test_daemon_unreachable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no.sock")
    with pytest.raises(SourceUnavailableError, match="cannot reach the Docker engine") as caught:
        open_image("docker-daemon:busybox:1")
    # What to do, in the same line: the engine DOCKER_HOST names is down.
    assert str(caught.value).endswith(
        f"; fix: start the engine at DOCKER_HOST=unix://{tmp_path}/no.sock, or unset DOCKER_HOST"
    )


def test_registry_with_basic_auth(
    engine_image: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("auth-registry")
    htpasswd = root / "htpasswd"
    hashed = bcrypt.hashpw(b"tailor-pw", bcrypt.gensalt(rounds=5)).decode()
    htpasswd.write_text(f"tailor:{hashed}\n")
    process, address = start_registry(root, htpasswd=htpasswd)
    client_config = root / "client"
    client_config.mkdir()
    remote = f"{address}/private/image:1"
    try:
        login = docker(
            "--config",
            str(client_config),
            "login",
            address,
            "-u",
            "tailor",
            "--password-stdin",
            input=b"tailor-pw",
        )
        assert login.returncode == 0
        docker("tag", TAG, remote)
        docker("--config", str(client_config), "push", remote)
        config_json = client_config / "config.json"
        assert "auth" in json.loads(config_json.read_text())["auths"][address]
        with open_image(f"docker://{remote}", docker_config=config_json) as image:
            assert image.config_digest == engine_image["id"]
            assert read_all_layers(image) == engine_image["diff_ids"]
        empty = root / "empty.json"
        empty.write_text("{}")
        with pytest.raises(SourceUnavailableError, match="needs credentials"):
            open_image(f"docker://{remote}", docker_config=empty)
        wrong = root / "wrong.json"
        wrong.write_text(json.dumps({"auths": {address: {"username": "tailor", "password": "no"}}}))
        with pytest.raises(SourceUnavailableError, match="401"):
            open_image(f"docker://{remote}", docker_config=wrong)
    finally:
        docker("rmi", remote, check=False)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_daemon_spool_is_removed_even_if_the_image_is_never_closed(
    engine_image: dict[str, object],
) -> None:
    import gc

    image = open_image(f"docker-daemon:{TAG}")
    spool = Path(image.layers[0]._store.archive.path).parent  # type: ignore[attr-defined]
    assert spool.exists()
    del image
    gc.collect()
    assert not spool.exists()


def _source_neutral(analysis: Analysis) -> dict[str, object]:
    """The analysis minus what legitimately differs by source: the reference, the manifest, and
    how each source stores a layer (compressed in the registry, plain in archives)."""
    data = analysis.model_dump(mode="json")
    for key in ("reference", "manifest_digest", "compressed_size_bytes"):
        data.pop(key)
    for layer in data["layers"]:
        for key in ("digest", "media_type", "compressed_size_bytes"):
            layer.pop(key)
    return data


def test_same_analysis_from_every_source(
    engine_image: dict[str, object], saved_archive: Path, pushed: str, tmp_path: Path
) -> None:
    layout = tmp_path / "layout"
    oci_layout_from_docker_save(saved_archive, layout, "1")
    oci_archive = tmp_path / "image.oci.tar"
    with tarfile.open(oci_archive, "w") as tar:
        for path in sorted(layout.rglob("*")):
            tar.add(path, str(path.relative_to(layout)), recursive=False)
    references = [
        f"docker-daemon:{TAG}",
        f"docker-archive:{saved_archive}",
        f"oci:{layout}:1",
        f"oci-archive:{oci_archive}:1",
        pushed,
    ]
    analyses = {}
    for reference in references:
        with open_image(reference) as image:
            analyses[reference] = _source_neutral(analyze(image))
    first = analyses[references[0]]
    assert first["config_digest"] == engine_image["id"]
    assert first["file_count"] > 10 and first["hidden"]["files"]  # /app/a was written, then hidden
    for reference, analysis in analyses.items():
        assert analysis == first, reference


def test_daemon_export_reports_its_progress(engine_image: dict[str, object]) -> None:
    calls: list[tuple[int, int]] = []
    with open_image(f"docker-daemon:{TAG}", fetch_progress=lambda *c: calls.append(c)) as image:
        spooled = Path(image.layers[0]._store.archive.path)  # type: ignore[attr-defined]
        assert calls[0][0] == 0 and calls[0][1] > 0  # shown before the engine's first byte
        assert calls[-1][0] == spooled.stat().st_size
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)
