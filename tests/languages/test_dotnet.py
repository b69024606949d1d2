"""The .NET plug-in's detection on small project trees: the app among tests and libraries, the
version from the target framework or global.json, the kind, the configuration names; project
files that are not plain MSBuild XML are not parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor import languages
from imagetailor.languages import dotnet, msbuild
from imagetailor.languages.files import ProjectFiles

WEB = '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup>{}</PropertyGroup></Project>'
LIB = '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup>{}</PropertyGroup></Project>'
TESTS = (
    '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0</TargetFramework>'
    '</PropertyGroup><ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" '
    'Version="17.8.0" /><ProjectReference Include="..\\..\\src\\Api\\Api.csproj" />'
    "</ItemGroup></Project>"
)
TFM8 = "<TargetFramework>net8.0</TargetFramework>"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def detect(root: Path) -> dotnet.Facts:
    return dotnet.detect(ProjectFiles(root), languages.plugin("dotnet").data)


def test_a_solution_app_is_the_web_project_and_tests_are_ci_only(tmp_path: Path) -> None:
    sln = (
        'Project("{FAE04EC0}") = "Api", "src\\Api\\Api.csproj", "{1}"\nEndProject\n'
        'Project("{FAE04EC0}") = "Api.Tests", "tests\\Api.Tests\\Api.Tests.csproj", "{2}"\n'
    )
    write(tmp_path, {"Api.sln": sln, "src/Api/Api.csproj": WEB.format(TFM8),
                     "tests/Api.Tests/Api.Tests.csproj": TESTS})  # fmt: skip
    facts = detect(tmp_path)
    assert (facts.main, facts.kind, facts.start) == ("src/Api/Api.csproj", "web",
                                                      ["dotnet", "Api.dll"])  # fmt: skip
    assert facts.test == "dotnet test Api.sln"
    assert facts.runtime.text == "==8.0.*"
    assert facts.manifests == ["Api.sln", "src/Api/Api.csproj", "tests/Api.Tests/Api.Tests.csproj"]
    (project,) = [p for p in msbuild.read_projects(ProjectFiles(tmp_path)) if p.stem.endswith("s")]
    assert project.references == ["src/Api/Api.csproj"]


@pytest.mark.parametrize(
    ("frameworks", "global_json", "expected"),
    [
        ("<TargetFrameworks>net6.0;net8.0;netstandard2.0</TargetFrameworks>", "", "==8.0.*"),
        ("<TargetFramework>net9.0-windows</TargetFramework>", "", "==9.0.*"),
        ("", '{"sdk": {"version": "8.0.100", "rollForward": "latestFeature"}}', "==8.0.*"),
        ("", '{"sdk": {"version": "8.0.100", "rollForward": "latestMajor"}}', ">=8.0"),
        ("", '{"sdk": {"version": "8.0.100"}}', "==8.0.*"),
        # The runtime must be the target framework's, whatever SDK global.json pins.
        (TFM8, '{"sdk": {"version": "9.0.100", "rollForward": "disable"}}', "==8.0.*"),
        ("", "", ""),
    ],
)
def test_the_version_follows_the_target_framework_then_global_json(
    tmp_path: Path, frameworks: str, global_json: str, expected: str
) -> None:
    files = {"App.csproj": WEB.format(frameworks)}
    if global_json:
        files["global.json"] = global_json
    assert detect(write(tmp_path, files)).runtime.text == expected


def test_directory_build_props_gives_the_framework_and_the_lock_means_locked_mode(
    tmp_path: Path,
) -> None:
    write(tmp_path, {
        "Directory.Build.props": f"<Project><PropertyGroup>{TFM8}</PropertyGroup></Project>",
        "Directory.Packages.props": "<Project />",
        "src/Web/Web.csproj": WEB.format(""),
        "src/Web/packages.lock.json": "{}",
    })  # fmt: skip
    facts = detect(tmp_path)
    assert facts.runtime.text == "==8.0.*"
    assert "src/Web/packages.lock.json" in facts.manifests
    assert {"Directory.Build.props", "Directory.Packages.props"} <= set(facts.manifests)
    assert any("--locked-mode" in note for note in facts.notes)


@pytest.mark.parametrize(
    ("project", "source", "kind"),
    [
        ('<Project Sdk="Microsoft.NET.Sdk.Worker"><PropertyGroup>'
         f"{TFM8}</PropertyGroup></Project>", "", "worker"),
        (LIB.format(f"<OutputType>Exe</OutputType>{TFM8}"), 'Console.WriteLine("hi");', "cli"),
        (LIB.format(f"<OutputType>Exe</OutputType>{TFM8}"),
         "builder.Services.AddHostedService<Poller>();", "worker"),
    ],
)  # fmt: skip
def test_kind_from_the_sdk_output_type_and_hosted_services(
    tmp_path: Path, project: str, source: str, kind: str
) -> None:
    write(tmp_path, {"App.csproj": project, "Program.cs": source})
    assert detect(tmp_path).kind == kind


def test_configuration_keys_become_environment_names(tmp_path: Path) -> None:
    source = (
        'var a = builder.Configuration["Greeting"] ?? config["Greeting"];\n'
        'var b = builder.Configuration["Smtp:Host"];\n'
        'var c = config.GetValue<int>("Workers:Count");\n'
        'var d = builder.Configuration.GetConnectionString("Orders");\n'
        'builder.Services.Configure<Q>(builder.Configuration.GetSection("Queue"));\n'
    )
    write(tmp_path, {"App.csproj": WEB.format(TFM8), "Program.cs": source,
                     "tests/FooTests.cs": 'Configuration["OnlyInTests"]'})  # fmt: skip
    facts = detect(tmp_path)
    assert facts.config == ["Greeting", "Smtp__Host", "Workers__Count", "ConnectionStrings__Orders"]
    assert any("Queue__KEY" in note for note in facts.notes)


def test_assembly_name_and_invariant_globalization(tmp_path: Path) -> None:
    props = "<AssemblyName>wc</AssemblyName><InvariantGlobalization>true</InvariantGlobalization>"
    props += TFM8
    write(tmp_path, {"Tool.csproj": LIB.format(f"<OutputType>Exe</OutputType>{props}")})
    facts = detect(tmp_path)
    assert facts.start == ["dotnet", "wc.dll"] and facts.name == "wc"
    assert any("plain chiseled" in note for note in facts.notes)


def test_two_web_projects_are_a_question(tmp_path: Path) -> None:
    write(tmp_path, {"A/A.csproj": WEB.format(TFM8), "B/B.csproj": WEB.format(TFM8)})
    facts = detect(tmp_path)
    assert facts.main == "" and facts.choices["app.main"] == ["A/A.csproj", "B/B.csproj"]
    assert [u.key for u in facts.unknowns] == ["app.main"]


def test_hostile_project_files_are_not_parsed(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Project Sdk="Microsoft.NET.Sdk.Web">'
        "<PropertyGroup><AssemblyName>&b;</AssemblyName></PropertyGroup></Project>"
    )
    outside = LIB.format(TFM8).replace(
        "</Project>",
        '<ItemGroup><ProjectReference Include="..\\..\\etc\\x.csproj" /></ItemGroup></Project>',
    )
    write(tmp_path, {"Bomb.csproj": bomb, "Lib/Lib.csproj": outside, "Broken.csproj": "<Project"})
    projects = msbuild.read_projects(ProjectFiles(tmp_path))
    assert [p.path for p in projects] == ["Lib/Lib.csproj"]
    assert projects[0].references == []  # a path above the project root is never followed


def test_framework_versions() -> None:
    names = ("net8.0", "net10.0", "netcoreapp3.1", "net8.0-android", "netstandard2.1", "net48")
    assert [msbuild.framework_version(t) for t in names] == ["8.0", "10.0", "3.1", "8.0", "", ""]
    assert dotnet.env_name("Logging:LogLevel:Default") == "Logging__LogLevel__Default"
