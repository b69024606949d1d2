"""Rules on size and waste (TP401-TP405): thresholds of the purpose's settings, off when the
setting is unset, and package managers' caches left in the image."""

from __future__ import annotations

from imagetailor.analysis.model import Analysis
from imagetailor.policy.rulebase import Evidence, PolicyRule
from imagetailor.policy.rulebase import image_rule as _rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.policy.sizes import format_size
from imagetailor.rules import Severity

TP401 = _rule(
    "TP401",
    Severity.ERROR,
    "Image is larger than allowed",
    "The purpose sets a size limit (max_size_bytes): bigger images pull and start slower and "
    "carry more to patch. Size here is the sum of the layers' file bytes, the figure dive "
    "calls image size.",
    "Look at `tailor inspect` for the biggest layers and files; move build-only files to a "
    "build stage.",
)


def _max_size(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    limit = settings.max_size_bytes
    if limit is None or analysis.size_bytes <= limit:
        return []
    biggest = max(analysis.layers, key=lambda layer: layer.size_bytes, default=None)
    where = "" if biggest is None else f"; the biggest layer is {biggest.index}"
    return [
        Evidence(
            f"image size {format_size(analysis.size_bytes)} ({analysis.size_bytes} bytes) is over "
            f"the limit {format_size(limit)} ({limit} bytes){where}",
            None,
            None if biggest is None else biggest.index,
        )
    ]


TP402 = _rule(
    "TP402",
    Severity.ERROR,
    "Image stores too many bytes it never uses",
    "Bytes written by one layer and overwritten or deleted by a later one still travel with "
    "the image (max_wasted_bytes). This is imagetailor's hidden-bytes figure, which counts "
    "only the hidden copies; dive's wasted bytes also count the copy that survives.",
    "Delete temporary files in the same RUN that created them, or build in a separate stage "
    "and COPY only the result.",
)


def _max_wasted(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    limit = settings.max_wasted_bytes
    hidden = analysis.hidden
    if limit is None or hidden.total_bytes <= limit:
        return []
    top = max(hidden.files, key=lambda f: f.size_bytes, default=None)
    detail = (
        ""
        if top is None
        else f"; the largest is {top.path} ({format_size(top.size_bytes)}), written by layer "
        f"{top.layer} and {top.how} by layer {top.hidden_by_layer}"
    )
    return [
        Evidence(
            f"{format_size(hidden.total_bytes)} ({hidden.total_bytes} bytes) never reach the final "
            f"file system, over the limit {format_size(limit)} ({limit} bytes){detail}",
            None if top is None else top.path,
            None if top is None else top.layer,
        )
    ]


TP403 = _rule(
    "TP403",
    Severity.ERROR,
    "Image has more layers than allowed",
    "Every layer is a separate download and a separate entry in the overlay file system; past "
    "a few dozen, pulls and container starts slow down (max_layers).",
    "Merge consecutive RUN instructions, and copy the final artefacts in one COPY.",
)


def _max_layers(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    limit = settings.max_layers
    count = len(analysis.layers)
    if limit is None or count <= limit:
        return []
    return [Evidence(f"{count} layers, over the limit of {limit}")]


TP404 = _rule(
    "TP404",
    Severity.WARNING,
    "Image efficiency is below the minimum",
    "dive's efficiency score (by dive's own definition, so `dive --ci` agrees) is the share "
    "of stored bytes that are not duplicated across layers (min_efficiency).",
    "Avoid writing the same paths in several layers: install and clean up in one RUN, and "
    "copy build outputs from a build stage.",
)


def _min_efficiency(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    minimum = settings.min_efficiency
    efficiency = analysis.dive.efficiency
    if minimum is None or efficiency >= minimum:
        return []
    return [Evidence(f"efficiency {efficiency:.4f} is below the minimum {minimum:.4f}")]


TP405 = _rule(
    "TP405",
    Severity.WARNING,
    "Package manager cache left in the image",
    "apt's package lists, pip's wheels, npm's _cacache, apk's, yarn's, pnpm's, composer's and "
    "others' caches (data/hygiene.toml) served one install and then travel with every pull; a "
    "stale apt list also makes a later `apt-get install` in a derived image fetch old "
    "versions. Any bytes in a cache directory are reported, with how many.",
    "Use a cache mount (RUN --mount=type=cache,target=/root/.cache/pip pip install ...), or "
    "clean up in the same RUN: rm -rf /var/lib/apt/lists/*, pip --no-cache-dir, "
    "npm cache clean --force, apk add --no-cache.",
)


def _caches(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return [
        Evidence(
            f"{cache.manager} cache {cache.path} holds {format_size(cache.size_bytes)} "
            f"({cache.size_bytes} bytes) in {cache.file_count} file(s)",
            cache.path,
            cache.layer,
        )
        for cache in analysis.hygiene.caches
    ]


SIZE_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP401, lambda s: s.max_size_bytes is not None, _max_size),
    PolicyRule(TP402, lambda s: s.max_wasted_bytes is not None, _max_wasted),
    PolicyRule(TP403, lambda s: s.max_layers is not None, _max_layers),
    PolicyRule(TP404, lambda s: s.min_efficiency is not None, _min_efficiency),
    PolicyRule(TP405, lambda s: True, _caches, ("DKL-DI-0005",)),
)
