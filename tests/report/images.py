"""Images for the report and explorer tests, written byte by byte by tests/imagefactory.py, so
every figure the views show is known in advance."""

from __future__ import annotations

from pathlib import Path

from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, Whiteout, write_docker_archive

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_LABEL = "</script><script>alert(2)</script><!--"
TOP_DIRECTORIES = ("app", "bin", "etc", "root", "tmp", "usr", "var")
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yD1\n"
    "-----END RSA PRIVATE KEY-----\n"
)


def sample_spec(small_files: int = 300) -> ImageSpec:
    base = [
        Dir("bin"),
        File("bin/sh", b"\x7fELF" + b"s" * 1_000, mode=0o755),
        File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
        File("usr/lib/libc.so.6", b"L" * 300_000),
        File("var/cache/apt/pkgcache.bin", b"C" * 200_000),
        Dir("tmp", mode=0o1777),
        *(File(f"usr/share/doc/pkg{n}/copyright", b"d" * 50) for n in range(small_files)),
    ]
    app = [
        Whiteout("var/cache/apt/pkgcache.bin"),
        File("app/server", b"\x7fELF" + b"a" * 100_000, mode=0o755),
        File(f"app/{HOSTILE_NAME}", b"x" * 5_000),
        File("app/config.json", b'{"v": 1}'),
    ]
    last = [
        File("app/config.json", b'{"v": 2, "more": true}' + b" " * 1_000),
        File("root/.ssh/id_rsa", PRIVATE_KEY, mode=0o600),
    ]
    return ImageSpec(
        layers=[
            LayerSpec(base, created_by="/bin/sh -c #(nop) ADD file:base in /"),
            LayerSpec(app, created_by="RUN rm -rf /var/cache/apt && make install # buildkit"),
            LayerSpec(last, created_by=f"COPY config.json /app/ # {HOSTILE_LABEL}"),
        ],
        labels={"org.opencontainers.image.title": HOSTILE_LABEL},
        entrypoint=["/app/server"],
        user="65532",
    )


def write_sample(directory: Path, small_files: int = 300) -> Path:
    path = directory / "sample.tar"
    write_docker_archive(sample_spec(small_files), path)
    return path
