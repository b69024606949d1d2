"""npm's node_modules/*/package.json."""

from __future__ import annotations

from imagetailor.analysis.analyzers import npm
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run


def test_plain_and_scoped_packages() -> None:
    assert run(npm.ANALYZER, "app/node_modules/express/package.json",
               '{"name": "express", "version": "4.18.2"}') == [
        ("express", "4.18.2", "npm", "pkg:npm/express@4.18.2")
    ]  # fmt: skip
    assert run(npm.ANALYZER, "app/node_modules/@types/node/package.json",
               '{"name": "@types/node", "version": "20.1.0"}') == [
        ("@types/node", "20.1.0", "npm", "pkg:npm/%40types/node@20.1.0")
    ]  # fmt: skip


def test_bad_manifests_yield_nothing() -> None:
    path = "app/node_modules/x/package.json"
    assert run(npm.ANALYZER, path, '{"name": 3}') == []
    assert run(npm.ANALYZER, path, "[1, 2]") == []
    assert run(npm.ANALYZER, path, '{"name": "x", "version": "1"' + " " * npm.MAX_BYTES + "}") == []


def test_only_installed_manifests_are_read() -> None:
    assert REGISTRY.wanted_bytes("app/node_modules/x/package.json") == npm.MAX_BYTES
    assert REGISTRY.wanted_bytes("app/node_modules/@s/x/package.json") == npm.MAX_BYTES
    assert REGISTRY.wanted_bytes("app/package.json") == 0
    assert REGISTRY.wanted_bytes("app/node_modules/x/lib/package.json") == 0
