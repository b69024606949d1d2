"""Hostile layer tars: each gets a clean outcome (a one-line BadImageError or a documented,
safe interpretation), never a traceback, a hang or a path outside the root."""

from __future__ import annotations

import gzip
import io
import random
import tarfile
from pathlib import Path

import pytest
import zstandard

from imagetailor.analysis import analyze
from imagetailor.errors import BadImageError
from imagetailor.image import open_image
from tests.analysis.rawimage import RawLayer, file, link, raw_image, tar_bytes, with_checksum
from tests.imagefactory import File, ImageSpec, LayerSpec, write_docker_archive


def one_line(error: pytest.ExceptionInfo[BadImageError]) -> str:
    message = str(error.value)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize("name", ["../evil", "a/../../evil", "./../evil", "/../../evil"])
def test_member_escaping_the_root_is_rejected(name: str) -> None:
    image = raw_image(RawLayer(tar_bytes([file("ok", b"1"), file(name, b"x")])))
    with pytest.raises(BadImageError) as error:
        analyze(image)
    assert "escapes the image root" in one_line(error)
    assert "layer 0" in str(error.value)


def test_absolute_and_dotted_names_are_normalised_inside_the_root() -> None:
    members = [file("/etc/abs", b"12"), file("./rel/./x", b"3"), file("a/../b", b"4")]
    result = analyze(raw_image(RawLayer(tar_bytes(members))))
    paths = {f.path for f in result.biggest_files}
    assert paths == {"/etc/abs", "/rel/x", "/b"}


def test_hard_link_out_of_the_root_is_rejected() -> None:
    image = raw_image(RawLayer(tar_bytes([link("x", "../../etc/passwd", hard=True)])))
    with pytest.raises(BadImageError) as error:
        analyze(image)
    assert "escapes" in one_line(error)


def test_hard_link_without_target_is_a_warning_not_a_crash() -> None:
    result = analyze(raw_image(RawLayer(tar_bytes([link("x", "missing", hard=True)]))))
    assert any("hard link" in w for w in result.warnings)


def test_symlink_loops_and_escapes_resolve_inside_the_root() -> None:
    members = [
        file("usr/bin/app", b"\x7fELF", mode=0o755),
        link("loop1", "loop2"),
        link("loop2", "/loop1"),
        link("self", "self"),
        link("usr/bin/curl", "curl"),  # a link to itself: runs nothing, is no tool
        link("escape", "../../../../../usr/bin/app"),
    ]
    config = {"config": {"Entrypoint": ["/loop1"]}}
    result = analyze(raw_image(RawLayer(tar_bytes(members)), config=config))
    assert (result.config.entrypoint_exists, result.config.entrypoint_executable) == (False, False)
    assert "network" not in result.tools
    config = {"config": {"Entrypoint": ["/escape"]}}
    result = analyze(raw_image(RawLayer(tar_bytes(members)), config=config))
    assert result.config.entrypoint_path == "/usr/bin/app"
    assert result.config.entrypoint_executable is True


def test_names_that_are_not_utf8_are_kept_and_reported() -> None:
    name = b"data/caf\xe9.txt".decode("utf-8", "surrogateescape")
    for fmt in (tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT):
        result = analyze(raw_image(RawLayer(tar_bytes([file(name, b"abc")], fmt=fmt))))
        assert result.file_count == 2
        assert any("not UTF-8" in w for w in result.warnings)
        assert result.biggest_files[0].path == "/data/caf\\xe9.txt"
        assert "caf\\\\xe9" in result.model_dump_json()  # the JSON contract survives it


def test_deep_paths_do_not_exhaust_the_stack() -> None:
    deep = "/".join(["d"] * 3000) + "/f"
    result = analyze(raw_image(RawLayer(tar_bytes([file(deep, b"x")]))))
    assert result.file_count == 3001


def _header_of(data: bytes) -> bytearray:
    return bytearray(data[:512])


def test_absurd_declared_size_is_rejected() -> None:
    data = bytearray(tar_bytes([file("huge", b"")], fmt=tarfile.GNU_FORMAT))
    header = _header_of(bytes(data))
    header[124:136] = b"\x80" + (1 << 60).to_bytes(11, "big")  # GNU base-256: 1 EiB
    data[:512] = with_checksum(header)
    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(bytes(data))))
    assert "absurd size" in one_line(error)


def test_size_larger_than_the_stream_is_truncation() -> None:
    data = bytearray(tar_bytes([file("f", b"")], fmt=tarfile.USTAR_FORMAT))
    header = _header_of(bytes(data))
    header[124:136] = b"%011o\0" % (10 * 1024 * 1024)
    data[:512] = with_checksum(header)
    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(bytes(data))))
    assert "truncated" in one_line(error)


@pytest.mark.parametrize("cut", [100, 512 + 200, 1024 + 300])
def test_truncated_stream_is_rejected(cut: int) -> None:
    data = tar_bytes([file("a", b"x" * 700), file("b", b"y" * 10)], fmt=tarfile.USTAR_FORMAT)
    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(data[:cut])))
    assert "truncated" in one_line(error)


def test_corrupt_header_checksum_is_rejected() -> None:
    data = bytearray(tar_bytes([file("a", b"x")], fmt=tarfile.USTAR_FORMAT))
    data[0:1] = b"b"  # the name changes, the checksum does not
    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(bytes(data))))
    assert "checksum" in one_line(error)


def test_corrupt_gzip_is_one_line() -> None:
    compressed = bytearray(gzip.compress(tar_bytes([file("a", bytes(range(256)) * 400)])))
    compressed[len(compressed) // 2] ^= 0xFF

    def opener(blob: bytes) -> gzip.GzipFile:
        return gzip.GzipFile(fileobj=io.BytesIO(blob))

    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(bytes(compressed), opener)))
    assert "cannot read the layer stream" in one_line(error)


@pytest.mark.parametrize("damage", ["flip", "cut"])
def test_corrupt_or_truncated_zstd_is_one_line(damage: str) -> None:
    payload = random.Random(7).randbytes(200_000)  # incompressible: damage lands in content
    compressor = zstandard.ZstdCompressor(write_checksum=True)  # as the zstd CLI writes it
    compressed = bytearray(compressor.compress(tar_bytes([file("a", payload)])))
    if damage == "flip":
        for offset in range(len(compressed) // 2, len(compressed) // 2 + 64):
            compressed[offset] ^= 0x5A
    else:
        del compressed[len(compressed) // 2 :]

    def opener(blob: bytes) -> io.BufferedReader:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(blob))
        return io.BufferedReader(reader)  # type: ignore[arg-type]

    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(bytes(compressed), opener)))
    assert one_line(error)


def test_oversized_pax_header_is_rejected() -> None:
    info = tarfile.TarInfo("a")
    info.pax_headers = {"comment": "x" * (2 << 20)}
    data = tar_bytes([(info, b"1")])
    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(data)))
    assert "too large" in one_line(error)


def test_garbage_is_not_a_tar() -> None:
    with pytest.raises(BadImageError) as error:
        analyze(raw_image(RawLayer(b"this is not a tar archive at all " * 40)))
    assert one_line(error)


def test_tampered_layer_in_an_archive_fails_its_digest(tmp_path: Path) -> None:
    marker = b"TAMPER-ME-" * 50
    spec = ImageSpec(layers=[LayerSpec([File("a", marker), File("b", b"b" * 3000)])])
    archive = tmp_path / "image.tar"
    write_docker_archive(spec, archive)
    data = bytearray(archive.read_bytes())
    offset = data.index(marker)
    data[offset : offset + 6] = b"HACKED"
    archive.write_bytes(bytes(data))
    with open_image(f"docker-archive:{archive}") as image, pytest.raises(BadImageError) as error:
        analyze(image)
    assert one_line(error)
