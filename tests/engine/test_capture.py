"""Client programs that print forever or never end, run for real: the memory we hold stays
bounded and the run stops at once (TAILOR_DOCKER=/usr/bin/yes once reached 21 GB)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from imagetailor.engine.build import MAX_LOG_CHARS, stream_log
from imagetailor.engine.capture import OutputTooLarge, run_captured
from imagetailor.engine.client import EngineClient
from imagetailor.engine.process import MAX_CLIENT_OUTPUT, run_client
from imagetailor.errors import SourceUnavailableError

YES = "/usr/bin/yes"


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "docker"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_output_is_returned_whole_below_the_limit() -> None:
    result = run_captured(["sh", "-c", "printf abc; printf err >&2; exit 3"], limit=3, timeout=10)
    assert (result.returncode, result.stdout, result.stderr) == (3, b"abc", b"err")


def test_input_is_fed_and_large_input_does_not_deadlock() -> None:
    data = b"x" * (5 * 1024 * 1024)
    result = run_captured(["cat"], input=data, limit=len(data), timeout=30)
    assert result.stdout == data


def test_a_program_printing_forever_is_stopped_at_the_limit() -> None:
    started = time.monotonic()
    with pytest.raises(OutputTooLarge) as caught:
        run_captured([YES], limit=1_000_000, timeout=60)
    assert time.monotonic() - started < 5
    assert str(caught.value) == (
        "/usr/bin/yes printed more than 1,000,000 bytes on standard output and was stopped"
    )


def test_endless_errors_are_stopped_too() -> None:
    with pytest.raises(OutputTooLarge, match="on its errors"):
        run_captured(["sh", "-c", "yes >&2"], limit=100_000, timeout=60)


def test_a_program_that_never_ends_is_stopped_at_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_captured(["sleep", "30"], limit=10, timeout=0.5)
    assert time.monotonic() - started < 3


def test_probing_yes_as_the_docker_client_stays_small_and_quick() -> None:
    # In a fresh process, so that its peak memory is this probe's alone.
    # The peak is /proc's VmHWM, which exec resets: ru_maxrss keeps the forking pytest
    # worker's size (hundreds of MB by then), so it measured the worker, not this probe.
    code = (
        "import re, time\n"
        "from imagetailor.engine.client import probe_docker\n"
        "started = time.monotonic()\n"
        f"verdict = probe_docker({YES!r})\n"
        "status = open('/proc/self/status').read()\n"
        "print(verdict.client, time.monotonic() - started,\n"
        "      re.search(r'VmHWM:\\s+(\\d+)', status).group(1))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()  # fmt: skip
    client, seconds, peak_kb = out[0], float(out[1]), int(out[2])
    assert client == "None"  # yes is no docker client
    assert seconds < 10  # bounded (its time limit is a few seconds; CI may be loaded)
    assert peak_kb < 150 * 1024, peak_kb


def test_a_client_printing_forever_on_inspect_is_one_line(tmp_path: Path) -> None:
    client = EngineClient(script(tmp_path, "exec yes"), "classic")
    with pytest.raises(SourceUnavailableError) as caught:
        run_client(client, ["image", "inspect", "x"])
    assert f"more than {MAX_CLIENT_OUTPUT:,} bytes" in str(caught.value)


def test_a_build_printing_one_endless_line_keeps_only_a_bounded_tail(tmp_path: Path) -> None:
    # 100 MB without a newline, then an error line: the log keeps the tail, bounded.
    binary = script(tmp_path, "head -c 100000000 /dev/zero | tr '\\0' x; echo; echo ERROR: boom")
    client = EngineClient(binary, "classic")
    seen: list[int] = []
    code, log = stream_log(client, [binary], lambda line: seen.append(len(line)), None)
    assert code == 0
    assert len(log) <= MAX_LOG_CHARS
    assert log.endswith("ERROR: boom\n")
    assert max(seen) <= 64 * 1024
