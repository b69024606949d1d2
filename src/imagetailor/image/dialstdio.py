"""An ssh:// engine for the HTTP reader: a private unix socket whose every connection is one run
of ``ssh HOST docker system dial-stdio``, as the docker CLI's own ssh helper does.

httpx speaks to unix sockets, not to a child's stdin/stdout; the bridge gives it one. The socket
lives in a 0700 temp directory of ours (no other user can connect through our ssh identity), and
closing the bridge stops the children and removes the directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from typing import IO

CHUNK = 64 * 1024
MAX_CONNECTIONS = 8  # the reader opens one or two; more is a bug, not a workload


class DialStdioBridge:
    def __init__(self, argv: Sequence[str]) -> None:
        self._argv = list(argv)
        self._folder = tempfile.mkdtemp(prefix="tailor-ssh-")
        self.path = os.path.join(self._folder, "engine.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(MAX_CONNECTIONS)
        self._children: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="dial-stdio", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            try:
                child = subprocess.Popen(
                    self._argv,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,  # Ctrl-C reaches us, and we stop the child
                )
            except OSError:
                connection.close()  # the reader sees the connection drop and says so
                continue
            with self._lock:
                if self._closed:
                    child.kill()
                    connection.close()
                    return
                self._children.append(child)
            assert child.stdin is not None and child.stdout is not None
            threading.Thread(
                target=self._to_child, args=(connection, child.stdin), daemon=True
            ).start()
            threading.Thread(
                target=self._from_child, args=(child.stdout, connection), daemon=True
            ).start()

    @staticmethod
    def _to_child(connection: socket.socket, stdin: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            while data := connection.recv(CHUNK):
                stdin.write(data)
                stdin.flush()
        with contextlib.suppress(OSError, ValueError):
            stdin.close()

    @staticmethod
    def _from_child(stdout: IO[bytes], connection: socket.socket) -> None:
        with contextlib.suppress(OSError, ValueError):
            while data := stdout.read1(CHUNK):  # type: ignore[attr-defined]
                connection.sendall(data)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        connection.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            children = list(self._children)
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()
        shutil.rmtree(self._folder, ignore_errors=True)
