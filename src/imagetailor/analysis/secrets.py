"""Secrets in files (candidates only, size-bounded) and in the image config (Env, labels, history).

Files are chosen by name before any content is read; only their first ``max_file_bytes`` are
scanned. Secrets in every layer are reported, including layers whose file a later layer deleted:
the bytes still ship in the image. Excerpts never carry the secret itself.
"""

from __future__ import annotations

import re
from typing import Any

from imagetailor.analysis.candidates import SecretCandidates
from imagetailor.analysis.catalog import SecretCatalogue, SecretPattern, entropy, secret_catalogue
from imagetailor.analysis.model import SecretHit

MAX_HITS_PER_SOURCE = 10
EXCERPT_CHARS = 120


def redact(secret: str) -> str:
    """Enough to recognise which secret it is, never enough to use it."""
    if len(secret) <= 8:
        return "*" * len(secret)
    return secret[:4] + "*" * min(len(secret) - 4, 12)


def _excerpt(text: str, match: re.Match[str], group: str) -> str:
    start, end = match.span(group)
    if start < 0:
        shown = match.group(0)
    else:
        whole_start = match.start()
        shown = text[whole_start:start] + redact(match.group(group)) + text[end : match.end()]
    shown = shown.replace("\r", "").replace("\n", "\\n")
    return shown if len(shown) <= EXCERPT_CHARS else shown[: EXCERPT_CHARS - 1] + "…"


class SecretScanner:
    def __init__(self, catalogue: SecretCatalogue | None = None) -> None:
        self.catalogue = catalogue or secret_catalogue()
        self.candidates = SecretCandidates(self.catalogue)

    def wants(self, path: str) -> int:
        """Bytes to read of the file at ``path`` (relative to the root), 0 when not a candidate."""
        return self.candidates.wants(path)

    def _scan(
        self,
        text: str,
        location: str,
        path: str | None,
        layer: int | None,
        base: str | None,
        source_only: bool = False,
    ) -> list[SecretHit]:
        hits: list[SecretHit] = []
        taken: list[tuple[int, int]] = []
        for pattern in self.catalogue.patterns:
            if pattern.files_only and (base is None or base not in pattern.files_only):
                continue
            if source_only and not pattern.in_source:
                continue
            for match in pattern.regex.finditer(text):
                if not self._credible(match, pattern):
                    continue
                span = match.span(pattern.secret_group) if _has_group(match, pattern) else None
                span = span if span and span[0] >= 0 else match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue  # a more specific pattern already reported this secret
                taken.append(span)
                hits.append(
                    SecretHit(
                        kind=pattern.id,
                        description=pattern.description,
                        location=location,
                        path=path,
                        layer=layer,
                        excerpt=_excerpt(text, match, pattern.secret_group)
                        if _has_group(match, pattern)
                        else redact(match.group(0)),
                    )
                )
                if len(hits) >= MAX_HITS_PER_SOURCE:
                    return hits
        return hits

    def _credible(self, match: re.Match[str], pattern: SecretPattern) -> bool:
        secret = match.group(pattern.secret_group) if _has_group(match, pattern) else None
        secret = secret if secret is not None else match.group(0)
        if pattern.min_length and len(secret) < pattern.min_length:
            return False
        if pattern.min_entropy and entropy(secret) < pattern.min_entropy:
            return False
        if secret.lower() in self.catalogue.placeholders:
            return False
        # ${VAR}, $VAR and <placeholder> are references to a secret, not the secret.
        return not (secret.startswith(("$", "<", "{{")) or set(secret) <= {"*", "x", "X"})

    def scan_file(self, path: str, data: bytes, layer: int) -> list[SecretHit]:
        text = data.decode("utf-8", "replace")
        base = path.rsplit("/", 1)[-1]
        # A file chosen only as application source gets the unmistakable patterns alone.
        source_only = self.candidates.named_wants(path, base) == 0
        hits = self._scan(text, "file", "/" + path, layer, base, source_only)
        allowance = self.catalogue.allowance(path) if hits else None
        if allowance is not None:
            # Still reported, so nothing is silently skipped; the policy grades these apart.
            for hit in hits:
                hit.allowed_by = allowance.id
        return hits

    def scan_config(
        self, config: dict[str, Any], history: list[tuple[int | None, str]]
    ) -> list[SecretHit]:
        """Env entries, labels and history lines (layer index or None for empty layers)."""
        hits: list[SecretHit] = []
        inner = config.get("config") or {}
        for entry in inner.get("Env") or []:
            if isinstance(entry, str):
                name = entry.split("=", 1)[0]
                hits += self._scan(entry, "env", name, None, None)
        for key, value in sorted((inner.get("Labels") or {}).items()):
            hits += self._scan(f"{key}={value}", "label", str(key), None, None)
        for layer, created_by in history:
            hits += self._scan(created_by, "history", None, layer, None)
        return hits

    def redact_text(self, text: str) -> str:
        """The text with every secret the patterns find replaced by its redacted form (for
        history lines shown in reports)."""
        spans: list[tuple[int, int]] = []
        for pattern in self.catalogue.patterns:
            if pattern.files_only:
                continue
            for match in pattern.regex.finditer(text):
                if _has_group(match, pattern) and self._credible(match, pattern):
                    start, end = match.span(pattern.secret_group)
                    if start >= 0 and not any(start < e and s < end for s, e in spans):
                        spans.append((start, end))
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + redact(text[start:end]) + text[end:]
        return text

    def sensitive_env(self, name: str) -> bool:
        return any(p.match(name) for p in self.catalogue.sensitive_env_names)

    def looks_secret(self, value: str) -> bool:
        return bool(self._scan(value, "env", None, None, None))


def _has_group(match: re.Match[str], pattern: SecretPattern) -> bool:
    return pattern.secret_group in match.re.groupindex
