"""Installed packages from the package databases in the final tree.

dpkg (``/var/lib/dpkg/status``; distroless keeps one file per package in
``/var/lib/dpkg/status.d/``), apk (``/lib/apk/db/installed``), npm
(``node_modules/*/package.json``), Composer (``vendor/composer/installed.json``) and Python
distributions (``*.dist-info`` / ``*.egg-info`` names, wherever they are: ``pip install --target
/opt/deps`` puts them outside site-packages, and distutils wrote ``*.egg-info`` as a file).
"""

from __future__ import annotations

import json
import re

from imagetailor.analysis.candidates import (
    APK_INSTALLED,
    COMPOSER_INSTALLED,
    DPKG_STATUS,
    DPKG_STATUS_D,
    NPM_MANIFEST,
    package_bytes,
)
from imagetailor.analysis.model import PackageInfo
from imagetailor.analysis.tree import MergedTree

_DIST_INFO = re.compile(
    r"(?:^|/)([A-Za-z0-9][A-Za-z0-9._+-]*?)-([0-9][^/-]*)(?:-py[^/]*)?\.(?:dist|egg)-info\Z"
)
# Which files the package readers need is decided while the layers stream (candidates.py).
wants = package_bytes


def _dpkg(data: bytes, layer: int, require_status: bool) -> list[PackageInfo]:
    from debian.deb822 import Deb822  # imported when an image has a dpkg database

    found = []
    for paragraph in Deb822.iter_paragraphs(data.decode("utf-8", "replace").splitlines()):
        name = paragraph.get("Package")
        if not name:
            continue
        status = paragraph.get("Status")
        if status is None and require_status:
            continue
        if status is not None and status.split()[-1:] != ["installed"]:
            continue  # removed packages keep a paragraph ("deinstall ok config-files")
        # "Source: glibc (2.36-9)" when the source version differs from the binary's.
        source = (paragraph.get("Source") or "").split(" ", 1)[0] or None
        found.append(
            PackageInfo(
                name=name,
                version=paragraph.get("Version", ""),
                manager="dpkg",
                layer=layer,
                source=source,
            )
        )
    return found


def _apk(data: bytes, layer: int) -> list[PackageInfo]:
    found = []
    name = version = origin = None
    for line in [*data.decode("utf-8", "replace").splitlines(), ""]:
        if not line.strip():
            if name:
                found.append(
                    PackageInfo(
                        name=name,
                        version=version or "",
                        manager="apk",
                        layer=layer,
                        source=origin,
                    )
                )
            name = version = origin = None
        elif line.startswith("P:"):
            name = line[2:].strip()
        elif line.startswith("V:"):
            version = line[2:].strip()
        elif line.startswith("o:"):  # the origin: the source package (aport) it was built from
            origin = line[2:].strip() or None
    return found


def _composer(data: bytes, layer: int) -> list[PackageInfo]:
    """vendor/composer/installed.json: Composer 2 writes {"packages": [...]}, Composer 1 a list."""
    try:
        document = json.loads(data)
    except ValueError:
        return []
    entries = document.get("packages") if isinstance(document, dict) else document
    found: list[PackageInfo] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            version = entry.get("version")
            found.append(
                PackageInfo(
                    name=entry["name"],
                    version=version if isinstance(version, str) else "",
                    manager="composer",
                    layer=layer,
                )
            )
    return found


def installed_packages(tree: MergedTree) -> list[PackageInfo]:
    packages: list[PackageInfo] = []
    for path, node in tree.nodes.items():
        is_dir = node.kind == "dir"
        if (is_dir and path.endswith("-info")) or (
            node.kind == "file" and path.endswith(".egg-info")
        ):
            match = _DIST_INFO.search(path)
            if match:
                packages.append(
                    PackageInfo(
                        name=match.group(1),
                        version=match.group(2),
                        manager="python",
                        layer=node.layer,
                    )
                )
        if is_dir:
            continue
        data = node.data
        if data is None:
            continue
        if path == DPKG_STATUS:
            packages += _dpkg(data, node.layer, require_status=True)
        elif path.startswith(DPKG_STATUS_D):
            packages += _dpkg(data, node.layer, require_status=False)
        elif path == APK_INSTALLED:
            packages += _apk(data, node.layer)
        elif path.endswith(COMPOSER_INSTALLED):
            packages += _composer(data, node.layer)
        elif NPM_MANIFEST.search(path):
            try:
                manifest = json.loads(data)
            except ValueError:
                continue
            if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
                packages.append(
                    PackageInfo(
                        name=manifest["name"],
                        version=str(manifest.get("version", "")),
                        manager="npm",
                        layer=node.layer,
                    )
                )
    packages.sort(key=lambda p: (p.manager, p.name, p.version))
    return packages
