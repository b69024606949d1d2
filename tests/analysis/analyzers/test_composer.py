"""Composer's vendor/composer/installed.json, both formats."""

from __future__ import annotations

from imagetailor.analysis.analyzers import composer
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run

PATH = "srv/app/vendor/composer/installed.json"


def test_composer_2_and_1() -> None:
    two = '{"packages": [{"name": "slim/slim", "version": "4.14.0"}, {"name": "psr/log"}]}'
    assert run(composer.ANALYZER, PATH, two) == [
        ("slim/slim", "4.14.0", "composer", "pkg:composer/slim/slim@4.14.0"),
        ("psr/log", "", "composer", "pkg:composer/psr/log"),
    ]
    one = '[{"name": "monolog/monolog", "version": "1.27.1"}, 7, {"version": "1"}]'
    assert run(composer.ANALYZER, PATH, one) == [
        ("monolog/monolog", "1.27.1", "composer", "pkg:composer/monolog/monolog@1.27.1")
    ]


def test_malformed_json_warns_once() -> None:
    context = Context()
    assert run(composer.ANALYZER, PATH, '{"packages": 3', context) == []
    assert context.warnings == [f"/{PATH}: not valid JSON, its packages are not listed"]
    assert run(composer.ANALYZER, PATH, '{"packages": 3}') == []


def test_paths() -> None:
    assert REGISTRY.wanted_bytes("vendor/composer/installed.json") == composer.MAX_BYTES
    assert REGISTRY.wanted_bytes(PATH) == composer.MAX_BYTES
    assert REGISTRY.wanted_bytes("srv/myvendor/composer/installed.json") == 0
