"""One loader for every data catalogue users extend (tools, secrets, lint, recipes, bases).

The bundled file under ``imagetailor/data/`` comes first; ``~/.config/imagetailor/NAME`` and the
file named by the catalogue's environment variable (``TAILOR_TOOLS``, ``TAILOR_SECRETS``,
``TAILOR_LINT``, ``TAILOR_RECIPES``, ``TAILOR_BASES``) are merged over it, so users add entries
without touching code. Lists are joined, tables merged key by key, and ``[[pattern]]`` /
``[[allow]]`` entries with the same ``id`` replace the bundled one.

This module imports nothing but the standard library and our errors: the lint and generate
commands load it without paying for the analysis package.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.untrusted import MAX_CONFIG_BYTES, read_regular

USER_CONFIG_DIR = Path("~/.config/imagetailor")


def read_toml(path: Path, what: str, missing: str | None = None) -> dict[str, Any]:
    """A TOML file a user points us at (tailor.toml, a base map, a catalogue): every way it can
    fail is one UsageError line naming ``what`` it is; ``missing`` is the message, with its hint,
    for a file that is not there."""
    # Regular files only, bounded: a FIFO, /dev/zero or a 10 GB file is not a config file.
    raw = read_regular(path, what, MAX_CONFIG_BYTES, missing=missing)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{what} {path} is not valid TOML: {exc}") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively
        raise UsageError(f"{what} {path} nests arrays or tables too deeply") from None


def load_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, "catalogue")


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = merge(old, value)
        elif key in ("pattern", "allow") and isinstance(old, list) and isinstance(value, list):
            ids = {item.get("id") for item in value if isinstance(item, dict)}
            merged[key] = [item for item in old if item.get("id") not in ids] + value
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [item for item in value if item not in old]
        else:
            merged[key] = value
    return merged


def load_catalogue(name: str, env_var: str) -> dict[str, Any]:
    """The bundled ``data/NAME``, then the user's copy, then the file ``env_var`` names."""
    bundled = resources.files("imagetailor.data").joinpath(name)
    data = tomllib.loads(bundled.read_text(encoding="utf-8"))
    user_file = USER_CONFIG_DIR.expanduser() / name
    if user_file.exists():  # a FIFO or directory there is an error, not a file to skip
        data = merge(data, load_toml(user_file))
    env_file = os.environ.get(env_var)
    if env_file:
        data = merge(data, load_toml(Path(env_file)))
    return data
