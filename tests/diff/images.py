"""Two test images whose differences are known exactly: A (a "deploy") and B (a "local").

Layer 0 and 1 are shared (same bytes, same diff ID). A's own layer 2 and B's own layers 2-3
then differ in every way `tailor diff` reports.
"""

from __future__ import annotations

from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Opaque,
    Symlink,
    Whiteout,
)


def status(*packages: tuple[str, str]) -> str:
    return "".join(
        f"Package: {name}\nStatus: install ok installed\nVersion: {version}\n\n"
        for name, version in packages
    )


BASE = LayerSpec(
    [
        Dir("etc"),
        File("etc/os-release", "ID=debian\n"),
        File("etc/motd", "hello\n", mtime=100),
        File("etc/app.conf", "level=1\n", mode=0o644),
        File("usr/lib/libx.so.1", b"\x7fELF" + b"x" * 96, mode=0o755),
        File("usr/share/doc/a.txt", "doc a\n"),
        File("usr/share/doc/b.txt", "doc b\n"),
        File("var/lib/dpkg/status", status(("base-files", "12.4"), ("libc6", "2.36-9"))),
    ],
    created_by="ADD rootfs.tar /",
)
APP = LayerSpec(
    [
        Dir("app", uid=1000, gid=1000),
        File("app/main.py", "print('hi')\n", mode=0o644, uid=1000, gid=1000),
        File("app/run.sh", "#!/bin/sh\nexec python3 /app/main.py\n", mode=0o755),
        File("app/data.bin", b"d" * 2000),
    ],
    created_by="COPY . /app",
)


def spec_a() -> ImageSpec:
    own = LayerSpec([File("app/VERSION", "1.0\n")], created_by="RUN echo 1.0 > /app/VERSION")
    return ImageSpec(
        [BASE, APP, own],
        user="1000",
        entrypoint=["/app/run.sh"],
        env=["PATH=/usr/bin:/bin", "SECRET_TOKEN=hunter2"],
        labels={"dev.imagetailor.purpose": "deploy"},
        exposed_ports=["8080/tcp"],
    )


def spec_b() -> ImageSpec:
    tools = LayerSpec(
        [
            File("bin/busybox", b"\x7fELF" + b"b" * 1196, mode=0o755),
            Hardlink("bin/sh", "bin/busybox"),
            Symlink("bin/ls", "busybox"),
            # same bytes as in the base, new mtime: not modified
            File("etc/motd", "hello\n", mtime=999),
            # same bytes, new mode: modified (mode only)
            File("etc/app.conf", "level=1\n", mode=0o600),
            # new version of a package
            File(
                "var/lib/dpkg/status",
                status(("base-files", "12.4"), ("libc6", "2.36-9+deb12u1"), ("busybox", "1:1.35")),
            ),
            Whiteout("usr/share/doc/a.txt"),
        ],
        created_by="RUN apt-get install busybox",
    )
    more = LayerSpec(
        [
            Opaque("usr/share/doc"),  # deletes b.txt of the base
            File("usr/share/doc/c.txt", "doc c\n"),
            File("app/VERSION", "1.1-dev\n"),  # same path as A's own layer, other bytes
        ],
        created_by="RUN rm -rf /usr/share/doc/*",
    )
    return ImageSpec(
        [BASE, APP, tools, more],
        user="0",
        entrypoint=["/app/run.sh"],
        cmd=["--debug"],
        env=["PATH=/usr/bin:/bin", "DEBUG=1"],
        labels={"dev.imagetailor.purpose": "local"},
        exposed_ports=["8080/tcp", "9229/tcp"],
    )
