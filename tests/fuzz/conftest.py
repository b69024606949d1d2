"""Hypothesis profiles for the fuzzers, and a count of executions for ``scripts/fuzz``.

``ci`` (the default) runs a few dozen examples per target: the whole fuzz suite stays within
a few tens of seconds. ``long`` (``scripts/fuzz --minutes N``) runs thousands per target and
is repeated with fresh seeds until the time is up. Every example that reaches a reader counts
as one execution; the totals are appended to ``$TAILOR_FUZZ_STATS`` when it is set.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

EXECUTIONS: Counter[str] = Counter()

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("TAILOR_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.load_profile(os.environ.get("TAILOR_FUZZ_PROFILE", "ci"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stats = os.environ.get("TAILOR_FUZZ_STATS")
    if stats and EXECUTIONS:
        with open(stats, "a", encoding="utf-8") as out:
            out.write(json.dumps({"executions": dict(EXECUTIONS), "exit": int(exitstatus)}) + "\n")
