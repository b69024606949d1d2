"""The registry: every analyzer in one place, one cheap path test, no pydantic for workers."""

from __future__ import annotations

import subprocess
import sys

from imagetailor.analysis import analyze
from imagetailor.analysis.analyzers.registry import ANALYZERS, REGISTRY
from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import File, ImageSpec, LayerSpec, Whiteout, memory_image


def test_every_ecosystem_in_one_image() -> None:
    result = analyze(memory_image(several_ecosystems()))
    assert result.warnings == []
    assert [(p.manager, p.name, p.version, p.purl, p.layer) for p in result.packages] == [
        ("cargo", "hello", "0.1.0", "pkg:cargo/hello@0.1.0", 1),
        ("cargo", "itoa", "1.0.10", "pkg:cargo/itoa@1.0.10", 1),
        ("cargo", "serde", "1.0.195", "pkg:cargo/serde@1.0.195", 1),
        ("composer", "monolog/monolog", "3.5.0", "pkg:composer/monolog/monolog@3.5.0", 1),
        ("dpkg", "bash", "5.2.15-2+b2",
         "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12", 0),
        ("dpkg", "libc6", "2.36-9+deb12u4",
         "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12", 0),
        ("gem", "mustermann", "3.0.0", "pkg:gem/mustermann@3.0.0", 1),
        ("gem", "rack", "3.0.8", "pkg:gem/rack@3.0.8", 1),
        ("gem", "ruby2_keywords", "0.0.5", "pkg:gem/ruby2_keywords@0.0.5", 1),
        ("gem", "sinatra", "3.1.0", "pkg:gem/sinatra@3.1.0", 1),
        ("maven", "app", "", "pkg:maven/app/app", 1),
        ("maven", "demo", "0.0.1", "pkg:maven/com.example/demo@0.0.1", 1),
        ("maven", "jackson-core", "2.15.2",
         "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2", 1),
        ("maven", "slf4j-api", "2.0.9", "pkg:maven/org.slf4j/slf4j-api@2.0.9", 1),
        ("npm", "@types/node", "20.10.5", "pkg:npm/%40types/node@20.10.5", 1),
        ("npm", "express", "4.18.2", "pkg:npm/express@4.18.2", 1),
        ("nuget", "Newtonsoft.Json", "13.0.3", "pkg:nuget/Newtonsoft.Json@13.0.3", 1),
        ("nuget", "Serilog", "3.1.1", "pkg:nuget/Serilog@3.1.1", 1),
        ("nuget", "WebApp", "1.0.0", "pkg:nuget/WebApp@1.0.0", 1),
        ("python", "requests", "2.31.0", "pkg:pypi/requests@2.31.0", 1),
    ]  # fmt: skip
    paths = {p.name: p.path for p in result.packages}
    assert paths["jackson-core"] == "/opt/app/app.jar:BOOT-INF/lib/jackson-core-2.15.2.jar"
    assert paths["demo"] == "/opt/app/app.jar"


def test_what_a_later_layer_deletes_is_not_listed() -> None:
    spec = several_ecosystems()
    spec.layers.append(
        LayerSpec([Whiteout("opt/app/app.jar"), File("opt/dotnet/WebApp.deps.json", "{}")])
    )
    managers = {p.manager for p in analyze(memory_image(spec)).packages}
    assert "maven" not in managers and "nuget" not in managers and "cargo" in managers


def test_hostile_inputs_give_warnings_not_tracebacks() -> None:
    spec = ImageSpec(
        [
            LayerSpec(
                [
                    File("app/a.jar", b"PK\x03\x04 truncated"),
                    File("app/a.deps.json", '{"libraries": '),
                    File("app/vendor/composer/installed.json", "\xff"),
                ]
            )
        ]
    )
    result = analyze(memory_image(spec))
    assert result.packages == []
    assert sorted(w.split(":")[0] for w in result.warnings) == [
        "/app/a.deps.json", "/app/a.jar", "/app/vendor/composer/installed.json",
    ]  # fmt: skip


def test_names_are_unique_and_every_analyzer_is_registered() -> None:
    names = [a.name for a in ANALYZERS]
    assert len(names) == len(set(names)) == 12


def test_ordinary_names_are_turned_away() -> None:
    """The check runs for every file of every layer; its cost is benchmarks/inspect's figure
    (a timed assertion here would only measure how busy the machine is)."""
    paths = ["usr/lib/x86_64-linux-gnu/libssl.so.3", "usr/share/doc/bash/README.gz",
             "app/node_modules/lodash/lodash.js", "usr/bin/python3.11",
             "app/node_modules/lodash/package.json.bak", "var/lib/dpkg/status-old"]  # fmt: skip
    assert [REGISTRY.wanted_bytes(p) for p in paths] == [0] * len(paths)


def test_layer_workers_import_no_pydantic() -> None:
    code = (
        "import sys, imagetailor.analysis.parallel, imagetailor.analysis.layerscan;"
        "print(any(m == 'pydantic' or m.startswith('pydantic.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
