"""Getting an Analysis for a command: analyse a reference (with a progress bar on stderr when
stderr is a terminal), or load one saved by `tailor inspect --format json`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from imagetailor.errors import UsageError

# The analysis, pydantic, the models and rich load only when used: a warm `tailor inspect
# --format json` needs none of them, and analyze() starts its layer workers before it imports
# the models, so for a cold one that import overlaps with reading the layers.
if TYPE_CHECKING:
    from rich.progress import TaskID

    from imagetailor.analysis import Progress
    from imagetailor.analysis.filetree import ImageFiles
    from imagetailor.analysis.model import Analysis
    from imagetailor.engine.endpoint import Endpoint
    from imagetailor.image.model import FetchProgress


@contextmanager
def analysis_progress(description: str) -> Iterator[Progress | None]:
    """Yields a callback for ``analyze(progress=...)``, or None when stderr is not a terminal
    (logs and pipes get no bar). The bar counts layers; the text shows bytes read so far."""
    with reading_progress(description) as (_, progress):
        yield progress


@contextmanager
def reading_progress(description: str) -> Iterator[tuple[FetchProgress | None, Progress | None]]:
    """Callbacks for the two phases of reading an image: fetching it (``open_image``'s
    ``fetch_progress``, e.g. the engine exporting it) and analysing it (``analyze``'s
    ``progress``). Both are None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    from imagetailor.policy.sizes import format_size

    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    fetch_task: list[TaskID] = []

    def fetched(done: int, expected: int) -> None:
        detail = f"{format_size(done)} of about {format_size(expected)}"
        if fetch_task:
            bar.update(fetch_task[0], completed=done, total=max(done, expected), detail=detail)
        else:
            fetch_task.append(
                bar.add_task(
                    f"exporting from the engine: {description}",
                    completed=done,
                    total=max(done, expected),
                    detail=detail,
                )
            )

    task = bar.add_task(description, total=None, detail="", visible=False)
    finished = [0]  # bytes of the layers already read
    current = [-1, 0]  # index and bytes of the layer being read

    def update(index: int, count: int, bytes_read: int) -> None:
        if index != current[0]:
            finished[0] += current[1]
            current[0] = index
        current[1] = bytes_read
        read = format_size(finished[0] + bytes_read)
        if fetch_task:
            bar.update(fetch_task[0], visible=False)
        bar.update(task, completed=index, total=count, visible=True,
                   detail=f"{index}/{count} layers, {read} read")  # fmt: skip

    with bar:
        yield fetched, update


def analyze_reference(
    reference: str,
    platform: str | None,
    endpoint: Endpoint | None = None,
    cache: bool = True,
) -> Analysis:
    """Open ``reference`` and analyse it in one pass (``endpoint``: a docker-daemon: engine;
    ``cache``: with the disk layer cache)."""
    found = _analyzed(reference, platform, cache, stored=False, endpoint=endpoint)
    assert not isinstance(found, str)
    return found


def inspect_json_or_analysis(
    reference: str, platform: str | None, endpoint: Endpoint | None = None
) -> str | Analysis:
    """`tailor inspect --format json`'s document of an image analysed before, straight from the
    cache (no models built: docs/cache.md), else the analysis, from the one opening."""
    return _analyzed(reference, platform, cache=True, stored=True, endpoint=endpoint)


def _analyzed(
    reference: str,
    platform: str | None,
    cache: bool,
    stored: bool,
    endpoint: Endpoint | None = None,
) -> str | Analysis:
    # Imported here: commands that only read saved analyses need neither sources nor analyzers.
    from imagetailor.image import open_image

    with (
        reading_progress(f"reading {reference}") as (fetched, progress),
        open_image(reference, platform, fetch_progress=fetched, endpoint=endpoint) as image,
    ):
        if stored:
            from imagetailor.analysis.resultcache import stored_json

            document = stored_json(image)
            if document is not None:
                return document
        from imagetailor.analysis import analyze
        from imagetailor.analysis.layercache import persistent_cache

        return analyze(image, progress=progress, layer_cache=persistent_cache(cache))


def analyze_reference_files(reference: str, platform: str | None) -> tuple[Analysis, ImageFiles]:
    """As ``analyze_reference``, with every path of every layer (`tailor explore`, `report`)."""
    from imagetailor.analysis import analyze
    from imagetailor.analysis.filetree import FileTreeRecorder
    from imagetailor.analysis.layercache import persistent_cache
    from imagetailor.image import open_image

    recorder = FileTreeRecorder()
    with (
        reading_progress(f"reading {reference}") as (fetched, progress),
        open_image(reference, platform, fetch_progress=fetched) as image,
    ):
        analysis = analyze(image, progress=progress, files=recorder, layer_cache=persistent_cache())
    assert recorder.files is not None  # analyze() always finishes what it was fed
    return analysis, recorder.files


# A saved analysis is a few MB even for big images; a much larger file is not one of ours.
MAX_ANALYSIS_FILE_BYTES = 512 * 1024 * 1024


def load_analysis(path: Path) -> Analysis:
    """An Analysis saved by `tailor inspect --format json`, validated against the model.
    ``-`` reads it from standard input (`tailor inspect REF --format json | tailor check ...`)."""
    if str(path) == "-":
        text = sys.stdin.buffer.read(MAX_ANALYSIS_FILE_BYTES + 1)
        if len(text) > MAX_ANALYSIS_FILE_BYTES:
            raise UsageError("standard input is too big to be a saved analysis")
        return _validated(text, "standard input")
    from imagetailor.untrusted import read_regular

    text = read_regular(path, "analysis file", MAX_ANALYSIS_FILE_BYTES)
    return _validated(text, str(path))


def _validated(text: bytes, where_from: str) -> Analysis:
    from pydantic import ValidationError

    from imagetailor.analysis.model import Analysis

    try:
        return Analysis.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise UsageError(
            f"{where_from} is not a saved analysis (`tailor inspect --format json`): "
            f"{where}: {first['msg']} ({exc.error_count()} problem(s))"
        ) from None
