"""RubyGems' installed specifications."""

from __future__ import annotations

import pytest

from imagetailor.analysis.analyzers import gemspec
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run
from tests.analysis.analyzers.samples import GEMSPEC


@pytest.mark.parametrize(
    "path",
    [
        "usr/local/bundle/specifications/rack-3.0.8.gemspec",
        "var/lib/gems/3.1.0/specifications/rack-3.0.8.gemspec",
        "app/vendor/bundle/ruby/3.2.0/specifications/rack-3.0.8.gemspec",
        "usr/local/lib/ruby/gems/3.2.0/specifications/default/rack-3.0.8.gemspec",
    ],
)
def test_where_bundler_rubygems_and_debian_put_them(path: str) -> None:
    assert REGISTRY.wanted_bytes(path) == gemspec.MAX_BYTES
    assert run(gemspec.ANALYZER, path, GEMSPEC) == [("rack", "3.0.8", "gem", "pkg:gem/rack@3.0.8")]


def test_other_spellings() -> None:
    path = "x/specifications/nokogiri-1.15.5-x86_64-linux.gemspec"
    text = "Gem::Specification.new do |spec|\n  spec.name    = 'nokogiri'\n" \
        "  spec.version = Gem::Version.new('1.15.5')\nend\n"  # fmt: skip
    assert run(gemspec.ANALYZER, path, text) == [
        ("nokogiri", "1.15.5", "gem", "pkg:gem/nokogiri@1.15.5")
    ]


def test_file_name_when_the_content_says_nothing() -> None:
    path = "x/specifications/json-2.6.3.gemspec"
    assert run(gemspec.ANALYZER, path, "# generated\n") == [
        ("json", "2.6.3", "gem", "pkg:gem/json@2.6.3")
    ]


def test_huge_and_unnamed_gemspecs() -> None:
    huge = GEMSPEC + "# padding\n" * 1_000_000  # 10 MB: only the first MAX_BYTES are read
    path = "x/specifications/rack-3.0.8.gemspec"
    assert run(gemspec.ANALYZER, path, huge) == [("rack", "3.0.8", "gem", "pkg:gem/rack@3.0.8")]
    context = Context()
    assert run(gemspec.ANALYZER, "x/specifications/weird.gemspec", "\0" * 100, context) == []
    assert context.warnings == [
        "/x/specifications/weird.gemspec: no name and version found in the gemspec"
    ]


def test_gemspecs_outside_specifications_are_sources_not_installs() -> None:
    assert REGISTRY.wanted_bytes("app/rack.gemspec") == 0
