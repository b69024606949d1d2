"""Which environment variables tie an image to one place: the catalogue lint and check share.

`tailor lint` reads ENV instructions (TL207) and `tailor check` reads the image config's Env
(TP202); both ask ``place_named`` so one ENV gets one answer. The words live in
``data/environments.toml``, extended through ``TAILOR_ENVIRONMENTS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError

ENVIRONMENTS_ENV = "TAILOR_ENVIRONMENTS"


@dataclass(frozen=True)
class Environments:
    deployment_words: frozenset[str]
    development_words: frozenset[str]
    build_mode_variables: frozenset[str]  # upper case
    build_mode_values: frozenset[str]
    environment_selectors: tuple[str, ...] = ()  # upper-case name endings: APP_ENV, ...

    def extended(self, words: Iterable[str] = (), modes: Iterable[str] = ()) -> Environments:
        """This catalogue plus a policy's own words and build-mode variables."""
        return Environments(
            self.deployment_words | {w.lower() for w in words},
            self.development_words,
            self.build_mode_variables | {m.upper() for m in modes},
            self.build_mode_values,
            self.environment_selectors,
        )

    def is_build_mode(self, name: str) -> bool:
        return name.upper() in self.build_mode_variables

    def place_named(self, name: str, value: str) -> str | None:
        """The deployment environment ``NAME=value`` names, or None. Whole words only: "prod"
        in db.prod.internal names one, "product" does not; NODE_ENV=production is a mode."""
        places = self.deployment_words
        if not self.is_build_mode(name) and name.upper().endswith(self.environment_selectors):
            places = places | self.development_words  # APP_ENV=development names a place
        named = sorted(words(value) & places)
        if self.is_build_mode(name):
            named = [word for word in named if word not in self.build_mode_values]
        return named[0] if named else None

    def development_mode(self, name: str, value: str) -> bool:
        """A build-mode variable set to a development mode (NODE_ENV=development)."""
        return self.is_build_mode(name) and bool(words(value) & self.development_words)


def words(value: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", value.lower()) if w}


def _strings(data: dict[str, object], key: str) -> frozenset[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"environments catalogue: {key} must be a list of strings")
    return frozenset(value)


@cache
def environments() -> Environments:
    data = load_catalogue("environments.toml", ENVIRONMENTS_ENV)
    return Environments(
        deployment_words=frozenset(w.lower() for w in _strings(data, "deployment_words")),
        development_words=frozenset(w.lower() for w in _strings(data, "development_words")),
        build_mode_variables=frozenset(v.upper() for v in _strings(data, "build_mode_variables")),
        build_mode_values=frozenset(v.lower() for v in _strings(data, "build_mode_values")),
        environment_selectors=tuple(
            sorted(v.upper() for v in _strings(data, "environment_selectors"))
        ),
    )
