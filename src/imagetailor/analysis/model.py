"""What one pass over an image finds. ``Analysis.model_dump(mode="json")`` is the documented
``tailor inspect --format json`` contract (see docs/json-contract.md): add fields, never rename."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LayerInfo(BaseModel):
    index: int
    digest: str = Field(description="digest of the blob as stored (compressed when compressed)")
    diff_id: str | None = Field(description="digest of the uncompressed tar")
    media_type: str
    compressed_size_bytes: int
    size_bytes: int = Field(description="sum of the sizes of the regular files the layer holds")
    tar_size_bytes: int = Field(description="length of the uncompressed tar stream")
    created_by: str | None = Field(description="the instruction that created the layer (history)")
    comment: str | None = None
    files_added: int = 0
    files_modified: int = 0
    files_removed: int = 0


class InefficientFile(BaseModel):
    """A path dive counts as wasted: it appears in two or more layers."""

    path: str
    count: int
    size_bytes: int


class DiveFigures(BaseModel):
    """dive's figures by dive's own definition (filetree/efficiency.go), so both agree."""

    efficiency: float
    wasted_bytes: int
    user_size_bytes: int
    wasted_user_percent: float
    inefficient_files: list[InefficientFile] = Field(default_factory=list)


class HiddenFile(BaseModel):
    """Bytes stored in a layer that never reach the final file system."""

    path: str
    size_bytes: int
    layer: int = Field(description="index of the layer that wrote the bytes")
    hidden_by_layer: int = Field(description="index of the layer that overwrote or deleted them")
    how: str = Field(description="'overwritten' or 'deleted'")
    created_by: str | None = None
    hidden_by_created_by: str | None = None


class HiddenBytes(BaseModel):
    total_bytes: int
    file_count: int = Field(default=0, description="all hidden files; `files` lists the biggest")
    files: list[HiddenFile] = Field(default_factory=list)


class FileInfo(BaseModel):
    """A path of the merged (final) file system."""

    path: str
    kind: str = Field(description="file, dir, symlink, hardlink, char, block, fifo")
    size_bytes: int
    mode: int
    uid: int
    gid: int
    layer: int
    link_target: str | None = None


class ToolHit(BaseModel):
    name: str
    category: str
    path: str | None = Field(description="where it is in the final tree; None for package-only")
    layer: int | None
    evidence: str = Field(description="'file', 'busybox-applet', 'package' or 'directory'")
    package: str | None = None


class PackageInfo(BaseModel):
    name: str
    version: str
    manager: str = Field(
        description="dpkg, apk, python, npm, composer, gem, maven, nuget or cargo "
        "(analysis/analyzers/)"
    )
    layer: int | None = None
    source: str | None = Field(
        default=None,
        description="the source package it was built from when the database says so (dpkg's "
        "Source:, apk's origin); distribution advisories name source packages",
    )
    purl: str | None = Field(default=None, description="package URL (purl-spec)")
    path: str | None = Field(
        default=None,
        description="the file that records it (ARCHIVE:INNER for a jar inside an archive)",
    )
    licenses: list[str] = Field(
        default_factory=list,
        description="licences as the package's own record declares them (an SPDX expression, "
        "a name, or Debian's short names from /usr/share/doc/PKG/copyright); empty: not said",
    )


class OsRelease(BaseModel):
    """The distribution, from /etc/os-release (or /usr/lib/os-release)."""

    id: str = Field(description="ID: debian, ubuntu, alpine, ...")
    version_id: str | None = Field(default=None, description="VERSION_ID: 12, 3.19.1, 22.04")
    version_codename: str | None = None
    pretty_name: str | None = None


class Vulnerability(BaseModel):
    """An installed package that an advisory of the offline database (OSV) says is affected."""

    id: str = Field(description="the advisory's id (OSV id: DSA-..., GHSA-..., PYSEC-...)")
    aliases: list[str] = Field(default_factory=list, description="other ids, e.g. CVE-...")
    package: str = Field(description="the installed package's name")
    version: str = Field(description="the installed version")
    manager: str
    ecosystem: str = Field(description="the advisory's ecosystem, e.g. Debian:12, PyPI")
    advisory_package: str = Field(description="the name the advisory uses (a source package)")
    fixed: str | None = Field(description="the first version that fixes it; null: no fix yet")
    severity: str = Field(description="critical, high, medium, low or unknown")
    score: float | None = Field(default=None, description="CVSS base score when computed")
    summary: str | None = None
    layer: int | None = Field(description="index of the layer that installed the package")
    suppressed_by: str | None = Field(
        default=None,
        description="why it does not count: 'ignore' (--ignore-vuln) or 'vex:FILE' "
        "(an OpenVEX statement not_affected/fixed); null when it counts",
    )


class VulnerabilityScan(BaseModel):
    """Which database the vulnerabilities come from, and how much of it was usable."""

    database: str = Field(description="the directory or zip given to --vuln-db")
    records: int = Field(description="OSV records read")
    skipped: int = Field(description="records that were malformed or too big, skipped")
    withdrawn: int = 0
    packages_checked: int = 0
    unmatched_managers: list[str] = Field(
        default_factory=list, description="package managers no ecosystem is known for"
    )


class SecretHit(BaseModel):
    kind: str = Field(description="catalogue id, e.g. private-key, aws-access-key, npm-token")
    description: str
    location: str = Field(description="'file', 'env', 'label' or 'history'")
    path: str | None = Field(description="file path, env name or label key")
    layer: int | None
    excerpt: str = Field(description="the match with its secret part redacted")
    allowed_by: str | None = Field(
        default=None,
        description="id of the [[allow]] entry of the secret catalogue that matched the path "
        "(known public test fixtures, e.g. a toolchain's testdata); null for a real finding",
    )


class StartProblem(BaseModel):
    kind: str = Field(description="target, library or interpreter")
    path: str
    message: str


class SetIdFile(BaseModel):
    """A file with the setuid or setgid bit: it runs with its owner's (group's) rights."""

    path: str
    mode: int
    uid: int
    gid: int
    bits: list[str] = Field(description="'setuid', 'setgid' or both")
    layer: int
    package: str | None = Field(
        default=None, description="the package whose file list holds it (dpkg, apk), if known"
    )


class WritablePath(BaseModel):
    """A file or directory any user may write, in a system directory (not below a sticky one)."""

    path: str
    kind: str = Field(description="file or dir")
    mode: int
    layer: int


class SensitiveFile(BaseModel):
    """A file whose name marks it as credentials or private settings (data/hygiene.toml)."""

    path: str
    kind: str = Field(description="catalogue id, e.g. dotenv, ssh-private-key, aws-credentials")
    description: str
    layer: int = Field(description="index of the layer that added it")
    deleted_by_layer: int | None = Field(
        default=None,
        description="a later layer deleted or replaced it: its bytes still ship in this layer",
    )


class PackageCache(BaseModel):
    """A package manager's download or index cache left in the final file system."""

    manager: str = Field(description="apt, apk, pip, npm, yarn, pnpm, composer, dnf, ...")
    path: str = Field(description="the cache directory")
    size_bytes: int
    file_count: int
    layer: int = Field(description="the layer that wrote most of its bytes")


class Hygiene(BaseModel):
    """What image-hygiene checkers (dockle) look at, found in the same pass. Each list holds at
    most 1000 entries; the counts are complete."""

    setid_files: list[SetIdFile] = Field(default_factory=list)
    setid_count: int = 0
    world_writable: list[WritablePath] = Field(default_factory=list)
    world_writable_count: int = 0
    sensitive_files: list[SensitiveFile] = Field(default_factory=list)
    caches: list[PackageCache] = Field(default_factory=list)


class ConfigSummary(BaseModel):
    os: str | None = None
    architecture: str | None = None
    user: str | None = None
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    workdir: str | None = None
    exposed_ports: list[str] = Field(default_factory=list)
    env_names: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(
        default_factory=dict, description="env values; values that look secret are redacted"
    )
    labels: dict[str, str] = Field(default_factory=dict)
    volumes: list[str] = Field(default_factory=list)
    healthcheck: list[str] | None = Field(
        default=None,
        description="the config's Healthcheck test (['CMD', ...], ['CMD-SHELL', ...] or "
        "['NONE']); null when the image has none",
    )
    entrypoint_path: str | None = Field(
        default=None, description="the program entrypoint/cmd runs, resolved in the final tree"
    )
    entrypoint_exists: bool | None = None
    entrypoint_executable: bool | None = None
    entrypoint_kind: str | None = Field(
        default=None, description="'elf', 'script' (#!) or 'other': what the entrypoint file is"
    )
    start_problems: list[StartProblem] = Field(
        default_factory=list,
        description="what stops the command from starting: a missing script, module or "
        "application, a shared library or program loader that does not resolve",
    )


class UnneededFolder(BaseModel):
    path: str = Field(description="a folder (at most three levels deep) of the final tree")
    size_bytes: int = Field(description="bytes below it the closure does not need")


class NeededBytes(BaseModel):
    """An estimate of what the start command needs (analysis/closure.py, docs/needed.md): the
    program, its loader and libraries, an interpreter's runtime and packages, the app's folder,
    certificates and time zones. Blind to dlopen, subprocesses and paths computed at run time."""

    needed_bytes: int = Field(description="bytes of the files the closure holds (an estimate)")
    file_count: int = Field(description="regular files (distinct contents) the closure holds")
    runtime: str | None = Field(description="python, node, ruby, php, java; null: none")
    smallest_base: str | None = Field(
        description="the smallest upstream base that would serve; null: cannot be judged"
    )
    base_reason: str
    libraries: list[str] = Field(description="file names of the shared objects it loads")
    unresolved: list[str] = Field(description="libraries or loaders that did not resolve")
    largest_unneeded: list[UnneededFolder]
    complete: bool = Field(description="false: an ELF object was not read whole")


class Analysis(BaseModel):
    schema_version: int = 1
    reference: str
    manifest_digest: str | None
    config_digest: str
    size_bytes: int = Field(
        description="sum of the layers' size_bytes (what dive calls image size)"
    )
    compressed_size_bytes: int
    final_size_bytes: int = Field(description="bytes of regular files in the merged file system")
    file_count: int = Field(description="entries in the merged file system")
    layers: list[LayerInfo]
    dive: DiveFigures
    hidden: HiddenBytes
    tools: dict[str, list[str]] = Field(description="category -> sorted paths/names found")
    tool_hits: list[ToolHit] = Field(default_factory=list)
    packages: list[PackageInfo] = Field(default_factory=list)
    os_release: OsRelease | None = None
    secrets: list[SecretHit] = Field(default_factory=list)
    config: ConfigSummary
    biggest_files: list[FileInfo] = Field(default_factory=list)
    hygiene: Hygiene = Field(
        default_factory=Hygiene,
        description="setuid/setgid files, world-writable system paths, sensitive files, "
        "package caches",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="oddities in the image data that did not stop the analysis "
        "(names that are not UTF-8, hard links without a target)",
    )
    vulnerability_scan: VulnerabilityScan | None = Field(
        default=None, description="set when --vuln-db was given; null: not scanned"
    )
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    needed: NeededBytes | None = Field(
        default=None, description="what the start command needs (null: no command)"
    )
