"""What both formats say about the image itself and where each package came from: its name
and digest, the base image its labels name, and each package's layer and instruction."""

from __future__ import annotations

from dataclasses import dataclass

from imagetailor.analysis.model import Analysis, LayerInfo, PackageInfo

BASE_NAME = "org.opencontainers.image.base.name"
BASE_DIGEST = "org.opencontainers.image.base.digest"
TRANSPORTS = ("docker-archive:", "oci-archive:", "oci:", "docker-daemon:", "docker://")
PROPERTY = "imagetailor"  # the namespace of our CycloneDX properties (as syft uses "syft:")


@dataclass(frozen=True)
class Identity:
    name: str  # the repository (or file) the reference names, without tag or digest
    tag: str | None
    digest: str  # the manifest digest, else the image ID (config digest)
    image_id: str
    base_name: str | None
    base_digest: str | None

    @property
    def purl(self) -> str:
        """purl-spec's oci type: the last path segment as the name, the digest as version."""
        from packageurl import PackageURL

        qualifiers = {"tag": self.tag} if self.tag else {}
        if "/" in self.name:
            qualifiers["repository_url"] = self.name
        return str(
            PackageURL(
                type="oci",
                name=self.name.rsplit("/", 1)[-1].lower(),
                version=self.digest,
                qualifiers=qualifiers,
            )
        )


def split_name(text: str) -> tuple[str, str | None]:
    """``repo[:tag][@digest]`` -> (repo, tag); a port in the host is not a tag."""
    text = text.split("@", 1)[0]
    head, _, last = text.rpartition("/")
    if ":" in last:
        bare, _, tag = last.partition(":")
        return (f"{head}/{bare}" if head else bare), tag or None
    return text, None


def identity(analysis: Analysis) -> Identity:
    reference = analysis.reference
    for transport in TRANSPORTS:
        if reference.startswith(transport):
            reference = reference[len(transport) :]
            if transport in ("docker-archive:", "oci-archive:", "oci:"):
                # PATH[:REF]: the file's name stands for the image unless REF names it
                path, _, ref = reference.partition(":")
                own = ref and not ref.startswith("@")
                reference = ref if own else path.rstrip("/").rsplit("/", 1)[-1]
            break
    title = analysis.config.labels.get("org.opencontainers.image.title")
    name, tag = split_name(reference or title or "image")
    labels = analysis.config.labels
    return Identity(
        name=name or "image",
        tag=tag,
        digest=analysis.manifest_digest or analysis.config_digest,
        image_id=analysis.config_digest,
        base_name=labels.get(BASE_NAME) or None,
        base_digest=labels.get(BASE_DIGEST) or None,
    )


def layer_of(analysis: Analysis, package: PackageInfo) -> LayerInfo | None:
    if package.layer is None or not 0 <= package.layer < len(analysis.layers):
        return None
    return analysis.layers[package.layer]


def origin(analysis: Analysis, package: PackageInfo) -> str:
    """One line: the file that records the package, its layer and the instruction."""
    layer = layer_of(analysis, package)
    text = f"recorded in {package.path or '(unknown)'}"
    if layer is not None:
        text += f"; layer {layer.index} ({layer.diff_id or layer.digest})"
        if layer.created_by:
            text += f", added by: {layer.created_by}"
    return text
