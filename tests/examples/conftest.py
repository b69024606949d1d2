"""Fixtures for the examples: clean copies of each app, and the offline stand-in bases."""

from __future__ import annotations

import shutil
import subprocess
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OFFLINE_BASES = ROOT / "scripts" / "offline-bases"

# Build output and installed dependencies never travel with a copy: each test makes its own.
_LEFT_BEHIND = shutil.ignore_patterns("node_modules", "__pycache__", ".pytest_cache", ".venv")


@pytest.fixture
def example_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A fresh copy of examples/NAME, with web/dist reduced to its committed placeholder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(EXAMPLES / name, target, ignore=_LEFT_BEHIND)
        dist = target / "web" / "dist"
        if dist.is_dir():
            for entry in dist.iterdir():
                if entry.name != ".gitkeep":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        return target

    return copy


def require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed ({hint})")
    return path


def run_ok(argv: list[str], cwd: Path, timeout: float = 600, **kwargs: Any) -> str:
    """Run a command that must succeed; on failure the test shows its output."""
    result = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    assert result.returncode == 0, (
        f"{argv} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


class OfflineBases:
    def __init__(self, map_path: Path, stdout: str, stderr: str, seconds: float) -> None:
        self.map_path = map_path
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.entries: dict[str, dict[str, str]] = tomllib.loads(map_path.read_text())["bases"]

    def image(self, upstream: str) -> str:
        return self.entries[upstream]["image"]


def run_offline_bases() -> OfflineBases:
    started = time.monotonic()
    result = subprocess.run(
        [str(OFFLINE_BASES)], capture_output=True, text=True, timeout=1800, check=False
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, f"scripts/offline-bases failed:\n{result.stderr[-3000:]}"
    last_line = result.stdout.strip().splitlines()[-1]
    return OfflineBases(Path(last_line), result.stdout, result.stderr, seconds)


@pytest.fixture(scope="session")
def offline_bases(engine: str) -> OfflineBases:
    """The stand-in bases, built (or found up to date) by scripts/offline-bases."""
    return run_offline_bases()
