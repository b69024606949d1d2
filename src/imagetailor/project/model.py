"""The ``tailor.toml`` model: what the app is, how it is built and run, and what each purpose adds.

Validation errors name the key and the fix (``spec_error``), so a typo is one line, not a trace.
The ``[policy]`` tables belong to ``tailor check`` (imagetailor.policy) and pass through untouched.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from imagetailor.catalogues import read_toml
from imagetailor.errors import UsageError
from imagetailor.project.bases import BaseMap, effective_base_map, parse_base_table

BUILTIN_PURPOSES = ("deploy", "ci", "local", "dev")
SPEC_FILE = "tailor.toml"
KINDS = ("web", "cli", "worker", "static", "fastcgi")

# OCI distribution: a repository name is path components of [a-z0-9]+ joined by . _ __ or -+,
# separated by /; a tag is [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. Our tags append -PURPOSE.
_NAME_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_NAME = re.compile(rf"^{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_PURPOSE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_PATH = re.compile(r"^[A-Za-z0-9._@+-][A-Za-z0-9._@+/-]*$")
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
MAX_NAME = 128  # repository name (the registry host comes on top in a full reference)
MAX_COMMAND = 4096

# How to fix each key when its value is refused; keyed by the dotted location pydantic reports.
FIXES: dict[str, str] = {
    "app.name": "use lower-case letters, digits and . _ - (an image repository name): 'shop-api'",
    "app.version": "use a tag: letters, digits, . _ - (e.g. '1.4.2'), at most 96 characters",
    "app.language": "use one of the supported languages (tailor init lists them)",
    "app.runtime_version": "give the version as digits and dots, e.g. '1.24', '3.13', '22'",
    "app.main": "name what is built: a Go package ('./cmd/api'), a Cargo binary ('server')",
    "app.workdir": "give the folder the start command runs in, e.g. 'packages/api'",
    "app.start": "give the start command as a list of words, e.g. ['gunicorn', 'app:app']",
    "app.build": "give the build command as one line, e.g. 'npm run build'",
    "app.kind": "use web (serves HTTP), cli (runs and exits), worker (keeps running), static "
    "or fastcgi (PHP-FPM behind nginx)",
    "app.port": "give the TCP port the app listens on, 1-65535",
    "app.test": "give the test command as one line, e.g. 'go test ./...'",
    "app.config": "list the environment variable NAMES the app reads, e.g. ['PORT', 'GREETING']",
    "app.manifests": "list paths inside the project, e.g. ['go.mod', 'go.sum']",
    "app.assets": "list folders inside the project read at run time, e.g. ['templates']",
    "app.package_manager": "use a package manager of the language (tailor init detects it)",
    "app.native": "list the dependencies with native addons, e.g. ['bcrypt']",
    "frontend.dir": "give the front end's folder relative to the project, e.g. 'web'",
    "frontend.output": "give the folder (inside frontend.dir) the build writes, e.g. 'dist'",
    "frontend.build": "give the package.json script that builds the front end, e.g. 'build'",
    "frontend.manager": "use npm, npm-unlocked, yarn, yarn-berry or pnpm",
    "deploy.platform": "name where the image runs, e.g. 'kubernetes', 'cloud-run', 'compose'",
    "generate": "give file names in the project folder, e.g. dockerfile = 'Dockerfile.tailor'",
    "purposes": "name purposes with lower-case letters, digits and '-'; each table may hold "
    "extends, tools",
    "bases": "give each upstream name a table: image = 'mirror/name:tag', family = apt|apk|none",
}


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{value[:40]!r} holds a control character (a newline, tab, ...)")
    return value


def _line(value: str) -> str:
    _no_control(value)
    if len(value) > MAX_COMMAND:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_COMMAND}")
    return value


def _relative_path(value: str) -> str:
    _no_control(value)
    value = value.removeprefix("./").rstrip("/") if value not in (".", "./") else "."
    parts = PurePosixPath(value).parts
    if not value or value.startswith("/") or ".." in parts or "//" in value:
        raise ValueError(f"{value!r} must be a relative path inside the project")
    if not _PATH.match(value):
        raise ValueError(f"{value!r}: a path may hold letters, digits and . _ @ + - /")
    return value


def _env_name(value: str) -> str:
    if "=" in value:
        raise ValueError(f"{value!r} carries a value: list names only, values are injected")
    if not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not an environment variable name")
    return value


def _word(value: str) -> str:
    if not _WORD.match(value) or len(value) > 64:
        raise ValueError(f"{value[:40]!r}: use letters, digits and . _ : + - (at most 64)")
    return value


Line = Annotated[StrictStr, AfterValidator(_line)]
RelPath = Annotated[StrictStr, AfterValidator(_relative_path)]
EnvName = Annotated[StrictStr, AfterValidator(_env_name)]
Word = Annotated[StrictStr, AfterValidator(_word)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSpec(_Strict):
    name: StrictStr
    version: StrictStr = "0.1.0"
    language: Word
    runtime_version: StrictStr
    # The command that starts the app, as run in the project folder (a list of words). Go: the
    # first word names the binary built from `main`.
    start: list[Line] = Field(default_factory=list, max_length=64)
    main: RelPath = "."  # what is built: Go's main package, Cargo's binary target
    workdir: RelPath = "."  # where the start command runs, inside the project (a workspace)
    kind: Literal["web", "cli", "worker", "static", "fastcgi"] = "web"
    port: StrictInt = Field(default=8080, ge=1, le=65535)
    build: Line = ""  # the project's build command, run in the build stage
    test: Line = ""
    package_manager: Word = ""
    config: list[EnvName] = Field(default_factory=list, max_length=256)
    # Manifests and lock files the dependency stage copies before any source.
    manifests: list[RelPath] = Field(default_factory=list, max_length=256)
    # Folders the app reads at run time (templates/, static/): copied into deploy.
    assets: list[RelPath] = Field(default_factory=list, max_length=64)
    cgo: StrictBool = False
    # Dependencies with native addons (node-gyp): a compiler in deps, their libraries in deploy.
    native: list[Word] = Field(default_factory=list, max_length=64)

    @model_validator(mode="before")
    @classmethod
    def _legacy_main(cls, data: Any) -> Any:
        """Files written before `start` existed: a Python or Node `main` becomes the start."""
        if not isinstance(data, dict) or data.get("language") == "go" or "start" in data:
            return data
        main = data.get("main")
        if not isinstance(main, str):
            return data
        data = {k: v for k, v in data.items() if k != "main"}
        if data.get("language") == "python":
            words = main.split()
            data["start"] = ["python", *words] if words[:1] == ["-m"] else ["python", main]
        elif data.get("language") == "node":
            data["start"] = ["node", main]
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > MAX_NAME:
            raise ValueError(f"is {len(value)} characters long; at most {MAX_NAME}")
        if not _NAME.match(value):
            raise ValueError(f"{value[:60]!r} is not a valid image repository name")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        # Room for the longest purpose suffix ('-' and 31 characters) within the 128 of a tag.
        if not _TAG.match(value) or len(value) > 96:
            raise ValueError(f"{value[:60]!r} is not a valid image tag")
        return value

    @field_validator("runtime_version")
    @classmethod
    def _runtime_version(cls, value: str) -> str:
        if not re.match(r"^\d{1,4}(\.\d{1,4}){0,2}$", value):
            raise ValueError(f"{value[:40]!r} is not a version number")
        return value

    @field_validator("start")
    @classmethod
    def _start(cls, value: list[str]) -> list[str]:
        if value and not value[0].strip():
            raise ValueError("the first word names the program to run and cannot be blank")
        return value


class FrontendSpec(_Strict):
    dir: RelPath
    build: Word = "build"
    output: RelPath = "dist"
    manager: Word = "npm"
    lockfile: StrictBool = True
    node: StrictStr = ""  # the Node line that builds it ("": the newest known)


class DeploySpec(_Strict):
    platform: Word = "kubernetes"
    # When the platform already collects metrics and logs, the deploy image gets no agent; when it
    # does not, the generator still keeps agents out and notes a sidecar instead.
    platform_collects_telemetry: StrictBool = True
    base: Literal["distroless", "scratch"] = "distroless"


def _file_name(value: str) -> str:
    """A generated file's name: one plain name in the project folder (not .git/..., not ../)."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", value):
        raise ValueError(
            f"{value[:40]!r}: a file name in the project folder, e.g. 'Dockerfile.tailor'"
        )
    return value


FileName = Annotated[StrictStr, AfterValidator(_file_name)]


class GenerateSpec(_Strict):
    """Where generated files go: other names when the project already has its own."""

    dockerfile: FileName = "Dockerfile"
    bake: FileName = "docker-bake.hcl"
    compose: FileName = "compose.yaml"


class PurposeSpec(_Strict):
    extends: StrictStr | None = None
    tools: list[Word] = Field(default_factory=list, max_length=64)


class BaseEntry(_Strict):
    image: StrictStr
    family: Literal["apt", "apk", "none"] | None = None  # None: judged by the upstream name


class Spec(_Strict):
    app: AppSpec
    frontend: FrontendSpec | None = None
    deploy: DeploySpec = Field(default_factory=DeploySpec)
    generate: GenerateSpec = Field(default_factory=GenerateSpec)
    purposes: dict[str, PurposeSpec] = Field(default_factory=dict)
    bases: dict[str, BaseEntry] = Field(default_factory=dict)
    # Read by `tailor check` (imagetailor.policy.settings); kept as given.
    policy: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Read by `tailor lint` (imagetailor.lint); kept as given.
    lint: dict[str, Any] = Field(default_factory=dict)

    def all_purposes(self) -> list[str]:
        """Built-in purposes first, then the project's own, in file order."""
        extra = [name for name in self.purposes if name not in BUILTIN_PURPOSES]
        return [*BUILTIN_PURPOSES, *extra]

    def base_purpose(self, purpose: str) -> str:
        """The built-in purpose a purpose is (itself, or what it extends)."""
        if purpose in BUILTIN_PURPOSES:
            return purpose
        entry = self.purposes.get(purpose)
        if entry is None or entry.extends is None:
            raise UsageError(
                f"unknown purpose {purpose[:40]!r}: use one of {', '.join(self.all_purposes())} "
                "or add [purposes.NAME] extends = ... to tailor.toml"
            )
        return entry.extends

    def tools_for(self, purpose: str, defaults: dict[str, list[str]]) -> list[str]:
        """The purpose's tools: an extended purpose adds its own to its base's, in order."""
        base = self.base_purpose(purpose)
        tools = list(self.purposes[base].tools if base in self.purposes else defaults[base])
        if purpose != base:
            tools += [t for t in self.purposes[purpose].tools if t not in tools]
        return tools

    def tag(self, purpose: str) -> str:
        if purpose == "deploy":
            return f"{self.app.name}:{self.app.version}"
        return f"{self.app.name}:{self.app.version}-{purpose}"


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def spec_error(exc: ValidationError, source: str) -> UsageError:
    """The first validation problem as one line: file, key, what is wrong, how to fix it."""
    first = exc.errors()[0]
    key = _location(first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "missing"
    fix = FIXES.get(key)
    if fix is None:
        for prefix in sorted(FIXES, key=len, reverse=True):
            if key.startswith(prefix):
                fix = FIXES[prefix]
                break
    if fix is None and first["type"] == "extra_forbidden":
        fix = "remove it or check its spelling (see the comments `tailor init` writes)"
    where = f"{source}: {key}" if key else source
    return UsageError(f"{where}: {message}" + (f"; fix: {fix}" if fix else ""))


def _check_purposes(spec: Spec, source: str) -> None:
    """Purpose names and `extends`: a project purpose extends a built-in one, nothing else."""
    builtins = ", ".join(BUILTIN_PURPOSES)
    for name, purpose in spec.purposes.items():
        where = f"{source}: purposes.{name}"
        if not _PURPOSE.match(name):
            raise UsageError(f"{where}: not a valid purpose name; fix: {FIXES['purposes']}")
        if name in BUILTIN_PURPOSES:
            if purpose.extends is not None:
                raise UsageError(
                    f"{where}.extends: a built-in purpose extends nothing; fix: remove extends"
                )
        elif purpose.extends not in BUILTIN_PURPOSES:
            got = "missing" if purpose.extends is None else repr(purpose.extends)
            raise UsageError(
                f"{where}.extends: {got}; "
                f"fix: say which built-in purpose it extends (extends = one of {builtins})"
            )


def parse_spec(data: dict[str, Any], source: str = SPEC_FILE) -> Spec:
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise spec_error(exc, source) from None
    _check_purposes(spec, source)
    _check_language(spec, source)
    return spec


def _check_language(spec: Spec, source: str) -> None:
    """The language is a registered plug-in and the package managers are its own."""
    from imagetailor import languages  # the plug-ins import this module

    app = spec.app
    if app.language not in languages.names():
        raise UsageError(
            f"{source}: app.language: {app.language!r} is not supported; "
            f"fix: use one of {', '.join(languages.names())}"
        )
    data = languages.plugin(app.language).data
    if app.package_manager and app.package_manager not in data.managers:
        raise UsageError(
            f"{source}: app.package_manager: {app.package_manager!r} is not a {data.title} "
            f"package manager; fix: use one of {', '.join(data.managers)}"
        )
    node = languages.plugin("node").data if "node" in languages.names() else None
    if (
        spec.frontend is not None
        and node is not None
        and spec.frontend.manager not in node.managers
    ):
        raise UsageError(
            f"{source}: frontend.manager: {spec.frontend.manager!r} unknown; "
            f"fix: use one of {', '.join(node.managers)}"
        )


def load_spec(path: Path) -> Spec:
    """Read and validate a tailor.toml; every problem is a one-line UsageError."""
    missing = f"{path} does not exist: run `tailor init` first"
    return parse_spec(read_toml(path, "spec file", missing=missing), str(path))


def load_project(directory: Path, base_map_flag: Path | None = None) -> tuple[Spec, BaseMap]:
    """The project's spec and its effective base map ([bases], TAILOR_BASE_MAP, --base-map)."""
    path = directory / SPEC_FILE
    spec = load_spec(path)
    table = {name: entry.model_dump(exclude_none=True) for name, entry in spec.bases.items()}
    return spec, effective_base_map(parse_base_table(table, str(path)), base_map_flag)
