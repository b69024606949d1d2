"""Python: dependencies installed into their own directory before any source (so the deploy
image copies exactly them), a distroless Python runtime for deploy."""

from __future__ import annotations

from imagetailor.generate.dockerfile import Dockerfile
from imagetailor.generate.stages import (
    PIP_CACHE,
    Context,
    extended_purposes,
    finish,
    finish_ci,
    finish_deploy,
    local_stage,
    source_stage,
)
from imagetailor.generate.web import frontend_stage

DEPS_DIR = "/opt/deps"
# Reads [project].dependencies without installing the project (whose source is not copied yet).
_PYPROJECT_DEPS = (
    "python3 -c \"import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); "
    "print('\\n'.join(d.get('project', {}).get('dependencies', [])))\" > /tmp/requirements.txt"
)


def _command(main: str) -> list[str]:
    if main.startswith("-m "):
        return ["-m", main[3:].strip()]
    return [f"/app/{main}"]


def build(df: Dockerfile, ctx: Context) -> None:
    spec = ctx.spec
    python = ctx.base_arg(
        "PYTHON_IMAGE", ctx.upstream("toolchain"), "Python with pip (deps, ci, dev)."
    )
    fe = frontend_stage(df, ctx) if spec.frontend else None

    deps = df.stage(
        "deps",
        python,
        f"Dependencies first, into {DEPS_DIR}: a source change never re-runs pip, and deploy",
        "copies exactly the runtime dependencies.",
    )
    deps.add("WORKDIR", "/app")
    manifests = spec.app.manifests
    if "requirements.txt" in manifests:
        deps.add("COPY", "requirements.txt ./")
        deps.run(
            f"python3 -m pip install --target {DEPS_DIR} -r requirements.txt", mounts=(PIP_CACHE,)
        )
    elif "pyproject.toml" in manifests:
        deps.add("COPY", "pyproject.toml ./")
        deps.run(
            _PYPROJECT_DEPS,
            f"python3 -m pip install --target {DEPS_DIR} -r /tmp/requirements.txt",
            mounts=(PIP_CACHE,),
        )
    else:
        deps.add("RUN", f"mkdir -p {DEPS_DIR}")
    deps.add("ENV", f"PYTHONPATH={DEPS_DIR}", "Where the dependencies are (not configuration).")

    builder = df.stage("build", "deps", "The application, byte-compiled once here.")
    builder.add("COPY", ". .")
    if fe is not None and spec.frontend is not None:
        out = f"{spec.frontend.dir}/{spec.frontend.output}"
        builder.add("COPY", f"--from={fe} /src/{out} ./{out}")
    builder.add("RUN", "python3 -m compileall -q /app")

    deploy_upstream = ctx.upstream("deploy")
    note = "deploy runtime: distroless Python (Debian 12's python3, 3.11)."
    if spec.app.runtime_version != "3.11":
        note += f" The app asks for {spec.app.runtime_version}: map DEPLOY_IMAGE to a matching one."
    base = ctx.base_arg("DEPLOY_IMAGE", deploy_upstream, note)
    deploy = df.stage("deploy", base, "deploy: the runtime, the dependencies, the app; non-root.")
    deploy.add("WORKDIR", "/app")
    deploy.add("COPY", f"--from=deps {DEPS_DIR} {DEPS_DIR}")
    deploy.add("COPY", "--from=build /app /app")
    deploy.add("ENV", f"PYTHONPATH={DEPS_DIR}")
    finish_deploy(deploy, spec, ["/usr/bin/python3", *_command(spec.app.main)])

    ci = source_stage(df, ctx, "ci", "ci: dependencies, the requested tools, the tests.")
    finish_ci(ci, spec, "python3 -m unittest discover -v")

    local_stage(df, ctx, "local", "deploy", ctx.tools("local"))

    dev = source_stage(
        df, ctx, "dev", "dev: pip, the debugger (debugpy on 5678); mount the source over /app."
    )
    dev.add("EXPOSE", f"{spec.app.port} 5678")
    command = _command(spec.app.main)
    if command[0] != "-m":
        command = [command[0].removeprefix("/app/")]
    if "debugpy" in ctx.tools("dev"):
        command = ["-m", "debugpy", "--listen", "0.0.0.0:5678", *command]
    dev.exec_form("CMD", ["python3", *command])
    finish(dev, spec, "dev")

    extended_purposes(df, ctx)
