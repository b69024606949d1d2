"""Language plug-ins: one data file (``NAME.toml``, schema in ``plugin.py``) plus one hooks module
(``NAME.py``) per language. The registry below finds every data file in this folder, so adding a
language means adding those two files (and an example and its golden files), nothing else.
"""

from __future__ import annotations

import importlib
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import cast

from pydantic import ValidationError

from imagetailor.catalogues import USER_CONFIG_DIR, load_toml, merge
from imagetailor.errors import UsageError
from imagetailor.languages.plugin import Hooks, Language

LANGUAGES_ENV = "TAILOR_LANGUAGES"  # a folder of NAME.toml files merged over ours


@dataclass(frozen=True)
class Plugin:
    data: Language

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def hooks(self) -> Hooks:
        # Imported on first use: validating a tailor.toml needs only the data.
        return cast(Hooks, importlib.import_module(f"{__name__}.{self.data.name}"))


def _user_folders() -> list[Path]:
    folders = [USER_CONFIG_DIR.expanduser() / "languages"]
    env = os.environ.get(LANGUAGES_ENV)
    if env:
        folders.append(Path(env))
    return folders


@cache
def plugins() -> dict[str, Plugin]:
    """Every registered language by name, highest detection priority first."""
    found: list[Plugin] = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        raw = tomllib.loads(entry.read_text("utf-8"))
        # Users extend a language (a mirror's base names, a newer version) without code:
        # ~/.config/imagetailor/languages/NAME.toml, then $TAILOR_LANGUAGES/NAME.toml.
        for folder in _user_folders():
            extra = folder / entry.name
            if extra.is_file():
                raw = merge(raw, load_toml(extra))
        try:
            data = Language.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise UsageError(f"language data {entry.name}: {where}: {error['msg']}") from None
        found.append(Plugin(data))
    found.sort(key=lambda p: (-p.data.priority, p.name))
    return {p.name: p for p in found}


def names() -> list[str]:
    return sorted(plugins())


def plugin(name: str) -> Plugin:
    try:
        return plugins()[name]
    except KeyError:
        raise UsageError(
            f"unknown language {name!r}: imagetailor supports {', '.join(names())}"
        ) from None
