"""Reading .NET project files (MSBuild XML: .csproj, .fsproj, .vbproj), solutions (.sln, .slnx)
and global.json, as far as choosing and building the app needs: no MSBuild evaluation, only the
literal properties, the SDK, package and project references, with Directory.Build.props'
properties as defaults.

Project files are the user's own, but read as untrusted input all the same: at most
ProjectFiles.MAX_READ bytes each, and a document with a DOCTYPE (entity declarations, which
MSBuild files never need) is not parsed at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from imagetailor.languages.files import ProjectFiles

PROJECT_SUFFIXES = (".csproj", ".fsproj", ".vbproj")
SOLUTION_SUFFIXES = (".sln", ".slnx")
_SKIP = frozenset({"bin", "obj", "node_modules", "TestResults", "packages", "artifacts"})
_TFM = re.compile(r"^net(?:coreapp)?(\d+)\.(\d+)(?:-[A-Za-z0-9.]+)?$")
# Project("{FAE04EC0-...}") = "Api", "src\Api\Api.csproj", "{...}"
_SLN_PROJECT = re.compile(r'^Project\("[^"]*"\)\s*=\s*"[^"]*"\s*,\s*"([^"]+)"', re.M)
_SLNX_PROJECT = re.compile(r'<Project\s+Path="([^"]+)"')


@dataclass
class Project:
    path: str  # relative to the project root, with /
    sdk: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    packages: list[str] = field(default_factory=list)  # PackageReference Include names
    references: list[str] = field(default_factory=list)  # ProjectReference paths (resolved)
    frameworks: list[str] = field(default_factory=list)  # FrameworkReference names

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def folder(self) -> str:
        parent = str(PurePosixPath(self.path).parent)
        return "" if parent == "." else parent

    @property
    def assembly(self) -> str:
        return self.properties.get("AssemblyName") or self.stem

    def flag(self, name: str) -> bool:
        return self.properties.get(name, "").strip().lower() == "true"

    def target_frameworks(self) -> list[str]:
        value = self.properties.get("TargetFrameworks") or self.properties.get(
            "TargetFramework", ""
        )
        return [t.strip() for t in value.split(";") if t.strip()]


def _local(tag: str) -> str:
    """An element's name without its XML namespace (old-style projects have one)."""
    return tag.rsplit("}", 1)[-1]


def parse_xml(text: str) -> ET.Element | None:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None
    try:
        return ET.fromstring(text)
    except ET.ParseError:
        return None


def properties(root: ET.Element) -> dict[str, str]:
    """Every literal property of the file's PropertyGroups (the last one wins, as in MSBuild);
    values that refer to other properties ($(...)) are kept as written."""
    found: dict[str, str] = {}
    for group in root:
        if _local(group.tag) != "PropertyGroup":
            continue
        for prop in group:
            if isinstance(prop.tag, str) and prop.text is not None:
                found[_local(prop.tag)] = prop.text.strip()
    return found


def _normal(folder: str, include: str) -> str:
    """A path written in a project file (backslashes, ..) relative to the root, or ""."""
    parts: list[str] = [p for p in folder.split("/") if p]
    for part in include.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return ""  # outside the project: not ours to read
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def read_project(files: ProjectFiles, path: str, defaults: dict[str, str]) -> Project | None:
    root = parse_xml(files.text(path) or "")
    if root is None or _local(root.tag) != "Project":
        return None
    project = Project(path, sdk=root.get("Sdk", "").split("/")[0].strip())
    for child in root.iter():
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        include = (child.get("Include") or "").strip()
        if name == "Sdk" and not project.sdk:
            project.sdk = (child.get("Name") or "").strip()
        elif name == "PackageReference" and include:
            project.packages.append(include)
        elif name == "FrameworkReference" and include:
            project.frameworks.append(include)
        elif name == "ProjectReference" and include:
            resolved = _normal(project.folder, include)
            if resolved:
                project.references.append(resolved)
    project.properties = {**defaults, **properties(root)}
    return project


def build_props(files: ProjectFiles, folder: str) -> dict[str, str]:
    """Directory.Build.props properties that apply in ``folder``: MSBuild imports the nearest
    one; each may import its parent's, so the nearest wins over the ones above it."""
    merged: dict[str, str] = {}
    parts = [p for p in folder.split("/") if p]
    for depth in range(len(parts) + 1):
        prefix = "/".join(parts[:depth])
        path = f"{prefix}/Directory.Build.props" if prefix else "Directory.Build.props"
        root = parse_xml(files.text(path) or "") if files.exists(path) else None
        if root is not None:
            merged.update(properties(root))
    return merged


def project_paths(files: ProjectFiles) -> list[str]:
    return list(files.walk(PROJECT_SUFFIXES, _SKIP))


def solutions(files: ProjectFiles) -> list[str]:
    """Solution files at the root (a .slnx is the newer XML form of a .sln)."""
    return [n for n in files.root_names if n.endswith(SOLUTION_SUFFIXES) and files.exists(n)]


def solution_members(files: ProjectFiles, solution: str) -> list[str]:
    text = files.text(solution) or ""
    pattern = _SLNX_PROJECT if solution.endswith(".slnx") else _SLN_PROJECT
    found = []
    for match in pattern.finditer(text):
        path = _normal("", match.group(1))
        if path.endswith(PROJECT_SUFFIXES) and files.exists(path) and path not in found:
            found.append(path)
    return found


def read_projects(files: ProjectFiles) -> list[Project]:
    """The projects of the root solution (the first one, when there is one), else every project
    file below the root."""
    roots = solutions(files)
    paths = solution_members(files, roots[0]) if roots else []
    if not paths:
        paths = project_paths(files)
    found = []
    for path in paths[:200]:
        folder = str(PurePosixPath(path).parent)
        project = read_project(files, path, build_props(files, "" if folder == "." else folder))
        if project is not None:
            found.append(project)
    return found


def framework_version(tfm: str) -> str:
    """net8.0 -> 8.0, net8.0-windows -> 8.0, netcoreapp3.1 -> 3.1; "" for netstandard2.0,
    net48 and other frameworks that are not .NET (Core)."""
    match = _TFM.match(tfm.strip())
    return f"{match.group(1)}.{match.group(2)}" if match else ""


def newest_framework(project: Project) -> str:
    versions = [v for v in (framework_version(t) for t in project.target_frameworks()) if v]
    return max(versions, key=lambda v: tuple(int(p) for p in v.split(".")), default="")
