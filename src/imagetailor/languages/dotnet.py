""".NET hooks: find the app project among a solution's tests and libraries, the version from
its target framework (or global.json's SDK), the kind (ASP.NET Core, worker, console), the
configuration it reads; plan `dotnet restore` on the project files alone, `dotnet publish`, and
an Ubuntu Chiseled runtime (no shell, no package manager, the non-root `app` user) for deploy.

Generated only where imagetailor is developed: the SDK and NuGet cannot be reached there.
"""

from __future__ import annotations

import re
import shlex

from imagetailor.errors import UsageError
from imagetailor.generate.plan import Copy, Plan, PlanContext, Run, cache_mounts, env_prefix
from imagetailor.generate.quoting import dockerfile_path, shell_word
from imagetailor.languages.facts import Constraint, Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.msbuild import (
    Project,
    newest_framework,
    read_projects,
    solutions,
)
from imagetailor.languages.plugin import Language
from imagetailor.languages.scan import is_test_path

APP_UID = "1654:1654"  # the `app` user of Microsoft's .NET 8+ images (chiseled ones included)
_SDK_VERSION = re.compile(r"^(\d+)\.(\d+)\.\d+")
# builder.Configuration["Db:Host"], config["Db:Host"], GetValue<int>("Workers"), GetConnectionString
_CONFIG_KEY = re.compile(
    r'\b[Cc]onfig(?:uration)?\s*\[\s*"([A-Za-z_][A-Za-z0-9_:]*)"\s*\]'
    r'|GetValue<[^>]{1,40}>\(\s*"([A-Za-z_][A-Za-z0-9_:]*)"'
)
_CONNECTION = re.compile(r'GetConnectionString\(\s*"([A-Za-z_][A-Za-z0-9_]*)"')
_SECTION = re.compile(r'GetSection\(\s*"([A-Za-z_][A-Za-z0-9_:]*)"')
_HOSTED = re.compile(r"\bAddHostedService<|\bBackgroundService\b|\bIHostedService\b")
_WEB = re.compile(r"\bWebApplication\.Create(?:Builder|SlimBuilder)?\b|\bUseKestrel\b")
# Roll-forward policies that stay on the pinned SDK's major.minor (the default is latestPatch).
_SAME_LINE = {"patch", "feature", "minor", "latestpatch", "latestfeature", "latestminor", "disable"}


def env_name(key: str) -> str:
    """A configuration key as the environment variable that sets it: ASP.NET Core's
    environment provider reads `__` as the section separator `:`."""
    return key.replace(":", "__")


def is_test_project(project: Project, language: Language) -> bool:
    packages = {str(p) for p in language.extra.get("test_packages", [])}
    suffixes = tuple(f".{s}" for s in language.extra.get("test_suffixes", []))
    return (
        project.flag("IsTestProject")
        or bool(packages & set(project.packages))
        or project.stem.endswith(suffixes)
    )


def app_kind(project: Project, language: Language) -> str:
    """web (ASP.NET Core), worker (a hosted service that keeps running), cli, or "" (a library)."""
    if project.sdk in language.extra.get("web_sdks", []) or (
        "Microsoft.AspNetCore.App" in project.frameworks
    ):
        return "web"
    if project.sdk in language.extra.get("worker_sdks", []):
        return "worker"
    if project.properties.get("OutputType", "").lower() in ("exe", "winexe"):
        return "cli"
    return ""


def _global_json(files: ProjectFiles) -> Constraint | None:
    data = files.json("global.json") or {}
    sdk = data.get("sdk") if isinstance(data.get("sdk"), dict) else {}
    version = str((sdk or {}).get("version") or "")
    match = _SDK_VERSION.match(version)
    if not match:
        return None
    line = f"{match.group(1)}.{match.group(2)}"
    policy = str((sdk or {}).get("rollForward") or "latestPatch")
    source = f"global.json sdk.version {version} (rollForward {policy})"
    if policy.lower() in _SAME_LINE:
        return Constraint("pep440", f"=={line}.*", source)
    return Constraint("pep440", f">={line}", source)


def _constraint(files: ProjectFiles, app: Project | None, facts: Facts) -> Constraint:
    pinned = _global_json(files)
    framework = newest_framework(app) if app is not None else ""
    if framework:
        # The deploy runtime must be the framework's line: a net8.0 app does not start on the
        # .NET 9 runtime (no major roll-forward by default), whatever SDK builds it.
        if pinned is not None and not _allows(pinned, framework):
            facts.note(
                f"{pinned.source} names another line than the target framework {framework}: "
                "the images follow the target framework (the runtime must match it)"
            )
        frameworks = app.target_frameworks() if app is not None else []
        field = "TargetFrameworks" if len(frameworks) > 1 else "TargetFramework"
        assert app is not None
        return Constraint("pep440", f"=={framework}.*", f"{app.path} {field} (newest)")
    return pinned or Constraint("any")


def _allows(constraint: Constraint, version: str) -> bool:
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(constraint.text).contains(version)


def _choose_app(projects: list[Project], language: Language, facts: Facts) -> Project | None:
    tests = [p for p in projects if is_test_project(p, language)]
    apps = [(p, app_kind(p, language)) for p in projects if p not in tests]
    apps = [(p, kind) for p, kind in apps if kind]
    if tests:
        facts.note(f"test projects (ci only): {', '.join(p.path for p in tests)}")
    if not apps:
        facts.unknowns.append(
            Unknown(
                "app.main",
                "no app project (Microsoft.NET.Sdk.Web, a Worker SDK or OutputType Exe)",
                projects[0].path if projects else "src/App/App.csproj",
            )
        )
        return None
    webs = [p for p, kind in apps if kind == "web"]
    candidates = webs or [p for p, _ in apps]
    if len(candidates) > 1:
        facts.choices["app.main"] = [p.path for p in candidates]
        facts.unknowns.append(
            Unknown(
                "app.main",
                f"several app projects: {', '.join(p.path for p in candidates)}",
                candidates[0].path,
            )
        )
        return None
    return candidates[0]


def detect(files: ProjectFiles, language: Language) -> Facts:
    facts = Facts("dotnet", "nuget")
    projects = read_projects(files)
    app = _choose_app(projects, language, facts)
    facts.runtime = _constraint(files, app, facts)
    roots = solutions(files)
    facts.manifests = manifests(files, language, projects)
    if any(m.endswith("packages.lock.json") for m in facts.manifests):
        facts.note("packages.lock.json: restore runs in locked mode (--locked-mode)")
    if files.exists("Directory.Packages.props"):
        facts.note("central package management (Directory.Packages.props)")
    texts = _sources(files, language)
    if app is not None:
        facts.main = app.path
        facts.name = (roots[0].rsplit(".", 1)[0] if roots else "") or app.assembly
        facts.start = ["dotnet", f"{app.assembly}.dll"]
        facts.start_source = f"{app.path} (AssemblyName {app.assembly})"
        kind = app_kind(app, language)
        code = [t for p, t in texts.items() if not app.folder or p.startswith(f"{app.folder}/")]
        if kind == "cli" and any(_HOSTED.search(t) for t in code):
            kind = "worker"
        if kind == "cli" and any(_WEB.search(t) for t in code):
            kind = "web"
        facts.kind = kind
        invariant = app.properties.get("InvariantGlobalization", "").lower() == "true"
        facts.note(
            "InvariantGlobalization: deploy on the plain chiseled image (no ICU)"
            if invariant
            else "no InvariantGlobalization: deploy on the chiseled-extra image (ICU, tzdata)"
        )
        if files.exists(f"{app.folder}/Properties/launchSettings.json" if app.folder else
                        "Properties/launchSettings.json"):  # fmt: skip
            facts.note("launchSettings.json applies to `dotnet run` on a workstation only")
    tests = [p for p in projects if is_test_project(p, language)]
    if tests:
        facts.test = "dotnet test" + (f" {shell_word(roots[0])}" if len(roots) == 1 else "")
    facts.config = config_names(list(texts.values()), facts)
    return facts


def manifests(files: ProjectFiles, language: Language, projects: list[Project]) -> list[str]:
    """What restore reads, at its path: the solution, every project and the files MSBuild and
    NuGet read beside them (Directory.*.props, global.json, NuGet.config, packages.lock.json)."""
    found = [m for m in language.manager("nuget").manifests if files.exists(m)]
    found += solutions(files)
    for project in projects:
        found.append(project.path)
        folder = f"{project.folder}/" if project.folder else ""
        for name in ("packages.lock.json", "Directory.Build.props", "Directory.Build.targets"):
            if files.exists(folder + name) and folder + name not in found:
                found.append(folder + name)
    return list(dict.fromkeys(found))


def _sources(files: ProjectFiles, language: Language) -> dict[str, str]:
    paths = files.walk(
        tuple(language.conventions.sources), frozenset(language.conventions.skip_dirs)
    )
    return {p: files.text(p) or "" for p in list(paths)[:400] if not is_test_path(p)}


def config_names(texts: list[str], facts: Facts) -> list[str]:
    """Configuration keys the code reads, as the environment names that set them; sections read
    whole (GetSection) are notes: their keys are the section's, `SECTION__KEY`."""
    found: list[str] = []
    sections: list[str] = []
    for text in texts:
        for match in _CONFIG_KEY.finditer(text):
            found.append(env_name(match.group(1) or match.group(2)))
        found += [f"ConnectionStrings__{m.group(1)}" for m in _CONNECTION.finditer(text)]
        sections += [env_name(m.group(1)) for m in _SECTION.finditer(text)]
    for section in dict.fromkeys(sections):
        facts.note(f"configuration section {section}: set it as {section}__KEY variables")
    return list(dict.fromkeys(found))


def _target(files: ProjectFiles) -> str:
    """What restore, build and test run on: the root solution, else "" (each project)."""
    roots = solutions(files)
    return roots[0] if len(roots) == 1 else ""


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    manager = language.manager(app.package_manager or language.default_manager)
    files = ProjectFiles(ctx.project)
    projects = {p.path: p for p in read_projects(files)}
    project = projects.get(app.main)
    if project is None:
        known = ", ".join(projects) or "none"
        raise UsageError(
            f"tailor.toml: app.main: {app.main!r} is not a project file of this project "
            f"(projects: {known}); fix: set main to the app's .csproj or .fsproj"
        )
    if any("$" in arg for arg in app.start[1:]):
        raise UsageError(
            "tailor.toml: app.start: a chiseled deploy image has no shell to expand $VARIABLES "
            "in arguments; fix: read them with Environment.GetEnvironmentVariable"
        )
    via_host = not app.start or app.start[0] == "dotnet"
    prefix = env_prefix(manager)
    mounts = cache_mounts(manager)
    locked = any(m.endswith("packages.lock.json") for m in app.manifests)
    target = _target(files)
    restore_on = [target] if target else list(projects)
    lock = " --locked-mode" if locked else ""
    restore = Run(
        tuple(f"{prefix} dotnet restore {shell_word(t)}{lock}" for t in restore_on),
        mounts,
        (
            "NuGet packages first, from the project files alone: a source edit keeps this",
            "layer. Downloads stay in the cache mount; the packages stay in the layer.",
        ),
    )
    main = shell_word(app.main)
    apphost = " -p:UseAppHost=false" if via_host else ""
    publish = Run(
        (f"dotnet publish {main} -c Release -o /app/publish --no-restore{apphost}",),
        (),
        ("Framework-dependent publish: the runtime comes with the deploy base.",),
    )
    assembly = project.assembly
    entry = (
        ["dotnet", f"/app/{dockerfile_path(assembly)}.dll", *app.start[2:]]
        if via_host
        else [f"/app/{dockerfile_path(assembly)}", *app.start[1:]]
    )
    web = app.kind == "web"
    extra = project.properties.get("InvariantGlobalization", "").lower() != "true"
    role = ("aspnet" if web else "runtime") + ("_extra" if extra else "")
    env = {"DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "false" if extra else "true"}
    if web and ctx.version.split(".")[0] in ("6", "7"):
        env["ASPNETCORE_URLS"] = f"http://+:{app.port}"  # before .NET 8: port 80 and no _PORTS
    elif web and app.port != 8080:
        env["ASPNETCORE_HTTP_PORTS"] = str(app.port)
    test = app.test or ("dotnet test" + (f" {shell_word(target)}" if target else ""))
    ci = shlex.split(test) if app.test else ["dotnet", "build", *([target] if target else [main])]
    if ci[:2] in (["dotnet", "test"], ["dotnet", "build"]) and "--no-restore" not in ci:
        ci.append("--no-restore")
    return Plan(
        workdir="/src",
        toolchain_note=".NET SDK (restore, build, ci's tests, dev's dotnet watch).",
        deploy_note=(
            "deploy runtime: Ubuntu Chiseled .NET (no shell, no package manager, user app 1654)."
        ),
        manifests=app.manifests,
        deps_env={"NUGET_PACKAGES": "/root/.nuget/packages", **manager.env},
        deps_env_note="Where restore put the packages, and the SDK's own switches (not config).",
        deps_all=[restore],
        build=[publish],
        deploy_kind="native" if extra else "default",
        deploy_role=role,
        deploy_user=APP_UID,
        deploy_copies=[Copy("/app/publish/", "/app/", "build")],
        deploy_env=env,
        deploy_env_note=(
            "How the runtime works, not configuration: globalization (ICU present or not)"
            + (" and the port." if len(env) > 1 else ".")
        ),
        deploy_workdir="/app",
        entrypoint=entry,
        entrypoint_note=(
            "ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT are set where the app runs, never here.",
        ),
        ci_cmd=ci,
        dev_cmd=["dotnet", "watch", "--project", app.main, "run", "--no-launch-profile"],
    )
