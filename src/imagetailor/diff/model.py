"""What `tailor diff A B` finds. ``ImageDiff.model_dump(mode="json")`` is the documented
``tailor diff --format json`` contract (docs/diff.md): add fields, never rename.

Env values never appear here, only names: values can be secrets, and a diff is the report
people paste into tickets.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class FileEntry(BaseModel):
    """A path that only one of the two images has."""

    path: str
    kind: str = Field(description="file, symlink, hardlink, char, block, fifo")
    size_bytes: int
    mode: int
    uid: int
    gid: int
    digest: str | None = Field(description="sha256:… of the content (files and hard links)")
    link_target: str | None = None
    layer: int = Field(description="index of the layer that put it there, in its image")


class FileState(BaseModel):
    kind: str
    size_bytes: int
    mode: int
    uid: int
    gid: int
    digest: str | None = None
    link_target: str | None = None
    layer: int


class FileChange(BaseModel):
    """A path both images have, with different size, mode, owner, content, kind or link."""

    path: str
    size_bytes: int = Field(description="its size in B")
    size_delta_bytes: int = Field(description="size in B minus size in A")
    changes: list[str] = Field(description="which of kind, size, mode, owner, content, link")
    a: FileState
    b: FileState


class FileChanges(BaseModel):
    added: list[FileEntry] = Field(default_factory=list)
    removed: list[FileEntry] = Field(default_factory=list)
    modified: list[FileChange] = Field(default_factory=list)
    added_bytes: int = 0
    removed_bytes: int = 0


class PackageRef(BaseModel):
    name: str
    version: str
    manager: str


class PackageChange(BaseModel):
    name: str
    manager: str
    version_a: str
    version_b: str


class PackageChanges(BaseModel):
    added: list[PackageRef] = Field(default_factory=list)
    removed: list[PackageRef] = Field(default_factory=list)
    changed: list[PackageChange] = Field(default_factory=list)


class ToolChanges(BaseModel):
    added: dict[str, list[str]] = Field(default_factory=dict, description="category -> names")
    removed: dict[str, list[str]] = Field(default_factory=dict, description="category -> names")


class ConfigChange(BaseModel):
    field: str = Field(description="user, entrypoint, cmd, workdir, os, architecture")
    a: str | list[str] | None
    b: str | list[str] | None


class AddedRemoved(BaseModel):
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class ConfigChanges(BaseModel):
    changed: list[ConfigChange] = Field(default_factory=list)
    env_names: AddedRemoved = Field(
        default_factory=AddedRemoved, description="names only: values can be secrets"
    )
    labels: AddedRemoved = Field(default_factory=AddedRemoved)
    labels_changed: list[str] = Field(default_factory=list, description="keys whose value differs")
    exposed_ports: AddedRemoved = Field(default_factory=AddedRemoved)


class LayerSize(BaseModel):
    index: int
    diff_id: str | None
    size_bytes: int
    created_by: str | None
    shared: bool = Field(description="the other image has a layer with the same diff ID")


class SizePair(BaseModel):
    a: int
    b: int


class ImageSide(BaseModel):
    reference: str
    config_digest: str
    manifest_digest: str | None
    file_count: int
    layers: list[LayerSize]


class DiffSummary(BaseModel):
    identical: bool = Field(description="nothing below differs (layers may still)")
    files_added: int
    files_removed: int
    files_modified: int
    packages_added: int
    packages_removed: int
    packages_changed: int
    tools_added: int
    tools_removed: int
    config_changes: int
    shared_layers: int


class ImageDiff(BaseModel):
    schema_version: int = 1
    a: ImageSide
    b: ImageSide
    size_bytes: SizePair = Field(description="sum of the layers' file bytes (inspect's)")
    final_size_bytes: SizePair = Field(description="bytes of regular files in the merged tree")
    summary: DiffSummary
    files: FileChanges
    packages: PackageChanges
    tools: ToolChanges
    config: ConfigChanges
