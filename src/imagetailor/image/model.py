"""The one Image interface every source produces (after go-containerregistry's v1.Image).

A source (docker-archive, OCI layout, daemon, registry) resolves a reference to an ``Image``:
the parsed manifest and config plus ``Layer`` objects that open verified, decompressed streams.
Analysis only ever sees this interface, so the same image read from any source analyses the same.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Any

# (bytes done, bytes expected): work a source does before the image can be read at all.
FetchProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Descriptor:
    """An OCI content descriptor: what a blob is, its digest and its declared size."""

    media_type: str
    digest: str
    size: int
    annotations: dict[str, str] = field(default_factory=dict)


class Layer(ABC):
    """One filesystem layer.

    ``descriptor`` describes the blob as stored (possibly compressed); ``diff_id`` is the digest of
    the uncompressed tar as listed in the config's ``rootfs.diff_ids``.
    """

    descriptor: Descriptor
    diff_id: str | None

    @abstractmethod
    def open(self) -> AbstractContextManager[IO[bytes]]:
        """Open the layer as an uncompressed tar stream.

        The stream is read once, front to back. Its digest is checked as it is read: reaching the
        end of a blob whose content does not match raises ``DigestMismatchError``.
        """


@dataclass
class Image:
    """A resolved single-platform image."""

    reference: str
    manifest: dict[str, Any]
    manifest_digest: str | None
    config: dict[str, Any]
    config_digest: str
    layers: list[Layer]
    close_hooks: list[Any] = field(default_factory=list, repr=False)
    # The config exactly as stored (its digest is config_digest): what a push uploads.
    config_bytes: bytes = field(default=b"", repr=False)

    def close(self) -> None:
        """Release temp files or connections the source holds for this image."""
        while self.close_hooks:
            self.close_hooks.pop()()

    def __enter__(self) -> Image:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def history(self) -> list[dict[str, Any]]:
        history = self.config.get("history") or []
        return [h for h in history if isinstance(h, dict)]

    def layer_history(self) -> Iterator[tuple[Layer, dict[str, Any] | None]]:
        """Pair each layer with the history entry that created it, skipping ``empty_layer`` ones.

        Extra history entries or missing ones (images built without history) pair with None.
        """
        non_empty = [h for h in self.history() if not h.get("empty_layer")]
        for index, layer in enumerate(self.layers):
            yield layer, non_empty[index] if index < len(non_empty) else None
