"""`tailor build --report DIR`: the report directory is checked before the build, and each
built image's page is written from the engine with the build's own verdict."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from imagetailor.cli.report import check_report_directory, write_built_reports
from imagetailor.errors import UsageError
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from tests.conftest import DOCKER
from tests.imagefactory import write_docker_archive
from tests.report.images import sample_spec

TAG = "imagetailor-test/report-sample:1"


def test_report_directory_is_checked_before_building(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    check_report_directory(reports, ["deploy", "ci"], force=False)
    assert reports.is_dir()
    (reports / "ci.html").write_text("old")
    with pytest.raises(UsageError, match=r"ci\.html already exists"):
        check_report_directory(reports, ["deploy", "ci"], force=False)
    check_report_directory(reports, ["deploy", "ci"], force=True)
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="not a directory"):
        check_report_directory(tmp_path / "file", ["deploy"], force=False)


@pytest.mark.engine
def test_built_image_report_from_the_engine(engine: str, tmp_path: Path) -> None:
    archive = tmp_path / "sample.tar"
    write_docker_archive(sample_spec(), archive, tag=TAG)
    subprocess.run(
        [DOCKER, "load", "-i", str(archive)],
        check=True,
        capture_output=True,
    )
    from imagetailor.cli.analyzing import analyze_reference

    verdict = evaluate(analyze_reference(str(archive), None), resolve("deploy"))
    write_built_reports(tmp_path, [("deploy", TAG, verdict)], force=False)
    page = (tmp_path / "deploy.html").read_text()
    assert 'data-purpose="deploy"' in page and "deploy: NOT FIT" in page
    assert "ci: " not in page  # only the purpose it was built for
    assert page.count('<tr data-layer="') == 3
