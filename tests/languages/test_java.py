"""Java detection and planning on small projects written here: Maven and Gradle, wrappers,
modules, the Java release, Spring Boot's versions, the main class, hostile build files."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor import languages
from imagetailor.errors import UsageError
from imagetailor.generate.plan import PlanContext
from imagetailor.languages import java
from imagetailor.languages.facts import Facts
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.javabuild import gradle_includes, version_at_least
from imagetailor.project.model import Spec

DATA = languages.plugin("java").data


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def pom(body: str, parent: str = "") -> str:
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        f"{parent}<groupId>g</groupId>{body}</project>"
    )


BOOT_PARENT = (
    "<parent><groupId>org.springframework.boot</groupId>"
    "<artifactId>spring-boot-starter-parent</artifactId><version>{v}</version></parent>"
)


def detect(root: Path) -> Facts:
    return java.detect(ProjectFiles(root), DATA)


@pytest.mark.parametrize(
    ("boot", "start"),
    [
        ("3.3.4", "org.springframework.boot.loader.launch.JarLauncher"),
        ("3.2.0", "org.springframework.boot.loader.launch.JarLauncher"),
        ("3.1.9", "org.springframework.boot.loader.JarLauncher"),
        ("2.7.18", "org.springframework.boot.loader.JarLauncher"),
    ],
)
def test_spring_boot_starts_with_the_launcher_of_its_version(
    tmp_path: Path, boot: str, start: str
) -> None:
    write(
        tmp_path,
        {
            "pom.xml": pom(
                "<artifactId>shop</artifactId><version>1.2.0</version>"
                "<properties><java.version>21</java.version></properties>",
                BOOT_PARENT.format(v=boot),
            ),
            "mvnw": "#!/bin/sh\n",
            ".mvn/wrapper/maven-wrapper.properties": "distributionUrl=x\n",
            "src/test/java/AppTest.java": "class AppTest {}\n",
        },
    )
    facts = detect(tmp_path)
    assert facts.start == ["java", start]
    assert (facts.name, facts.version, facts.kind) == ("shop", "1.2.0", "web")
    assert (facts.runtime.kind, facts.runtime.text) == ("minimum", "21")
    assert facts.runtime.source == "pom.xml java.version"
    assert facts.test == "./mvnw -B test"
    assert facts.manifests == ["pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties"]


def test_release_files_win_over_the_build(tmp_path: Path) -> None:
    body = "<artifactId>a</artifactId><properties><maven.compiler.release>17"
    body += "</maven.compiler.release></properties>"
    write(tmp_path, {"pom.xml": pom(body), ".sdkmanrc": "java=21.0.2-tem\n"})
    assert detect(tmp_path).runtime.text == "21"
    write(tmp_path, {".java-version": "1.8\n"})
    facts = detect(tmp_path)
    assert (facts.runtime.text, facts.runtime.source) == ("8", ".java-version")


def test_a_property_naming_a_property_is_resolved(tmp_path: Path) -> None:
    body = "<artifactId>a</artifactId><properties><jdk>17</jdk>"
    body += "<maven.compiler.release>${jdk}</maven.compiler.release></properties>"
    write(tmp_path, {"pom.xml": pom(body)})
    assert detect(tmp_path).runtime.text == "17"


def test_maven_modules_pick_the_application_module(tmp_path: Path) -> None:
    parent = "<parent><groupId>g</groupId><artifactId>p</artifactId><version>2.0</version></parent>"
    main = (
        "<build><plugins><plugin><artifactId>maven-jar-plugin</artifactId><configuration>"
        "<archive><manifest><mainClass>x.Main</mainClass></manifest></archive>"
        "</configuration></plugin></plugins></build>"
    )
    write(
        tmp_path,
        {
            "pom.xml": pom(
                "<artifactId>p</artifactId><version>2.0</version><packaging>pom</packaging>"
                "<modules><module>lib</module><module>svc</module><module>../escape</module>"
                "</modules><properties><maven.compiler.release>17</maven.compiler.release>"
                "</properties>"
            ),
            "lib/pom.xml": pom("<artifactId>lib</artifactId>", parent),
            "svc/pom.xml": pom(f"<artifactId>svc</artifactId>{main}", parent),
        },
    )
    facts = detect(tmp_path)
    assert facts.main == "svc"
    assert (facts.name, facts.version) == ("svc", "2.0")
    assert facts.start == ["java", "-cp", "app.jar:lib/*", "x.Main"]
    assert facts.manifests == ["pom.xml", "lib/pom.xml", "svc/pom.xml"]
    assert facts.runtime.text == "17" and facts.kind == "cli"


def test_a_main_method_in_the_sources_is_the_main_class(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pom.xml": pom("<artifactId>tool</artifactId>"),
            "src/main/java/org/x/Cli.java": "package org.x;\npublic class Cli {\n"
            '  public static void main(String[] a) { System.getenv("TOKEN"); }\n}\n',
        },
    )
    facts = detect(tmp_path)
    assert facts.start == ["java", "-cp", "app.jar:lib/*", "org.x.Cli"]
    assert facts.start_source == "main() in org.x.Cli"
    assert facts.test == ""


def test_gradle_kotlin_dsl_boot_with_toolchain_and_includes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "settings.gradle.kts": 'rootProject.name = "inv"\ninclude("api", ":libs:core")\n',
            "build.gradle.kts": "java { toolchain {\n"
            "  languageVersion = JavaLanguageVersion.of(21)\n} }\n",
            "api/build.gradle.kts": "plugins {\n"
            '  id("org.springframework.boot") version "3.3.1"\n}\nversion = "0.3.0"\n',
            "libs/core/build.gradle.kts": "plugins { `java-library` }\n",
            "gradlew": "#!/bin/sh\n",
            "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=x\n",
            "api/src/test/kotlin/T.kt": "class T\n",
        },
    )
    facts = detect(tmp_path)
    assert facts.manager == "gradle" and facts.main == "api"
    assert facts.name == "inv" and facts.version == "0.3.0"
    assert facts.runtime.text == "21" and facts.runtime.source == "build.gradle.kts toolchain"
    assert facts.test == "./gradlew --no-daemon test"
    assert "libs/core/build.gradle.kts" in facts.manifests and "gradlew" in facts.manifests


def test_gradle_includes_never_leave_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"settings.gradle": "include 'a', ':b:c'\ninclude('../up')\n"})
    assert gradle_includes(ProjectFiles(tmp_path)) == ["a", "b/c"]


def test_a_pom_with_a_doctype_is_not_read(tmp_path: Path) -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">]><project>&a;</project>'
    write(tmp_path, {"pom.xml": bomb})
    facts = detect(tmp_path)
    assert facts.start == [] and [u.key for u in facts.unknowns] == ["app.start"]


def test_version_comparison_counts_unknown_as_newest() -> None:
    assert version_at_least("3.3.0-M1", "3.3") and not version_at_least("3.2.9", "3.3")
    assert version_at_least("", "3.3")


def _spec(tmp_path: Path, **app: object) -> PlanContext:
    spec = Spec.model_validate(
        {
            "app": {
                "name": "svc",
                "language": "java",
                "runtime_version": "17",
                "package_manager": "maven",
                **app,
            }
        }
    )
    return PlanContext(tmp_path, spec, DATA, "17", "bookworm")


def test_plan_refuses_a_start_deploy_cannot_run(tmp_path: Path) -> None:
    write(tmp_path, {"pom.xml": pom("<artifactId>svc</artifactId>")})
    with pytest.raises(UsageError, match="begin it with 'java'"):
        java.plan(_spec(tmp_path, start=["./run.sh"]))
    with pytest.raises(UsageError, match="no shell"):
        java.plan(_spec(tmp_path, start=["java", "-cp", "app.jar:lib/*", "M", "$PORT"]))
    with pytest.raises(UsageError, match="not a module"):
        java.plan(_spec(tmp_path, main="nope", start=["java", "-cp", "app.jar:lib/*", "M"]))


def test_boot_plan_copies_four_layers_with_the_application_last(tmp_path: Path) -> None:
    write(tmp_path, {"pom.xml": pom("<artifactId>svc</artifactId>", BOOT_PARENT.format(v="3.1.0"))})
    plan = java.plan(_spec(tmp_path, start=["java", "org.springframework.boot.loader.JarLauncher"]))
    assert [c.source for c in plan.deploy_copies] == [
        "/out/dependencies/",
        "/out/spring-boot-loader/",
        "/out/snapshot-dependencies/",
        "/out/application/",
    ]
    assert any("-Djarmode=layertools" in c for r in plan.build for c in r.commands)
    assert plan.entrypoint == ["/usr/bin/java", "org.springframework.boot.loader.JarLauncher"]
    assert plan.deploy_env == {} and plan.dev_ports == [5005]
