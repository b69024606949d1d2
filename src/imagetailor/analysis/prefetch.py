"""Read a layer stream on a second thread while the analysis parses what was already read.

Reading a layer costs file I/O, digest hashing and decompression; all of them release the GIL,
so a reader thread overlaps them with the header parsing of the main thread. Memory stays
bounded: at most ``depth`` chunks wait in the queue.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from types import TracebackType
from typing import IO

CHUNK = 1 << 20


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Prefetcher:
    """A read-only stream over ``source`` whose reads come from a background thread."""

    def __init__(self, source: IO[bytes], depth: int = 8, chunk: int = CHUNK) -> None:
        self._source = source
        self._chunk = chunk
        self._queue: queue.Queue[bytes | _Failed] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._current = b""
        self._offset = 0
        self._done = False
        self._thread = threading.Thread(target=self._run, name="layer-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._source.read(self._chunk)
                self._put(data)
                if not data:
                    return
        except BaseException as error:  # handed to the reading thread, which raises it
            self._put(_Failed(error))

    def _put(self, item: bytes | _Failed) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read(self, size: int = -1) -> bytes:
        if self._offset >= len(self._current):
            if self._done:
                return b""
            item = self._queue.get()
            if isinstance(item, _Failed):
                self._done = True
                raise item.error
            if not item:
                self._done = True
                return b""
            self._current, self._offset = item, 0
        start = self._offset
        if size < 0 or start + size >= len(self._current):
            self._offset = len(self._current)
            return self._current if start == 0 else self._current[start:]
        self._offset = start + size
        return self._current[start : self._offset]

    def close(self) -> None:
        """Stop the reader thread (it may be blocked on a full queue) and wait for it."""
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
            self._thread.join(timeout=0.05)

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
