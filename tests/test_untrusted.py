"""Files users point us at: a real FIFO, devices, directories, huge and deeply nested files are
refused with one line, at once, by every reader (never a blocked open or an endless read)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from imagetailor.catalogues import read_toml
from imagetailor.errors import BadImageError, TailorError, UsageError
from imagetailor.image import open_image
from imagetailor.image.credentials import find_credentials
from imagetailor.lint.parse import read_dockerfile
from imagetailor.untrusted import open_regular, read_regular
from tests.deadline import within
from tests.imagefactory import File, ImageSpec, LayerSpec, build, write_oci_layout


def fifo(tmp_path: Path, name: str = "pipe") -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def refused(action: Callable[[], object], error: type[TailorError], match: str) -> str:
    with within(5), pytest.raises(error) as caught:
        action()
    message = str(caught.value)
    assert "\n" not in message and match in message, message
    return message


def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path: Path) -> None:
    path = fifo(tmp_path)
    refused(lambda: open_regular(path, "thing"), UsageError, "is a FIFO (named pipe)")


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/dev/zero", "a character device"), ("/dev/null", "a character device"), ("/", "directory")],
)
def test_devices_and_directories_are_refused(path: str, kind: str) -> None:
    refused(lambda: read_regular(path, "thing"), UsageError, kind)


def test_a_unix_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        refused(lambda: read_regular(path, "thing"), UsageError, "a socket")


def test_a_symlink_to_a_regular_file_is_read_and_to_a_fifo_refused(tmp_path: Path) -> None:
    target = tmp_path / "real"
    target.write_bytes(b"data")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert read_regular(link, "thing") == b"data"
    pipe_link = tmp_path / "pipe-link"
    pipe_link.symlink_to(fifo(tmp_path))
    refused(lambda: read_regular(pipe_link, "thing"), UsageError, "FIFO")


def test_size_bound_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, "thing", 100) == b"x" * 100
    refused(lambda: read_regular(path, "thing", 99), UsageError, "is larger than 99 bytes")


def test_missing_message_and_error_class_are_the_callers(tmp_path: Path) -> None:
    refused(
        lambda: open_regular(tmp_path / "no", "blob", error=BadImageError, missing="blob gone"),
        BadImageError,
        "blob gone",
    )


def test_name_too_long_is_one_line(tmp_path: Path) -> None:
    refused(lambda: read_regular(tmp_path / ("n" * 300), "thing"), UsageError, "file name too long")


# --- every reader -------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["docker-archive:", "oci-archive:", ""])
def test_archive_that_is_a_fifo(transport: str, tmp_path: Path) -> None:
    path = fifo(tmp_path, "image.tar")
    refused(lambda: open_image(f"{transport}{path}"), UsageError, "FIFO")


@pytest.mark.parametrize("member", ["oci-layout", "index.json", "blob"])
def test_layout_file_that_is_a_fifo_without_a_writer(member: str, tmp_path: Path) -> None:
    built = build(ImageSpec([LayerSpec([File("a", "1")])]))
    write_oci_layout(built, tmp_path / "layout")
    if member == "blob":
        path = tmp_path / "layout" / "blobs" / "sha256" / built.config_digest.split(":")[1]
    else:
        path = tmp_path / "layout" / member
    path.unlink()
    os.mkfifo(path)
    refused(lambda: open_image(f"oci:{tmp_path / 'layout'}"), BadImageError, "FIFO")


def test_dockerfile_that_is_a_fifo(tmp_path: Path) -> None:
    path = fifo(tmp_path, "Dockerfile")
    refused(lambda: read_dockerfile(path), TailorError, "FIFO")


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "directory"])
def test_toml_files_that_are_not_regular(kind: str, tmp_path: Path) -> None:
    if kind == "fifo":
        path = fifo(tmp_path, "tailor.toml")
    elif kind == "directory":
        path = tmp_path / "tailor.toml"
        path.mkdir()
    else:
        path = Path(kind)
    refused(lambda: read_toml(path, "spec file"), UsageError, "spec file")


def test_toml_larger_than_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "tailor.toml"
    with path.open("wb") as out:
        out.truncate(17 * 1024 * 1024)  # sparse: no disk used
    refused(lambda: read_toml(path, "spec file"), UsageError, "is larger than 16,777,216 bytes")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 50_000 + "]" * 50_000,
        "a = " + "{b = " * 50_000 + "1" + "}" * 50_000,
    ],
)
def test_toml_nested_50000_levels(text: str, tmp_path: Path) -> None:
    path = tmp_path / "tailor.toml"
    path.write_text(text)
    refused(lambda: read_toml(path, "spec file"), UsageError, "nests arrays or tables too deeply")


def test_docker_config_that_is_a_fifo_or_too_deep(tmp_path: Path) -> None:
    refused(lambda: find_credentials("r.example", fifo(tmp_path)), UsageError, "FIFO")
    deep = tmp_path / "config.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    refused(lambda: find_credentials("r.example", deep), UsageError, "nests too deeply")
    assert find_credentials("r.example", _config(tmp_path)) is None


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"auths": {}}))
    return path
