"""Attaching and reading through the OCI 1.1 referrers API: a loopback front
(tests/image/referrers_registry.py) adds the API to the real Debian docker-registry, whose own
storage keeps every blob and manifest. Here the push must take the API path (no
``sha256-<hex>`` tag written), ``check --attached`` must read the API's pages, and a registry's
hostile referrers answer must end in one line and exit 2, in time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from imagetailor.cli.main import main
from imagetailor.errors import BadImageError
from imagetailor.image.referrers import CHECK_REPORT_TYPE, attach, read_artifact, referrers
from imagetailor.pipeline.publish import PURPOSE_ANNOTATION, ship
from tests.image.referrers_registry import ReferrersRegistry
from tests.image.test_push_referrers import _image, _report, _writer


@pytest.fixture
def upstream(registry: str) -> str:
    """The real registry behind the front: the session's (this module's repositories are its
    own: api/app, paged/app, subject/app, hostile/...)."""
    return registry


@pytest.fixture
def front(upstream: str) -> Iterator[ReferrersRegistry]:
    server = ReferrersRegistry(upstream, page_size=2)
    yield server
    server.close()


def _tags(upstream: str, repository: str) -> list[str]:
    """The tags the real registry holds: what was written, whatever the front said."""
    answer = httpx.get(f"http://{upstream}/v2/{repository}/tags/list", timeout=10)
    answer.raise_for_status()
    return sorted(answer.json()["tags"] or [])


def test_push_takes_the_referrers_api_and_writes_no_tag(
    front: ReferrersRegistry, upstream: str
) -> None:
    image = _image("api")
    shipped = ship(_writer(front.address, "api/app"), image, _report(image), "deploy", ["1"])
    assert shipped.report.via == "referrers API"
    # The real registry has the image's tag and no referrers tag: the API kept the list.
    assert _tags(upstream, "api/app") == ["1"]
    recorded = front.state.referrers[("api/app", shipped.pushed.digest)]
    assert [d["digest"] for d in recorded] == [shipped.report.digest]
    assert recorded[0]["artifactType"] == CHECK_REPORT_TYPE
    # The artifact itself is stored by the real registry, subject and all.
    artifact = json.loads(httpx.get(
        f"http://{upstream}/v2/api/app/manifests/{shipped.report.digest}",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"}, timeout=10,
    ).content)  # fmt: skip
    assert artifact["subject"]["digest"] == shipped.pushed.digest
    # Read back through the API, never the tag.
    before = len(front.state.requests)
    found = referrers(_writer(front.address, "api/app"), shipped.pushed.digest, CHECK_REPORT_TYPE)
    assert [e["digest"] for e in found] == [shipped.report.digest]
    asked = front.state.requests[before:]
    assert asked == [f"GET /v2/api/app/referrers/{shipped.pushed.digest}"]


def test_check_attached_reads_the_second_page(
    front: ReferrersRegistry, upstream: str, capsys: pytest.CaptureFixture[str]
) -> None:
    image = _image("paged")
    writer = _writer(front.address, "paged/app")
    pushed = ship(writer, image, _report(image, "ci"), "ci", ["1-ci"]).pushed
    subject = pushed.descriptor()
    # Two other purposes' reports fill the first page (two a page); deploy's is on the second.
    attach(writer, subject, CHECK_REPORT_TYPE, b"{}", {PURPOSE_ANNOTATION: "local"})
    # Another artifact type, filtered out by the registry (OCI-Filters-Applied) and by us.
    attach(writer, subject, "application/vnd.example.sbom", b"{}", {PURPOSE_ANNOTATION: "deploy"})
    report = _report(image).model_copy(update={"manifest_digest": pushed.digest})
    payload = json.dumps(report.model_dump(mode="json")).encode()
    deploy = attach(writer, subject, CHECK_REPORT_TYPE, payload, {PURPOSE_ANNOTATION: "deploy"})
    assert deploy.via == "referrers API"
    assert _tags(upstream, "paged/app") == ["1-ci"]
    found = referrers(writer, pushed.digest, CHECK_REPORT_TYPE)
    assert [e["annotations"][PURPOSE_ANNOTATION] for e in found] == ["ci", "local", "deploy"]
    pages = [r for r in front.state.requests if "/referrers/" in r]
    assert len(pages) == 2  # one page of two, then the next by its Link
    reference = f"docker://{front.address}/paged/app:1-ci"
    code = main(["check", reference, "-p", "deploy", "--attached", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == (0 if report.fit else 1), err
    data = json.loads(out)
    assert (data["manifest_digest"], data["purpose"]) == (pushed.digest, "deploy")
    assert main(["check", reference, "-p", "ci", "--attached", "--format", "json"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["purpose"] == "ci"


def test_the_subject_is_verified(front: ReferrersRegistry) -> None:
    writer = _writer(front.address, "subject/app")
    mine = ship(writer, _image("mine"), _report(_image("mine")), "deploy", ["1"])
    other = ship(writer, _image("theirs"), _report(_image("theirs")), "deploy", ["2"])
    # A registry listing another image's artifact under this subject is caught on reading it.
    front.state.hostile = "wrong-subject"
    entries = referrers(writer, mine.pushed.digest, CHECK_REPORT_TYPE)
    assert [e["digest"] for e in entries] == [other.report.digest]
    with pytest.raises(BadImageError, match="does not refer to"):
        read_artifact(writer, entries[0], mine.pushed.digest, CHECK_REPORT_TYPE)
    code = main(["check", f"docker://{front.address}/subject/app:1", "-p", "deploy", "--attached"])
    assert code == 2


def _check(address: str, repository: str, deadline: float = 4.0) -> tuple[int, str, float]:
    """`tailor check --attached` as a process: (exit code, stderr, seconds)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "imagetailor.cli.main", "check", f"docker://{address}/{repository}:1",
         "-p", "deploy", "--attached"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "TAILOR_DEADLINE": str(deadline)},
    )  # fmt: skip
    return result.returncode, result.stderr, time.monotonic() - started


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        ("media-type", "'application/json', not an OCI image index"),
        ("huge", "is larger than 4,194,304 bytes"),
        ("digest-mismatch", "does not match its digest"),
        ("trickle", "deadline"),
        ("foreign-link", "the next page is on another host"),
    ],
)
def test_a_hostile_referrers_answer_is_one_line_and_exit_2(
    front: ReferrersRegistry, hostile: str, message: str
) -> None:
    repository = f"hostile/{hostile}"
    writer = _writer(front.address, repository)
    image = _image(hostile)
    ship(writer, image, _report(image), "deploy", ["1"])
    if hostile == "foreign-link":  # a full first page, so a next one is asked for
        front.state.page_size = 1
    front.state.hostile = hostile
    code, err, seconds = _check(front.address, repository)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tailor: error: "), err
    assert message in lines[0], err
    assert "Traceback" not in err
    assert seconds < 15, f"{hostile}: {seconds:.1f}s"
