"""Builds with the real engine: image ids, labels, targets, cache reuse read from BuildKit's log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagetailor import engine as eng
from imagetailor.engine.build import BuildFailedError
from imagetailor.errors import UsageError

DOCKERFILE = """\
FROM {base} AS deps
COPY deps.txt /deps.txt
RUN --mount=type=cache,target=/cache cat /deps.txt > /installed.txt

FROM deps AS final
ARG GREETING=unset
COPY app.txt /app.txt
RUN echo "$GREETING" > /greeting.txt
"""


@pytest.fixture
def project(tmp_path: Path, busybox_image: str) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE.format(base=busybox_image))
    (tmp_path / "deps.txt").write_text(f"dependencies {uuid.uuid4().hex}\n")
    (tmp_path / "app.txt").write_text("app v1\n")
    return tmp_path


@pytest.fixture
def tag(engine: str) -> Iterator[str]:
    name = f"imagetailor-test/build:{uuid.uuid4().hex[:10]}"
    yield name
    eng.remove_image(name)


def names(steps: list[eng.BuildStep]) -> list[str]:
    return [step.name for step in steps]


def test_build_reports_id_labels_and_which_steps_ran(project: Path, tag: str):
    dockerfile = project / "Dockerfile"
    seen: list[str] = []
    first = eng.build(
        project, dockerfile, "final", [tag], {"org.example.purpose": "test"},
        {"GREETING": "hi there"}, on_line=seen.append,
    )  # fmt: skip
    assert first.image_id.startswith("sha256:") and len(first.image_id) == 71
    assert eng.inspect_image(tag)["Id"] == first.image_id
    assert eng.inspect_image(tag)["Config"]["Labels"]["org.example.purpose"] == "test"
    assert seen and "".join(line + "\n" for line in seen) == first.log_text
    assert first.seconds > 0
    # deps.txt is new content, so every instruction ran (the FROM only names the base).
    assert names(first.executed_steps()) == [
        "[deps 2/3] COPY deps.txt /deps.txt",
        "[deps 3/3] RUN --mount=type=cache,target=/cache cat /deps.txt > /installed.txt",
        "[final 1/2] COPY app.txt /app.txt",
        '[final 2/2] RUN echo "hi there" > /greeting.txt',
    ]
    assert first.cached_steps() == []
    assert eng.run(tag, ["cat", "/greeting.txt"]).stdout == "hi there\n"

    # Same inputs: everything comes from the cache and the image is the same.
    again = eng.build(project, dockerfile, "final", [tag], {"org.example.purpose": "test"},
                      {"GREETING": "hi there"})  # fmt: skip
    assert again.image_id == first.image_id
    assert again.executed_steps() == []
    assert len(again.cached_steps()) == 4

    # A source change re-runs only what follows the changed COPY: no dependency step.
    (project / "app.txt").write_text("app v2\n")
    touched = eng.build(project, dockerfile, "final", [tag], {"org.example.purpose": "test"},
                        {"GREETING": "hi there"})  # fmt: skip
    assert touched.image_id != first.image_id
    assert touched.executed_steps("deps") == []
    assert names(touched.cached_steps("deps")) == names(first.executed_steps("deps"))
    assert names(touched.executed_steps("final")) == [
        "[final 1/2] COPY app.txt /app.txt",
        '[final 2/2] RUN echo "hi there" > /greeting.txt',
    ]


def test_target_selects_the_stage(project: Path, tag: str):
    result = eng.build(project, project / "Dockerfile", target="deps", tags=[tag])
    stages = {step.stage for step in result.steps if step.is_instruction}
    assert stages == {"deps"}, result.log_text
    assert eng.run(tag, ["cat", "/installed.txt"]).stdout.startswith("dependencies ")
    assert eng.run(tag, ["cat", "/app.txt"]).exit_code != 0


def test_failed_build_is_one_line_naming_the_step(project: Path, tag: str, busybox_image: str):
    (project / "Dockerfile").write_text(f"FROM {busybox_image}\nRUN echo boom && exit 3\n")
    with pytest.raises(BuildFailedError) as caught:
        eng.build(project, project / "Dockerfile", tags=[tag], no_cache=True)
    message = str(caught.value)
    assert "\n" not in message
    assert "RUN echo boom && exit 3" in message
    assert "exit code: 3" in message
    assert "boom" in caught.value.log_text
    assert not eng.image_exists(tag)


def test_bad_inputs_are_usage_errors(project: Path, tmp_path: Path):
    with pytest.raises(UsageError, match="does not exist"):
        eng.build(project, project / "Nope.Dockerfile")
    with pytest.raises(UsageError, match="not a directory"):
        eng.build(tmp_path / "missing", project / "Dockerfile")
    with pytest.raises(UsageError, match="not allowed"):
        eng.build(project, project / "Dockerfile", network="bridge")


def test_network_none_build_has_no_network(project: Path, tag: str, busybox_image: str):
    (project / "Dockerfile").write_text(
        f"FROM {busybox_image}\nRUN ls /sys/class/net > /interfaces\n"
    )
    eng.build(project, project / "Dockerfile", tags=[tag], network="none", no_cache=True)
    assert eng.run(tag, ["cat", "/interfaces"]).stdout.split() == ["lo"]
