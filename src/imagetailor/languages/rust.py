"""Rust hooks: read Cargo.toml (a package or a workspace, its binary targets, default-run), the
version from rust-toolchain(.toml) or rust-version; plan a release binary on distroless/cc.

The dependency layer survives a source edit the way cargo-chef's does: the manifests and the
lock are copied alone, every target path gets a stub source, and the dependency graph is built
(release for deploy, the test profile for ci); then the workspace's own packages are cleaned, so
the real sources, copied later, are all that recompiles.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.generate.plan import (
    Copy,
    Plan,
    PlanContext,
    Run,
    cache_mounts,
    env_prefix,
    test_argv,
)
from imagetailor.generate.quoting import dockerfile_path, shell_word
from imagetailor.languages.facts import Constraint, Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.languages.scan import folders_named

_STUB_MAIN = "fn main() {}"
_TEST_ATTR = re.compile(r"#\[(?:tokio::|actix_web::|async_std::)?test\b")
_SERVES = re.compile(r"\bTcpListener::bind\b|\bHttpServer::new\b|\baxum::serve\b|\bServer::bind\b")
_INCLUDE = re.compile(r"include_(?:str|bytes)!\s*\([^)]*\)")
_CHANNEL = re.compile(r"^(\d+\.\d+)(?:\.\d+)?$")


@dataclass
class Package:
    name: str
    folder: str  # "" for the root
    lib: str = ""  # the library's source path (relative to the project), "" for none
    bins: dict[str, str] = field(default_factory=dict)  # binary name -> source path
    features: dict[str, list[str]] = field(default_factory=dict)  # binary -> required-features
    others: list[str] = field(default_factory=list)  # explicit test/bench/example paths
    build_script: str = ""
    dependencies: set[str] = field(default_factory=set)
    default_run: str = ""

    def path(self, relative: str) -> str:
        return f"{self.folder}/{relative}" if self.folder else relative


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _targets(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [t for t in value if isinstance(t, dict)] if isinstance(value, list) else []


def _package(files: ProjectFiles, folder: str, manifest: dict[str, Any]) -> Package | None:
    meta = _table(manifest, "package")
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        return None
    pkg = Package(name, folder, default_run=str(meta.get("default-run") or ""))
    lib = _table(manifest, "lib").get("path", "src/lib.rs")
    if isinstance(lib, str) and files.exists(pkg.path(lib)):
        pkg.lib = pkg.path(lib)
    # Cargo's target auto-discovery (unless autobins = false), then the explicit [[bin]]s.
    if meta.get("autobins", True) is not False:
        if files.exists(pkg.path("src/main.rs")):
            pkg.bins[name] = pkg.path("src/main.rs")
        for path in files.glob(pkg.path("src/bin/*.rs")):
            pkg.bins[PurePosixPath(path).stem] = path
        for path in files.glob(pkg.path("src/bin/*/main.rs")):
            pkg.bins[PurePosixPath(path).parent.name] = path
    for target in _targets(manifest, "bin"):
        bin_name = str(target.get("name") or name)
        path = target.get("path") or (
            "src/main.rs" if bin_name == name else f"src/bin/{bin_name}.rs"
        )
        if isinstance(path, str) and files.exists(pkg.path(path)):
            # An explicit target replaces the one Cargo would infer from the same file.
            pkg.bins = {k: v for k, v in pkg.bins.items() if v != pkg.path(path)}
            pkg.bins[bin_name] = pkg.path(path)
            features = target.get("required-features")
            if isinstance(features, list) and all(isinstance(f, str) for f in features):
                pkg.features[bin_name] = [str(f) for f in features]
    for key in ("test", "bench", "example"):
        for target in _targets(manifest, key):
            other = target.get("path")
            if isinstance(other, str) and files.exists(pkg.path(other)):
                pkg.others.append(pkg.path(other))
    build = meta.get("build", "build.rs")
    if isinstance(build, str) and files.exists(pkg.path(build)):
        pkg.build_script = pkg.path(build)
    for key in ("dependencies", "dev-dependencies", "build-dependencies"):
        pkg.dependencies |= set(_table(manifest, key))
    return pkg


def _members(files: ProjectFiles, root: dict[str, Any]) -> list[str]:
    workspace = _table(root, "workspace")
    excluded = {str(e).strip("/") for e in workspace.get("exclude", []) if isinstance(e, str)}
    found: list[str] = []
    for pattern in workspace.get("members", []):
        if not isinstance(pattern, str):
            continue
        for path in files.glob(f"{pattern.strip('/')}/Cargo.toml"):
            folder = path.removesuffix("/Cargo.toml")
            if folder not in excluded and folder not in found and ".." not in folder.split("/"):
                found.append(folder)
    return found


def packages(files: ProjectFiles) -> list[Package]:
    """The project's own packages: the root package (if any) and the workspace members."""
    root = files.toml("Cargo.toml") or {}
    found = []
    for folder in ["", *_members(files, root)]:
        manifest = root if not folder else (files.toml(f"{folder}/Cargo.toml") or {})
        pkg = _package(files, folder, manifest)
        if pkg is not None:
            found.append(pkg)
    return found


def _constraint(files: ProjectFiles, root: dict[str, Any]) -> Constraint | None:
    """The toolchain file's channel when it names a version; a named channel (stable, beta,
    nightly, nightly-2025-01-01) says no version, so Cargo.toml's rust-version decides then."""
    named: Constraint | None = None
    for path in ("rust-toolchain.toml", "rust-toolchain"):
        text = files.text(path)
        if text is None:
            continue
        try:
            channel = str(_table(tomllib.loads(text), "toolchain").get("channel", ""))
        except tomllib.TOMLDecodeError:
            channel = text.strip()  # the legacy one-line file
        match = _CHANNEL.match(channel)
        if match:
            return Constraint("pep440", f"=={match.group(1)}.*", f"{path} channel")
        if channel:
            named = Constraint("any", channel, f"{path} channel")
            break
    for table in (_table(root, "package"), _table(_table(root, "workspace"), "package")):
        msrv = table.get("rust-version")
        if isinstance(msrv, str) and re.fullmatch(r"\d+\.\d+(?:\.\d+)?", msrv):
            return Constraint("pep440", f">={msrv}", "Cargo.toml rust-version")
    return named


def detect(files: ProjectFiles, language: Language) -> Facts:
    root = files.toml("Cargo.toml") or {}
    facts = Facts("rust", "cargo", _constraint(files, root) or Constraint("any"))
    own = packages(files)
    meta = _table(root, "package")
    facts.name = str(meta.get("name") or "")
    version = meta.get("version")
    if not isinstance(version, str):  # `version.workspace = true`, or a virtual manifest
        version = _table(_table(root, "workspace"), "package").get("version")
    facts.version = version if isinstance(version, str) else ""
    members = [p.folder for p in own if p.folder]
    facts.manifests = [m for m in language.manager("cargo").manifests if files.exists(m)]
    facts.manifests += [f"{folder}/Cargo.toml" for folder in members]
    if files.is_dir("vendor") and any(m.startswith(".cargo/") for m in facts.manifests):
        facts.manifests.append("vendor")
        facts.note("vendored crates (vendor/, .cargo/config): the dependency layer builds offline")
    facts.note(
        f"Cargo workspace: {', '.join(members)}" if members else "Cargo package (Cargo.toml)"
    )
    if not files.exists("Cargo.lock"):
        facts.note("no Cargo.lock: the build locks first (commit the lock to freeze it)")
    bins = {name: pkg for pkg in own for name in pkg.bins}
    default = next((p.default_run for p in own if p.default_run in bins), "")
    if not bins:
        facts.unknowns.append(
            Unknown("app.main", "no binary target (src/main.rs, [[bin]])", "server")
        )
    elif len(bins) == 1 or default:
        facts.main = default or next(iter(bins))
        if len(bins) > 1:
            facts.note(f"several binaries ({', '.join(bins)}): {facts.main} is default-run")
    else:
        facts.choices["app.main"] = list(bins)
        wanted = facts.name or files.root.resolve().name
        if wanted in bins:
            facts.main = wanted
            facts.note(f"several binaries ({', '.join(bins)}): {wanted} is named like the package")
        else:
            example = next(iter(bins))
            facts.unknowns.append(
                Unknown("app.main", f"several binaries: {', '.join(bins)}", example)
            )
    if facts.main:
        facts.start, facts.start_source = [facts.main], f"the binary target {facts.main}"
    sources = list(files.walk((".rs",), frozenset(language.conventions.skip_dirs)))
    texts = [files.text(p) or "" for p in sources[:400]]
    servers = {str(s) for s in language.extra.get("servers", [])}
    dependencies = set().union(*(p.dependencies for p in own)) if own else set()
    serves = bool(servers & dependencies) or any(_SERVES.search(t) for t in texts)
    facts.kind = "web" if serves else "cli"
    facts.assets = _assets(files, language, texts)
    if facts.assets:
        facts.note(f"read at run time: {', '.join(facts.assets)} (copied into deploy)")
    if files.is_dir("tests") or any(_TEST_ATTR.search(t) for t in texts):
        facts.test = "cargo test --workspace --locked" if members else "cargo test --locked"
    return facts


def _assets(files: ProjectFiles, language: Language, texts: list[str]) -> list[str]:
    """Folders the program opens by relative path at run time: present, named in a string
    literal, and not compiled in (include_str!/include_bytes! read at build time)."""
    code = [_INCLUDE.sub("", t) for t in texts]
    return folders_named(files, [str(d) for d in language.extra.get("asset_dirs", [])], code)


def _stubs(own: list[Package]) -> list[str]:
    """Commands writing a stub for every target source (and build script) the manifests name."""
    paths: dict[str, str] = {}
    for pkg in own:
        if pkg.lib:
            paths[pkg.lib] = ""
        for path in [
            *pkg.bins.values(),
            *pkg.others,
            *([pkg.build_script] if pkg.build_script else []),
        ]:
            paths.setdefault(path, _STUB_MAIN)
    folders = sorted({str(PurePosixPath(p).parent) for p in paths} - {"."})
    commands = [f"mkdir -p {' '.join(shell_word(f) for f in folders)}"] if folders else []
    for path, body in paths.items():
        commands.append(f"printf '%s\\n' {shell_word(body)} > {shell_word(path)}")
    return commands


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    manager = language.manager(app.package_manager or language.default_manager)
    files = ProjectFiles(ctx.project)
    own = packages(files)
    binary = app.main if app.main not in ("", ".") else (app.start[0] if app.start else "")
    if not any(binary in p.bins for p in own):
        known = ", ".join(name for p in own for name in p.bins) or "none"
        raise UsageError(
            f"tailor.toml: app.main: {binary!r} is not a binary target of Cargo.toml "
            f"(binaries: {known}); fix: set main to one of them"
        )
    if any("$" in arg for arg in app.start[1:]):
        raise UsageError(
            "tailor.toml: app.start: a Rust deploy image has no shell to expand $VARIABLES in "
            "arguments; fix: read them with std::env::var in the program"
        )
    locked = files.exists("Cargo.lock")
    prefix = env_prefix(manager)
    cargo = f"{prefix} cargo"
    lock = " --locked" if locked else ""
    # A workspace's members are built and tested together (as `cargo test --workspace` does).
    every = " --workspace" if any(p.folder for p in own) else ""
    names = " ".join(f"-p {shell_word(p.name)}" for p in own)
    mounts = cache_mounts(manager)
    deps = Run(
        (
            *_stubs(own),
            *([] if locked else [f"{prefix} {c}" for c in manager.relock]),
            f"{cargo} build --release{lock}{every}",
            f"{cargo} test --no-run{lock}{every}",
            f"{cargo} clean --release {names}",
            f"{cargo} clean {names}",
        ),
        mounts,
        (
            "Dependencies first, on stub sources: a source edit never rebuilds them. The",
            "workspace's own packages are cleaned, so only the real sources recompile.",
        ),
    )
    target = f"/app/{dockerfile_path(binary)}"
    needed = next((p.features.get(binary, []) for p in own if binary in p.bins), [])
    features = f" --features {shell_word(','.join(needed))}" if needed else ""
    build = Run(
        (
            f"{cargo} build --release{lock} --bin {shell_word(binary)}{features}",
            f"mkdir -p /app && cp target/release/{shell_word(binary)} {shell_word(target)}",
        ),
        mounts,
        ("A release binary, linked against glibc: it runs on distroless/cc.",),
    )
    assets = [Copy(f"/src/{a}", f"/app/{a}", "build") for a in app.assets]
    return Plan(
        workdir="/src",
        toolchain_note="Rust toolchain with Cargo (build, ci, dev).",
        deploy_note="deploy runtime: distroless/cc has glibc, libgcc_s, CA certificates, nonroot.",
        # A folder (vendor/) is copied as itself: the trailing / keeps its name.
        manifests=[f"{m}/" if files.is_dir(m) else m for m in app.manifests],
        deps_env={"CARGO_HOME": manager.env.get("CARGO_HOME", "/usr/local/cargo")},
        deps_env_note="Cargo's home: the registry the dependency layer filled (not config).",
        deps_all=[deps],
        build=[build],
        frontend_into=(f"{spec.frontend.dir}/{spec.frontend.output}" if spec.frontend else ""),
        deploy_kind="native",
        deploy_copies=[Copy(target, target, "build"), *assets],
        deploy_workdir="/app",
        entrypoint=[target, *app.start[1:]],
        ci_cmd=test_argv(app.test or language.no_tests),
        dev_cmd=[
            "cargo",
            "run",
            "--bin",
            binary,
            *(["--", *app.start[1:]] if app.start[1:] else []),
        ],
    )
