"""Fixtures for the peer parity tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples.conftest import OfflineBases, run_offline_bases


@pytest.fixture(scope="session")
def bases(engine: str) -> OfflineBases:
    """The stand-in bases scripts/offline-bases builds (seconds when they are up to date)."""
    return run_offline_bases()


@pytest.fixture(scope="session")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `docker save` per image per session, shared by the peers' tests (the golang stand-in
    alone is 700 MB)."""
    return tmp_path_factory.mktemp("peer-archives")
