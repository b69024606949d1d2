"""Go hooks: find the main package(s), the version lines of go.mod, vendoring, cgo and the folders
read at run time; plan a binary built once and shipped alone (static unless cgo)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from imagetailor.errors import UsageError
from imagetailor.generate.plan import Copy, Plan, PlanContext, Run, manager_runs, test_argv
from imagetailor.generate.quoting import dockerfile_path, shell_word
from imagetailor.languages.facts import Constraint, Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.languages.scan import folders_named

_MODULE = re.compile(r"^module\s+(\S+)", re.M)
_GO_LINE = re.compile(r"^go\s+(\d+\.\d+(?:\.\d+)?)", re.M)
_TOOLCHAIN = re.compile(r"^toolchain\s+go(\d+\.\d+(?:\.\d+)?)", re.M)
_PACKAGE_MAIN = re.compile(r"^package\s+main\b", re.M)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(\s*\)", re.M)
_IMPORT_C = re.compile(r'^import\s+"C"|^\s*"C"\s*$', re.M)
_EMBED = re.compile(r"^//go:embed\s+(.+)$", re.M)
# A requirement: `require PATH vX` or a line of a require block; vendor/modules.txt's `# PATH vX`.
_REQUIRE = re.compile(r"^(?:require\s+|#\s+|\s+)?([\w.~-]+(?:/[\w.~-]+)+)\s+v\d", re.M)
_MANIFESTS = {"go.mod", "go.sum", "go.work", "go.work.sum"}
_SERVES = re.compile(r"\bnet/http\b|ListenAndServe|\.Listen\(|gin\.|echo\.New|fiber\.New")


def _main_dirs(files: ProjectFiles, sources: list[str]) -> list[str]:
    """Folders holding a main package with func main, "." first."""
    found: dict[str, bool] = {}
    for path in sources:
        if path.endswith("_test.go") or path.startswith("vendor/"):
            continue
        text = files.text(path) or ""
        if _PACKAGE_MAIN.search(text) and _FUNC_MAIN.search(text):
            found[str(PurePosixPath(path).parent)] = True
    return sorted(found, key=lambda d: (d != ".", d.count("/"), d))


def _binary_name(main: str, module: str, folder: str) -> str:
    if main not in (".", ""):
        return PurePosixPath(main).name
    return module.rstrip("/").rsplit("/", 1)[-1] if module else folder


def _version_line(text: str, file: str) -> Constraint | None:
    """The toolchain line, else the go line, of go.mod or go.work, as a minimum version."""
    line = _TOOLCHAIN.search(text) or _GO_LINE.search(text)
    if line is None:
        return None
    source = f"{file} {line.group(0).split()[0]}"
    return Constraint("minimum", ".".join(line.group(1).split(".")[:2]), source)


def _workspace_uses(gowork: str) -> list[str]:
    """go.work's `use` folders (one per line, or in a `use ( ... )` block), without ./ ."""
    uses: list[str] = []
    block = False
    for raw in gowork.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            if line.startswith(")"):
                block = False
            elif line:
                uses.append(line)
        elif line.startswith("use"):
            rest = line[3:].strip()
            if rest.startswith("("):
                block = True
                rest = rest[1:].strip()
            if rest and rest != ")":
                uses.append(rest)
    cleaned = [u.strip('"`').removeprefix("./").rstrip("/") or "." for u in uses]
    return [u for u in cleaned if u == "." or (".." not in u.split("/") and not u.startswith("/"))]


def detect(files: ProjectFiles, language: Language) -> Facts:
    gowork = files.text("go.work")
    if gowork is not None:
        return _detect_workspace(files, language, gowork)
    gomod = files.text("go.mod")
    manager = "modules" if gomod is not None else "none"
    if gomod is not None and files.exists("vendor/modules.txt"):
        manager = "vendor"
    facts = Facts(language="go", manager=manager)
    module = ""
    if gomod is not None:
        match = _MODULE.search(gomod)
        module = match.group(1) if match else ""
        facts.name = module.rstrip("/").rsplit("/", 1)[-1]
        facts.runtime = _version_line(gomod, "go.mod") or facts.runtime
        facts.manifests = [m for m in ("go.mod", "go.sum") if files.exists(m)]
        facts.note(f"go.mod: module {module or '?'} ({language.managers[manager].title})")
    else:
        facts.note("no go.mod: a bare main package, built in a module made for it")
    return _code(files, language, facts, module)


def _detect_workspace(files: ProjectFiles, language: Language, gowork: str) -> Facts:
    vendored = files.exists("vendor/modules.txt")
    facts = Facts(language="go", manager="vendor" if vendored else "workspace")
    uses = _workspace_uses(gowork)
    facts.runtime = _version_line(gowork, "go.work") or facts.runtime
    present = [m for m in ("go.work", "go.work.sum") if files.exists(m)]
    for use in uses:
        prefix = "" if use == "." else f"{use}/"
        present += [f"{prefix}{m}" for m in ("go.mod", "go.sum") if files.exists(f"{prefix}{m}")]
    facts.manifests = present
    facts.note(f"go.work: a workspace of {', '.join(uses) or 'no modules'}")
    facts = _code(files, language, facts, "")
    if facts.test:
        # `./...` at a workspace root that is not itself a module matches nothing.
        facts.test = "go test " + " ".join("./..." if u == "." else f"./{u}/..." for u in uses)
    return facts


def _code(files: ProjectFiles, language: Language, facts: Facts, module: str) -> Facts:
    """What the sources say: the main package(s), cgo, a server, run-time folders, tests."""
    sources = list(files.walk((".go",), frozenset(language.conventions.skip_dirs)))
    mains = _main_dirs(files, sources)
    folder = files.root.resolve().name
    if not mains:
        facts.unknowns.append(
            Unknown("app.main", "no package main with func main() found", "./cmd/server")
        )
    elif len(mains) == 1 or mains[0] == ".":
        facts.main = "./" + mains[0] if mains[0] != "." else "."
    else:
        wanted = _binary_name(".", module, folder)
        named = [d for d in mains if PurePosixPath(d).name == wanted]
        choices = ["./" + d for d in mains]
        facts.choices["app.main"] = choices
        if named:
            facts.main = "./" + named[0]
            facts.note(f"several commands ({', '.join(choices)}): {facts.main} matches the module")
        else:
            facts.unknowns.append(
                Unknown("app.main", f"several commands: {', '.join(choices)}", choices[0])
            )
    binary = _binary_name(facts.main or ".", module, folder)
    facts.start = [binary]
    facts.start_source = f"the binary built from {facts.main or '?'}"
    main_dir = (facts.main or ".").removeprefix("./")
    texts = {p: files.text(p) or "" for p in sources if not p.startswith("vendor/")}
    code = [t for p, t in texts.items() if not p.endswith("_test.go")]
    facts.cgo = any(_IMPORT_C.search(t) for t in code)
    if facts.cgo:
        facts.note('cgo (import "C"): dynamically linked; deploy on distroless/base (glibc)')
    else:
        needs = _cgo_modules(files, language)
        facts.cgo = bool(needs)
        if needs:
            facts.note(
                f"cgo ({', '.join(needs)} needs it): built with CGO_ENABLED=1, dynamically "
                "linked; deploy on distroless/base (glibc)"
            )
    serves = any(_SERVES.search(t) for t in code)
    facts.kind = "web" if serves else "cli"
    facts.assets = _assets(files, language, code, main_dir)
    if facts.assets:
        facts.note(f"read at run time: {', '.join(facts.assets)} (copied into deploy)")
    if any(p.endswith("_test.go") and not p.startswith("vendor/") for p in texts):
        facts.test = "go test ./..."
    return facts


def _cgo_modules(files: ProjectFiles, language: Language) -> list[str]:
    """Required modules (direct or // indirect, in go.mod or vendor/modules.txt) that only work
    with cgo: without it they build as stubs that fail at run time (go.toml's cgo_modules)."""
    known = [str(m) for m in language.extra.get("cgo_modules", [])]
    text = (files.text("go.mod") or "") + (files.text("vendor/modules.txt") or "")
    required = set(_REQUIRE.findall(text))
    return [m for m in known if m in required]


def _assets(files: ProjectFiles, language: Language, code: list[str], main_dir: str) -> list[str]:
    """Folders the program opens by relative path at run time: present, named in a string
    literal of the source, and not compiled in with //go:embed."""
    embedded = set()
    for text in code:
        for match in _EMBED.finditer(text):
            for pattern in match.group(1).split():
                embedded.add(pattern.removeprefix("all:").split("/")[0].strip('"'))
    candidates = [str(d) for d in language.extra.get("asset_dirs", [])]
    return folders_named(files, candidates, code, quotes='"`', after="/*", skip=frozenset(embedded))


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    manager = language.manager(app.package_manager or language.default_manager)
    if app.cgo and spec.deploy.base == "scratch":
        raise UsageError(
            "tailor.toml: deploy.base = 'scratch' cannot run a cgo binary (it links glibc); "
            "fix: use deploy.base = 'distroless'"
        )
    binary = PurePosixPath(app.start[0]).name if app.start else app.name
    args = app.start[1:]
    if any("$" in arg for arg in args):
        raise UsageError(
            "tailor.toml: app.start: a Go deploy image has no shell to expand $VARIABLES in "
            "arguments; fix: read them with os.Getenv in the program"
        )
    target = f"/app/{dockerfile_path(binary)}"
    # A relative package path must start with ./ ("cmd/web" would name a standard package).
    main = dockerfile_path(
        app.main if app.main in (".", "") or app.main.startswith("./") else f"./{app.main}"
    )
    values = {"module": shell_word(app.name), "name": shell_word(binary)}
    cache = f"type=cache,target={language.extra.get('build_cache', '/root/.cache/go-build')}"
    cgo = "1" if app.cgo else "0"
    flags = "-trimpath -ldflags='-s -w'"
    build = Run(
        (f"CGO_ENABLED={cgo} go build {flags} -o {shell_word(target)} {shell_word(main)}",),
        (cache,),
        ("A static binary (no cgo): it runs on distroless/static or scratch.",)
        if not app.cgo
        else ("cgo: linked against glibc, so deploy runs on distroless/base.",),
    )
    copies = [Copy(target, target, "build")]
    copies += [Copy(f"/src/{a}", f"/app/{a}", "build") for a in app.assets]
    deps_env = {"GOTOOLCHAIN": "local", **manager.env}
    return Plan(
        workdir="/src",
        toolchain_note="Go toolchain (build, ci, dev).",
        deploy_note=(
            "deploy runtime: distroless/base has glibc, CA certificates and the nonroot user."
            if app.cgo
            else "deploy runtime: distroless/static has CA certificates and the nonroot user."
        ),
        manifests=[m for m in app.manifests if m.rsplit("/", 1)[-1] in _MANIFESTS],
        deps_env=deps_env,
        deps_env_note="Build settings: never fetch another Go toolchain; vendor/ when present.",
        deps_all=manager_runs(
            manager,
            manager.install_all,
            values,
            (
                "Modules first: a source change never re-runs the download (kept in the layer,",
                "so the ci and dev images test and run offline).",
            ),
        ),
        prepare=manager_runs(manager, manager.prepare, values),
        build=[build],
        frontend_into=(f"{spec.frontend.dir}/{spec.frontend.output}" if spec.frontend else ""),
        deploy_kind="native" if app.cgo else "default",
        deploy_copies=copies,
        deploy_workdir="/app",
        entrypoint=[target, *args],
        ci_cmd=test_argv(app.test or language.no_tests),
        dev_cmd=["go", "run", main, *args],
    )
