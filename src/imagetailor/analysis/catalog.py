"""Loading the data catalogues the analysis matches against (tools, secret patterns).

The bundled file comes first; ``~/.config/imagetailor/NAME`` and the file named by an
environment variable (``TAILOR_TOOLS`` / ``TAILOR_SECRETS``) are merged over it, so users add
tools and patterns without touching code. Lists are joined, tables merged key by key, and
``[[pattern]]`` entries with the same ``id`` replace the bundled one.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

# The loader lives in a neutral module so lint and generate share it; re-exported here.
from imagetailor.catalogues import USER_CONFIG_DIR as USER_CONFIG_DIR
from imagetailor.catalogues import load_catalogue as load_catalogue
from imagetailor.errors import UsageError

# The secret catalogue and its matching live in a neutral, pydantic-free module so lint shares
# them without importing the analysis package; re-exported here.
from imagetailor.secretmatch import SecretAllowance as SecretAllowance
from imagetailor.secretmatch import SecretCatalogue as SecretCatalogue
from imagetailor.secretmatch import SecretPattern as SecretPattern
from imagetailor.secretmatch import _globs as _globs
from imagetailor.secretmatch import entropy as entropy
from imagetailor.secretmatch import secret_catalogue as secret_catalogue


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
