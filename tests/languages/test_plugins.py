"""Every registered language plug-in goes through the same checks: its data validates, every
version it knows names real upstream images, its hooks module has both hooks, and it has a
bundled example and corpus layouts that detect, generate and lint (tests/make) — so adding a
language means adding its data file, its hooks module, an example and golden files."""

from __future__ import annotations

import inspect

import pytest

from imagetailor import languages
from imagetailor.languages.upstream import deployable, upstream
from tests.make.corpus import GOLDEN, layouts

PLUGINS = list(languages.plugins().values())


def test_the_registry_finds_every_data_file() -> None:
    assert [p.name for p in PLUGINS] == [
        "go",
        "rust",
        "dotnet",
        "python",
        "ruby",
        "php",
        "java",
        "node",
    ]  # by detection priority


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_data_and_hooks(plugin: languages.Plugin) -> None:
    data = plugin.data
    assert data.default_manager in data.managers
    assert data.tool_manager in ("pip", "npm", "go", "cargo", "pecl", "dotnet", "gem", "")
    assert data.signals and data.conventions.sources and data.layout.workdir.startswith("/")
    for name in ("detect", "plan"):
        hook = getattr(plugin.hooks, name)
        assert callable(hook) and len(inspect.signature(hook).parameters) in (1, 2)
    for manager in data.managers.values():
        assert manager.title
        # A manager either installs, exports a lock for pip, or needs nothing (no dependencies).
        assert manager.install_all or manager.export or manager.title or manager.prepare


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_every_version_names_upstream_images(plugin: languages.Plugin) -> None:
    data = plugin.data
    versions = deployable(data)
    assert versions, "a language needs at least one version with a deploy runtime"
    for version in versions:
        toolchain = upstream(data, version, "toolchain")
        deploy = upstream(data, version, "deploy")
        tools = upstream(data, version, "tools")
        assert version in toolchain or version.split(".")[0] in toolchain
        assert "{" not in toolchain + deploy + tools, "an unfilled template"
        if data.name == "dotnet":  # Ubuntu Chiseled: .NET's distroless, non-root by default
            assert deploy.startswith("mcr.microsoft.com/dotnet/") and deploy.endswith("-chiseled")
            assert tools == f"ubuntu:{data.versions[version].debian}"
            continue
        assert deploy.startswith("gcr.io/distroless/") and deploy.endswith(":nonroot")
        assert tools.startswith("debian:")


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_every_language_has_an_example_and_corpus_layouts_with_golden_files(
    plugin: languages.Plugin,
) -> None:
    mine = [layout for layout in layouts() if layout.expect.get("language") == plugin.name]
    examples = [layout for layout in mine if layout.path.parent.name == "examples"]
    assert examples, f"no bundled example for {plugin.name}"
    assert len(mine) >= 5, f"only {len(mine)} corpus layouts for {plugin.name}"
    for layout in mine:
        assert (GOLDEN / f"{layout.name}.Dockerfile").is_file(), layout.name
