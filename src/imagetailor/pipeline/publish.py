"""`tailor push` and `tailor build --push`: ship the images that were checked, with their reports.

Each purpose's image is read from the engine once (one export for all of them), and the bytes
pushed are that export's: when reports from `tailor build` are given, each image's config digest
must be the one its report checked (an image re-tagged in between is refused); without them the
image is checked here, from the same export, before anything is pushed. An image unfit for its
purpose is not pushed. The check report then goes to the registry as an OCI 1.1 referrer of the
manifest pushed, naming that manifest's digest, so `tailor check --attached` can prove the
report is about exactly that image.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from imagetailor.engine.endpoint import Endpoint
from imagetailor.errors import BadImageError, SourceUnavailableError, TailorError, UsageError
from imagetailor.image.credentials import find_credentials
from imagetailor.image.model import Image
from imagetailor.image.push import Pushed, RegistryWriter, push_image
from imagetailor.image.reference import ImageName, parse_name
from imagetailor.image.referrers import CHECK_REPORT_TYPE, Attached, attach
from imagetailor.policy.findings import CheckReport
from imagetailor.project.model import Spec

PURPOSE_ANNOTATION = "dev.imagetailor.purpose"
CREATED = "org.opencontainers.image.created"


class UnfitImageError(TailorError):
    """An image not fit for its purpose is not shipped: exit 1, as `tailor check` would."""

    exit_code = 1


@dataclass(frozen=True)
class PushedPurpose:
    purpose: str
    pushed: Pushed
    report: Attached

    def as_json(self) -> dict[str, object]:
        return {
            "purpose": self.purpose,
            "repository": self.pushed.repository,
            "tags": list(self.pushed.tags),
            "digest": self.pushed.digest,
            "config_digest": self.pushed.config_digest,
            "blobs_uploaded": self.pushed.uploaded,
            "report_digest": self.report.digest,
            "report_via": self.report.via,
        }


def repository_name(text: str) -> ImageName:
    """REPO as given to --push: a registry host and a repository, no tag or digest."""
    name = parse_name(text, default_tag=None)
    if name.tag or name.digest:
        raise UsageError(f"{text!r}: give a repository without a tag (tags are VERSION[-PURPOSE])")
    return name


def purpose_tags(spec: Spec, purpose: str) -> list[str]:
    """VERSION-PURPOSE for every purpose, and VERSION for deploy: the deployable image."""
    tags = [f"{spec.app.version}-{purpose}"]
    return [spec.app.version, *tags] if purpose == "deploy" else tags


def push_purposes(
    spec: Spec,
    project: Path,
    repository: str,
    purposes: list[str],
    reports: dict[str, CheckReport] | None = None,
    *,
    docker_config: Path | None = None,
    on_pushed: Callable[[PushedPurpose], None] | None = None,
    endpoint: Endpoint | None = None,
) -> list[PushedPurpose]:
    """``endpoint``: the engine that holds the images (engine/endpoint.py; default as the docker
    CLI resolves it), the one `tailor build` built them in."""
    from imagetailor.image.daemon import open_daemon_images
    from imagetailor.pipeline.images import check_image

    name = repository_name(repository)
    wanted = purposes or spec.all_purposes()
    for purpose in wanted:
        spec.base_purpose(purpose)
    images = open_daemon_images([spec.tag(p) for p in wanted], endpoint=endpoint)
    try:
        judged: dict[str, tuple[Image, CheckReport]] = {}
        for purpose in wanted:  # every image judged before any is pushed: all or none
            image = images[spec.tag(purpose)]
            report = (reports or {}).get(purpose)
            if report is None:
                outcome = check_image(
                    spec.tag(purpose), purpose, spec, str(project / "tailor.toml"), image
                )[0]
                assert isinstance(outcome.report, CheckReport)
                report = outcome.report
            elif report.config_digest != image.config_digest:
                raise UsageError(
                    f"{spec.tag(purpose)} is {image.config_digest} in the engine, not the "
                    f"{report.config_digest} that was checked: build again before pushing"
                )
            if not report.fit:
                raise UnfitImageError(
                    f"{spec.tag(purpose)} is not fit for {purpose}: not pushed (nothing was); "
                    f"`tailor check {spec.tag(purpose)} -p {purpose}` says why"
                )
            judged[purpose] = (image, report)
        writer = RegistryWriter(
            ImageName(name.registry, name.repository, None, None),
            find_credentials(name.registry, docker_config),
            timeout=30.0,
        )
        results = []
        try:
            for purpose, (image, report) in judged.items():
                result = ship(writer, image, report, purpose, purpose_tags(spec, purpose))
                results.append(result)
                if on_pushed is not None:
                    on_pushed(result)
        finally:
            writer.close()
        return results
    finally:
        for image in images.values():
            image.close()


def ship(
    writer: RegistryWriter, image: Image, report: CheckReport, purpose: str, tags: list[str]
) -> PushedPurpose:
    """Push ``image`` under ``tags``, then attach ``report`` (now naming the manifest pushed)."""
    pushed = push_image(image, writer, tags)
    shipped = report.model_copy(
        update={
            "manifest_digest": pushed.digest,
            "reference": f"docker://{pushed.repository}@{pushed.digest}",
        }
    )
    payload = json.dumps(shipped.model_dump(mode="json"), indent=2).encode()
    annotations = {
        PURPOSE_ANNOTATION: purpose,
        # When the report was attached: the newest one wins on reading.
        CREATED: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    attached = attach(writer, pushed.descriptor(), CHECK_REPORT_TYPE, payload, annotations)
    return PushedPurpose(purpose, pushed, attached)


def attached_report(
    reference: str,
    purpose: str,
    platform: str | None = None,
    *,
    docker_config: Path | None = None,
) -> CheckReport:
    """The newest check report for ``purpose`` attached to the image ``reference`` names
    (`tailor push` attached it), after proving it is about this image: the artifact's subject,
    the report's manifest digest and its config digest must all be the image's."""
    from imagetailor.image import open_image
    from imagetailor.image.reference import parse_reference
    from imagetailor.image.referrers import read_artifact, referrers
    from imagetailor.image.registry import RegistryStore

    parsed = parse_reference(reference)
    if parsed.transport != "docker" or parsed.name is None:
        raise UsageError("--attached reads reports from a registry: give a docker:// reference")
    name = parsed.name
    with open_image(reference, platform, docker_config=docker_config) as image:
        digest, config_digest = image.manifest_digest, image.config_digest
    assert digest is not None  # a registry image always has its manifest's digest
    store = RegistryStore(name, find_credentials(name.registry, docker_config), 30.0)
    try:
        entries = referrers(store, digest, CHECK_REPORT_TYPE)
        mine = [
            entry
            for entry in entries
            if isinstance(entry.get("annotations"), dict)
            and entry["annotations"].get(PURPOSE_ANNOTATION) == purpose
        ]
        if not mine:
            raise SourceUnavailableError(
                f"no {purpose} check report is attached to {name.familiar()} ({digest}): "
                "`tailor push` attaches them; or check without --attached"
            )
        # The newest by its created annotation; among equals the later entry (appended last).
        newest = max(
            enumerate(mine),
            key=lambda item: (str(item[1]["annotations"].get(CREATED, "")), item[0]),
        )[1]
        payload, _annotations = read_artifact(store, newest, digest, CHECK_REPORT_TYPE)
    finally:
        store.close()
    where = f"the check report attached to {name.familiar()}"
    try:
        report = CheckReport.model_validate_json(payload)
    except ValidationError as error:
        first = error.errors()[0]
        raise BadImageError(
            f"{where} is not a check report: {'.'.join(map(str, first['loc']))}: {first['msg']}"
        ) from None
    for field, expected, found in (
        ("manifest digest", digest, report.manifest_digest),
        ("config digest", config_digest, report.config_digest),
        ("purpose", purpose, report.purpose),
    ):
        if found != expected:
            raise BadImageError(f"{where} names {found} as its {field}, not the image's {expected}")
    return report
