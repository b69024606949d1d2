"""Loading the data catalogues the analysis matches against (tools, secret patterns).

The bundled file comes first; ``~/.config/imagetailor/NAME`` and the file named by an
environment variable (``TAILOR_TOOLS`` / ``TAILOR_SECRETS``) are merged over it, so users add
tools and patterns without touching code. Lists are joined, tables merged key by key, and
``[[pattern]]`` entries with the same ``id`` replace the bundled one.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections import Counter
from dataclasses import dataclass, field

# The loader lives in a neutral module so lint and generate share it; re-exported here.
from imagetailor.catalogues import USER_CONFIG_DIR as USER_CONFIG_DIR
from imagetailor.catalogues import load_catalogue as load_catalogue
from imagetailor.errors import UsageError


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
    in_source: bool = False  # unmistakable enough to run over an app's source files


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
    # An app's own source files: by name (globs), under roots, minus excluded trees.
    source_file_globs: list[str] = field(default_factory=list)
    source_roots: list[re.Pattern[str]] = field(default_factory=list)
    source_exclude: list[re.Pattern[str]] = field(default_factory=list)
    source_max_file_bytes: int = 0

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
                    in_source=bool(item.get("in_source", False)),
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
        source_file_globs=[str(g) for g in data.get("source_files", [])],
        source_roots=_globs(data.get("source_roots", [])),
        source_exclude=_globs(data.get("source_exclude", [])),
        source_max_file_bytes=int(data.get("source_max_file_bytes", 256 << 10)),
    )


def entropy(text: str) -> float:
    """Shannon entropy in bits per character: low for 'changeme', high for random keys."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())
