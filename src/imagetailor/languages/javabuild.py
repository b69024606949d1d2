"""Reading Java build files without running them: Maven's pom.xml (XML, properties resolved
within the file and its parent in the same project) and Gradle's build scripts (Groovy or Kotlin
DSL, read by pattern: a build script is a program, and imagetailor never runs project code).

Each module becomes a ``Module``: its folder, build file, name and version, the Java release it
asks for, whether it is a Spring Boot, Quarkus or `application` module, and its main class.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from imagetailor.languages.files import ProjectFiles

MAX_MODULES = 64


@dataclass
class Module:
    folder: str  # "" for the root
    build_file: str
    name: str = ""
    group: str = ""  # Maven's groupId (a module's own, else its parent's)
    version: str = ""
    packaging: str = "jar"
    release: str = ""  # the Java release the build asks for ("17"), "" when unsaid
    release_source: str = ""
    framework: str = ""  # "spring-boot" | "io.quarkus" | "io.micronaut" | ""
    boot_version: str = ""
    application: bool = False  # Gradle's application plugin (installDist, run)
    main_class: str = ""
    modules: list[str] = field(default_factory=list)  # folders of the modules it aggregates

    def path(self, relative: str) -> str:
        return f"{self.folder}/{relative}" if self.folder else relative

    @property
    def deployable(self) -> bool:
        """Builds something that starts: a Boot or Quarkus app, an application, a main class."""
        if self.packaging == "pom":
            return False
        return bool(self.framework or self.application or self.main_class)


# --- Maven -----------------------------------------------------------------------------------


def _xml(text: str) -> ET.Element | None:
    # A pom never needs a DTD: refusing one rules out entity expansion and external entities.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]  # Maven's POM namespace
    return root


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


_PROPERTY = re.compile(r"\$\{([^}]+)\}")


def _resolve(value: str, properties: dict[str, str]) -> str:
    for _ in range(5):  # properties naming properties, a few levels deep
        new = _PROPERTY.sub(lambda m: properties.get(m.group(1), m.group(0)), value)
        if new == value:
            break
        value = new
    return value


def _plugins(pom: ET.Element) -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    for path in ("build/plugins/plugin", "build/pluginManagement/plugins/plugin"):
        for plugin in pom.findall(path):
            found.setdefault(_text(plugin, "artifactId"), plugin)
    return found


def _dependencies(pom: ET.Element) -> list[str]:
    return [
        f"{_text(d, 'groupId')}:{_text(d, 'artifactId')}"
        for d in pom.findall("dependencies/dependency")
    ]


def maven_module(files: ProjectFiles, folder: str, inherited: dict[str, str]) -> Module | None:
    build_file = f"{folder}/pom.xml" if folder else "pom.xml"
    pom = _xml(files.text(build_file) or "")
    if pom is None:
        return None
    props = dict(inherited)
    for prop in pom.findall("properties/*"):
        if isinstance(prop.tag, str):
            props[prop.tag] = (prop.text or "").strip()
    parent = pom.find("parent")
    version = _text(pom, "version") or _text(parent, "version")
    props.setdefault("project.version", version)
    module = Module(folder, build_file)
    module.name = _text(pom, "artifactId")
    module.group = _text(pom, "groupId") or _text(parent, "groupId")
    module.version = _resolve(version, props)
    module.packaging = _text(pom, "packaging") or "jar"
    for key in ("maven.compiler.release", "maven.compiler.source", "java.version"):
        value = _resolve(props.get(key, ""), props)
        if re.fullmatch(r"(1\.)?\d+", value):
            module.release = value.removeprefix("1.") if value.startswith("1.") else value
            module.release_source = f"{build_file} {key}"
            break
    plugins = _plugins(pom)
    compiler = plugins.get("maven-compiler-plugin")
    configured = _text(compiler, "configuration/release") or _text(compiler, "configuration/source")
    if not module.release and re.fullmatch(r"\d+", _resolve(configured, props)):
        module.release = _resolve(configured, props)
        module.release_source = f"{build_file} maven-compiler-plugin"
    deps = _dependencies(pom)
    boot_parent = _text(parent, "artifactId") == "spring-boot-starter-parent"
    if boot_parent or "spring-boot-maven-plugin" in plugins:
        module.framework = "spring-boot"
        boot = plugins.get("spring-boot-maven-plugin")
        module.boot_version = _resolve(
            (_text(parent, "version") if boot_parent else "") or _text(boot, "version"), props
        )
        if "$" in module.boot_version:
            module.boot_version = ""
    elif "quarkus-maven-plugin" in plugins or any(d.startswith("io.quarkus:") for d in deps):
        module.framework = "io.quarkus"
    elif any(d.startswith("io.micronaut") for d in deps):
        module.framework = "io.micronaut"
    for candidate in (
        props.get("start-class", ""),
        _text(plugins.get("spring-boot-maven-plugin"), "configuration/mainClass"),
        _text(plugins.get("maven-jar-plugin"), "configuration/archive/manifest/mainClass"),
        _text(plugins.get("exec-maven-plugin"), "configuration/mainClass"),
        props.get("exec.mainClass", ""),
    ):
        value = _resolve(candidate, props)
        if value and "$" not in value:
            module.main_class = value
            break
    for entry in pom.findall("modules/module"):
        sub = (entry.text or "").strip().strip("/")
        if sub and ".." not in sub.split("/") and not sub.startswith("/"):
            module.modules.append(f"{folder}/{sub}" if folder else sub)
    return module


def maven_modules(files: ProjectFiles) -> list[Module]:
    """The root pom and every module it (and its modules) aggregate, breadth first."""
    found: list[Module] = []
    queue: list[tuple[str, dict[str, str]]] = [("", {})]
    seen: set[str] = set()
    while queue and len(found) < MAX_MODULES:
        folder, inherited = queue.pop(0)
        if folder in seen:
            continue
        seen.add(folder)
        module = maven_module(files, folder, inherited)
        if module is None:
            continue
        found.append(module)
        pom = _xml(files.text(module.build_file) or "")
        props = dict(inherited)
        if pom is not None:
            props.update({p.tag: (p.text or "").strip() for p in pom.findall("properties/*")})
        queue += [(sub, props) for sub in module.modules]
    # A module inherits its parent's Java release when it says none itself.
    root = found[0] if found else None
    for module in found[1:]:
        if root is not None and not module.release and root.release:
            module.release, module.release_source = root.release, root.release_source
    return found


# --- Gradle ----------------------------------------------------------------------------------

_STRING = r"""["']([^"'\n]+)["']"""
_INCLUDE = re.compile(r"^\s*include\s*\(?\s*((?:" + _STRING + r"\s*,?\s*)+)\)?", re.MULTILINE)
_ROOT_NAME = re.compile(r"rootProject\.name\s*=\s*" + _STRING)
_BOOT = re.compile(
    r"""id\s*\(?\s*["']org\.springframework\.boot["']\s*\)?(?:\s*version\s*\(?\s*["']([^"']+)["'])?"""
    r"""|apply\s+plugin\s*:\s*["']org\.springframework\.boot["']"""
)
_BOOT_DEP = re.compile(r"""org\.springframework\.boot:spring-boot-gradle-plugin:([\w.\-]+)""")
_APPLICATION = re.compile(
    r"""^\s*(?:application\s*$|id\s*\(?\s*["']application["']|apply\s+plugin\s*:\s*["']application["'])""",
    re.MULTILINE,
)
_QUARKUS = re.compile(r"""id\s*\(?\s*["']io\.quarkus["']""")
_MICRONAUT = re.compile(
    r"""id\s*\(?\s*["']io\.micronaut\.(?:application|minimal\.application)["']"""
)
_MAIN = re.compile(r"""mainClass(?:Name)?\s*(?:\.set\s*\(|=)\s*\(?\s*""" + _STRING)
_TOOLCHAIN = re.compile(r"JavaLanguageVersion\.of\(\s*[\"']?(\d+)[\"']?\s*\)")
_COMPAT = re.compile(
    r"""sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?(\d+)|["']?(?:1\.)?(\d+)["']?)"""
)
_VERSION = re.compile(r"^\s*version\s*=\s*" + _STRING, re.MULTILINE)


def _gradle_file(files: ProjectFiles, folder: str) -> str:
    for name in ("build.gradle.kts", "build.gradle"):
        path = f"{folder}/{name}" if folder else name
        if files.exists(path):
            return path
    return ""


def gradle_includes(files: ProjectFiles) -> list[str]:
    """settings.gradle[.kts]'s included projects as folders (':services:api' -> services/api)."""
    text = files.text("settings.gradle.kts") or files.text("settings.gradle") or ""
    found: list[str] = []
    for match in _INCLUDE.finditer(text):
        for name in re.findall(_STRING, match.group(1)):
            folder = name.strip(":").replace(":", "/")
            if folder and ".." not in folder.split("/") and folder not in found:
                found.append(folder)
    return found[:MAX_MODULES]


def gradle_module(files: ProjectFiles, folder: str) -> Module | None:
    build_file = _gradle_file(files, folder)
    if not build_file:
        return None
    text = files.text(build_file) or ""
    module = Module(folder, build_file, name=PurePosixPath(folder).name if folder else "")
    version = _VERSION.search(text)
    module.version = version.group(1) if version else ""
    boot = _BOOT.search(text) or _BOOT_DEP.search(text)
    if boot:
        module.framework = "spring-boot"
        module.boot_version = boot.group(1) or ""
    elif _QUARKUS.search(text):
        module.framework = "io.quarkus"
    elif _MICRONAUT.search(text):
        module.framework = "io.micronaut"
        module.application = True  # Micronaut's application plugin applies `application`
    module.application = module.application or bool(_APPLICATION.search(text))
    main = _MAIN.search(text)
    module.main_class = main.group(1) if main else ""
    toolchain = _TOOLCHAIN.search(text)
    compat = _COMPAT.search(text)
    if toolchain:
        module.release, module.release_source = toolchain.group(1), f"{build_file} toolchain"
    elif compat:
        module.release = compat.group(1) or compat.group(2)
        module.release_source = f"{build_file} sourceCompatibility"
    return module


def gradle_modules(files: ProjectFiles) -> list[Module]:
    found: list[Module] = []
    root = gradle_module(files, "")
    if root is None:  # a settings file alone (every build script in the projects)
        settings = (
            "settings.gradle.kts" if files.exists("settings.gradle.kts") else "settings.gradle"
        )
        root = Module("", settings)
    settings_text = files.text("settings.gradle.kts") or files.text("settings.gradle") or ""
    named = _ROOT_NAME.search(settings_text)
    root.name = named.group(1) if named else ""
    found.append(root)
    for folder in gradle_includes(files):
        module = gradle_module(files, folder)
        if module is not None:
            found.append(module)
    for module in found[1:]:
        if not module.release and root.release:
            module.release, module.release_source = root.release, root.release_source
        module.version = module.version or root.version
    return found


def version_at_least(version: str, minimum: str) -> bool:
    """Is a dotted version at least ``minimum``? An unknown version counts as the newest."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:3]]
    if not numbers:
        return True
    return numbers >= [int(n) for n in minimum.split(".")]
