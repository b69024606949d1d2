"""Loading the data catalogues the analysis matches against (tools, secret patterns).

The bundled file comes first; ``~/.config/imagetailor/NAME`` and the file named by an
environment variable (``TAILOR_TOOLS`` / ``TAILOR_SECRETS``) are merged over it, so users add
tools and patterns without touching code. Lists are joined, tables merged key by key, and
``[[pattern]]`` entries with the same ``id`` replace the bundled one.
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError

USER_CONFIG_DIR = Path("~/.config/imagetailor")


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"cannot read catalogue {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"catalogue {path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge(old, value)
        elif key in ("pattern", "allow") and isinstance(old, list) and isinstance(value, list):
            ids = {item.get("id") for item in value if isinstance(item, dict)}
            merged[key] = [item for item in old if item.get("id") not in ids] + value
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [item for item in value if item not in old]
        else:
            merged[key] = value
    return merged


def load_catalogue(name: str, env_var: str) -> dict[str, Any]:
    bundled = resources.files("imagetailor.data").joinpath(name)
    data = tomllib.loads(bundled.read_text(encoding="utf-8"))
    user_file = USER_CONFIG_DIR.expanduser() / name
    if user_file.is_file():
        data = _merge(data, _load_toml(user_file))
    env_file = os.environ.get(env_var)
    if env_file:
        data = _merge(data, _load_toml(Path(env_file)))
    return data


class NameMatcher:
    """Exact names through a dict, fnmatch patterns through one compiled regex per value."""

    def __init__(self) -> None:
        self.exact: dict[str, list[str]] = {}
        self.patterns: list[tuple[re.Pattern[str], str]] = []

    def add(self, name: str, value: str) -> None:
        if any(ch in name for ch in "*?["):
            self.patterns.append((re.compile(fnmatch.translate(name)), value))
        else:
            self.exact.setdefault(name, [])
            if value not in self.exact[name]:
                self.exact[name].append(value)

    def match(self, name: str) -> list[str]:
        found = list(self.exact.get(name, ()))
        for pattern, value in self.patterns:
            if value not in found and pattern.match(name):
                found.append(value)
        return found


def normalize_dist(name: str) -> str:
    """PEP 503 name normalisation: 'Pytest_Cov' and 'pytest-cov' are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class ToolCatalogue:
    path_dirs: list[str]
    executables: NameMatcher = field(default_factory=NameMatcher)
    packages: NameMatcher = field(default_factory=NameMatcher)
    python: NameMatcher = field(default_factory=NameMatcher)
    npm: NameMatcher = field(default_factory=NameMatcher)
    directories: NameMatcher = field(default_factory=NameMatcher)
    categories: list[str] = field(default_factory=list)


def tool_catalogue() -> ToolCatalogue:
    data = load_catalogue("tools.toml", "TAILOR_TOOLS")
    catalogue = ToolCatalogue(path_dirs=[d.strip("/") for d in data.get("path_dirs", [])])
    for category, spec in sorted(data.get("categories", {}).items()):
        if not isinstance(spec, dict):
            raise UsageError(f"tool catalogue: category {category!r} must be a table")
        catalogue.categories.append(category)
        for key in ("executables", "packages", "npm", "directories"):
            for name in spec.get(key, []):
                getattr(catalogue, key).add(str(name), category)
        for name in spec.get("python", []):
            catalogue.python.add(normalize_dist(str(name)), category)
    return catalogue


@dataclass
class SecretPattern:
    id: str
    description: str
    regex: re.Pattern[str]
    secret_group: str
    min_entropy: float = 0.0
    min_length: int = 0
    files_only: list[str] = field(default_factory=list)


@dataclass
class SecretAllowance:
    """Paths whose secrets are known public fixtures (a toolchain's test keys), not leaks."""

    id: str
    description: str
    paths: list[re.Pattern[str]]


@dataclass
class SecretCatalogue:
    max_file_bytes: int
    candidate_files: list[re.Pattern[str]]
    candidate_paths: list[re.Pattern[str]]
    sensitive_env_names: list[re.Pattern[str]]
    patterns: list[SecretPattern]
    placeholders: frozenset[str] = frozenset()
    # The globs the two candidate lists were compiled from (for the scanner's quick pre-check).
    candidate_file_globs: list[str] = field(default_factory=list)
    candidate_path_globs: list[str] = field(default_factory=list)
    allow: list[SecretAllowance] = field(default_factory=list)

    def allowance(self, path: str) -> SecretAllowance | None:
        """The allow entry covering ``path`` (relative to the root), if any."""
        for entry in self.allow:
            if any(pattern.match(path) for pattern in entry.paths):
                return entry
        return None


def _globs(items: list[str], flags: int = 0) -> list[re.Pattern[str]]:
    return [re.compile(fnmatch.translate(item), flags) for item in items]


def secret_catalogue() -> SecretCatalogue:
    data = load_catalogue("secrets.toml", "TAILOR_SECRETS")
    patterns = []
    for item in data.get("pattern", []):
        try:
            patterns.append(
                SecretPattern(
                    id=item["id"],
                    description=item.get("description", item["id"]),
                    regex=re.compile(item["regex"]),
                    secret_group=item.get("secret_group", "secret"),
                    min_entropy=float(item.get("min_entropy", 0.0)),
                    min_length=int(item.get("min_length", 0)),
                    files_only=list(item.get("files_only", [])),
                )
            )
        except (KeyError, re.error, TypeError, ValueError) as exc:
            raise UsageError(f"secret catalogue: bad pattern {item.get('id')!r}: {exc}") from None
    allow = []
    for item in data.get("allow", []):
        try:
            allow.append(
                SecretAllowance(item["id"], item.get("description", item["id"]),
                                _globs([str(p) for p in item["paths"]]))
            )  # fmt: skip
        except (KeyError, TypeError) as exc:
            raise UsageError(
                f"secret catalogue: [[allow]] {item.get('id')!r} needs id and paths ({exc})"
            ) from None
    return SecretCatalogue(
        max_file_bytes=int(data.get("max_file_bytes", 1 << 20)),
        candidate_files=_globs(data.get("candidate_files", [])),
        candidate_paths=_globs(data.get("candidate_paths", [])),
        sensitive_env_names=_globs(data.get("sensitive_env_names", []), re.IGNORECASE),
        patterns=patterns,
        placeholders=frozenset(str(p).lower() for p in data.get("placeholders", [])),
        candidate_file_globs=[str(g) for g in data.get("candidate_files", [])],
        candidate_path_globs=[str(g) for g in data.get("candidate_paths", [])],
        allow=allow,
    )


def entropy(text: str) -> float:
    """Shannon entropy in bits per character: low for 'changeme', high for random keys."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())
