"""`tailor check LOCAL --purpose local --compare DEPLOY` (TP601-TP604) and ci against its build
stage, on images whose every byte the tests chose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.rules import all_rules
from tests.diff.images import APP, BASE, status
from tests.imagefactory import (
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Symlink,
    write_docker_archive,
)

DEPLOY_CONFIG = {"user": "1000", "entrypoint": ["/app/run.sh"], "workdir": "/app"}
TOOLS = LayerSpec(
    [
        File("bin/busybox", b"\x7fELF" + b"b" * 60, mode=0o755),
        Hardlink("bin/sh", "bin/busybox"),
        Symlink("bin/ls", "busybox"),
        File("usr/bin/curl", b"\x7fELF" + b"c" * 60, mode=0o755),
        File("usr/lib/libcurl.so.4", b"\x7fELF" + b"l" * 60, mode=0o644),
        # installing a package rewrites the database: bookkeeping, not a change of the app
        File(
            "var/lib/dpkg/status",
            status(("base-files", "12.4"), ("libc6", "2.36-9"), ("curl", "7.88.1-10")),
        ),
        File("var/log/dpkg.log", "installed curl\n"),
    ],
    created_by="COPY --from=local-tools /out/ /",
)


def _deploy() -> ImageSpec:
    return ImageSpec([BASE, APP], **DEPLOY_CONFIG)  # type: ignore[arg-type]


def _local(*layers: LayerSpec, **config: object) -> ImageSpec:
    settings: dict[str, object] = {**DEPLOY_CONFIG, **config}
    return ImageSpec([BASE, APP, *layers], **settings)  # type: ignore[arg-type]


def _check(
    tmp_path: Path,
    image: ImageSpec,
    against: ImageSpec,
    capsys: pytest.CaptureFixture[str],
    purpose: str = "local",
) -> tuple[int, list[tuple[str, str | None]]]:
    write_docker_archive(image, tmp_path / "image.tar")
    write_docker_archive(against, tmp_path / "against.tar")
    image_ref = f"docker-archive:{tmp_path / 'image.tar'}"
    against_ref = f"docker-archive:{tmp_path / 'against.tar'}"
    code = main(["check", image_ref, "-p", purpose, "--compare", against_ref, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    compared = [(f["rule"], f["path"]) for f in report["findings"] if f["rule"] >= "TP6"]
    assert {r["rule"] for r in report["rules"]} >= (
        {"TP601", "TP602", "TP603", "TP604"} if purpose == "local" else {"TP602", "TP604"}
    )
    return code, sorted(compared)


def test_deploy_plus_allowed_tools_is_fit(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, found = _check(tmp_path, _local(TOOLS), _deploy(), capsys)
    assert found == []
    assert code == 0


def test_each_difference_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    extra = LayerSpec(
        [
            File("usr/bin/gcc", b"\x7fELF" + b"g" * 60, mode=0o755),  # not a visibility tool
            File("app/main.py", "print('patched')\n", uid=1000, gid=1000),  # app differs
            File("app/debug.py", "import pdb\n"),  # an app file deploy lacks
            File("srv/extra.txt", "x"),  # outside the system folders: the app's
            File(
                "var/lib/dpkg/status",
                status(("base-files", "12.4"), ("libc6", "2.36-9+deb12u1")),
            ),
        ]
    )
    code, found = _check(tmp_path, _local(TOOLS, extra, user="0"), _deploy(), capsys)
    assert code == 1
    assert found == [
        ("TP601", "gcc"),
        ("TP602", "/app/debug.py"),
        ("TP602", "/app/main.py"),
        ("TP602", "/srv/extra.txt"),
        ("TP603", "user"),
        ("TP604", "libc6"),
    ]


def test_removed_file_and_entrypoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from tests.imagefactory import Whiteout

    gone = LayerSpec([Whiteout("usr/share/doc/a.txt"), Whiteout("var/log")])
    code, found = _check(tmp_path, _local(gone, entrypoint=["/bin/sh"]), _deploy(), capsys)
    assert found == [("TP602", "/usr/share/doc/a.txt"), ("TP603", "entrypoint")]
    assert code == 1


def test_ci_against_build_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    build_out = LayerSpec([File("app/main.pyc", b"\x00" * 40)], created_by="RUN compileall")
    build = ImageSpec([BASE, APP, build_out], workdir="/app")
    ci_layer = LayerSpec(
        [
            File("usr/local/bin/pytest", "#!/usr/bin/python3\n", mode=0o755),
            File("app/run.sh", "#!/bin/sh\nexec pytest\n", mode=0o755),  # app file differs
            File("etc/app.conf", "level=2\n"),  # outside the workdir: ci's own business
        ]
    )
    ci = ImageSpec([BASE, APP, ci_layer], workdir="/app", cmd=["pytest"])
    code, found = _check(tmp_path, ci, build, capsys, purpose="ci")
    # main.pyc (a build output ci lacks) and the new tool are not findings
    assert found == [("TP602", "/app/run.sh")]
    assert code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "deploy"], "--compare applies to local"),
        (["-p", "dev"], "--compare applies to local"),
    ],
)
def test_compare_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    write_docker_archive(_deploy(), tmp_path / "d.tar")
    ref = f"docker-archive:{tmp_path / 'd.tar'}"
    assert main(["check", ref, *args, "--compare", ref]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_compare_needs_a_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "a.json"
    saved.write_text("{}")
    assert main(["check", "--analysis", str(saved), "-p", "local", "--compare", "x:"]) == 2
    assert "--compare needs REFERENCE" in capsys.readouterr().err


def test_bad_compare_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_docker_archive(_deploy(), tmp_path / "d.tar")
    ref = f"docker-archive:{tmp_path / 'd.tar'}"
    assert main(["check", ref, "-p", "local", "--compare", "docker-archive:/no/such.tar"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_rules_are_listed() -> None:
    ids = {rule.id for rule in all_rules()}
    assert {"TP601", "TP602", "TP603", "TP604"} <= ids
