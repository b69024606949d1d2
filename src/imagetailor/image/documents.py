"""The typed shape of the JSON documents an image is made of: config, manifest, index, and the
``manifest.json`` of a docker-save archive.

Every document is validated here, once, before any other code reads it: a field with the wrong
type (``"os": 5``, ``"history": true``, ``"Env": [1]``, ``"Labels": []``) becomes one
``BadImageError`` line naming the document and the field, instead of an ``AttributeError``
deep in the analysis. Unknown fields are kept (images carry many we do not read); the documents
stay plain dicts for the code that reads them, which can trust the types of the fields below.
Strict: no ``"1"`` for 1, no ``true`` for a size.

Why not pydantic models, as the rest of the code uses: opening an image is the first thing
every command does, and on Python 3.11 importing pydantic and building these nine models costs
0.15-0.2 s, more than a warm ``tailor inspect`` of a 1 GB image spends on everything else
(benchmarks/inspect). The shapes need six field kinds, so they are declared as data below and
checked by one small walker that words its findings as pydantic does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imagetailor.errors import BadImageError

# A field kind: one of the scalar names, ANY, or a List / Map / Shape of kinds.
STR, INT, BOOL, ANY = "str", "int", "bool", "any"


@dataclass(frozen=True, slots=True)
class List:
    item: Kind


@dataclass(frozen=True, slots=True)
class Map:
    """An object whose keys are free and whose values are all of one kind."""

    value: Kind


@dataclass(frozen=True, slots=True)
class Field:
    kind: Kind
    required: bool = False  # required fields must be present and not null
    minimum: int | None = None


@dataclass(frozen=True, slots=True)
class Shape:
    """An object with known fields; any other field is kept unchecked."""

    name: str
    fields: dict[str, Field]


Kind = str | List | Map | Shape

_SCALARS: dict[str, tuple[type, str]] = {
    STR: (str, "Input should be a valid string"),
    INT: (int, "Input should be a valid integer"),
    BOOL: (bool, "Input should be a valid boolean"),
}

_OPTIONAL_STR = Field(STR)
_LABELS = Field(Map(STR))

PLATFORM = Shape(
    "platform", {"os": _OPTIONAL_STR, "architecture": _OPTIONAL_STR, "variant": _OPTIONAL_STR}
)
DESCRIPTOR = Shape(
    "descriptor",
    {
        "mediaType": _OPTIONAL_STR,
        "digest": Field(STR, required=True),
        "size": Field(INT, required=True, minimum=0),
        "annotations": _LABELS,
        "platform": Field(PLATFORM),
    },
)
# An image manifest or an index (which of the two is decided by ``document_kind``).
MANIFEST = Shape(
    "manifest",
    {
        "schemaVersion": Field(INT),
        "mediaType": _OPTIONAL_STR,
        "config": Field(DESCRIPTOR),
        "layers": Field(List(DESCRIPTOR)),
        "manifests": Field(List(DESCRIPTOR)),
        "annotations": _LABELS,
    },
)
_STRINGS = Field(List(STR))
CONTAINER_CONFIG = Shape(
    "container config",
    {
        "User": _OPTIONAL_STR,
        "Env": _STRINGS,
        "Entrypoint": _STRINGS,
        "Cmd": _STRINGS,
        "WorkingDir": _OPTIONAL_STR,
        "Labels": _LABELS,
        "ExposedPorts": Field(Map(ANY)),
        "Volumes": Field(Map(ANY)),
        "StopSignal": _OPTIONAL_STR,
    },
)
HISTORY = Shape(
    "history",
    {
        "created": _OPTIONAL_STR,
        "created_by": _OPTIONAL_STR,
        "author": _OPTIONAL_STR,
        "comment": _OPTIONAL_STR,
        "empty_layer": Field(BOOL),
    },
)
CONFIG = Shape(
    "config",
    {
        "architecture": _OPTIONAL_STR,
        "os": _OPTIONAL_STR,
        "variant": _OPTIONAL_STR,
        "created": _OPTIONAL_STR,
        "author": _OPTIONAL_STR,
        "config": Field(CONTAINER_CONFIG),
        "rootfs": Field(
            Shape("rootfs", {"type": _OPTIONAL_STR, "diff_ids": Field(List(STR), required=True)}),
            required=True,
        ),
        "history": Field(List(HISTORY)),
    },
)
# One image in a docker-save ``manifest.json``, which is a list of them.
ARCHIVE_ENTRY = Shape(
    "archive entry",
    {
        "Config": Field(STR, required=True),
        "RepoTags": _STRINGS,
        "Layers": Field(List(STR), required=True),
    },
)
ARCHIVE_MANIFEST = List(ARCHIVE_ENTRY)

Problem = tuple[tuple[str | int, ...], str, object]  # where, what is wrong, what was there


def check_document(kind: Kind, document: object, what: str) -> None:
    """Raise one ``BadImageError`` line naming the first field of ``document`` that is not of
    ``kind`` (and how many more problems there are)."""
    problems: list[Problem] = []
    _check(kind, document, (), problems)
    if problems:
        raise BadImageError(describe_problems(problems, what))


def describe_problems(problems: list[Problem], what: str) -> str:
    where, message, got = problems[0]
    field = ".".join(str(part) for part in where) or "(top level)"
    shown = type(got).__name__ if isinstance(got, dict | list) else repr(got)[:40]
    more = len(problems) - 1
    extra = f"; {more} more problem(s)" if more > 0 else ""
    return f"{what}: field {field!r}: {message.lower()} (got {shown}){extra}"


def _check(kind: Kind, value: object, where: tuple[str | int, ...], out: list[Problem]) -> None:
    # Depth is bounded by the shapes above (ANY values are not walked), so recursion is safe.
    if isinstance(kind, str):
        if kind == ANY:
            return
        expected, message = _SCALARS[kind]
        # bool is an int in Python; strict: neither stands for the other.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            out.append((where, message, value))
    elif isinstance(kind, List):
        if not isinstance(value, list):
            out.append((where, "Input should be a valid list", value))
            return
        for index, item in enumerate(value):
            _check(kind.item, item, (*where, index), out)
    elif not isinstance(value, dict):
        out.append((where, "Input should be a valid dictionary", value))
    elif isinstance(kind, Map):
        for key, item in value.items():
            _check(kind.value, item, (*where, key), out)
    else:
        _check_shape(kind, value, where, out)


def _check_shape(
    shape: Shape, value: dict[str, Any], where: tuple[str | int, ...], out: list[Problem]
) -> None:
    for name, field in shape.fields.items():
        if name not in value:
            if field.required:
                out.append(((*where, name), "Field required", value))
            continue
        item = value[name]
        if item is None and not field.required:
            continue
        before = len(out)
        _check(field.kind, item, (*where, name), out)
        too_small = field.minimum is not None and isinstance(item, int) and item < field.minimum
        if len(out) == before and too_small:
            message = f"Input should be greater than or equal to {field.minimum}"
            out.append(((*where, name), message, item))
