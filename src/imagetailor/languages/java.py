"""Java hooks: read a Maven or Gradle build (wrappers, modules, the application module, the Java
release, the main class, Spring Boot's port) into Facts; the plan is in javaplan.py.

What is started is described the way deploy runs it, from /app: Spring Boot's launcher over
its extracted layers (``java org.springframework.boot.loader.launch.JarLauncher``), a plain
application's jar beside its runtime classpath (``java -cp app.jar:lib/* com.example.Main``),
or Quarkus's ``java -jar quarkus-run.jar``.
"""

from __future__ import annotations

import re

from imagetailor.languages.facts import Constraint, Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.javabuild import (
    Module,
    gradle_modules,
    maven_modules,
    version_at_least,
)
from imagetailor.languages.javaplan import plan
from imagetailor.languages.plugin import Language

_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;?", re.MULTILINE)
_MAIN_METHOD = re.compile(r"\bpublic\s+static\s+void\s+main\s*\(|^\s*fun\s+main\s*\(", re.MULTILINE)
_SERVES = re.compile(
    r"com\.sun\.net\.httpserver|\bServerSocket\b|org\.eclipse\.jetty|io\.undertow|io\.javalin"
    r"|io\.vertx|io\.helidon|spark\.Spark|io\.ktor"
)
_YAML_PORT = re.compile(
    r"^server:\s*\n(?:[ \t]+.*\n)*?[ \t]+port:\s*(?:\$\{[A-Z_]+:)?(\d{2,5})", re.M
)
_SDKMAN = re.compile(r"^\s*java\s*=\s*(\d+)", re.MULTILINE)


def manager_of(files: ProjectFiles) -> str:
    return "maven" if files.exists("pom.xml") else "gradle"


def modules(files: ProjectFiles) -> list[Module]:
    return maven_modules(files) if manager_of(files) == "maven" else gradle_modules(files)


def tool(files: ProjectFiles, manager: str) -> str:
    """The build command: the project's wrapper when it has one."""
    if manager == "maven":
        return "./mvnw" if files.exists("mvnw") else "mvn"
    return "./gradlew" if files.exists("gradlew") else "gradle"


def launcher(module: Module, language: Language) -> str:
    moved = version_at_least(module.boot_version, str(language.extra["boot_launch_package"]))
    package = "launch." if moved else ""
    return f"org.springframework.boot.loader.{package}JarLauncher"


def _main_classes(files: ProjectFiles, module: Module) -> list[str]:
    """Classes with a main method under the module's src/main (package-qualified)."""
    found: list[str] = []
    for suffix in (".java", ".kt"):
        for path in files.walk((suffix,), frozenset({"target", "build", "test"})):
            if not path.startswith(module.path("src/main/")):
                continue
            text = files.text(path) or ""
            if not _MAIN_METHOD.search(text):
                continue
            package = _PACKAGE.search(text)
            stem = path.rsplit("/", 1)[-1].removesuffix(suffix)
            name = stem if suffix == ".java" else f"{stem}Kt"  # Kotlin's file class
            found.append(f"{package.group(1)}.{name}" if package else name)
    return found


def _release(files: ProjectFiles, chosen: Module | None, all_modules: list[Module]) -> Constraint:
    text = (files.text(".java-version") or "").strip()
    match = re.match(r"^(?:1\.)?(\d+)", text)
    if match:
        return Constraint("minimum", match.group(1), ".java-version")
    sdk = _SDKMAN.search(files.text(".sdkmanrc") or "")
    if sdk:
        return Constraint("minimum", sdk.group(1), ".sdkmanrc java")
    for module in [m for m in [chosen] if m] + all_modules:
        if module.release:
            return Constraint("minimum", module.release, module.release_source)
    return Constraint("any")


def _port(files: ProjectFiles, module: Module) -> tuple[int | None, str]:
    for name in ("application.properties", "application.yml", "application.yaml"):
        path = module.path(f"src/main/resources/{name}")
        text = files.text(path) or ""
        match = re.search(
            r"^\s*server\.port\s*[=:]\s*(?:\$\{[A-Z_]+:)?(\d{2,5})", text, re.MULTILINE
        ) or _YAML_PORT.search(text)
        if match:
            return int(match.group(1)), path
    return None, ""


def _choose(found: list[Module], facts: Facts) -> Module | None:
    """The application module: the one that starts (Boot, Quarkus, `application`, a main class);
    with several, the first Boot one, else the choice is the user's."""
    deployable = [m for m in found if m.deployable]
    if len(deployable) == 1:
        return deployable[0]
    booted = [m for m in deployable if m.framework]
    if len(booted) == 1:
        return booted[0]
    if deployable:
        facts.choices["app.main"] = [m.folder or "." for m in deployable]
        return deployable[0]
    return None


def detect(files: ProjectFiles, language: Language) -> Facts:
    manager = manager_of(files)
    found = modules(files)
    facts = Facts("java", manager)
    root = found[0] if found else None
    facts.manifests = [m for m in language.manager(manager).manifests if files.exists(m)]
    facts.manifests += [m.build_file for m in found if m.folder]
    if manager == "gradle" and files.is_dir("buildSrc"):
        facts.manifests.append("buildSrc")  # build logic the build scripts need
    wrapper = tool(files, manager)
    facts.note(
        f"{language.manager(manager).title}, built with {wrapper}"
        + (" (the project's wrapper)" if wrapper.startswith("./") else "")
    )
    facts.name = (root.name if root else "") or ""
    # A single module's name, or an application module named like its project, names the image.
    chosen = _choose(found, facts) if root else None
    if chosen is None:
        # Modules may still hold a main class the build files do not name.
        for module in found:
            classes = _main_classes(files, module)
            if module.packaging != "pom" and classes:
                chosen = module
                break
    facts.runtime = _release(files, chosen, found)
    if chosen is None:
        facts.unknowns.append(
            Unknown("app.start", "no application module (Spring Boot, application, main class)",
                    '["java", "-cp", "app.jar:lib/*", "com.example.Main"]')
        )  # fmt: skip
        return facts
    if len(found) > 1:
        facts.note(
            f"modules: {', '.join(m.folder or '.' for m in found)}; the application is "
            f"{chosen.folder or '.'}"
        )
    facts.main = chosen.folder or "."
    facts.version = chosen.version if "$" not in chosen.version else ""
    # Maven names the image after the application module; Gradle after rootProject.name.
    if manager == "maven" or not facts.name:
        facts.name = chosen.name
    if chosen.framework == "spring-boot":
        facts.start = ["java", launcher(chosen, language)]
        facts.start_source = f"Spring Boot {chosen.boot_version or '(version unsaid)'}: layered jar"
    elif chosen.framework == "io.quarkus":
        facts.start = ["java", "-jar", "quarkus-run.jar"]
        facts.start_source = "Quarkus fast-jar (target/quarkus-app)"
    else:
        classes = _main_classes(files, chosen)
        main = chosen.main_class or (classes[0] if len(classes) == 1 else "")
        if not main and classes:
            facts.choices["app.start"] = [f"java -cp app.jar:lib/* {c}" for c in classes]
        if main:
            facts.start = ["java", "-cp", "app.jar:lib/*", main]
            facts.start_source = (
                f"{chosen.build_file} main class" if chosen.main_class else f"main() in {main}"
            )
        else:
            facts.unknowns.append(
                Unknown("app.start", "no main class named in the build", '["java", "-cp", '
                        '"app.jar:lib/*", "com.example.Main"]')
            )  # fmt: skip
    texts = [files.text(p) or "" for p in list(files.walk((".java", ".kt")))[:400]]
    serves = bool(chosen.framework) or any(_SERVES.search(t) for t in texts)
    facts.kind = "web" if serves else "cli"
    port, source = _port(files, chosen)
    if port:
        facts.port, facts.port_source = port, source
        facts.note(f"port {port} from {source}")
    elif chosen.framework == "spring-boot":
        facts.note("Spring Boot listens on 8080 unless server.port says otherwise")
    if any(files.is_dir(m.path("src/test")) for m in found):
        facts.test = f"{wrapper} -B test" if manager == "maven" else f"{wrapper} --no-daemon test"
    if files.exists("src/main/resources/application.properties") or chosen.framework:
        facts.note("configuration comes from the environment at run time (never baked in)")
    return facts


__all__ = ["detect", "launcher", "manager_of", "modules", "plan", "tool"]
