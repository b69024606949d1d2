"""A registry's worth of images that share bases, made with tests/imagefactory.py and pushed over
the distribution API (monolithic blob uploads, then the manifest): what `tailor audit` and
benchmarks/audit read. Every byte is chosen here, so every figure is known."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import httpx

from tests.imagefactory import (
    LAYER_MEDIA_TYPES,
    OCI_CONFIG,
    OCI_MANIFEST,
    BuiltImage,
    BuiltLayer,
    Dir,
    File,
    ImageSpec,
    LayerSpec,
    compress,
    config_dict,
    layer_tar,
    sha256,
)

PURPOSES = ("deploy", "ci", "local", "dev")
PASSWD = "root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/:/sbin/nologin\n"


def push(registry: str, repository: str, tag: str, image: BuiltImage) -> None:
    base = f"http://{registry}/v2/{repository}"
    with httpx.Client(timeout=30) as client:
        layers = [(layer.digest, layer.blob) for layer in image.layers]
        blobs = [(image.config_digest, image.config), *layers]
        for digest, data in blobs:
            if client.head(f"{base}/blobs/{digest}").status_code == 200:
                continue  # pushed with another image of the family
            started = client.post(f"{base}/blobs/uploads/")
            assert started.status_code == 202, started.text
            location = started.headers["location"]
            if location.startswith("/"):
                location = f"http://{registry}{location}"
            joiner = "&" if "?" in location else "?"
            done = client.put(f"{location}{joiner}digest={digest}", content=data,
                              headers={"Content-Type": "application/octet-stream"})  # fmt: skip
            assert done.status_code == 201, done.text
        answer = client.put(f"{base}/manifests/{tag}", content=image.manifest,
                            headers={"Content-Type": OCI_MANIFEST})  # fmt: skip
        assert answer.status_code == 201, answer.text


def _filler(seed: str, size: int) -> bytes:
    """Incompressible-ish bytes: a base layer that costs something to read, like a real one."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def base_layers(family: str, files: int, file_bytes: int) -> list[LayerSpec]:
    """Two base layers: an OS-like tree and a runtime, ``files`` files of ``file_bytes`` each."""
    os_layer = [Dir("etc"), Dir("usr"), Dir("usr/lib"), File("etc/passwd", PASSWD),
                File("etc/os-release", f'ID={family}\nVERSION_ID="1"\n')]  # fmt: skip
    os_layer += [File(f"usr/lib/{family}-lib{i}.so", _filler(f"{family}-os{i}", file_bytes))
                 for i in range(files)]  # fmt: skip
    runtime = [Dir("opt"), Dir(f"opt/{family}")]
    runtime += [File(f"opt/{family}/mod{i}.dat", _filler(f"{family}-rt{i}", file_bytes))
                for i in range(files)]  # fmt: skip
    return [
        LayerSpec(os_layer, f"/bin/sh -c #(nop) ADD {family}-os.tar /"),
        LayerSpec(runtime, f"/bin/sh -c #(nop) COPY {family}-runtime /opt", "gzip"),
    ]


@dataclass
class FleetImage:
    repository: str
    tag: str
    purpose: str | None  # its label (None: unlabelled)
    built: BuiltImage


def fleet(count: int, families: int = 2, files: int = 40, file_bytes: int = 16 * 1024,
          prefix: str = "fleet") -> list[FleetImage]:  # fmt: skip
    """``count`` images over ``families`` bases (two layers each), each adding one small app
    layer; purposes cycle through deploy, ci, local, dev and unlabelled."""
    bases = [base_layers(f"fam{f}", files, file_bytes) for f in range(families)]
    built_bases = [[_layer(layer) for layer in base] for base in bases]  # built once, shared
    images = []
    for n in range(count):
        family = n % families
        cycle = (*PURPOSES, None)
        purpose = cycle[n % len(cycle)]
        app = LayerSpec([Dir("app"), File("app/server", _filler(f"app{n}", 4096), mode=0o755)],
                        f"/bin/sh -c #(nop) COPY app{n} /app")  # fmt: skip
        spec = ImageSpec(
            [*bases[family], app], user="10001", entrypoint=["/app/server"],
            labels={"dev.imagetailor.purpose": purpose} if purpose else {},
        )  # fmt: skip
        built = _image(spec, [*built_bases[family], _layer(app)])
        images.append(FleetImage(f"{prefix}/app{n}", "1.0", purpose, built))
    return images


def _layer(layer: LayerSpec) -> BuiltLayer:
    tar = layer_tar(layer.entries)
    blob = compress(tar, layer.compression)
    return BuiltLayer(blob, LAYER_MEDIA_TYPES[layer.compression], sha256(blob), sha256(tar), tar)


def _image(spec: ImageSpec, layers: list[BuiltLayer]) -> BuiltImage:
    """As imagefactory.build, with layers built before (a fleet's bases are built once: forty
    copies of a 50 MB base would not fit in memory)."""
    config = json.dumps(config_dict(spec, [layer.diff_id for layer in layers])).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": sha256(config), "size": len(config)},
        "layers": [{"mediaType": layer.media_type, "digest": layer.digest, "size": len(layer.blob)}
                   for layer in layers],
    }).encode()  # fmt: skip
    return BuiltImage(config, sha256(config), layers, manifest, sha256(manifest))


def push_fleet(registry: str, images: list[FleetImage]) -> None:
    for image in images:
        push(registry, image.repository, image.tag, image.built)
