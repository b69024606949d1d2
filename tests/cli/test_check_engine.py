"""`tailor inspect` and `tailor check` on images the real engine builds from the busybox base."""

from __future__ import annotations

import json
import os

import pytest

from imagetailor.cli.main import main
from tests.conftest import docker

pytestmark = pytest.mark.engine

# Per process: pytest-xdist workers each build these images and remove them when done, so they
# must not share tags.
TAG = f"p{os.getpid()}"

# busybox and its applet links (sh, wget, vi): one finding on the binary.
SHELL_TOOLS = [("TP101", "/bin/busybox", 0)]


def build(tmp_path, tag, dockerfile, files):
    context = tmp_path / tag.replace("/", "_").replace(":", "_")
    context.mkdir()
    (context / "Dockerfile").write_text(dockerfile)
    for name, text in files.items():
        (context / name).write_text(text)
    docker("build", "--network", "host", "-q", "-t", tag, str(context))
    archive = tmp_path / f"{context.name}.tar"
    docker("save", "-o", str(archive), tag)
    return archive


@pytest.fixture(scope="module")
def images(engine, busybox_image, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("policy-images")
    good = build(
        tmp_path,
        f"imagetailor-test/policy-good:{TAG}",
        f"FROM {busybox_image}\nCOPY hello.txt /app/hello.txt\nUSER 10001\n"
        'ENTRYPOINT ["/bin/cat", "/app/hello.txt"]\n',
        {"hello.txt": "hello\n"},
    )
    bad = build(
        tmp_path,
        f"imagetailor-test/policy-bad:{TAG}",
        f"FROM {busybox_image}\nCOPY hello.txt /app/hello.txt\nENV APP_ENV=staging\n"
        'ENTRYPOINT ["/app/server"]\n',
        {"hello.txt": "hello\n"},
    )
    leaky = build(
        tmp_path,
        f"imagetailor-test/policy-leaky:{TAG}",
        f"FROM {busybox_image}\nCOPY npmrc /root/.npmrc\n"
        "ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE APP_STAGE=staging\nUSER 10001\n"
        'ENTRYPOINT ["/bin/cat"]\n',
        {"npmrc": "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"},
    )
    yield {"good": good, "bad": bad, "leaky": leaky}
    docker(
        "rmi",
        f"imagetailor-test/policy-good:{TAG}",
        f"imagetailor-test/policy-bad:{TAG}",
        f"imagetailor-test/policy-leaky:{TAG}",
        check=False,
    )


def check_json(capsys, *args):
    code = main(["check", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, json.loads(out)


def triples(data):
    return [(f["rule"], f["path"], f["layer"]) for f in data["findings"]]


def test_deploy_rejects_the_busybox_shell_and_tools(capsys, images):
    code, data = check_json(capsys, f"docker-archive:{images['good']}", "-p", "deploy")
    assert code == 1 and data["fit"] is False
    # Built without a HEALTHCHECK: said as information (TP207), which never fails an image.
    assert triples(data) == [*SHELL_TOOLS, ("TP207", None, None)]
    assert (data["summary"]["error"], data["summary"]["info"]) == (1, 1)


def test_a_busybox_image_is_fit_for_local(capsys, images):
    # The shell and its applets (sh, wget, vi) are what local allows: one binary, no finding.
    code, data = check_json(capsys, f"docker-archive:{images['good']}", "-p", "local")
    assert code == 0 and data["findings"] == [] and data["fit"] is True


def test_ci_and_dev(capsys, images):
    code, data = check_json(capsys, f"docker-archive:{images['good']}", "-p", "ci",
                            "--require", "wget", "--require", "pytest")  # fmt: skip
    assert code == 1
    assert [(f["rule"], f["message"]) for f in data["findings"]] == [
        ("TP120", "required tool pytest was not found in the image")
    ]
    code, data = check_json(capsys, f"docker-archive:{images['good']}", "-p", "dev")
    assert code == 1 and [f["rule"] for f in data["findings"]] == ["TP121", "TP122"]


def test_root_environment_and_missing_entrypoint(capsys, images):
    code, data = check_json(capsys, f"docker-archive:{images['bad']}", "-p", "deploy")
    assert code == 1
    assert triples(data) == [
        *SHELL_TOOLS,
        ("TP201", None, None),
        ("TP202", "APP_ENV", None),
        ("TP203", "/app/server", None),
        ("TP207", None, None),
    ]
    messages = {f["rule"]: f["message"] for f in data["findings"]}
    assert messages["TP202"] == "Env APP_ENV='staging' names the environment 'staging'"
    assert messages["TP203"] == "the entrypoint /app/server does not exist in the image"


def test_saved_analysis_and_daemon_give_the_same_verdict(capsys, images, tmp_path):
    saved = tmp_path / "good.json"
    assert main(["inspect", f"docker-archive:{images['good']}", "--format", "json",
                 "-o", str(saved)]) == 0  # fmt: skip
    analysis = json.loads(saved.read_text())
    assert [layer["created_by"] for layer in analysis["layers"]][1] == (
        "COPY hello.txt /app/hello.txt # buildkit"
    )
    code, from_file = check_json(capsys, "--analysis", str(saved), "-p", "deploy")
    code_daemon, from_daemon = check_json(
        capsys, f"docker-daemon:imagetailor-test/policy-good:{TAG}", "-p", "deploy"
    )
    assert code == code_daemon == 1
    assert from_file["findings"] == from_daemon["findings"]
    assert from_file["config_digest"] == from_daemon["config_digest"]
    assert from_file["findings"][0]["created_by"] == analysis["layers"][0]["created_by"]


def test_inspect_text_and_unreadable_reference(capsys, images, tmp_path, monkeypatch):
    # Wide enough that the instruction is not wrapped (another test's terminal may have set
    # COLUMNS in this process: the explorer's runs do).
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["inspect", f"docker-archive:{images['good']}"]) == 0
    out = capsys.readouterr().out
    assert "COPY hello.txt /app/hello.txt # buildkit" in out and "/bin/wget" in out
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all" * 100)
    assert main(["check", f"docker-archive:{junk}", "-p", "deploy"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("tailor: error: ")
    assert captured.err.count("\n") == 1


def test_secrets_fail_even_ci_and_environment_fails_deploy(capsys, images):
    secrets = [
        ("TP301", "/root/.npmrc", 1),
        ("TP302", None, None),  # the ENV instruction in the build history
        ("TP302", "AWS_ACCESS_KEY_ID", None),
    ]
    code, data = check_json(capsys, f"docker-archive:{images['leaky']}", "-p", "ci")
    assert code == 1 and triples(data) == secrets
    assert "(npm-token)" in data["findings"][0]["message"]
    assert data["findings"][0]["created_by"] == "COPY npmrc /root/.npmrc # buildkit"
    assert all("AKIAIOSFODNN7EXAMPLE" not in f["message"] for f in data["findings"])
    code, data = check_json(capsys, f"docker-archive:{images['leaky']}", "-p", "local")
    assert code == 1
    assert triples(data) == [
        ("TP202", "APP_STAGE", None),
        *secrets,
    ]
