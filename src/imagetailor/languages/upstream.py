"""Upstream image names for a language version (toolchain, deploy runtime, tool donor) and the
versions available: those a base map provides when one is in effect, else all known upstream.

Generated files name upstream images only; a base map changes what `tailor build` pulls, never
what `tailor generate` writes.
"""

from __future__ import annotations

from imagetailor.errors import UsageError
from imagetailor.languages.plugin import Language
from imagetailor.project.bases import BaseMap, upstream_catalogue

NO_DEPLOY = "none"  # a version with no deploy runtime upstream (data: versions.X.deploy)


def _values(language: Language, version: str) -> dict[str, str]:
    entry = language.versions.get(version)
    if entry is None:
        known = ", ".join(language.version_numbers())
        raise UsageError(
            f"{language.title} {version} is not a version with official images; "
            f"fix: set app.runtime_version to one of {known}"
        )
    numbers = upstream_catalogue().debian
    return {
        "version": version,
        "major": version.split(".")[0],
        "debian": entry.debian,
        "debian_number": str(numbers.get(entry.debian, "")),
    }


def upstream(language: Language, version: str, role: str) -> str:
    """The upstream reference for a role: toolchain, deploy, deploy_native, tools, frontend."""
    values = _values(language, version)
    entry = language.versions[version]
    templates = {
        "toolchain": language.bases.toolchain,
        "deploy": entry.deploy or language.bases.deploy,
        "deploy_native": entry.deploy_native or language.bases.deploy_native,
        **upstream_catalogue().shared,
        **language.bases.extra,
    }
    template = templates.get(role, "")
    if template == NO_DEPLOY or not template:
        why = entry.note or f"no {role} image is known for it"
        raise UsageError(f"{language.title} {version}: {why}; fix: set app.runtime_version")
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def deployable(language: Language) -> list[str]:
    """Known versions that have a deploy runtime upstream, newest first."""
    return [v for v in language.version_numbers() if language.versions[v].deploy != NO_DEPLOY]


def available(language: Language, bases: BaseMap) -> list[str]:
    """Versions to choose from: with a base map, those whose toolchain and deploy runtime it
    maps; without one, every deployable upstream version."""
    versions = deployable(language)
    if not bases.entries:
        return versions
    return [
        v
        for v in versions
        if upstream(language, v, "toolchain") in bases.entries
        and upstream(language, v, "deploy") in bases.entries
    ]


def _map_name(bases: BaseMap) -> str:
    """The map's files by name only: messages stay short enough to keep their hint."""
    names = [part.strip().rsplit("/", 1)[-1] for part in bases.source.split("+") if part.strip()]
    return " + ".join(names) or "tailor.toml"


def require_mapped(language: Language, version: str, bases: BaseMap, roles: list[str]) -> None:
    """With a base map in effect, every upstream image the Dockerfile names must be in it: one
    line naming the version, what the map has, and the upstream name Docker Hub would give."""
    if not bases.entries:
        return
    for role in roles:
        name = upstream(language, version, role)
        if name in bases.entries:
            continue
        if role in ("toolchain", "deploy"):
            have = ", ".join(available(language, bases)) or "none"
            raise UsageError(
                f"the base map ({_map_name(bases)}) has no {name} for "
                f"{language.title} {version}: it has {language.title} {have}; without a map the "
                f"build would pull {name}"
            )
        raise UsageError(
            f"the base map ({_map_name(bases)}) has no entry for {name} "
            f"({role}); add one, or build without a map to pull it upstream"
        )


def check_base_map(language: Language, version: str, names: list[str], bases: BaseMap) -> None:
    """Before anything is written: with a base map in effect, the toolchain and deploy runtime of
    the version (then every other base the Dockerfile names) must be in it."""
    if not bases.entries:
        return
    require_mapped(language, version, bases, ["toolchain"])
    for name in names:
        if name not in bases.entries:
            raise UsageError(
                f"the base map ({_map_name(bases)}) has no entry for {name}; add "
                "one, or build without a map to pull it upstream"
            )
