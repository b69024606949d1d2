"""Python distributions by their metadata folder's name."""

from __future__ import annotations

from imagetailor.analysis.analyzers import python
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY


def found(path: str) -> list[tuple[str, str, str]]:
    return [(f.name, f.version, f.purl) for f in python.collect(path, None, Context())]


def test_dist_info_egg_info_and_purl_normalisation() -> None:
    site = "usr/local/lib/python3.11/site-packages"
    assert found(f"{site}/python_dateutil-2.9.0.post0.dist-info") == [
        ("python_dateutil", "2.9.0.post0", "pkg:pypi/python-dateutil@2.9.0.post0")
    ]
    assert found("usr/lib/python3/dist-packages/PyYAML-6.0-py3.11.egg-info") == [
        ("PyYAML", "6.0", "pkg:pypi/pyyaml@6.0")
    ]
    assert found("opt/deps/bottle-0.13.4.dist-info") == [
        ("bottle", "0.13.4", "pkg:pypi/bottle@0.13.4")
    ]


def test_names_without_a_version_are_not_packages() -> None:
    assert found("usr/lib/python3/dist-packages/foo.dist-info") == []
    assert found("srv/some-info") == []


def test_only_the_metadata_headers_are_read_for_python() -> None:
    """The folder's name says name and version; METADATA only its licence, bounded."""
    assert REGISTRY.wanted_bytes("x/requests-2.31.0.dist-info/METADATA") == 64 << 10
    assert REGISTRY.wanted_bytes("x/requests-2.31.0.dist-info/RECORD") == 0
    assert REGISTRY.wanted_bytes("x/METADATA") == 0
