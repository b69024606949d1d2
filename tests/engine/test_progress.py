"""Reading BuildKit's plain progress: the shapes the engine prints, and out-of-order blocks."""

from __future__ import annotations

from imagetailor.engine.progress import parse_plain_progress

# As Debian's docker 20.10 prints a rebuild after one source file changed (digests shortened).
REBUILD = """\
#1 [internal] load build definition from Dockerfile
#1 sha256:0d65ed42
#1 transferring dockerfile: 233B done
#1 DONE 0.0s

#4 [deps 1/3] FROM docker.io/imagetailor-test/busybox:1
#4 sha256:a5a075e9
#4 CACHED

#7 [deps 3/3] RUN --mount=type=cache,target=/cache cat /a.txt > /b.txt
#7 sha256:8c6f9abb
#7 CACHED

#6 [deps 2/3] COPY a.txt /a.txt
#6 CACHED

#8 [final 1/2] COPY app.txt /app.txt
#8 DONE 0.1s

#9 [final 2/2] RUN make
#9 0.043 compiling
#9 1.250 done compiling
#9 DONE 1.3s

#10 exporting to image
#10 exporting layers 0.0s done
#10 writing image sha256:fe7b06c6 done
#10 naming to docker.io/library/bk:1 done
#10 DONE 0.0s
"""


def test_steps_cached_and_executed_by_stage():
    steps = {step.number: step for step in parse_plain_progress(REBUILD)}
    assert list(steps) == [1, 4, 7, 6, 8, 9, 10]
    assert [s.name for s in steps.values() if s.executed] == [
        "[final 1/2] COPY app.txt /app.txt",
        "[final 2/2] RUN make",
    ]
    assert [s.stage for s in steps.values() if s.reused] == ["deps", "deps"]
    assert steps[4].is_from and steps[4].cached and not steps[4].reused
    assert steps[9].seconds == 1.3 and steps[9].instruction == "RUN make"
    assert steps[10].name == "exporting to image" and not steps[10].is_instruction
    assert steps[1].stage is None


def test_unnamed_stages_and_errors():
    text = (
        "#5 [2/3] RUN false\n"
        '#5 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1\n'
        "#6 [3/3] COPY x y\n"
        "#6 CANCELED\n"
    )
    failed, canceled = parse_plain_progress(text)
    assert (failed.stage, failed.instruction) == (None, "RUN false")
    assert failed.error is not None and failed.error.endswith("exit code: 1")
    assert failed.executed
    assert canceled.error == "canceled"


def test_output_printed_before_the_name_does_not_become_the_name():
    text = "#5 0.120 early output\n#5 sha256:abc\n#5 [build 2/2] RUN go build\n#5 DONE 2.0s\n"
    (step,) = parse_plain_progress(text)
    assert step.name == "[build 2/2] RUN go build"
    assert step.executed and step.stage == "build"


def test_lines_that_are_not_progress_are_ignored():
    assert parse_plain_progress("Sending build context\nerror: bad\n#x nope\n\n") == []


def test_the_failing_steps_own_output_is_kept_for_the_user() -> None:
    """cargo's reason ("requires the features: cli") is in the step's lines, not in its one-line
    error; terminal control characters from the build never reach the user's terminal."""
    from imagetailor.engine.build import failed_step_output

    log = "\n".join(
        [
            "#7 [deps 2/2] RUN true",
            "#7 CACHED",
            "#9 [build 2/2] RUN cargo build --release --bin tempconv",
            "#9 0.412    Compiling tempconv v1.2.0",
            "#9 0.913 error: target `tempconv` in package `tempconv` requires the features: `cli`",
            "#9 0.914 \x1b[31mConsider enabling them\x1b[0m",
            "#9 ERROR: executor failed running [/bin/sh -c cargo build]: exit code: 101",
            "#10 [internal] other",
        ]
    )
    lines = failed_step_output(log)
    assert lines == [
        "   Compiling tempconv v1.2.0",
        "error: target `tempconv` in package `tempconv` requires the features: `cli`",
        "[31mConsider enabling them[0m",
    ]
    assert failed_step_output("#1 [a 1/1] RUN true\n#1 DONE 0.1s\n") == []
