"""The tar reader against what tarfile writes in each format: same names, sizes, links, content."""

from __future__ import annotations

import io
import tarfile

import pytest

from imagetailor.analysis.tarstream import TarReader
from tests.analysis.rawimage import file, link, tar_bytes

LONG = "very/" * 40 + "long-name.txt"  # 213 characters: beyond ustar's 100 + 155


def members(fmt: int) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    device = tarfile.TarInfo("dev/null")
    device.type = tarfile.CHRTYPE
    fifo = tarfile.TarInfo("run/pipe")
    fifo.type = tarfile.FIFOTYPE
    directory = tarfile.TarInfo("etc/")
    directory.type = tarfile.DIRTYPE
    big_uid = file("owned", b"o")
    big_uid[0].uid = 3_000_000 if fmt != tarfile.USTAR_FORMAT else 1000
    prefixed = "p" * 60 + "/" + "q" * 60  # fits ustar only through the prefix field
    return [
        (directory, None),
        file("etc/passwd", b"root:x:0:0\n", mode=0o600),
        file(LONG if fmt != tarfile.USTAR_FORMAT else prefixed, b"L" * 1000),
        link("etc/link", "/" + "t" * 150 if fmt != tarfile.USTAR_FORMAT else "passwd"),
        link("etc/hard", "etc/passwd", hard=True),
        (device, None),
        (fifo, None),
        big_uid,
        file("empty", b""),
    ]


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT])
def test_reader_agrees_with_tarfile(fmt: int) -> None:
    data = tar_bytes(members(fmt), fmt=fmt)
    expected = []
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for info in tar:
            kind = {
                tarfile.DIRTYPE: "dir",
                tarfile.SYMTYPE: "symlink",
                tarfile.LNKTYPE: "hardlink",
                tarfile.CHRTYPE: "char",
                tarfile.FIFOTYPE: "fifo",
            }.get(info.type, "file")
            expected.append((info.name, kind, info.size, info.mode, info.uid, info.linkname))
    wanted = {"etc/passwd"}
    reader = TarReader(
        io.BytesIO(data), "layer 0", want=lambda name, size: 64 if name in wanted else 0
    )
    got = []
    contents = {}
    for member in reader:
        got.append(
            (
                member.name.rstrip("/"),
                member.kind,
                member.size,
                member.mode,
                member.uid,
                member.linkname,
            )
        )
        if member.data is not None:
            contents[member.name] = member.data
    assert got == expected
    assert contents == {"etc/passwd": b"root:x:0:0\n"}
    assert reader.bytes_read == len(data)


def test_content_is_read_only_up_to_the_bound_and_the_stream_is_drained() -> None:
    data = tar_bytes([file("a", b"A" * 5000), file("b", b"B" * 3)]) + b"\0" * 4096
    reader = TarReader(io.BytesIO(data), "layer 0", want=lambda name, size: 10)
    found = {m.name: m.data for m in reader}
    assert found == {"a": b"A" * 10, "b": b"BBB"}
    assert reader.bytes_read == len(data)


def test_magic_bytes_tell_binaries_from_scripts() -> None:
    data = tar_bytes([file("bin", b"\x7fELF" + b"\0" * 60, 0o755), file("s", b"#!", 0o755)])
    magic = {m.name: m.magic for m in TarReader(io.BytesIO(data), "layer 0")}
    assert magic == {"bin": b"\x7fELF", "s": b"#!"}
