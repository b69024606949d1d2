"""What an audit learns of an image from its manifest alone, when its config was read before.

A tag may move, so every audit reads every manifest (by tag, its bytes hashed). The manifest
names the config by digest, and a config's bytes never change under their digest: its purpose
label and its layers' diffIDs, kept when it was first read (audit/results.py, ``facts_key``),
still hold. An unchanged image then costs one small request and no document models; anything
this cannot vouch for (an index, another transport, a manifest that does not match what was
kept, a failed request) returns None, and the image is opened in full, as before.
"""

from __future__ import annotations

from typing import Any

from imagetailor.audit.results import VerdictStore, facts_key
from imagetailor.errors import TailorError
from imagetailor.image.blobs import check_digest, parse_json_object
from imagetailor.image.mediatypes import MANIFEST_TYPES
from imagetailor.image.reference import ImageName

Known = tuple[str, str | None, int, list[str]]  # config digest, label, layers, diffIDs


def known_config(reference: str, store: VerdictStore) -> Known | None:
    """(config digest, purpose label, layer count, diffIDs) of the image ``reference`` names,
    from its manifest and what was kept of its config; None when not known so."""
    from imagetailor.image.reference import parse_reference

    try:
        parsed = parse_reference(reference)
        if parsed.transport != "docker" or parsed.name is None:
            return None
        manifest = _manifest(parsed.name)
    except TailorError:
        return None  # the full open says what is wrong, in the row
    config, layers = manifest.get("config"), manifest.get("layers")
    if not isinstance(config, dict) or not isinstance(layers, list):
        return None
    try:
        digest = check_digest(config.get("digest"), "config")
    except TailorError:
        return None
    kept = store.get(facts_key(digest))
    if kept is None or kept.get("config_digest") != digest:
        return None
    label, count, diff_ids = kept.get("label"), kept.get("layers"), kept.get("diff_ids")
    if (
        count != len(layers)
        or not isinstance(diff_ids, list)
        or len(diff_ids) != count
        or not all(isinstance(d, str) for d in diff_ids)
        or not (label is None or isinstance(label, str))
    ):
        return None
    return digest, label, count, diff_ids


def _manifest(name: ImageName) -> dict[str, Any]:
    """The image manifest the reference names (by tag or digest), read as `docker://` reads it;
    an index or anything else is refused (None upstream: the full open resolves platforms)."""
    from imagetailor.image.credentials import find_credentials
    from imagetailor.image.registry import RegistryStore

    store = RegistryStore(name, find_credentials(name.registry, None), 30.0)
    try:
        data, _digest, media_type = store.manifest(name.digest or name.tag or "latest")
    finally:
        store.close()
    document = parse_json_object(data, f"manifest {name.familiar()}")
    declared = document.get("mediaType") or media_type
    if declared not in MANIFEST_TYPES or document.get("schemaVersion") != 2:
        raise TailorError("not an image manifest")
    return document
