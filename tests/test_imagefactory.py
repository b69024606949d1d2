"""The factory itself: what it writes must match the formats, or every test built on it lies."""

import io
import json
import tarfile

from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Opaque,
    Symlink,
    Whiteout,
    build,
    layer_tar,
    memory_image,
    sha256,
    write_docker_archive,
    write_oci_layout,
)


def test_layer_tar_names_whiteouts_and_links():
    data = layer_tar(
        [
            Dir("etc"),
            File("/etc/a", "x"),
            Whiteout("/etc/b"),
            Opaque("/var/lib"),
            Symlink("/bin/sh", "busybox"),
            Hardlink("/bin/ls", "/bin/busybox"),
        ]
    )

    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = [(m.name, m.type, m.linkname) for m in tar.getmembers()]
    assert names == [
        ("etc", tarfile.DIRTYPE, ""),
        ("etc/a", tarfile.REGTYPE, ""),
        ("etc/.wh.b", tarfile.REGTYPE, ""),
        ("var/lib/.wh..wh..opq", tarfile.REGTYPE, ""),
        ("bin/sh", tarfile.SYMTYPE, "busybox"),
        ("bin/ls", tarfile.LNKTYPE, "bin/busybox"),
    ]


def test_config_history_marks_empty_layers_and_digests_match(tmp_path):
    spec = ImageSpec(
        [
            LayerSpec([File("a", "1")], "ADD a"),
            LayerSpec([File("b", "22")], "RUN b", compression="gzip"),
        ],
        empty_history=[(1, "ENV X=1")],
    )
    built = build(spec)
    config = json.loads(built.config)
    assert [h.get("empty_layer", False) for h in config["history"]] == [False, True, False]
    assert config["rootfs"]["diff_ids"] == [sha256(lay.tar) for lay in built.layers]
    assert built.layers[1].digest != built.layers[1].diff_id  # gzip blob vs plain tar
    image = memory_image(built)
    assert [h["created_by"] for _, h in image.layer_history()] == ["ADD a", "RUN b"]


def test_archives_and_layout_hold_the_blobs(tmp_path):
    spec = ImageSpec([LayerSpec([File("a", "1")])])
    built = write_docker_archive(spec, tmp_path / "classic.tar")
    with tarfile.open(tmp_path / "classic.tar") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert tar.extractfile(manifest[0]["Layers"][0]).read() == built.layers[0].blob
    write_docker_archive(spec, tmp_path / "oci.tar", oci_based=True)
    with tarfile.open(tmp_path / "oci.tar") as tar:
        index = json.load(tar.extractfile("index.json"))
        assert index["manifests"][0]["digest"] == built.manifest_digest
    write_oci_layout(spec, tmp_path / "layout")
    blob = tmp_path / "layout" / "blobs" / "sha256" / built.config_digest.split(":")[1]
    assert blob.read_bytes() == built.config
