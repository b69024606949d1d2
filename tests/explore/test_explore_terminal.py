"""`tailor explore` in a real pseudo-terminal of 80x24: it draws, shows help on ?, quits on q
with exit 0 and leaves the terminal as it found it (the alternate screen closed)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time
from pathlib import Path

from tests.report.images import write_sample


def test_runs_in_a_terminal(tmp_path: Path) -> None:
    archive = write_sample(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command as a user would run it
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-m", "imagetailor.cli.main", "explore",
                                  f"docker-archive:{archive}"])  # fmt: skip
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    output = b""
    sent: list[bytes] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.3)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        if not sent and b"final image" in output:
            sent.append(b"?")
            os.write(fd, b"?")
        elif len(sent) == 1 and b"only wasted bytes" in output:
            sent.append(b"q")
            os.write(fd, b"\x1b")
            time.sleep(0.3)
            os.write(fd, b"q")
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert sent == [b"?", b"q"], output[-2000:]
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"\x1b[?1049l" in output  # the alternate screen was left
