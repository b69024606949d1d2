"""The layer cache of one run: a layer two images share is read once, and the second image's
analysis (replayed from the cache) equals a fresh one."""

from __future__ import annotations

from imagetailor.analysis import analyze
from imagetailor.analysis.layercache import LayerCache
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, memory_image

BASE = LayerSpec([Dir("usr"), Dir("usr/bin"), File("usr/bin/tool", b"x" * 100, 0o755)])


def image(top: bytes) -> ImageSpec:
    return ImageSpec(
        [BASE, LayerSpec([Dir("app"), File("app/main", top, 0o755)])], cmd=["/app/main"]
    )


def test_shared_layers_are_read_once_and_replayed_identically() -> None:
    cache = LayerCache()
    first = analyze(memory_image(image(b"one")), layer_cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    second = analyze(memory_image(image(b"two!")), layer_cache=cache)
    assert (cache.hits, cache.misses) == (1, 3)  # the base layer came from the cache
    fresh = analyze(memory_image(image(b"two!")))
    assert second.model_dump() == fresh.model_dump()
    assert first.size_bytes == 103 and second.size_bytes == 104
