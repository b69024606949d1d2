"""Bundler's Gemfile.lock, for vendored apps; dropped where an installed gemspec says the same."""

from __future__ import annotations

from imagetailor.analysis import analyze
from imagetailor.analysis.analyzers import gemfilelock
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run
from tests.analysis.analyzers.samples import GEMFILE_LOCK, GEMSPEC
from tests.imagefactory import File, ImageSpec, LayerSpec, memory_image

LOCK_WITH_GIT = """\
GIT
  remote: https://github.com/x/y.git
  revision: abc
  specs:
    y (0.1.0)

GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.15.5-x86_64-linux)
      racc (~> 1.4)

PLATFORMS
  ruby
    fake (1.0)
"""


def test_specs_of_gem_git_and_path_sections() -> None:
    assert run(gemfilelock.ANALYZER, "srv/Gemfile.lock", LOCK_WITH_GIT) == [
        ("y", "0.1.0", "gem", "pkg:gem/y@0.1.0"),
        ("nokogiri", "1.15.5-x86_64-linux", "gem", "pkg:gem/nokogiri@1.15.5-x86_64-linux"),
    ]


def test_dependency_lines_are_not_packages() -> None:
    names = [row[0] for row in run(gemfilelock.ANALYZER, "Gemfile.lock", GEMFILE_LOCK)]
    assert names == ["mustermann", "rack", "ruby2_keywords", "sinatra"]


def test_paths() -> None:
    assert REGISTRY.wanted_bytes("Gemfile.lock") == gemfilelock.MAX_BYTES
    assert REGISTRY.wanted_bytes("app/Gemfile.lock") == gemfilelock.MAX_BYTES
    assert REGISTRY.wanted_bytes("app/MyGemfile.lock") == 0


def test_installed_gemspec_wins_over_the_lock() -> None:
    spec = ImageSpec(
        [
            LayerSpec(
                [
                    File("usr/local/bundle/specifications/rack-3.0.8.gemspec", GEMSPEC),
                    File("app/Gemfile.lock", GEMFILE_LOCK),
                ]
            )
        ]
    )
    found = [(p.name, p.path) for p in analyze(memory_image(spec)).packages]
    assert found == [
        ("mustermann", "/app/Gemfile.lock"),
        ("rack", "/usr/local/bundle/specifications/rack-3.0.8.gemspec"),
        ("ruby2_keywords", "/app/Gemfile.lock"),
        ("sinatra", "/app/Gemfile.lock"),
    ]


def test_a_gems_own_lock_is_not_an_install() -> None:
    assert REGISTRY.wanted_bytes("usr/lib/ruby/gems/3.3.0/gems/rbs-3.4.0/Gemfile.lock") == 0
    assert REGISTRY.wanted_bytes("app/vendor/bundle/ruby/3.3.0/gems/x-1/sub/Gemfile.lock") == 0
