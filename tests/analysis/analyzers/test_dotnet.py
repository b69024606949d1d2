""".NET's *.deps.json."""

from __future__ import annotations

import json

from imagetailor.analysis.analyzers import dotnet
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run
from tests.analysis.analyzers.samples import DEPS_JSON

PATH = "app/WebApp.deps.json"


def test_packages_and_projects() -> None:
    assert run(dotnet.ANALYZER, PATH, json.dumps(DEPS_JSON)) == [
        ("WebApp", "1.0.0", "nuget", "pkg:nuget/WebApp@1.0.0"),
        ("Newtonsoft.Json", "13.0.3", "nuget", "pkg:nuget/Newtonsoft.Json@13.0.3"),
        ("Serilog", "3.1.1", "nuget", "pkg:nuget/Serilog@3.1.1"),
    ]


def test_malformed_documents() -> None:
    context = Context()
    assert run(dotnet.ANALYZER, PATH, '{"libraries": {', context) == []
    assert context.warnings == [f"/{PATH}: not valid JSON, its packages are not listed"]
    odd = {"libraries": {"NoVersion": {"type": "package"}, "A/1": "x", "B/2": {"type": "reference"},
                         "C/3": {"type": "package"}}}  # fmt: skip
    assert run(dotnet.ANALYZER, PATH, json.dumps(odd)) == [("C", "3", "nuget", "pkg:nuget/C@3")]
    assert run(dotnet.ANALYZER, PATH, '{"libraries": []}') == []
    assert run(dotnet.ANALYZER, PATH, "[]") == []


def test_paths() -> None:
    assert REGISTRY.wanted_bytes(PATH) == dotnet.MAX_BYTES
    assert REGISTRY.wanted_bytes("app/WebApp.runtimeconfig.json") == 0
