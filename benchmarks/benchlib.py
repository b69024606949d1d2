"""Timing children for the benchmarks: wall, CPU and peak memory, best and median of N.

Imported by the scripts beside it (they put this folder on sys.path). Each figure is the wall
time, CPU time and peak memory of the child process. Peak memory is given twice: GNU time's
peak RSS (of the largest single process) and the peak of the proportional set size (PSS)
summed over the process and its children, sampled every 5 ms in a separate warm-up run, which
counts forked workers too (pages they share with the parent are split between them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME = "/usr/bin/time"  # GNU time: per-child peak RSS (Debian package `time`)

Run = tuple[float, float, int, int]  # wall s, cpu s, peak RSS KiB (largest process), peak PSS KiB


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                pending.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _pss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def run_once(
    argv: list[str],
    env: dict[str, str],
    report: Path,
    sample: bool = False,
    ok: tuple[int, ...] = (0,),
) -> Run:
    process = subprocess.Popen(
        [TIME, "-f", "%e %U %S %M", "-o", str(report), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    peak_pss = 0
    while sample and process.poll() is None:
        # GNU time itself is the root of the tree: leave its own few hundred KiB out.
        peak_pss = max(peak_pss, _pss_kib(_descendants(process.pid)[1:]))
        time.sleep(0.005)
    process.wait()
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in ok:
        sys.exit(f"{argv[0]} failed ({process.returncode}): {err[-400:]}")
    wall, user, system, rss = report.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(rss), peak_pss


def measure(
    argv: list[str], repeat: int, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)
) -> list[Run]:
    """``repeat`` timed runs of ``argv``, sorted by wall time. A first run warms the page and
    bytecode caches and samples PSS (the sampler reads /proc every 5 ms, which would take CPU
    from the timed runs on a small machine); its peak PSS is reported with every run."""
    runs = []
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "time"
        peak_pss = run_once(argv, full_env, report, sample=True, ok=ok)[3]
        for _ in range(repeat):
            wall, cpu, rss, _ = run_once(argv, full_env, report, ok=ok)
            runs.append((wall, cpu, rss, peak_pss))
    return sorted(runs)
