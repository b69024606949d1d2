"""``tailor audit``: judge many images, each by the purpose its ``dev.imagetailor.purpose`` label
names, reading each unique layer once.

1. Every image's manifest and config are read (small documents, several at once): its purpose,
   its config digest and its layers' diffIDs.
   Once a config has been read, what it says is kept by its digest, so a later audit reads
   only the manifest (audit/warm.py).
2. Rows already in the verdict store (audit/results.py) are taken from there.
3. The rest are analysed on ``jobs`` threads sharing one layer cache: an image waits while
   another is reading a layer it also has, so that layer is read once and replayed for both;
   images with the same config digest are judged once. Work thus grows with unique layers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from imagetailor.audit.results import VerdictStore, facts_key, verdict_key
from imagetailor.audit.warm import known_config
from imagetailor.errors import TailorError, one_line
from imagetailor.policy.settings import PolicySettings

if TYPE_CHECKING:
    from imagetailor.audit.layers import SharedLayerCache

PURPOSE_LABEL = "dev.imagetailor.purpose"
Settings = Callable[[str], PolicySettings]


@dataclass
class AuditRow:
    reference: str
    purpose: str | None = None
    purpose_from: str = "label"  # or "default"
    fit: bool | None = None  # None: the image could not be read or judged
    errors: int = 0  # findings of severity error
    findings: int = 0
    failed_rules: list[str] = field(default_factory=list)
    size_bytes: int | None = None
    wasted_bytes: int | None = None
    needed_bytes: int | None = None  # the start command's file closure, where known
    layers: int = 0
    config_digest: str | None = None
    cached: bool = False
    problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference, "purpose": self.purpose,
            "purpose_from": self.purpose_from, "fit": self.fit, "errors": self.errors,
            "findings": self.findings, "failed_rules": self.failed_rules,
            "size_bytes": self.size_bytes, "wasted_bytes": self.wasted_bytes,
            "needed_bytes": self.needed_bytes, "layers": self.layers,
            "config_digest": self.config_digest, "cached": self.cached, "problem": self.problem,
        }  # fmt: skip


@dataclass
class AuditResult:
    rows: list[AuditRow]
    unique_layers: int  # distinct diffIDs over all images read
    layer_uses: int  # layers over all images (a shared base counts once per image)
    layers_read: int  # layers actually read and parsed in this run
    cached_rows: int
    seconds: float

    def as_json(self) -> dict[str, Any]:
        fit = sum(1 for r in self.rows if r.fit)
        return {
            "schema_version": 1,
            "summary": {
                "images": len(self.rows), "fit": fit,
                "not_fit": sum(1 for r in self.rows if r.fit is False),
                "unreadable": sum(1 for r in self.rows if r.fit is None),
                "unique_layers": self.unique_layers, "layer_uses": self.layer_uses,
                "layers_read": self.layers_read, "cached_images": self.cached_rows,
                "seconds": round(self.seconds, 3),
            },
            "images": [r.as_json() for r in self.rows],
        }  # fmt: skip


@dataclass
class _Seen:
    """What step 1 learnt of one image."""

    row: AuditRow
    diff_ids: list[str] = field(default_factory=list)
    key: str | None = None


def _describe(
    reference: str, default_purpose: str, settings: Settings, store: VerdictStore, warm: bool
) -> _Seen:
    row = AuditRow(reference)
    try:
        known = known_config(reference, store) if warm else None
        if known is not None:
            row.config_digest, label, row.layers, diff_ids = known
        else:
            from imagetailor.image import open_image

            with open_image(reference) as image:
                labels = (image.config.get("config") or {}).get("Labels") or {}
                label = labels.get(PURPOSE_LABEL) if isinstance(labels, dict) else None
                row.config_digest = image.config_digest
                row.layers = len(image.layers)
                diff_ids = [layer.diff_id or layer.descriptor.digest for layer in image.layers]
            store.put(facts_key(row.config_digest), {
                "config_digest": row.config_digest, "label": label, "layers": row.layers,
                "diff_ids": diff_ids,
            })  # fmt: skip
        if isinstance(label, str) and label.strip():
            row.purpose = label.strip()
        else:
            row.purpose, row.purpose_from = default_purpose, "default"
        policy = settings(row.purpose)
    except TailorError as error:
        row.problem = one_line(str(error), 200)
        return _Seen(row)
    return _Seen(row, diff_ids, verdict_key(row.config_digest, row.purpose, policy))


def _judge(seen: _Seen, settings: Settings, cache: SharedLayerCache) -> None:
    from imagetailor.analysis import analyze
    from imagetailor.image import open_image
    from imagetailor.policy.evaluate import evaluate

    row = seen.row
    assert row.purpose is not None
    try:
        with open_image(row.reference) as image:
            if image.config_digest != row.config_digest:
                raise TailorError("the tag moved while the audit ran; audit it again")
            analysis = analyze(image, layer_cache=cache)
        policy = settings(row.purpose)
        report = evaluate(analysis, policy)
    except TailorError as error:
        row.problem = one_line(str(error), 200)
        return
    row.fit = report.fit
    row.errors = report.summary.error
    row.findings = report.summary.total
    row.failed_rules = sorted(
        {f.rule for f in report.findings if f.severity.rank >= policy.fail_on.rank}
    )
    row.size_bytes = analysis.size_bytes
    row.wasted_bytes = analysis.dive.wasted_bytes
    needed = getattr(analysis, "needed_bytes", None)  # the closure figure, once analyses have it
    row.needed_bytes = needed if isinstance(needed, int) else None


def _copy_verdict(row: AuditRow, stored: Mapping[str, Any]) -> None:
    for name in ("fit", "errors", "findings", "failed_rules", "size_bytes", "wasted_bytes",
                 "needed_bytes"):  # fmt: skip
        setattr(row, name, stored.get(name))
    row.failed_rules = list(row.failed_rules or [])
    row.errors = int(row.errors or 0)
    row.findings = int(row.findings or 0)


def audit(
    references: list[str],
    settings: Settings,
    *,
    default_purpose: str = "deploy",
    store: VerdictStore | None = None,
    jobs: int = 2,
    memory_bytes: int = 1024**3,
    layer_cache: SharedLayerCache | None = None,
    on_row: Callable[[AuditRow], None] | None = None,
) -> AuditResult:
    started = time.monotonic()
    store = store or VerdictStore(None)
    warm = store.holds_any()
    interval = sys.getswitchinterval()  # the in-process layer reader sets it per layer
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs) * 4) as pool:
            seen = list(pool.map(
                lambda r: _describe(r, default_purpose, settings, store, warm), references
            ))  # fmt: skip
        unique = {d for s in seen for d in s.diff_ids}
        uses = sum(len(s.diff_ids) for s in seen)
        todo: dict[str, list[_Seen]] = {}  # by verdict key: one judgement per config+purpose
        for item in seen:
            if item.key is None:
                continue
            stored = store.get(item.key)
            if stored is not None:
                _copy_verdict(item.row, stored)
                item.row.cached = True
            else:
                todo.setdefault(item.key, []).append(item)
        read = 0
        if todo:  # a warm audit judges nothing: the analysis is not even imported
            from imagetailor.audit.layers import RECORD_BYTES, SharedLayerCache

            cache = layer_cache or SharedLayerCache(max(1, memory_bytes // RECORD_BYTES))
            read = _judge_all(todo, settings, cache, max(1, jobs))
        for key, group in todo.items():
            first = group[0].row
            for other in group[1:]:
                other.row.fit, other.row.problem = first.fit, first.problem
                _copy_verdict(other.row, first.as_json())
            if first.fit is not None:
                store.put(key, first.as_json())
    finally:
        sys.setswitchinterval(interval)
    rows = [s.row for s in seen]
    if on_row is not None:
        for row in rows:
            on_row(row)
    return AuditResult(rows, len(unique), uses, read, sum(r.cached for r in rows),
                       time.monotonic() - started)  # fmt: skip


def _judge_all(
    todo: dict[str, list[_Seen]], settings: Settings, cache: SharedLayerCache, jobs: int
) -> int:
    """Judge one image per group, ``jobs`` at a time, never two reading the same layer at once;
    returns how many layers were read (not replayed)."""
    pending = [group[0] for group in todo.values()]
    reading: dict[Future[None], set[str]] = {}
    busy: set[str] = set()  # layers some running image reads now
    read = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while pending or reading:
            for item in list(pending):
                if len(reading) >= jobs:
                    break
                fresh = {d for d in item.diff_ids if d not in cache}
                if fresh & busy:
                    continue  # another image is reading one of its layers: wait for it
                pending.remove(item)
                busy.update(fresh)
                read += len(fresh)
                reading[pool.submit(_judge, item, settings, cache)] = fresh
            # Something runs (nothing busy means the first pending image could start).
            done, _ = wait(list(reading), return_when=FIRST_COMPLETED)
            for future in done:
                busy.difference_update(reading.pop(future))
                future.result()
    return read
