"""Secrets in files (candidates only, size-bounded) and in the image config (Env, labels, history).

Files are chosen by name before any content is read; only their first ``max_file_bytes`` are
scanned. Secrets in every layer are reported, including layers whose file a later layer deleted:
the bytes still ship in the image. Excerpts never carry the secret itself.
"""

from __future__ import annotations

import re
from typing import Any

from imagetailor.analysis.candidates import SecretCandidates
from imagetailor.analysis.catalog import SecretCatalogue, SecretPattern, secret_catalogue
from imagetailor.analysis.model import SecretHit
from imagetailor.secretmatch import credible, find_secrets, has_secret_group, sensitive_name

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
        return [
            SecretHit(
                kind=found.pattern.id,
                description=found.pattern.description,
                location=location,
                path=path,
                layer=layer,
                excerpt=_excerpt(text, found.match, found.pattern.secret_group)
                if has_secret_group(found.match, found.pattern)
                else redact(found.match.group(0)),
            )
            for found in find_secrets(
                self.catalogue, text, base, source_only, limit=MAX_HITS_PER_SOURCE
            )
        ]

    def _credible(self, match: re.Match[str], pattern: SecretPattern) -> bool:
        return credible(self.catalogue, match, pattern)

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
                if has_secret_group(match, pattern) and self._credible(match, pattern):
                    start, end = match.span(pattern.secret_group)
                    if start >= 0 and not any(start < e and s < end for s, e in spans):
                        spans.append((start, end))
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + redact(text[start:end]) + text[end:]
        return text

    def sensitive_env(self, name: str) -> bool:
        return sensitive_name(self.catalogue, name)

    def looks_secret(self, value: str) -> bool:
        return bool(find_secrets(self.catalogue, value, limit=1))
