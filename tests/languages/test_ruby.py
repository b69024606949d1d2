"""The Ruby plug-in's readers and plan on known inputs: Bundler's Gemfile and lock, the version
conventions, the start and test commands, and the commands deploy and dev run."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.languages import plugin
from imagetailor.languages.facts import Constraint
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.gemfile import constraint, read_gemfile, read_lock
from imagetailor.languages.ruby import _command, _dev_command, detect, launcher

RUBY = plugin("ruby").data

GEMFILE = """\
source "https://rubygems.org"
ruby "~> 3.3"

gem "rails", "~> 8.0"  # the framework
gem "tzinfo-data", platforms: %i[ windows jruby ]
platforms :mri do
  gem "bootsnap", require: false
end

group :development, :test do
  gem "debug"
  if ENV["CI"]
    gem "simplecov"
  end
  gem "rspec-rails"
end
gem "pry", group: :development
gem "webmock", groups: [:test, "ci"]
gem "puma"
"""


def test_gemfile_groups_follow_blocks_and_options() -> None:
    gemfile = read_gemfile(GEMFILE)
    assert gemfile.ruby == "~> 3.3"
    assert gemfile.gems == {
        "rails": {"default"},
        "tzinfo-data": {"default"},
        "bootsnap": {"default"},
        "debug": {"development", "test"},
        "simplecov": {"development", "test"},
        "rspec-rails": {"development", "test"},
        "pry": {"development"},
        "webmock": {"test", "ci"},
        "puma": {"default"},
    }
    assert gemfile.runtime("puma") and not gemfile.runtime("debug")
    assert gemfile.runtime("webmock")  # a group of its own ships unless left out


def test_gemfile_ruby_file_and_gemspec() -> None:
    gemfile = read_gemfile('ruby file: ".ruby-version"\ngemspec\n')
    assert gemfile.ruby_file == ".ruby-version" and gemfile.gemspec and gemfile.ruby == ""


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("3.3.6", Constraint("pep440", "==3.3.*", "s")),
        ("~> 3.3", Constraint("npm", ">=3.3.0 <4.0.0", "s")),
        ("~> 3.3.1", Constraint("npm", ">=3.3.1 <3.4.0", "s")),
        (">= 3.1, < 3.4", Constraint("npm", ">=3.1 <3.4", "s")),
        ("ruby-3.4.1", Constraint("pep440", "==3.4.*", "s")),
        ("jruby-9.4", None),
        ("", None),
    ],
)
def test_ruby_requirements_as_constraints(requirement: str, expected: Constraint | None) -> None:
    assert constraint(requirement, "s") == expected


def test_lock_reads_resolved_gems_and_ruby_version() -> None:
    lock = """\
GEM
  remote: https://rubygems.org/
  specs:
    nio4r (2.7.4)
    puma (6.5.0)
      nio4r (~> 2.0)
    sqlite3 (2.5.0-x86_64-linux-gnu)

PLATFORMS
  ruby

RUBY VERSION
   ruby 3.3.6p108

BUNDLED WITH
   2.6.2
""".splitlines()
    gems, ruby = read_lock(lock)
    assert gems == {"nio4r": "2.7.4", "puma": "6.5.0", "sqlite3": "2.5.0"}
    assert ruby == "3.3.6"


def project(tmp_path: Path, files: dict[str, str]) -> ProjectFiles:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return ProjectFiles(tmp_path)


def test_version_conventions_in_order(tmp_path: Path) -> None:
    files = project(
        tmp_path,
        {"Gemfile": 'ruby "~> 3.2"\ngem "rack"\n', ".tool-versions": "nodejs 20\nruby 3.3.6\n"},
    )
    assert detect(files, RUBY).runtime == Constraint("pep440", "==3.3.*", ".tool-versions")
    (tmp_path / ".ruby-version").write_text("ruby-3.4.1\n")
    again = detect(ProjectFiles(tmp_path), RUBY)
    assert again.runtime == Constraint("pep440", "==3.4.*", ".ruby-version")


def test_rack_app_under_the_bundles_server(tmp_path: Path) -> None:
    files = project(tmp_path, {"Gemfile": 'gem "rack"\ngem "falcon"\n', "config.ru": "run App"})
    facts = detect(files, RUBY)
    assert facts.start == [
        "falcon", "serve", "--bind", "http://0.0.0.0:$PORT", "--config", "config.ru"
    ]  # fmt: skip
    assert facts.port == 9292 and facts.kind == "web" and "PORT" in facts.config


def test_no_app_shape_is_an_unknown_start(tmp_path: Path) -> None:
    facts = detect(project(tmp_path, {"Gemfile": 'gem "nokogiri"\n', "main.rb": "puts 1"}), RUBY)
    assert facts.start == [] and [u.key for u in facts.unknowns] == ["app.start"]
    assert facts.native == ["nokogiri"]


def test_vendor_cache_is_a_manifest_and_tests_are_found(tmp_path: Path) -> None:
    files = project(
        tmp_path,
        {
            "Gemfile": 'gem "sinatra"\ngem "rspec", group: :test\n',
            "Gemfile.lock": "GEM\n",
            "vendor/cache/sinatra-4.1.1.gem": "",
            "app.rb": "require 'sinatra'\n",
            "spec/app_spec.rb": "",
        },
    )
    facts = detect(files, RUBY)
    assert facts.manifests == ["Gemfile", "Gemfile.lock", "vendor/cache"]
    assert facts.start == ["ruby", "app.rb"] and facts.test == "bundle exec rspec"


def test_deploy_command_drops_bundle_exec_and_ruby() -> None:
    assert _command(["bundle", "exec", "puma", "-C", "config/puma.rb"]) == [
        "puma",
        "-C",
        "config/puma.rb",
    ]
    assert _command(["ruby", "app.rb"]) == ["app.rb"]
    assert _command(["./bin/rails", "server"]) == ["bin/rails", "server"]


def test_dev_command_binds_every_interface_and_expands_port() -> None:
    assert _dev_command(["rackup", "config.ru"], 9292) == [
        "bundle",
        "exec",
        "rackup",
        "config.ru",
        "-o",
        "0.0.0.0",
    ]
    assert _dev_command(["ruby", "app.rb", "-p", "$PORT"], 4567) == [
        "/bin/sh",
        "-c",
        'exec bundle exec ruby app.rb -p "${PORT:-4567}" -o 0.0.0.0',
    ]


def test_launcher_is_one_program_without_comments() -> None:
    text = launcher()
    assert "\n" not in text and "#" not in text.replace("#{", "")
    assert text.startswith('require "bundler/setup";') and text.endswith("end;")


def test_plan_refuses_an_app_without_a_start(tmp_path: Path) -> None:
    from imagetailor.generate.plan import PlanContext
    from imagetailor.languages.ruby import plan
    from imagetailor.project.model import Spec

    spec = Spec.model_validate(
        {"app": {"name": "x", "language": "ruby", "runtime_version": "3.3", "start": []}}
    )
    with pytest.raises(UsageError, match=r"app\.start"):
        plan(PlanContext(tmp_path, spec, RUBY, "3.3", "trixie"))
