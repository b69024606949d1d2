"""Pushing and attaching against Debian's docker-registry 2.8 on 127.0.0.1: anonymous, with
htpasswd basic auth, and over TLS with a CA made here with openssl. The registry has no
referrers API, so every attach goes through the referrers tag schema, for real."""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest

from imagetailor.analysis import analyze
from imagetailor.cli.main import main
from imagetailor.errors import BadImageError, SourceUnavailableError
from imagetailor.image import open_image
from imagetailor.image.credentials import find_credentials
from imagetailor.image.model import Image
from imagetailor.image.push import RegistryWriter, push_image
from imagetailor.image.reference import parse_name
from imagetailor.image.referrers import (
    CHECK_REPORT_TYPE,
    EMPTY_DIGEST,
    attach,
    read_artifact,
    referrers,
    referrers_tag,
)
from imagetailor.pipeline.publish import attached_report, ship
from imagetailor.policy.evaluate import evaluate, policy_rule_ids
from imagetailor.policy.findings import CheckReport
from imagetailor.policy.settings import resolve
from tests.conftest import start_registry
from tests.imagefactory import File, ImageSpec, LayerSpec, memory_image


def _image(text: str = "hello") -> Image:
    return memory_image(
        ImageSpec(
            [
                LayerSpec([File("app/server", "#!/bin/false\n" + text, mode=0o755)]),
                # Past 64 KiB compressed: a HEAD's Content-Length is the blob's, not a body.
                LayerSpec([File("app/data.bin", random.Random(text).randbytes(200_000))]),
            ],
            user="10001",
            entrypoint=["/app/server"],
        )
    )


def _report(image: Image, purpose: str = "deploy") -> CheckReport:
    settings = resolve(purpose, {}, "tailor.toml", known_rules=policy_rule_ids())
    return evaluate(analyze(image), settings)


def _writer(address: str, repo: str = "shop/api", config: Path | None = None) -> RegistryWriter:
    name = parse_name(f"{address}/{repo}", default_tag=None)
    return RegistryWriter(name, find_credentials(address, config) if config else None, 10.0)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, address = start_registry(tmp_path_factory.mktemp("plain"))
    yield address
    process.terminate()
    process.wait(timeout=10)


def test_push_is_the_checked_image_and_reproducible(plain: str) -> None:
    image = _image()
    writer = _writer(plain)
    first = push_image(image, writer, ["1.0", "1.0-deploy"])
    assert first.uploaded == 3  # two layers and the config
    again = push_image(_image(), writer, ["1.0"])
    assert (again.digest, again.uploaded) == (first.digest, 0)  # same gzip bytes: nothing sent
    for tag in ("1.0", "1.0-deploy"):
        with open_image(f"docker://{plain}/shop/api:{tag}") as pulled:
            assert pulled.manifest_digest == first.digest
            assert pulled.config_digest == image.config_digest
            assert [layer.diff_id for layer in pulled.layers] == [
                layer.diff_id for layer in image.layers
            ]
            assert analyze(pulled).size_bytes == analyze(image).size_bytes


def test_attach_falls_back_to_the_referrers_tag(plain: str) -> None:
    writer = _writer(plain, "tagged/app")
    pushed = push_image(_image("tagged"), writer, ["2"])
    # Debian's registry 2.8: no referrers API (404), no OCI-Subject on push.
    response, _ = writer.get(f"/v2/tagged/app/referrers/{pushed.digest}", {})
    assert response.status_code == 404
    one = attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, b'{"n": 1}', {"k": "1"})
    two = attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, b'{"n": 2}', {"k": "2"})
    again = attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, b'{"n": 2}', {"k": "2"})
    tag = "sha256-" + pushed.digest.split(":")[1]
    assert referrers_tag(pushed.digest) == tag and one.via == f"tag {tag}"
    assert again.digest == two.digest
    data, _, media_type = writer.manifest(tag)
    index = json.loads(data)
    assert media_type == "application/vnd.oci.image.index.v1+json"
    assert [e["digest"] for e in index["manifests"]] == [one.digest, two.digest]  # no duplicate
    assert all(e["artifactType"] == CHECK_REPORT_TYPE for e in index["manifests"])
    found = referrers(writer, pushed.digest, CHECK_REPORT_TYPE)
    assert [e["annotations"]["k"] for e in found] == ["1", "2"]
    assert referrers(writer, pushed.digest, "application/other") == []
    payload, annotations = read_artifact(writer, found[1], pushed.digest, CHECK_REPORT_TYPE)
    assert (payload, annotations) == (b'{"n": 2}', {"k": "2"})
    artifact = json.loads(writer.manifest(two.digest)[0])
    assert artifact["config"]["digest"] == EMPTY_DIGEST
    assert artifact["subject"] == {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": pushed.digest,
        "size": pushed.size,
    }
    # An artifact is only read as the referrer of the subject it names.
    other = push_image(_image("other"), writer, ["3"])
    with pytest.raises(BadImageError, match="does not refer to"):
        read_artifact(writer, found[1], other.digest, CHECK_REPORT_TYPE)


def test_check_attached_reads_the_pushed_report(
    plain: str, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _image("ship")
    report = _report(image)
    shipped = ship(_writer(plain, "ship/app"), image, report, "deploy", ["1.4", "1.4-deploy"])
    reference = f"docker://{plain}/ship/app:1.4"
    code = main(["check", reference, "-p", "deploy", "--attached", "--format", "json"])
    out = capsys.readouterr().out
    assert code == (0 if report.fit else 1), out
    data = json.loads(out)
    assert data["manifest_digest"] == shipped.pushed.digest
    assert data["config_digest"] == image.config_digest
    assert data["findings"] == report.model_dump(mode="json")["findings"]
    # No report for another purpose; judging flags make no sense with a judged report.
    assert main(["check", reference, "-p", "ci", "--attached"]) == 2
    assert "no ci check report is attached" in capsys.readouterr().err
    assert main(["check", reference, "-p", "deploy", "--attached", "--max-layers", "3"]) == 2
    assert "drop --max-layers" in capsys.readouterr().err


def test_a_report_about_another_image_is_refused(plain: str) -> None:
    writer = _writer(plain, "forged/app")
    real, other = _image("real"), _image("forged")
    pushed = push_image(real, writer, ["1"])
    forged = _report(other).model_copy(update={"manifest_digest": pushed.digest})
    payload = json.dumps(forged.model_dump(mode="json")).encode()
    purpose = {"dev.imagetailor.purpose": "deploy"}
    attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, payload, purpose)
    with pytest.raises(BadImageError, match="config digest"):
        attached_report(f"docker://{plain}/forged/app:1", "deploy")
    newest = {**purpose, "org.opencontainers.image.created": "9999"}  # the newest is read
    attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, b"[1]", newest)
    with pytest.raises(BadImageError, match="not a check report"):
        attached_report(f"docker://{plain}/forged/app:1", "deploy")


def test_push_with_basic_auth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    htpasswd = tmp_path / "htpasswd"
    hashed = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=5)).decode()
    htpasswd.write_text(f"shipper:{hashed}\n")
    process, address = start_registry(tmp_path / "registry", htpasswd=htpasswd)
    try:
        with pytest.raises(SourceUnavailableError, match="docker login"):
            push_image(_image(), _writer(address), ["1"])
        config = tmp_path / "config.json"
        auth = base64.b64encode(b"shipper:s3cret").decode()
        config.write_text(json.dumps({"auths": {f"https://{address}": {"auth": auth}}}))
        image = _image()
        shipped = ship(_writer(address, config=config), image, _report(image), "deploy", ["1"])
        assert shipped.pushed.uploaded == 3
        report = attached_report(f"docker://{address}/shop/api:1", "deploy", docker_config=config)
        assert report.manifest_digest == shipped.pushed.digest
        # The same through a credential helper, as `docker login` with credsStore leaves it.
        helper = tmp_path / "bin" / "docker-credential-test"
        helper.parent.mkdir()
        helper.write_text(
            '#!/bin/sh\nread -r server\necho \'{"Username":"shipper","Secret":"s3cret"}\'\n'
        )
        helper.chmod(0o755)
        monkeypatch.setenv("PATH", f"{helper.parent}:{os.environ['PATH']}")
        config.write_text(json.dumps({"credHelpers": {address: "test"}}))
        again = push_image(_image("helped"), _writer(address, "helped/app", config), ["1"])
        assert again.uploaded == 3
    finally:
        process.terminate()
        process.wait(timeout=10)


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "registry.crt", directory / "registry.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_push_over_tls_with_a_private_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _certificate(tmp_path)
    process, address = start_registry(tmp_path / "registry", tls=(cert, key))
    try:
        with pytest.raises(SourceUnavailableError, match="SSL_CERT_FILE"):
            push_image(_image(), _writer(address), ["1"])
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        writer = _writer(address)
        pushed = push_image(_image(), writer, ["1"])
        assert writer.base == f"https://{address}"
        attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, b"{}", {})
        with open_image(f"docker://{address}/shop/api:1") as pulled:
            assert pulled.manifest_digest == pushed.digest
    finally:
        process.terminate()
        process.wait(timeout=10)
