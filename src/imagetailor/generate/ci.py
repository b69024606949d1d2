"""CI pipelines: ``.github/workflows/images.yml`` and ``.gitlab-ci.yml`` (``tailor generate --ci``).

Both run one list of plain commands (``pipeline_steps``), the same on any machine with an
engine, after a platform's own setup (install imagetailor with the pip requirement its header
records, log in, warm BuildKit's cache):

1. the generated files are up to date;
2. ``tailor build``: every purpose built (deploy once), the ci image's tests run in it, each
   image checked against its purpose;
3. ``tailor smoke``: the deploy image run with traffic;
4. ``tailor check`` per purpose, as SARIF where the platform shows it (GitHub code scanning) and
   JUnit where it shows test reports (GitLab);
5. ``tailor push``: only from the default branch and tags, the images just tested (the
   engine's, re-proved to be the checked ones) under VERSION and VERSION-PURPOSE, with their
   reports attached.

BuildKit's layers are cached between runs in the platform's cache backend: GitHub's (type=gha)
and GitLab's registry (type=registry), one scope per purpose, warmed by a bake of all targets
before `tailor build`, which then finds every layer in the builder.

Values from tailor.toml go through ``workflow_string`` (GitHub evaluates ``${{``),
``yaml_string`` and ``gitlab_variable`` (GitLab expands ``$``), and into shell commands through
``shell_word``; everything else is this module's own constant text.
"""

from __future__ import annotations

from dataclasses import dataclass

from imagetailor.generate.install import TailorSpec
from imagetailor.generate.quoting import (
    gitlab_variable,
    shell_word,
    workflow_block,
    workflow_string,
    yaml_string,
)
from imagetailor.project.model import Spec

CI_FILES = {"github": ".github/workflows/images.yml", "gitlab": ".gitlab-ci.yml"}
REPORTS = "reports"
# Pinned by major version, as each action's own documentation recommends (they move the tag
# for fixes, never for breaking changes).
ACTIONS = {
    "checkout": "actions/checkout@v4",
    "python": "actions/setup-python@v5",
    "buildx": "docker/setup-buildx-action@v3",
    "bake": "docker/bake-action@v5",
    "sarif": "github/codeql-action/upload-sarif@v3",
    "artifact": "actions/upload-artifact@v4",
    "login": "docker/login-action@v3",
}
GITLAB_DOCKER = "docker:27"
PUSH_IF = (
    "github.event_name == 'push' && "
    "(github.ref_type == 'tag' || github.ref_name == github.event.repository.default_branch)"
)


def parse_platforms(text: str) -> list[str]:
    """``github,gitlab`` -> the platforms, each known; the order written is CI_FILES'."""
    from imagetailor.errors import UsageError

    wanted = {word.strip() for word in text.split(",") if word.strip()}
    unknown = sorted(wanted - set(CI_FILES))
    if unknown or not wanted:
        raise UsageError(f"--ci {text!r}: name platforms from {', '.join(CI_FILES)}")
    return [name for name in CI_FILES if name in wanted]


@dataclass(frozen=True)
class Step:
    name: str
    command: str
    always: bool = False  # runs after an earlier failure too (reports of unfit images)
    purpose: str | None = None  # the purpose a check step judges


def pipeline_steps(spec: Spec, report_format: str) -> list[Step]:
    """The commands both pipelines run, in order; ``report_format`` is sarif or junit."""
    suffix = {"sarif": "sarif", "junit": "junit.xml"}[report_format]
    steps = [
        Step("generated files are up to date", "tailor generate --check"),
        Step(
            "build every purpose, run the tests in the ci image, check each image",
            f"mkdir -p {REPORTS} && tailor build --format json --output {REPORTS}/build.json",
        ),
        Step(
            "run the deploy image with traffic",
            f"tailor smoke --format json --output {REPORTS}/smoke.json",
        ),
    ]
    for purpose in spec.all_purposes():
        out = shell_word(f"{REPORTS}/{purpose}.{suffix}")
        command = (
            f"tailor check {shell_word(spec.tag(purpose))} --purpose {shell_word(purpose)} "
            f"--format {report_format} --output {out}"
        )
        steps.append(Step(f"check {purpose}", command, always=True, purpose=purpose))
    return steps


PUSH = Step("push the tested images and their reports", 'tailor push "$IMAGE_REPO"')


def _cache_sets(spec: Spec, cache: str) -> list[str]:
    """bake --set lines: each purpose's target reads and writes its own cache scope."""
    lines = []
    for purpose in spec.all_purposes():
        where = cache.format(purpose=purpose)
        lines += [f"{purpose}.cache-from={where}", f"{purpose}.cache-to={where},mode=max"]
    return lines


def _header(tailor: TailorSpec) -> list[str]:
    """The install spec, where a later `tailor generate` reads it back (generate/install.py)."""
    return [
        "# CI installs imagetailor with this pip requirement (tailor generate --tailor-spec):",
        tailor.header(),
    ]


def render_github(spec: Spec, tailor: TailorSpec) -> list[str]:
    q = workflow_string
    name = spec.app.name
    lines = [
        *_header(tailor),
        "# Builds each purpose's image once, runs the tests in the ci image and the deploy image",
        "# with traffic, checks every image (SARIF to code scanning), and pushes the tested images",
        "# only from the default branch and tags. Steps after `setup` are plain commands that run",
        "# the same on any machine with an engine.",
        'name: "images"',
        "on:",
        "  push: {}",
        "  pull_request: {}",
        "permissions:",
        "  contents: read",
        "  packages: write",
        "  security-events: write",
        "jobs:",
        "  images:",
        '    runs-on: "ubuntu-24.04"',
        "    timeout-minutes: 60",
        "    defaults:",
        "      run:",
        "        shell: bash",
        "    steps:",
        f'      - uses: "{ACTIONS["checkout"]}"',
        f'      - uses: "{ACTIONS["python"]}"',
        "        with:",
        '          python-version: "3.12"',
        f'      - uses: "{ACTIONS["buildx"]}"',
        "      - id: setup",
        '        name: "install imagetailor; name the repository to push to"',
        "        run: |",
        *workflow_block(
            [
                f"python -m pip install {shell_word(tailor.spec)}",
                # ghcr.io wants lower case: bash's ${VAR,,} lowers what GitHub gives.
                'echo "IMAGE_REPO=ghcr.io/${GITHUB_REPOSITORY,,}/"'
                f'{shell_word(name)} >> "$GITHUB_ENV"',
            ],
            10,
        ),
        "      - name: \"warm BuildKit's cache from GitHub's (type=gha), one scope per purpose\"",
        f'        uses: "{ACTIONS["bake"]}"',
        "        with:",
        f"          files: {q(spec.generate.bake)}",
        "          load: true",
        "          set: |",
        *workflow_block(_cache_sets(spec, "type=gha,scope={purpose}"), 12),
    ]
    for step in pipeline_steps(spec, "sarif"):
        lines += [f"      - name: {q(step.name)}"]
        if step.always:
            lines += ['        if: "!cancelled()"']
        lines += [f"        run: {q(step.command)}"]
    for purpose in spec.all_purposes():
        lines += [
            f"      - name: {q(f'code scanning: {purpose}')}",
            '        if: "!cancelled()"',
            f'        uses: "{ACTIONS["sarif"]}"',
            "        with:",
            f"          sarif_file: {q(f'{REPORTS}/{purpose}.sarif')}",
            f"          category: {q(f'imagetailor-{purpose}')}",
        ]
    lines += [
        '      - name: "keep the reports"',
        '        if: "!cancelled()"',
        f'        uses: "{ACTIONS["artifact"]}"',
        "        with:",
        '          name: "image-reports"',
        f'          path: "{REPORTS}/"',
        '      - name: "log in to ghcr.io"',
        f"        if: {yaml_string(PUSH_IF)}",
        f'        uses: "{ACTIONS["login"]}"',
        "        with:",
        '          registry: "ghcr.io"',
        '          username: "${{ github.actor }}"',
        '          password: "${{ secrets.GITHUB_TOKEN }}"',
        f"      - name: {q(PUSH.name)}",
        f"        if: {yaml_string(PUSH_IF)}",
        f"        run: {q(PUSH.command)}",
    ]
    return lines


def render_gitlab(spec: Spec, tailor: TailorSpec) -> list[str]:
    q = yaml_string
    warm = ["docker buildx bake --file", shell_word(spec.generate.bake), "--load"]
    for line in _cache_sets(spec, "type=registry,ref=$IMAGE_REPO:buildcache-{purpose}"):
        target, _, value = line.partition("=")
        warm.append(f'--set "{target}={value}"')  # $IMAGE_REPO expands in the shell
    lines = [
        *_header(tailor),
        "# Builds each purpose's image once, runs the tests in the ci image and the deploy image",
        "# with traffic, checks every image (JUnit to the test report), and pushes the tested",
        "# images only from the default branch and tags. before_script is GitLab's setup; the",
        "# script lines are plain commands that run the same on any machine with an engine.",
        "stages:",
        '  - "images"',
        "images:",
        '  stage: "images"',
        f'  image: "{GITLAB_DOCKER}"',
        "  services:",
        f'    - "{GITLAB_DOCKER}-dind"',
        "  variables:",
        '    DOCKER_TLS_CERTDIR: "/certs"',
        f"    IMAGE_REPO: {q('$CI_REGISTRY_IMAGE/' + gitlab_variable(spec.app.name))}",
        "  before_script:",
        '    - "apk add --no-cache python3 py3-pip bash"',
        q(
            "python3 -m venv /opt/tailor && /opt/tailor/bin/pip install " + shell_word(tailor.spec)
        ).join(("    - ", "")),
        '    - "export PATH=\\"/opt/tailor/bin:$PATH\\""',
        '    - "echo \\"$CI_REGISTRY_PASSWORD\\" | docker login --username \\"$CI_REGISTRY_USER\\" '
        '--password-stdin \\"$CI_REGISTRY\\""',
        '    - "docker buildx create --use --driver docker-container --name tailor"',
        f"    - {q(' '.join(warm))}",
        "  script:",
    ]
    for step in pipeline_steps(spec, "junit"):
        command = step.command
        if step.purpose:  # every image gets its report; the job fails after the last check
            command += f' || unfit="$unfit "{shell_word(step.purpose)}'
        lines += [f"    # {step.name}", f"    - {q(command)}"]
    lines += [
        '    - "test -z \\"$unfit\\" || { echo \\"not fit for their purpose:$unfit\\"; exit 1; }"',
        "    # only the default branch and tags push",
        q(
            'if [ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ] || [ -n "$CI_COMMIT_TAG" ]; '
            f'then {PUSH.command}; else echo "not the default branch or a tag: nothing pushed"; fi'
        ).join(("    - ", "")),
        "  artifacts:",
        "    when: always",
        "    paths:",
        f'      - "{REPORTS}/"',
        "    reports:",
        f'      junit: "{REPORTS}/*.junit.xml"',
    ]
    return lines


def render_ci(spec: Spec, platforms: list[str], tailor: TailorSpec) -> dict[str, list[str]]:
    """File name -> lines (without the marker) for each platform asked for; ``tailor`` is the
    pip requirement that installs imagetailor there (generate/install.py chooses it)."""
    renderers = {"github": render_github, "gitlab": render_gitlab}
    return {CI_FILES[p]: renderers[p](spec, tailor) for p in platforms}
