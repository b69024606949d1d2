"""The second engine (tests/engine/remote.py), started once per test session that needs it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.engine.remote import RemoteEngine, start_remote_engine


@pytest.fixture(scope="session")
def remote_engine(engine: str) -> Iterator[RemoteEngine]:
    started = start_remote_engine()
    try:
        yield started
    finally:
        started.stop()
