"""Node: production dependencies (npm ci --omit=dev) for deploy, all dependencies for ci and
dev, both from the lock file before any source; a distroless Node runtime for deploy."""

from __future__ import annotations

from imagetailor.generate.dockerfile import Dockerfile
from imagetailor.generate.stages import (
    NPM_CACHE,
    Context,
    extended_purposes,
    finish,
    finish_ci,
    finish_deploy,
    local_stage,
    source_stage,
)
from imagetailor.generate.web import frontend_stage


def build(df: Dockerfile, ctx: Context) -> None:
    spec = ctx.spec
    node = ctx.base_arg(
        "NODE_IMAGE", ctx.upstream("toolchain"), "Node.js with npm (deps, ci, dev)."
    )
    fe = frontend_stage(df, ctx) if spec.frontend else None
    locked = "package-lock.json" in spec.app.manifests
    install = "npm ci" if locked else "npm install"
    manifests = " ".join(
        m for m in ("package.json", "package-lock.json") if m in spec.app.manifests
    )

    deps = df.stage(
        "deps",
        node,
        "Every dependency (dev ones too, for ci and dev), from the lock file, before any source.",
    )
    deps.add("WORKDIR", "/app")
    deps.add("COPY", f"{manifests or 'package.json'} ./")
    deps.run(f"{install} --no-audit --no-fund", mounts=(NPM_CACHE,))

    prod = df.stage("deps-prod", node, "Runtime dependencies only: what deploy ships.")
    prod.add("WORKDIR", "/app")
    prod.add("COPY", f"{manifests or 'package.json'} ./")
    prod.run(f"{install} --omit=dev --no-audit --no-fund", mounts=(NPM_CACHE,))

    builder = df.stage("build", "deps-prod", "The application on its runtime dependencies.")
    builder.add("COPY", ". .")
    if fe is not None and spec.frontend is not None:
        out = f"{spec.frontend.dir}/{spec.frontend.output}"
        builder.add("COPY", f"--from={fe} /src/{out} ./{out}")

    base = ctx.base_arg(
        "DEPLOY_IMAGE", ctx.upstream("deploy"), "deploy runtime: distroless Node.js."
    )
    deploy = df.stage("deploy", base, "deploy: the runtime, production dependencies, the app.")
    deploy.add("WORKDIR", "/app")
    deploy.add("COPY", "--from=deps-prod /app/node_modules /app/node_modules")
    deploy.add("COPY", "--from=build /app /app")
    finish_deploy(deploy, spec, ["/nodejs/bin/node", f"/app/{spec.app.main}"])

    ci = source_stage(df, ctx, "ci", "ci: all dependencies, the requested tools, the tests.")
    finish_ci(ci, spec, "npm test")

    local_stage(df, ctx, "local", "deploy", ctx.tools("local"))

    dev = source_stage(
        df, ctx, "dev", "dev: npm, node --inspect on 9229; mount the source over /app."
    )
    dev.add("EXPOSE", f"{spec.app.port} 9229")
    dev.exec_form("CMD", ["node", "--inspect=0.0.0.0:9229", spec.app.main])
    finish(dev, spec, "dev")

    extended_purposes(df, ctx)
