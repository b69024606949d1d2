"""Java's plan: build files first (with the wrapper), dependencies resolved into the layer from
a BuildKit cache, the application packaged without tests, and deploy as separate layers that a
code change mostly leaves alone:

- Spring Boot: the jar extracted into its four layers (dependencies, spring-boot-loader,
  snapshot-dependencies, application), copied in that order, started by Boot's launcher;
- Quarkus: its fast-jar (lib/, quarkus/, quarkus-run.jar, app/);
- anything else: the runtime classpath (lib/) first, then the application's own jar.

Deploy is distroless's Java runtime (no shell, nonroot); JAVA_TOOL_OPTIONS and the like are the
environment's business, never baked in.
"""

from __future__ import annotations

from imagetailor.errors import UsageError
from imagetailor.generate.plan import Copy, Plan, PlanContext, PreStage, Run, test_argv
from imagetailor.generate.quoting import shell_word
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.javabuild import Module, version_at_least

MAVEN_CACHE = "/var/cache/maven"
GRADLE_CACHE = "/var/cache/gradle"
JDWP = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:{port}"
# The jar a build made: one, and not the sources, javadoc, tests or Boot's plain jar.
_PICK = (
    "set -- $(find {dir} -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' "
    "! -name '*-javadoc.jar' ! -name '*-tests.jar' ! -name '*-plain.jar') && "
    '[ "$#" -eq 1 ] || {{ echo "expected one application jar in {dir}, found: $*" >&2; exit 1; }}'
)


def _module(ctx: PlanContext, files: ProjectFiles) -> Module:
    from imagetailor.languages.java import modules

    wanted = ctx.spec.app.main.strip("/") if ctx.spec.app.main not in ("", ".") else ""
    for module in modules(files):
        if module.folder == wanted:
            return module
    raise UsageError(
        f"tailor.toml: app.main: {ctx.spec.app.main!r} is not a module of the build; fix: set "
        "main to the application module's folder ('.' for a single-module build)"
    )


def _cache(target: str, name: str) -> tuple[str, ...]:
    # One cache per project: deps copies the cache into its layer, which must not carry other
    # projects' artifacts.
    return (f"type=cache,id={name}-{target.rsplit('/', 1)[-1]},target={target}",)


def _root_group(ctx: PlanContext) -> str:
    from imagetailor.languages.java import modules

    found = modules(ProjectFiles(ctx.project))
    return found[0].group if found else ""


def _maven(ctx: PlanContext, tool: str, module: Module) -> tuple[list[Run], list[Run], str]:
    name, boot = ctx.spec.app.name, module.framework
    pl = f" -pl {shell_word(module.folder)} -am" if module.folder else ""
    target = module.path("target")
    # The reactor's own modules are built, not downloaded: go-offline must not look for them.
    group = _root_group(ctx) if module.folder else ""
    skip = f" -DexcludeGroupIds={shell_word(group)}" if group else ""
    deps = Run(
        (
            f"{tool} -B -Dmaven.repo.local={MAVEN_CACHE} dependency:go-offline{skip}",
            f"mkdir -p /root/.m2/repository && cp -a {MAVEN_CACHE}/. /root/.m2/repository/",
        ),
        _cache(MAVEN_CACHE, name),
        (
            "Dependencies and plugins from the build files alone: a source edit keeps this",
            "layer. Downloads are cached; what was resolved is copied into the layer, so ci",
            "and dev run without a network.",
        ),
    )
    if boot == "io.quarkus":
        build = [f"{tool} -B -DskipTests package{pl}", f"cp -a {target}/quarkus-app/. /out/"]
    elif boot == "spring-boot":
        build = [
            f"{tool} -B -DskipTests package{pl}",
            _PICK.format(dir=target),
            'cp "$1" /tmp/app.jar',
        ]
    else:
        build = [
            f"{tool} -B -DskipTests package dependency:copy-dependencies "
            f"-DincludeScope=runtime{pl}",
            _PICK.format(dir=target),
            'mkdir /out/lib && cp "$1" /out/app.jar',
            f"if [ -d {target}/dependency ]; then cp {target}/dependency/*.jar /out/lib/; fi",
        ]
    return [deps], [Run(("mkdir -p /out", *build))], pl


def _gradle(ctx: PlanContext, tool: str, module: Module) -> tuple[list[Run], list[Run], str]:
    name = ctx.spec.app.name
    task = f":{module.folder.replace('/', ':')}:" if module.folder else ""
    g = f"{tool} --no-daemon"
    deps = Run(
        (
            f"GRADLE_USER_HOME={GRADLE_CACHE} {g} dependencies"
            + (f" {task}dependencies" if task else ""),
            f"mkdir -p /root/.gradle && cp -a {GRADLE_CACHE}/. /root/.gradle/ "
            "&& rm -rf /root/.gradle/daemon",
        ),
        _cache(GRADLE_CACHE, name),
        (
            "The wrapper's Gradle and the dependencies from the build files alone: a source",
            "edit keeps this layer. Downloads are cached; what was resolved is copied into the",
            "layer.",
        ),
    )
    libs = module.path("build/libs")
    if module.framework == "io.quarkus":
        quarkus = module.path("build/quarkus-app")
        build = [f"{g} {task}quarkusBuild -x test", f"cp -a {quarkus}/. /out/"]
    elif module.framework == "spring-boot":
        build = [f"{g} {task}bootJar -x test", _PICK.format(dir=libs), 'cp "$1" /tmp/app.jar']
    else:
        build = [
            f"{g} {task}installDist -x test",
            _PICK.format(dir=libs),
            'mkdir /out/lib && cp "$1" /out/app.jar && jar="$(basename "$1")"',
            f"for f in {module.path('build/install')}/*/lib/*.jar; do "
            '[ "$(basename "$f")" = "$jar" ] || cp "$f" /out/lib/; done',
        ]
    return [deps], [Run(("mkdir -p /out", *build))], task


def _dev(ctx: PlanContext, tool: str, module: Module, select: str, maven: bool) -> list[str]:
    port = ctx.language.layout.debug_port
    jdwp = JDWP.format(port=port)
    app = ctx.spec.app
    if module.framework == "spring-boot":
        if maven:
            return [*tool.split(), "-B", "spring-boot:run", *select.split(),
                    f"-Dspring-boot.run.jvmArguments={jdwp}"]  # fmt: skip
        return [tool, "--no-daemon", f"{select}bootRun", "--debug-jvm"]
    if module.framework == "io.quarkus":
        if maven:
            return [tool, "-B", "quarkus:dev", "-Dquarkus.http.host=0.0.0.0",
                    "-DdebugHost=0.0.0.0", f"-Ddebug={port}"]  # fmt: skip
        return [tool, "--no-daemon", f"{select}quarkusDev", "-Dquarkus.http.host=0.0.0.0",
                "-DdebugHost=0.0.0.0"]  # fmt: skip
    main_args = " ".join(shell_word(a) for a in app.start[3:])
    if maven:
        target = module.path("target")
        run = (
            f"{tool} -B -q -DskipTests package dependency:copy-dependencies "
            f"-DincludeScope=runtime{select} && exec java {jdwp} "
            f"-cp '{target}/classes:{target}/dependency/*' {main_args}"
        )
        return ["/bin/sh", "-c", run]
    return [tool, "--no-daemon", f"{select}run", "--debug-jvm"]


def _deploy(module: Module, layers: list[str]) -> list[Copy]:
    if module.framework == "spring-boot":
        return [Copy(f"/out/{layer}/", "/app/", "build") for layer in layers]
    if module.framework == "io.quarkus":
        return [
            Copy("/out/lib/", "/app/lib/", "build"),
            Copy("/out/quarkus/", "/app/quarkus/", "build"),
            Copy("/out/quarkus-run.jar", "/app/quarkus-run.jar", "build"),
            Copy("/out/app/", "/app/app/", "build"),
        ]
    return [Copy("/out/lib/", "/app/lib/", "build"), Copy("/out/app.jar", "/app/app.jar", "build")]


def plan(ctx: PlanContext) -> Plan:
    from imagetailor.languages.java import tool as tool_of

    spec, language = ctx.spec, ctx.language
    app = spec.app
    files = ProjectFiles(ctx.project)
    manager = app.package_manager or language.default_manager
    if manager not in language.managers:
        raise UsageError(f"tailor.toml: app.package_manager: {manager!r} is not maven or gradle")
    module = _module(ctx, files)
    if not app.start or app.start[0] != "java":
        raise UsageError(
            "tailor.toml: app.start: a Java app starts with the java launcher, e.g. "
            "['java', '-cp', 'app.jar:lib/*', 'com.example.Main']; fix: begin it with 'java'"
        )
    if any("$" in arg for arg in app.start[1:]):
        raise UsageError(
            "tailor.toml: app.start: the Java deploy image has no shell to expand $VARIABLES; "
            "fix: read them with System.getenv in the program"
        )
    plain = module.framework not in ("spring-boot", "io.quarkus")
    if plain and (app.start[1:3] != ["-cp", "app.jar:lib/*"] or len(app.start) < 4):
        raise UsageError(
            "tailor.toml: app.start: deploy runs the jar beside its runtime classpath: use "
            "['java', '-cp', 'app.jar:lib/*', MAIN_CLASS, ...]"
        )
    tool = tool_of(files, manager)
    maven = manager == "maven"
    deps, build, select = (_maven if maven else _gradle)(ctx, tool, module)
    layers = [str(layer) for layer in language.extra.get("boot_layers", [])]
    if module.framework == "spring-boot":
        tools_mode = version_at_least(module.boot_version, str(language.extra["boot_tools"]))
        extract = (
            "java -Djarmode=tools -jar /tmp/app.jar extract --layers --launcher --destination /out"
            if tools_mode
            else "java -Djarmode=layertools -jar /tmp/app.jar extract --destination /out"
        )
        build.append(Run((extract, "rm /tmp/app.jar"), (), (
            "Spring Boot's layers, each copied into deploy on its own: a code change re-pushes",
            "only application/.",
        )))  # fmt: skip
    pre: list[PreStage] = []
    copies: list[Copy] = []
    path: list[str] = []
    if tool == "gradle":  # no wrapper: Gradle from its image, on the same JDK
        pre = [PreStage("gradle", "gradle", "GRADLE_IMAGE", "Gradle, copied into the JDK image.")]
        copies = [Copy("/opt/gradle", "/opt/gradle", "gradle")]
        path = ["/opt/gradle/bin"]
    test = app.test or (
        f"{tool} -B -DskipTests verify" if maven else f"{tool} --no-daemon assemble"
    )
    return Plan(
        workdir="/src",
        toolchain_note="Eclipse Temurin JDK with Maven (build, ci, dev; a wrapper runs on it).",
        deploy_note="deploy runtime: distroless's Java (glibc, a JRE, CA certificates, nonroot).",
        pre_stages=pre,
        deps_copies=copies,
        path_prepend=path,
        manifests=[f"{m}/" if files.is_dir(m) else m for m in app.manifests],
        deps_all=deps,
        build=build,
        deploy_copies=_deploy(module, layers),
        deploy_workdir="/app",
        entrypoint=["/usr/bin/java", *app.start[1:]],
        entrypoint_note=("JAVA_TOOL_OPTIONS (heap, agents) belongs to the environment.",),
        ci_cmd=test_argv(test),
        dev_cmd=_dev(ctx, tool, module, select, maven),
        dev_ports=[language.layout.debug_port],
    )
