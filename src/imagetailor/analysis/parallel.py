"""Layers read by forked worker processes, handed back to the analysis in layer order.

Why processes: parsing tar headers is Python work that holds the GIL, and so is the merge of the
layers into one tree. Forked workers read, verify and parse layers on the other cores while the
parent merges the layers already done (and imports the models meanwhile). A worker sends back a
compact ``LayerScan`` (pickled, a few bytes per path), so memory still grows with paths only.

Only sources whose layers a child can open again by itself use workers: files on disk (archives,
layouts, and the daemon's spooled archive). A registry source holds an HTTP client whose sockets
must not be shared across a fork: it is read in process, as is anything when ``TAILOR_WORKERS``
is 1 or the machine has one core.

Errors keep their meaning: a ``TailorError`` raised in a worker is pickled and raised again by
the parent (same class, same one line) when the analysis reaches that layer, so the first bad
layer in order is the one reported, as in a sequential read.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable, Iterator

from imagetailor.analysis.candidates import SecretCandidates
from imagetailor.analysis.layercache import LayerCache
from imagetailor.analysis.layerscan import LayerScan, ScannedEntry, scan_batches, scan_layer
from imagetailor.errors import TailorError
from imagetailor.image.model import Image, Layer

LayerProgress = Callable[[int, int], None]  # (layer index, bytes read in that layer)
FILE_TRANSPORTS = ("docker-archive", "oci", "oci-archive", "docker-daemon")
MAX_WORKERS = 2
# All task indexes are written into one pipe before the workers start reading: stay far below
# the 64 KiB a pipe holds (a real image has at most a few hundred layers).
MAX_PARALLEL_LAYERS = 4096
_HEADER = 8  # bytes of the length prefix of each message
WORKER_SWITCH_INTERVAL = 0.0001  # seconds (see _child)


def worker_count(image: Image) -> int:
    """How many worker processes suit this image (0: read it in process)."""
    setting = os.environ.get("TAILOR_WORKERS", "").strip()
    wanted = int(setting) if setting.isdigit() else min(MAX_WORKERS, os.cpu_count() or 1)
    if wanted < 2 or not 2 <= len(image.layers) <= MAX_PARALLEL_LAYERS or not hasattr(os, "fork"):
        return 0
    from imagetailor.image.reference import parse_reference

    try:
        transport = parse_reference(image.reference).transport
    except TailorError:
        return 0  # an Image built by hand (tests): its layers may be anything
    return min(wanted, len(image.layers)) if transport in FILE_TRANSPORTS else 0


class LayerFeed:
    """One layer as the merge consumes it: ``batches()`` (or ``entries()``) yields its members
    as they arrive (from a worker, while the layer is still being read); once it is exhausted,
    ``scan`` holds the layer's totals, secret candidates and warnings."""

    def __init__(
        self,
        index: int,
        batches: Iterator[list[ScannedEntry]],
        scan_of: Callable[[], LayerScan] | None = None,
    ) -> None:
        self.index = index
        self._batches = batches
        self._scan = LayerScan(index)
        self._scan_of = scan_of  # another feed's scan, for a feed that records that one

    @property
    def scan(self) -> LayerScan:
        return self._scan_of() if self._scan_of is not None else self._scan

    @scan.setter
    def scan(self, value: LayerScan) -> None:
        self._scan = value

    def batches(self) -> Iterator[list[ScannedEntry]]:
        return self._batches

    def entries(self) -> Iterator[ScannedEntry]:
        for batch in self._batches:
            yield from batch


class LayerScans:
    """Every layer, in layer order: ``with LayerScans(...) as scans: for feed in scans``.

    Workers start when the object is made, so the caller can do other work (imports) while
    they read; leaving the ``with`` block stops any that are still running."""

    def __init__(
        self,
        image: Image,
        secrets: SecretCandidates,
        progress: LayerProgress | None = None,
        cache: LayerCache | None = None,
        digests: bool = False,
    ) -> None:
        self._image = image
        self._secrets = secrets
        self._progress = progress
        self._cache = cache
        self._digests = digests
        # Layers another image of this run already read are replayed, not read again.
        self._todo = [
            i
            for i, layer in enumerate(image.layers)
            if cache is None or layer.diff_id is None or not cache.has(layer.diff_id, digests)
        ]
        workers = worker_count(image) if len(self._todo) >= 2 else 0
        self._pool = _Pool(image, secrets, workers, self._todo, digests) if workers else None

    def __iter__(self) -> Iterator[LayerFeed]:
        try:
            for index in range(len(self._image.layers)):
                yield self._feed(index)
        finally:
            if self._pool is not None:
                self._pool.stop()

    def _feed(self, index: int) -> LayerFeed:
        diff_id = self._image.layers[index].diff_id
        cache = self._cache if diff_id is not None else None
        cached = (
            cache.get(diff_id, self._digests) if cache is not None and diff_id is not None else None
        )
        if cached is not None:
            batches, scan = cached
            feed = LayerFeed(index, iter(batches))
            feed.scan = scan
            return feed
        feed = (
            self._pool.feed(index, self._progress)
            if self._pool is not None
            else self._in_process(index)
        )
        if cache is None or diff_id is None:
            return feed

        def scan_of() -> LayerScan:
            return feed.scan

        return LayerFeed(index, cache.recording(diff_id, feed.batches(), scan_of), scan_of)

    def _in_process(self, index: int) -> LayerFeed:
        progress = self._progress

        def report(done: int) -> None:
            if progress is not None:
                progress(index, done)

        def batches() -> Iterator[list[ScannedEntry]]:
            # As in a worker (see _child), but the interval is process-wide here: it is set
            # for the read of the layer only and then given back.
            # Batch by batch (not the whole layer's records at once: a million-entry layer
            # held 120 MB of them).
            interval = sys.getswitchinterval()
            sys.setswitchinterval(WORKER_SWITCH_INTERVAL)
            scan = LayerScan(index)
            try:
                layer = self._image.layers[index]
                yield from scan_batches(
                    layer, index, self._secrets, scan, report, digests=self._digests
                )
            finally:
                sys.setswitchinterval(interval)
            feed.scan = scan

        feed = LayerFeed(index, batches())
        return feed

    def __enter__(self) -> LayerScans:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.stop()


class _WorkerDied(Exception):
    pass


class _Pool:
    def __init__(
        self,
        image: Image,
        secrets: SecretCandidates,
        workers: int,
        indexes: list[int],
        digests: bool = False,
    ) -> None:
        self._layers = image.layers
        self._batches: dict[int, list[list[ScannedEntry]]] = {}  # arrived, not yet merged
        self._done: dict[int, LayerScan | BaseException] = {}
        # One task pipe all workers read from: each index is 4 bytes, written at once before
        # any worker reads, so a 4-byte read always takes exactly one whole task.
        task_read, task_write = os.pipe()
        self._children: dict[int, int] = {}  # result fd -> pid
        try:
            for _ in range(workers):
                result_read, result_write = os.pipe()
                pid = os.fork()
                if pid == 0:  # the child never returns from here
                    for fd in (result_read, task_write, *self._children):
                        os.close(fd)
                    _child(self._layers, secrets, task_read, result_write, digests)
                os.close(result_write)
                self._children[result_read] = pid
        finally:
            os.close(task_read)
        tasks = b"".join(i.to_bytes(4, "little") for i in indexes)
        with os.fdopen(task_write, "wb") as pipe:
            pipe.write(tasks)

    def feed(self, index: int, progress: LayerProgress | None) -> LayerFeed:
        def batches() -> Iterator[list[ScannedEntry]]:
            while True:
                waiting = self._batches.pop(index, None)
                if waiting:
                    yield from waiting
                    continue
                if index in self._done:
                    break
                if not self._children:
                    raise RuntimeError(f"the worker reading layer {index} exited early")
                self._receive(index, progress)
            outcome = self._done.pop(index)
            if isinstance(outcome, BaseException):
                raise outcome
            feed.scan = outcome
            yield outcome.entries

        feed = LayerFeed(index, batches())
        return feed

    def _receive(self, waiting_for: int, progress: LayerProgress | None) -> None:
        ready, _, _ = select.select(list(self._children), [], [])
        for fd in ready:
            try:
                kind, index, payload = pickle.loads(_read_message(fd))
            except _WorkerDied:
                os.close(fd)
                os.waitpid(self._children.pop(fd), 0)
                continue
            if kind == "progress":
                if progress is not None and index == waiting_for:
                    progress(index, payload)
            elif kind == "entries":
                self._batches.setdefault(index, []).append(payload)
            else:
                self._done[index] = payload

    def stop(self) -> None:
        for fd, pid in self._children.items():
            os.close(fd)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # still busy only when the analysis failed
            os.waitpid(pid, 0)
        self._children.clear()


def _read_message(fd: int) -> bytearray:
    size = int.from_bytes(_read_exactly(fd, _HEADER), "little")
    return _read_exactly(fd, size)  # pickle reads a bytearray as is: no copy to bytes


def _read_exactly(fd: int, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            raise _WorkerDied
        got += n
    return buffer


def _child(
    layers: list[Layer],
    secrets: SecretCandidates,
    task_fd: int,
    result_fd: int,
    digests: bool = False,
) -> None:
    """A worker's whole life: take layer indexes until there are none, send each result."""
    status = 0
    try:
        # The parent's Ctrl-C handling is the parent's: a worker just ends with it.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler cleans up, not ours
        # A worker's objects live one layer and die by reference counting; the cyclic
        # collector would only walk them over and over (see analyze._cyclic_gc_paused).
        gc.disable()
        # The reader thread needs the GIL back after every read and every hash, and waits up
        # to the switch interval each time while this thread parses: at the default 5 ms the
        # two barely overlap. A worker is its own process, so the parent keeps its interval.
        # Layers 1, 2 and 4 of benchmarks/inspect: 0.37 -> 0.26 s, same CPU time.
        sys.setswitchinterval(WORKER_SWITCH_INTERVAL)

        def send(message: tuple[str, int, object]) -> None:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            os.write(result_fd, len(data).to_bytes(_HEADER, "little"))
            view = memoryview(data)
            while view:
                view = view[os.write(result_fd, view) :]

        while True:
            task = os.read(task_fd, 4)
            if len(task) < 4:
                break
            index = int.from_bytes(task, "little")

            def report(done: int, index: int = index) -> None:
                send(("progress", index, done))

            def flush(batch: list[ScannedEntry], index: int = index) -> None:
                send(("entries", index, batch))

            try:
                outcome: object = scan_layer(
                    layers[index], index, secrets, report, flush, digests=digests
                )
            except TailorError as error:
                outcome = error
            except Exception as error:  # an unknown failure still reaches the user as one
                outcome = RuntimeError(f"{type(error).__name__}: {error}")
            send(("layer", index, outcome))
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # never run the parent's cleanup (atexit, buffered stdio) in a child
