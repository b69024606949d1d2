"""The ``tailor.toml`` model: what the app is, how it is built and run, and what each purpose adds.

Validation errors name the key and the fix (``spec_error``), so a typo is one line, not a trace.
The ``[policy]`` tables belong to ``tailor check`` (imagetailor.policy) and pass through untouched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from imagetailor.catalogues import read_toml
from imagetailor.errors import UsageError
from imagetailor.project.bases import BaseMap, effective_base_map, parse_base_table

BUILTIN_PURPOSES = ("deploy", "ci", "local", "dev")
LANGUAGES = ("go", "python", "node")
SPEC_FILE = "tailor.toml"

_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PURPOSE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")

# How to fix each key when its value is refused; keyed by the dotted location pydantic reports.
FIXES: dict[str, str] = {
    "app.name": "use lower-case letters, digits and . _ - (an image repository name): 'shop-api'",
    "app.version": "use a tag: letters, digits, . _ - (e.g. '1.4.2'), at most 101 characters",
    "app.language": "use one of: go, python, node",
    "app.runtime_version": "give the version as digits and dots, e.g. '1.19', '3.11', '18'",
    "app.main": "name the Go package ('./cmd/api'), Python script or '-m module', Node script",
    "app.port": "give the TCP port the app listens on, 1-65535",
    "app.test": "give the test command as one string, e.g. 'go test ./...'",
    "app.config": "list the environment variable NAMES the app reads, e.g. ['PORT', 'GREETING']",
    "frontend.dir": "give the front end's folder relative to the project, e.g. 'web'",
    "frontend.output": "give the folder (inside frontend.dir) the build writes, e.g. 'dist'",
    "frontend.build": "give the npm script that builds the front end, e.g. 'build'",
    "deploy.platform": "name where the image runs, e.g. 'kubernetes', 'cloud-run', 'compose'",
    "purposes": "name purposes with lower-case letters, digits and '-'; each table may hold "
    "extends, tools, base",
    "bases": "give each upstream name a table: image = 'mirror/name:tag', family = apt|apk|none",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSpec(_Strict):
    name: str
    version: str = "0.1.0"
    language: Literal["go", "python", "node"]
    runtime_version: str
    main: str = Field(description="Go package, Python script/module, or Node script to run")
    port: int = Field(ge=1, le=65535)
    test: str = ""
    config: list[str] = Field(default_factory=list)
    # Manifests and lock files the dependency stage copies before any source.
    manifests: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"{value!r} is not a valid image name")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _TAG.match(value):
            raise ValueError(f"{value!r} is not a valid image tag")
        return value

    @field_validator("runtime_version")
    @classmethod
    def _runtime_version(cls, value: str) -> str:
        if not re.match(r"^\d+(\.\d+){0,2}$", value):
            raise ValueError(f"{value!r} is not a version number")
        return value

    @field_validator("config")
    @classmethod
    def _config(cls, value: list[str]) -> list[str]:
        for name in value:
            if "=" in name:
                raise ValueError(f"{name!r} carries a value: list names only, values are injected")
            if not _ENV_NAME.match(name):
                raise ValueError(f"{name!r} is not an environment variable name")
        return value

    @field_validator("manifests")
    @classmethod
    def _manifests(cls, value: list[str]) -> list[str]:
        for path in value:
            if path.startswith("/") or ".." in Path(path).parts:
                raise ValueError(f"{path!r} must be a path inside the project")
        return value


class FrontendSpec(_Strict):
    dir: str
    build: str = "build"
    output: str = "dist"
    lockfile: bool = True

    @field_validator("dir", "output")
    @classmethod
    def _relative(cls, value: str) -> str:
        if not value or value.startswith("/") or ".." in Path(value).parts:
            raise ValueError(f"{value!r} must be a relative path inside the project")
        return value.rstrip("/")


class DeploySpec(_Strict):
    platform: str = "kubernetes"
    # When the platform already collects metrics and logs, the deploy image gets no agent; when it
    # does not, the generator still keeps agents out and notes a sidecar instead.
    platform_collects_telemetry: bool = True
    base: Literal["distroless", "scratch"] = "distroless"


class PurposeSpec(_Strict):
    extends: str | None = None
    tools: list[str] = Field(default_factory=list)


class BaseEntry(_Strict):
    image: str
    family: Literal["apt", "apk", "none"] | None = None  # None: judged by the upstream name


class Spec(_Strict):
    app: AppSpec
    frontend: FrontendSpec | None = None
    deploy: DeploySpec = Field(default_factory=DeploySpec)
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
                f"unknown purpose {purpose!r}: use one of {', '.join(self.all_purposes())} "
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
    return spec


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
