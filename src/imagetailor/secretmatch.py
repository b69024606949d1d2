"""The secret catalogue (data/secrets.toml) and the matching over it, free of pydantic.

`tailor inspect` (``analysis.secrets.SecretScanner``) and `tailor lint` (TL112, secrets in
ARG/ENV) decide "is this a secret" from this one module, so a pattern added to secrets.toml, or
to a user's ``TAILOR_SECRETS`` file, is seen by both. Lint imports it at start-up: it must stay
light (no models, no analysis package).
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError


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
    # Upper-case name endings of variables that point at a secret (DB_PASSWORD_FILE).
    reference_env_suffixes: tuple[str, ...] = ()

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
        reference_env_suffixes=tuple(
            str(s).upper() for s in data.get("reference_env_suffixes", [])
        ),
    )


def entropy(text: str) -> float:
    """Shannon entropy in bits per character: low for 'changeme', high for random keys."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


@dataclass(frozen=True)
class SecretMatch:
    """One credible secret found in a text: which pattern, the whole match, and the secret's
    own span (what a report redacts)."""

    pattern: SecretPattern
    match: re.Match[str]
    span: tuple[int, int]


def has_secret_group(match: re.Match[str], pattern: SecretPattern) -> bool:
    return pattern.secret_group in match.re.groupindex


def credible(catalogue: SecretCatalogue, match: re.Match[str], pattern: SecretPattern) -> bool:
    """Whether a pattern's match is a secret rather than a placeholder or a reference to one."""
    secret = match.group(pattern.secret_group) if has_secret_group(match, pattern) else None
    secret = secret if secret is not None else match.group(0)
    if pattern.min_length and len(secret) < pattern.min_length:
        return False
    if pattern.min_entropy and entropy(secret) < pattern.min_entropy:
        return False
    if secret.lower() in catalogue.placeholders:
        return False
    # ${VAR}, $VAR and <placeholder> are references to a secret, not the secret.
    return not (secret.startswith(("$", "<", "{{")) or set(secret) <= {"*", "x", "X"})


def find_secrets(
    catalogue: SecretCatalogue,
    text: str,
    base: str | None = None,
    source_only: bool = False,
    limit: int = 0,
) -> list[SecretMatch]:
    """The credible secrets in ``text``, one per secret: where two patterns cover the same
    secret, the one earlier in the catalogue names it. ``base`` is the file's base name
    (None outside files: patterns limited to some files are skipped); ``source_only`` keeps
    the patterns marked ``in_source``; ``limit`` (0: none) stops after that many."""
    found: list[SecretMatch] = []
    for pattern in catalogue.patterns:
        if pattern.files_only and (base is None or base not in pattern.files_only):
            continue
        if source_only and not pattern.in_source:
            continue
        for match in pattern.regex.finditer(text):
            if not credible(catalogue, match, pattern):
                continue
            span = match.span(pattern.secret_group) if has_secret_group(match, pattern) else None
            span = span if span and span[0] >= 0 else match.span()
            if any(span[0] < other.span[1] and other.span[0] < span[1] for other in found):
                continue  # a more specific pattern already reported this secret
            found.append(SecretMatch(pattern, match, span))
            if limit and len(found) >= limit:
                return found
    return found


def sensitive_name(catalogue: SecretCatalogue, name: str) -> bool:
    """Whether a variable or label name says its value is a secret (PASSWORD, *TOKEN*, ...)."""
    return any(p.match(name) for p in catalogue.sensitive_env_names)


def holds_secret_by_name(catalogue: SecretCatalogue, name: str) -> bool:
    """A sensitive name that does not merely point at a secret (DB_PASSWORD, not
    DB_PASSWORD_FILE): what lint reports for an ARG or ENV whatever its value."""
    reference = name.upper().endswith(catalogue.reference_env_suffixes)
    return not reference and sensitive_name(catalogue, name)


def value_carries_secret(catalogue: SecretCatalogue, name: str, value: str) -> bool:
    """Whether ``NAME=value`` (an Env entry, a label, an ARG default) carries a secret by its
    content: the catalogue's patterns run over it as over an image config's Env."""
    return bool(find_secrets(catalogue, f"{name}={value}", limit=1))
