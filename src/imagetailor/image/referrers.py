"""OCI 1.1 referrers: artifacts (a check report, an SBOM) attached to an image manifest.

An artifact is an image manifest with ``artifactType``, the empty config, one layer holding the
payload and a ``subject`` naming the image's manifest. A registry with the referrers API says so
by answering the push with ``OCI-Subject``; one without it (Debian's docker-registry 2.8) gets
the referrers tag schema instead: an image index tagged ``sha256-<hex of the subject>`` listing
every artifact, which the client that pushes keeps up to date (distribution-spec 1.1,
"Pushing Manifests with Subject" and "Referrers Tag Schema").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from imagetailor.errors import BadImageError
from imagetailor.image.blobs import check_digest, parse_json_object
from imagetailor.image.mediatypes import OCI_INDEX, OCI_MANIFEST
from imagetailor.image.model import Descriptor
from imagetailor.image.push import RegistryWriter
from imagetailor.image.registry import RegistryStore

EMPTY_TYPE = "application/vnd.oci.empty.v1+json"
EMPTY_BYTES = b"{}"
EMPTY_DIGEST = "sha256:" + hashlib.sha256(EMPTY_BYTES).hexdigest()
CHECK_REPORT_TYPE = "application/vnd.imagetailor.check+json"
MAX_REFERRERS = 1000  # entries of a referrers list we look through
MAX_PAGES = 100  # pages of the referrers API we follow


def referrers_tag(digest: str) -> str:
    """The tag schema's tag: ``<alg>-<ref>``, the algorithm cut to 32 and the hex to 64."""
    algorithm, _, encoded = check_digest(digest, "subject").partition(":")
    return f"{algorithm[:32]}-{encoded[:64]}"


@dataclass(frozen=True)
class Attached:
    digest: str  # the artifact manifest's
    subject: str
    via: str  # "referrers API" or "tag sha256-..."


def _describe(d: Descriptor) -> dict[str, Any]:
    return {"mediaType": d.media_type, "digest": d.digest, "size": d.size}


def attach(
    writer: RegistryWriter,
    subject: Descriptor,
    artifact_type: str,
    payload: bytes,
    annotations: dict[str, str],
) -> Attached:
    """Push ``payload`` as an artifact referring to ``subject``; where the registry did not
    take the subject (no OCI-Subject answer), add it to the referrers tag's index."""
    payload_digest = "sha256:" + hashlib.sha256(payload).hexdigest()
    writer.upload_blob(EMPTY_DIGEST, len(EMPTY_BYTES), lambda: EMPTY_BYTES)
    writer.upload_blob(payload_digest, len(payload), lambda: payload)
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": _describe(Descriptor(EMPTY_TYPE, EMPTY_DIGEST, len(EMPTY_BYTES))),
        "layers": [_describe(Descriptor(artifact_type, payload_digest, len(payload)))],
        "subject": _describe(subject),
        "annotations": annotations,
    }
    manifest = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    digest = writer.put_manifest(
        "sha256:" + hashlib.sha256(manifest).hexdigest(), manifest, OCI_MANIFEST
    )
    headers = writer.last_headers
    answered = headers.get("oci-subject") if headers is not None else None
    if answered == subject.digest:
        return Attached(digest, subject.digest, "referrers API")
    if answered:  # it took the subject, but says it is another manifest
        raise BadImageError(
            f"{writer.where} answered the artifact {digest} with OCI-Subject "
            f"{answered[:80]!r}, not its subject {subject.digest}"
        )
    tag = referrers_tag(subject.digest)
    index = _tag_index(writer, tag)
    entries = index["manifests"]
    if not any(isinstance(e, dict) and e.get("digest") == digest for e in entries):
        entry = {**_describe(Descriptor(OCI_MANIFEST, digest, len(manifest)))}
        entry["artifactType"] = artifact_type
        entry["annotations"] = annotations
        entries.append(entry)
        data = json.dumps(index, separators=(",", ":")).encode()
        writer.put_manifest(tag, data, OCI_INDEX)
    return Attached(digest, subject.digest, f"tag {tag}")


def _tag_index(store: RegistryStore, tag: str) -> dict[str, Any]:
    """The referrers tag's index, or a new empty one when the tag does not exist yet."""
    response, deadline = store.get(
        f"/v2/{store.name.repository}/manifests/{tag}", {"Accept": OCI_INDEX}, stream=True
    )
    try:
        if response.status_code == 404:
            return {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
        if response.status_code != 200:
            store._fail(response, f"referrers index {tag}")
        data = store._read_bounded(response, f"referrers index {tag}", deadline)
    finally:
        response.close()
    return _index(data, f"referrers index {tag} in {store.where}")


def _index(data: bytes, what: str) -> dict[str, Any]:
    index = parse_json_object(data, what)
    if not isinstance(index.get("manifests"), list):
        raise BadImageError(f"{what} is not an image index (no manifests list)")
    return index


def referrers(store: RegistryStore, subject: str, artifact_type: str) -> list[dict[str, Any]]:
    """The descriptors of the artifacts of ``artifact_type`` referring to ``subject``: from the
    referrers API (every page, by its ``Link: rel="next"``), or (where the registry answers it
    with 404) from the referrers tag. Filtered here too: ``artifactType`` is only a request
    (a registry that applied it says ``OCI-Filters-Applied``; one that did not sends all)."""
    check_digest(subject, "subject")
    path = f"/v2/{store.name.repository}/referrers/{subject}?artifactType={quote(artifact_type)}"
    entries: list[dict[str, Any]] = []
    for page in range(MAX_PAGES):
        index, path_next = _referrers_page(store, path, subject)
        if index is None:
            if page == 0:  # no referrers API: the tag schema
                index = _tag_index(store, referrers_tag(subject))
                entries = [e for e in index["manifests"][:MAX_REFERRERS] if isinstance(e, dict)]
            break
        entries += [e for e in index["manifests"] if isinstance(e, dict)]
        if path_next is None or len(entries) >= MAX_REFERRERS:
            break
        path = path_next
    else:
        raise BadImageError(
            f"{store.where} lists the referrers of {subject} on more than {MAX_PAGES} pages"
        )
    return [e for e in entries[:MAX_REFERRERS] if e.get("artifactType") == artifact_type]


def _referrers_page(
    store: RegistryStore, path: str, subject: str
) -> tuple[dict[str, Any] | None, str | None]:
    """One page of the referrers API: its index (None on 404: no API) and the path of the
    next page, which must be on the same registry (it is sent our credentials)."""
    what = f"referrers of {subject} in {store.where}"
    response, deadline = store.get(path, {"Accept": OCI_INDEX}, stream=True)
    try:
        if response.status_code == 404:
            return None, None
        if response.status_code != 200:
            store._fail(response, f"referrers of {subject}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type != OCI_INDEX:
            raise BadImageError(
                f"{what}: the answer is {media_type[:80] or 'untyped'!r}, not an OCI image index"
            )
        data = store._read_bounded(response, f"referrers of {subject}", deadline)
        following = response.links.get("next", {}).get("url")
        url = response.url
    finally:
        response.close()
    index = _index(data, what)
    if index.get("mediaType", OCI_INDEX) != OCI_INDEX:
        raise BadImageError(f"{what}: its mediaType is not {OCI_INDEX}")
    if not following:
        return index, None
    target = url.join(following)
    base = httpx.URL(store.base)
    if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
        raise BadImageError(
            f"{what}: the next page is on another host ({str(target)[:80]}); not followed"
        )
    return index, target.raw_path.decode("ascii")


def read_artifact(
    store: RegistryStore, entry: dict[str, Any], subject: str, artifact_type: str
) -> tuple[bytes, dict[str, str]]:
    """The payload of the artifact ``entry`` names, and its annotations, after proving the
    artifact manifest (read by its digest, so checked against it) refers to ``subject``."""
    digest = check_digest(entry.get("digest"), "referrer")
    data, _digest, _type = store.manifest(digest)
    what = f"artifact {digest} in {store.where}"
    manifest = parse_json_object(data, what)
    named = manifest.get("subject")
    if not isinstance(named, dict) or named.get("digest") != subject:
        raise BadImageError(f"{what} does not refer to {subject}: it is not this image's")
    if manifest.get("artifactType") != artifact_type:
        raise BadImageError(f"{what} is not a {artifact_type}")
    layers = manifest.get("layers")
    if not isinstance(layers, list) or len(layers) != 1 or not isinstance(layers[0], dict):
        raise BadImageError(f"{what} should hold exactly one payload layer")
    payload_digest = check_digest(layers[0].get("digest"), f"{what} payload")
    response, deadline = store.get(
        f"/v2/{store.name.repository}/blobs/{payload_digest}", {}, stream=True
    )
    try:
        if response.status_code != 200:
            store._fail(response, f"blob {payload_digest}")
        payload = store._read_bounded(response, f"{what} payload", deadline)
    finally:
        response.close()
    if "sha256:" + hashlib.sha256(payload).hexdigest() != payload_digest:
        raise BadImageError(f"{what}: the payload does not match its digest {payload_digest}")
    raw = manifest.get("annotations")
    annotations = {
        str(k): str(v) for k, v in (raw.items() if isinstance(raw, dict) else []) if v is not None
    }
    return payload, annotations
