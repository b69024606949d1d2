"""Fixtures for the peer parity tests."""

from __future__ import annotations

import pytest

from tests.examples.conftest import OfflineBases, run_offline_bases


@pytest.fixture(scope="session")
def bases(engine: str) -> OfflineBases:
    """The stand-in bases scripts/offline-bases builds (seconds when they are up to date)."""
    return run_offline_bases()
