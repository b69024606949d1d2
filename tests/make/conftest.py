"""The stand-in base map for the corpus builds (scripts/offline-bases, cached by recipe)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples.conftest import run_offline_bases


@pytest.fixture(scope="session")
def base_map(engine: str) -> Path:
    return run_offline_bases().map_path
