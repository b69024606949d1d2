"""Hostile images through the real `tailor` process: exit 2, one line on stderr, nothing else.

The unit tests prove each reader refuses bad bytes; this proves the promise users see: no
traceback, no partial report on stdout, no file left behind, whatever the input.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.analysis.rawimage import file, link, tar_bytes
from tests.image.helpers import with_config, with_layer_blob
from tests.imagefactory import (
    BuiltImage,
    BuiltLayer,
    File,
    ImageSpec,
    LayerSpec,
    build,
    sha256,
    write_docker_archive,
    write_oci_layout,
)

TAILOR = [sys.executable, "-m", "imagetailor.cli.main"]


def good() -> BuiltImage:
    return build(ImageSpec([LayerSpec([File("app/data", b"x" * 4096)], "COPY app", "gzip")]))


def with_raw_layer(tar: bytes) -> BuiltImage:
    """An image whose one layer is exactly ``tar``, digests matching: only the content is bad."""
    base = build(ImageSpec([LayerSpec([File("a", "1")], "ADD a", "none")]))
    layer = BuiltLayer(tar, base.layers[0].media_type, sha256(tar), sha256(tar), tar)
    return with_layer_blob(BuiltImage(base.config, base.config_digest, [layer], base.manifest,
                                      base.manifest_digest), 0, tar)  # fmt: skip


def _escaping_member(tmp_path: Path) -> str:
    built = with_raw_layer(tar_bytes([file("../../etc/evil", b"owned")]))
    write_oci_layout(_fix_diff_ids(built), tmp_path / "layout")
    return f"oci:{tmp_path / 'layout'}"


def _hardlink_out(tmp_path: Path) -> str:
    built = with_raw_layer(tar_bytes([link("x", "../../etc/shadow", hard=True)]))
    write_oci_layout(_fix_diff_ids(built), tmp_path / "layout")
    return f"oci:{tmp_path / 'layout'}"


def _fix_diff_ids(built: BuiltImage) -> BuiltImage:
    config = json.loads(built.config)
    config["rootfs"]["diff_ids"] = [layer.diff_id for layer in built.layers]
    return with_config(built, json.dumps(config).encode())


def _wrong_digest(tmp_path: Path) -> str:
    built = good()
    write_oci_layout(built, tmp_path / "layout")
    blob = tmp_path / "layout" / "blobs" / "sha256" / built.layers[0].digest.split(":")[1]
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    return f"oci:{tmp_path / 'layout'}"


def _truncated_gzip(tmp_path: Path) -> str:
    built = good()
    cut = gzip.compress(built.layers[0].tar)[:-40]
    write_oci_layout(with_layer_blob(built, 0, cut), tmp_path / "layout")
    return f"oci:{tmp_path / 'layout'}"


def _missing_blob(tmp_path: Path) -> str:
    built = good()
    write_oci_layout(built, tmp_path / "layout")
    (tmp_path / "layout" / "blobs" / "sha256" / built.layers[0].digest.split(":")[1]).unlink()
    return f"oci:{tmp_path / 'layout'}"


def _truncated_archive(tmp_path: Path) -> str:
    built = write_docker_archive(good(), tmp_path / "image.tar")
    data = (tmp_path / "image.tar").read_bytes()
    middle_of_layer = data.index(built.layers[0].blob) + len(built.layers[0].blob) // 2
    (tmp_path / "cut.tar").write_bytes(data[:middle_of_layer])
    return f"docker-archive:{tmp_path / 'cut.tar'}"


def _not_an_image(tmp_path: Path) -> str:
    with tarfile.open(tmp_path / "plain.tar", "w") as tar:
        tar.add(__file__, "some-file.py")
    return f"docker-archive:{tmp_path / 'plain.tar'}"


def _missing_path(tmp_path: Path) -> str:
    return f"oci-archive:{tmp_path / 'nowhere.tar'}"


def _garbage_reference(tmp_path: Path) -> str:
    return "docker://127.0.0.1:1/UPPER/case::bad"


def _wrong_type(field: str, value: object) -> Callable[[Path], str]:
    def make(tmp_path: Path) -> str:
        built = good()
        config = json.loads(built.config)
        target = config["config"] if field in ("Env", "Labels") else config
        target[field] = value
        write_oci_layout(with_config(built, json.dumps(config).encode()), tmp_path / "layout")
        return f"oci:{tmp_path / 'layout'}"

    return make


CASES: dict[str, Callable[[Path], str]] = {
    "config os that is a number": _wrong_type("os", 5),
    "config history that is a bool": _wrong_type("history", True),
    "config Labels that is a list": _wrong_type("Labels", ["a=b"]),
    "config Env of numbers": _wrong_type("Env", [1.5]),
    "config that is a string": _wrong_type("config", "nope"),
    "member escaping the root": _escaping_member,
    "hard link out of the root": _hardlink_out,
    "layer bytes not matching digest": _wrong_digest,
    "truncated gzip layer": _truncated_gzip,
    "manifest naming a missing blob": _missing_blob,
    "truncated docker archive": _truncated_archive,
    "tar that is not an image": _not_an_image,
    "path that does not exist": _missing_path,
    "malformed reference": _garbage_reference,
}


@pytest.mark.parametrize("command", ["inspect", "check"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_exit_2(case: str, command: str, tmp_path: Path) -> None:
    reference = CASES[case](tmp_path)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    args = [*TAILOR, command, reference, "--format", "json"]
    if command == "check":
        args += ["--purpose", "deploy", "--output", str(workdir / "report.json")]
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    result = subprocess.run(args, cwd=workdir, env=env, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tailor: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert list(workdir.iterdir()) == []  # no half-written report
    assert list((tmp_path / "tmp").iterdir()) == []  # temp files cleaned up


# --- messages stay short ------------------------------------------------------------------

MAX_LINE = 300


def tailor_line(args: list[str], tmp_path: Path, code: int = 2) -> str:
    """Run tailor; it must fail with ``code`` and one short line on stderr."""
    result = subprocess.run([*TAILOR, *args], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == code, (result.returncode, result.stderr[:500])
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr[:2000]
    assert len(lines[0]) <= MAX_LINE, (len(lines[0]), lines[0][:400])
    return lines[0]


def test_a_10000_platform_index_is_summarised(tmp_path: Path) -> None:
    built = good()
    write_oci_layout(built, tmp_path / "layout")
    entries = [
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": built.manifest_digest,
            "size": len(built.manifest),
            "platform": {"os": "linux", "architecture": f"arch{i:05d}"},
        }
        for i in range(10_000)
    ]
    (tmp_path / "layout" / "index.json").write_text(json.dumps({"manifests": entries}))
    line = tailor_line(["inspect", f"oci:{tmp_path / 'layout'}", "--platform", "linux/x"], tmp_path)
    assert "linux/arch00000, linux/arch00001" in line and "and 9,995 more" in line


def test_an_archive_with_100000_tags_is_summarised(tmp_path: Path) -> None:
    path = tmp_path / "many.tar"
    write_docker_archive(good(), path)
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]  # type: ignore[union-attr]
    out = tmp_path / "many-tags.tar"
    with tarfile.open(out, "w") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                entry = json.loads(data or b"")[0]
                entries = [
                    {**entry, "RepoTags": [f"r{n}/img:{i}" for i in range(50_000)]} for n in (1, 2)
                ]
                data = json.dumps(entries).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
    line = tailor_line(["inspect", f"docker-archive:{out}"], tmp_path)
    assert "holds 2 images (r1/img:0, r1/img:1" in line and "and 99,995 more" in line


def test_a_4000_character_path_is_cut_in_the_middle(tmp_path: Path) -> None:
    name = "/".join(["d" * 200] * 20)
    line = tailor_line(["inspect", f"oci:/{name}"], tmp_path)
    assert line.startswith("tailor: error: ") and " … " in line


def test_click_errors_are_one_line_too(tmp_path: Path) -> None:
    line = tailor_line(["inspect", "x", "--format", "y" * 50_000], tmp_path)
    assert "Invalid value for '--format'" in line and "(see 'tailor inspect -h')" in line
    line = tailor_line(["inspect"], tmp_path)
    assert "Missing argument 'REFERENCE'" in line
