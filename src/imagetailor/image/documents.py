"""The typed shape of the JSON documents an image is made of: config, manifest, index, and the
``manifest.json`` of a docker-save archive.

Every document is validated here, once, before any other code reads it: a field with the wrong
type (``"os": 5``, ``"history": true``, ``"Env": [1]``, ``"Labels": []``) becomes one
``BadImageError`` line naming the document and the field, instead of an ``AttributeError``
deep in the analysis or pydantic's multi-line dump. Unknown fields are kept (images carry many
we do not read); the documents stay plain dicts for the code that reads them, which can trust
the types of the fields below. Strict: no ``"1"`` for 1, no ``true`` for a size.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from imagetailor.errors import BadImageError


class _Document(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", populate_by_name=True)


class PlatformDoc(_Document):
    os: str | None = None
    architecture: str | None = None
    variant: str | None = None


class DescriptorDoc(_Document):
    mediaType: str = ""
    digest: str
    size: int = Field(ge=0)
    annotations: dict[str, str] | None = None
    platform: PlatformDoc | None = None


class ManifestDoc(_Document):
    """An image manifest or an index (which of the two is decided by ``document_kind``)."""

    schemaVersion: int | None = None
    mediaType: str | None = None
    config: DescriptorDoc | None = None
    layers: list[DescriptorDoc] | None = None
    manifests: list[DescriptorDoc] | None = None
    annotations: dict[str, str] | None = None


class ContainerConfigDoc(_Document):
    User: str | None = None
    Env: list[str] | None = None
    Entrypoint: list[str] | None = None
    Cmd: list[str] | None = None
    WorkingDir: str | None = None
    Labels: dict[str, str] | None = None
    ExposedPorts: dict[str, Any] | None = None
    Volumes: dict[str, Any] | None = None
    StopSignal: str | None = None


class HistoryDoc(_Document):
    created: str | None = None
    created_by: str | None = None
    author: str | None = None
    comment: str | None = None
    empty_layer: bool | None = None


class RootFSDoc(_Document):
    type: str | None = None
    diff_ids: list[str]


class ConfigDoc(_Document):
    architecture: str | None = None
    os: str | None = None
    variant: str | None = None
    created: str | None = None
    author: str | None = None
    config: ContainerConfigDoc | None = None
    rootfs: RootFSDoc
    history: list[HistoryDoc] | None = None


class ArchiveEntryDoc(_Document):
    """One image in a docker-save ``manifest.json``."""

    Config: str
    RepoTags: list[str] | None = None
    Layers: list[str]


class ArchiveManifestDoc(RootModel[list[ArchiveEntryDoc]]):
    """A docker-save ``manifest.json``: a list of images (errors name ``0.RepoTags``...)."""


Model = TypeVar("Model", bound=BaseModel)


def check_document(model: type[Model], document: object, what: str) -> Model:
    """``document`` validated as ``model``; the first problem as one line naming the field."""
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise BadImageError(describe_error(error, what)) from None
    except RecursionError:
        raise BadImageError(f"{what} nests too deeply") from None


def describe_error(error: ValidationError, what: str) -> str:
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    got = first.get("input")
    shown = type(got).__name__ if isinstance(got, dict | list) else repr(got)[:40]
    more = error.error_count() - 1
    extra = f"; {more} more problem(s)" if more > 0 else ""
    return f"{what}: field {field!r}: {first['msg'].lower()} (got {shown}){extra}"
