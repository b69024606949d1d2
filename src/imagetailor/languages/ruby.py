"""Ruby hooks: read the Gemfile (gems by group, the ruby line, gemspec), Gemfile.lock, the
version files (.ruby-version, .tool-versions) and the app's shape (Rails, a Rack config.ru, a
classic Sinatra script); plan Bundler's installs and Ruby's file closure on distroless/base.

deploy runs ``ruby -e LAUNCHER -- COMMAND ARGS``: the launcher loads ``bundler/setup`` (the
bundle's gems without the dev and test groups, BUNDLE_DEPLOYMENT), expands ``$PORT`` and runs
the command the way ``bundle exec`` would, so deploy needs neither ``bundle`` nor a shell.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.generate.plan import (
    Copy,
    Plan,
    PlanContext,
    PreStage,
    Run,
    manager_runs,
    test_argv,
)
from imagetailor.generate.quoting import shell_word
from imagetailor.generate.tools import FIX_FOLDERS, collect_with_libraries
from imagetailor.languages.facts import Constraint, Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.gemfile import VERSION, Gemfile, constraint, read_gemfile, read_lock
from imagetailor.languages.plugin import Language
from imagetailor.languages.pystart import default_port
from imagetailor.languages.shellcmd import render_word

_TEST_TASK = re.compile(r"Rake::TestTask|task\s*\(?\s*:test\b|RSpec::Core::RakeTask")


def _version(files: ProjectFiles, gemfile: Gemfile, lock_ruby: str) -> Constraint | None:
    """The Ruby line from the project's own conventions, most specific first."""
    for name in [gemfile.ruby_file or ".ruby-version"]:
        text = (files.text(name) or "").strip()
        if VERSION.match(text):
            return constraint(text.removeprefix("ruby-"), name)
    for line in files.lines(".tool-versions"):
        words = line.split()
        if len(words) >= 2 and words[0] == "ruby" and VERSION.match(words[1]):
            return constraint(words[1], ".tool-versions")
    if gemfile.ruby:
        return constraint(gemfile.ruby, "Gemfile ruby")
    if lock_ruby:
        return constraint(lock_ruby, "Gemfile.lock RUBY VERSION")
    return None


def _rails(files: ProjectFiles, gemfile: Gemfile) -> bool:
    return gemfile.has("rails", "railties") and files.exists("config/application.rb")


def _start(files: ProjectFiles, gemfile: Gemfile, language: Language, facts: Facts) -> None:
    """Rails' server, else a Rack config.ru under the bundle's server, else a classic script."""
    servers: dict[str, dict[str, Any]] = language.extra.get("servers", {})
    if _rails(files, gemfile) and files.exists("bin/rails"):
        facts.start, facts.start_source = ["bin/rails", "server", "-b", "0.0.0.0"], "Rails"
        facts.port, facts.port_source = 3000, "Rails' default (config/puma.rb reads PORT)"
        return
    if files.exists("config.ru"):
        order = [str(s) for s in language.extra.get("server_order", [])]
        server = next((s for s in order if gemfile.has(s)), "rackup")
        if server == "puma" and files.exists("config/puma.rb"):
            facts.start = ["puma", "-C", "config/puma.rb", "config.ru"]  # it sets the port
        else:
            facts.start = [str(w) for w in servers[server]["command"]]
            facts.config.append("PORT")
        facts.start_source = f"config.ru served by {server}"
        facts.port = facts.port or int(servers[server]["port"])
        facts.port_source = facts.port_source or f"{server}'s default"
        return
    scripts = [str(s) for s in language.extra.get("scripts", [])]
    for script in scripts:
        text = files.text(script) or ""
        if re.search(r"""require\s+["']sinatra["']""", text):
            facts.start, facts.start_source = ["ruby", script], f"{script} (classic Sinatra)"
            facts.port, facts.port_source = 4567, "Sinatra's default"
            return
    facts.kind = "cli"
    facts.unknowns.append(
        Unknown("app.start", "no config.ru, Rails app or Sinatra script", '["ruby", "main.rb"]')
    )


# Minitest files without a Rakefile task: each test/**/*_test.rb required, in order.
MINITEST = (
    "bundle exec ruby -Itest -e "
    "'Dir.glob(\"test/**/*_test.rb\").sort.each { |f| require File.expand_path(f) }'"
)


def _test(files: ProjectFiles, gemfile: Gemfile, rails: bool) -> str:
    rakefile = files.text("Rakefile") or ""
    if gemfile.has("rspec", "rspec-core", "rspec-rails") and files.is_dir("spec"):
        return "bundle exec rspec"
    if rails and files.is_dir("test"):
        return "bin/rails test"
    if _TEST_TASK.search(rakefile) and gemfile.has("rake"):
        return "bundle exec rake test"
    if files.glob("test/*_test.rb") or files.glob("test/**/*_test.rb"):
        return MINITEST
    return ""


def detect(files: ProjectFiles, language: Language) -> Facts:
    manifest = files.text("Gemfile") or files.text("gems.rb") or ""
    gemfile = read_gemfile(manifest)
    lock_name = next((n for n in language.manager("bundler").lock if files.exists(n)), "")
    locked, lock_ruby = read_lock(files.lines(lock_name)) if lock_name else ({}, "")
    facts = Facts("ruby", "bundler")
    facts.runtime = _version(files, gemfile, lock_ruby) or facts.runtime
    facts.manifests = [m for m in language.manager("bundler").manifests if files.exists(m)]
    facts.manifests += gemspec_files(files) if gemfile.gemspec else []
    if files.is_dir("vendor/cache"):
        facts.manifests.append("vendor/cache")
        facts.note("vendor/cache holds the gems: installed from there, without the network")
    if not lock_name:
        facts.note("no Gemfile.lock: the build resolves the newest gems (commit the lock)")
    rails = _rails(files, gemfile)
    _start(files, gemfile, language, facts)
    facts.test = _test(files, gemfile, rails)
    if rails:
        facts.note("Rails: assets are precompiled in the build (SECRET_KEY_BASE_DUMMY)")
        facts.config += (
            ["RAILS_MASTER_KEY", "DATABASE_URL"]
            if files.exists("config/credentials.yml.enc")
            else ["DATABASE_URL"]
        )
    facts.native = sorted(g for g in locked if g in NATIVE_GEMS) or sorted(
        g for g in gemfile.gems if g in NATIVE_GEMS
    )
    return facts


# Gems that compile C extensions (their shared objects may link libraries deploy must carry).
NATIVE_GEMS = frozenset(
    {"pg", "mysql2", "sqlite3", "nokogiri", "bcrypt", "puma", "nio4r", "ffi", "msgpack",
     "bootsnap", "json", "bigdecimal", "racc", "websocket-driver", "date", "io-console",
     "hiredis", "grpc", "google-protobuf", "oj", "unf_ext", "eventmachine", "redcarpet"}
)  # fmt: skip


def gemspec_files(files: ProjectFiles) -> list[str]:
    """A Gemfile's ``gemspec``: the .gemspec files and the version files they require."""
    found = files.glob("*.gemspec")
    found += [p for p in files.glob("lib/**/version.rb") if p.count("/") <= 3]
    return sorted(set(found))


# ---------------------------------------------------------------------------------------------
# The plan.

# Which folders of the Ruby runtime deploy needs, printed by the runtime's own ruby ("L" is
# copied; "G" is a gem folder, copied only for its default gems' specifications: bundled gems
# and their executables (rake, rdbg, ...) are not loadable under the bundle anyway).
_RUNTIME_DIRS = (
    "c = RbConfig::CONFIG; "
    "gems = [Gem.default_dir, File.dirname(Gem.default_specifications_dir), *Gem.default_path]"
    '.uniq.select { |d| File.directory?(d) && !d.start_with?(Dir.home) && d != ENV["GEM_HOME"] }; '
    'libs = c.values_at("rubylibprefix", "rubyarchdir", "vendorarchdir", "sitelibdir", '
    '"sitearchdir").compact.select { |d| File.directory?(d) }; '
    "all = (libs + gems).uniq; "
    'all.reject! { |d| all.any? { |o| o != d && d.start_with?(o + "/") } }; '
    'all.each { |d| puts "L #{d}" }; gems.each { |d| puts "G #{d}" }'
)


def _runtime_runs() -> tuple[Run, ...]:
    prune = (
        'rm -rf "/out$d/gems" "/out$d/extensions" "/out$d/doc" "/out$d/cache" "/out$d/bin" '
        '"/out$d/build_info" "/out$d/plugins"; '
        'if [ -d "/out$d/specifications" ]; then find "/out$d/specifications" -maxdepth 1 '
        "-name '*.gemspec' -delete; fi"
    )
    return (
        Run(
            (
                "mkdir -p /out",
                f"ruby -e {shell_word(_RUNTIME_DIRS)} > /tmp/ruby-dirs",
                'while read -r kind d; do if [ "$kind" = L ]; then cp -a --parents "$d" /out; '
                f"else {prune}; fi; done < /tmp/ruby-dirs",
                # Paths below /out are the image's own from / (no pipe: sh has no pipefail).
                "cd /",
                collect_with_libraries(
                    "/usr/local/bin/ruby $(cd /out && find . -name '*.so*' -type f)"
                ),
                *FIX_FOLDERS,
            ),
            (),
            (
                "ruby, its standard library and default gems, their extensions and every",
                "library they link that the deploy base lacks (no gem, no bundle, no rake).",
            ),
        ),
    )


def launcher() -> str:
    """launch.rb as one -e program: comment lines dropped, lines joined."""
    text = resources.files(__package__).joinpath("launchers", "launch.rb").read_text("utf-8")
    lines = [line.strip() for line in text.splitlines()]
    return " ".join(line for line in lines if line and not line.startswith("#"))


def _command(words: list[str]) -> list[str]:
    """The start command as deploy runs it: without ``bundle exec`` (the launcher loads the
    bundle) and without a leading ``ruby`` (the launcher is ruby)."""
    args = list(words)
    if args[:2] == ["bundle", "exec"]:
        args = args[2:]
    if args[:1] in (["ruby"], ["/usr/local/bin/ruby"]):
        args = args[1:]
    if args[:1] == ["./bin/rails"]:
        args[0] = "bin/rails"
    return args


def _dev_command(words: list[str], port: int) -> list[str]:
    """dev's command: under ``bundle exec``, bound to every interface (Rails, rackup and
    Sinatra listen on localhost in development, which a published port cannot reach)."""
    args = _command(words)
    if args[:1] == ["bin/rails"] and "-b" not in args:
        args += ["-b", "0.0.0.0"]
    elif (args[:1] == ["rackup"] or (args[:1] and args[0].endswith(".rb"))) and not (
        {"-o", "--host"} & set(args)
    ):
        args += ["-o", "0.0.0.0"]
    head = ["ruby"] if args[:1] and args[0].endswith(".rb") else []
    words = ["bundle", "exec", *head, *default_port(args, port)]
    if any("$" in w for w in words):  # through the toolchain's sh, so $PORT expands
        return ["/bin/sh", "-c", "exec " + " ".join(render_word(w) for w in words)]
    return words


def _with(runs: list[Run], command: str) -> list[Run]:
    """The runs with ``command`` appended to the last one (same layer, no inline environment)."""
    last = runs[-1]
    return [*runs[:-1], Run((*last.commands, command), last.mounts, last.comment)]


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    manager = language.manager(app.package_manager or language.default_manager)
    files = ProjectFiles(ctx.project)
    if not app.start:
        raise UsageError("tailor.toml: app.start: how the Ruby app starts is not known")
    bundle = str(language.extra.get("bundle_path", "/usr/local/bundle"))
    locked = any(files.exists(n) for n in manager.lock)
    local = " --local" if files.is_dir("vendor/cache") else ""
    frozen = "BUNDLE_FROZEN=true " if locked else ""
    prod = "BUNDLE_DEPLOYMENT=true " if locked else ""
    without = str(language.extra.get("without", "development:test"))
    tidy = f"rm -rf {bundle}/ruby/*/cache {bundle}/cache"
    install = _with(manager_runs(manager, [f"{frozen}bundle install{local}"], {}, (
        "Every gem of every group (ci and dev), from the lock; .gem files stay in the cache.",
    )), tidy)  # fmt: skip
    install_prod = _with(
        manager_runs(
            manager,
            [f"{prod}BUNDLE_WITHOUT={without} bundle install{local}"],
            {},
            (f"deploy's gems: the lock's, without the {without.replace(':', ' and ')} groups.",),
        ),
        tidy,
    )
    rails = files.exists("config/application.rb") and files.exists("bin/rails")
    build: list[Run] = []
    if rails and (files.is_dir("app/assets") or files.is_dir("app/javascript")):
        build.append(
            Run(
                ("SECRET_KEY_BASE_DUMMY=1 RAILS_ENV=production bin/rails assets:precompile",),
                (),
                ("Assets compiled once, with a dummy secret (the real one arrives at run time).",),
            )
        )
    command = default_port(_command(app.start), app.port)
    env = {"BUNDLE_PATH": bundle, "BUNDLE_WITHOUT": without, "RACK_ENV": "production"}
    if locked:
        env["BUNDLE_DEPLOYMENT"] = "true"
    if rails:
        env["RAILS_ENV"] = "production"
        env["RAILS_LOG_TO_STDOUT"] = "1"
    pre = PreStage(
        "ruby-runtime", "runtime", "RUBY_RUNTIME_IMAGE",
        "The same Ruby's slim image: deploy collects its runtime files.",
        _runtime_runs(), collects=True,
    )  # fmt: skip
    return Plan(
        workdir="/app",
        toolchain_note="Ruby with Bundler and a C compiler for gem extensions (build, ci, dev).",
        deploy_note="deploy runtime: distroless/base (glibc, CA certificates, nonroot) + Ruby.",
        pre_stages=[pre],
        manifests=[f"{m}/" if files.is_dir(m) else m for m in app.manifests],
        deps_all=install,
        deps_prod=install_prod,
        deps_env={"BUNDLE_PATH": bundle},
        build=build,
        build_cleanup=[Run(("rm -rf vendor/cache tmp/cache",), (), ("Not needed at run time.",))],
        deploy_kind="native",
        deploy_copies=[
            Copy("/out/", "/", "ruby-runtime"),
            Copy(bundle, bundle, "deps-prod"),
            Copy("/app", "/app", "build"),
        ],
        native_dirs=[bundle],
        deploy_env=env,
        deploy_workdir="/app",
        entrypoint=[language.layout.interpreter, "-e", launcher(), "--", *command],
        entrypoint_note=(
            "The one-line launcher loads the bundle (bundler/setup), expands ${PORT:-...}",
            "and runs the command as `bundle exec` would: deploy has no bundle, no shell.",
        ),
        ci_cmd=test_argv(app.test or language.no_tests),
        dev_cmd=_dev_command(app.start, app.port),
    )


__all__ = ["detect", "launcher", "plan"]
