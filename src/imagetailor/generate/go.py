"""Go: modules downloaded before any source, an optional npm-built front end embedded with
//go:embed, a static binary (CGO_ENABLED=0) on distroless/static or scratch."""

from __future__ import annotations

from imagetailor.generate.dockerfile import Dockerfile
from imagetailor.generate.stages import (
    GO_BUILD_CACHE,
    Context,
    extended_purposes,
    finish,
    finish_ci,
    finish_deploy,
    local_stage,
    source_stage,
)
from imagetailor.generate.web import frontend_stage
from imagetailor.project.bases import upstream_names


def binary_path(ctx: Context) -> str:
    return f"/app/{ctx.spec.app.name}"


def build(df: Dockerfile, ctx: Context) -> None:
    spec = ctx.spec
    go = ctx.base_arg("GO_IMAGE", ctx.upstream("toolchain"), "Go toolchain (build, ci, dev).")
    fe = frontend_stage(df, ctx) if spec.frontend else None

    deps = df.stage(
        "deps",
        go,
        "Modules first: a source change never re-runs the download (kept in the layer,",
        "so the ci and dev images test and run offline).",
    )
    deps.add("WORKDIR", "/src")
    manifests = [m for m in spec.app.manifests if m in ("go.mod", "go.sum")] or ["go.mod"]
    deps.add("COPY", " ".join(manifests) + " ./")
    deps.add("RUN", "go mod download")

    builder = df.stage("build", "deps", "The static binary: no cgo, so it runs on scratch.")
    builder.add("COPY", ". .")
    if fe is not None and spec.frontend is not None:
        out = f"{spec.frontend.dir}/{spec.frontend.output}"
        builder.add("COPY", f"--from={fe} /src/{out} ./{out}", "The front end, for //go:embed.")
    builder.run(
        f"CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o {binary_path(ctx)} {spec.app.main}",
        mounts=(GO_BUILD_CACHE,),
    )

    scratch = spec.deploy.base == "scratch"
    deploy_base = (
        "scratch"
        if scratch
        else ctx.base_arg(
            "DEPLOY_IMAGE",
            upstream_names("go", spec.app.runtime_version)["deploy"],
            "deploy runtime: distroless/static has CA certificates and the nonroot user.",
        )
    )
    deploy = df.stage("deploy", deploy_base, "deploy: the binary alone, non-root.")
    if scratch:
        deploy.add(
            "COPY",
            "--from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
            "scratch has no CA certificates: the build image's bundle.",
        )
    deploy.add("COPY", f"--from=build {binary_path(ctx)} {binary_path(ctx)}")
    finish_deploy(deploy, spec, [binary_path(ctx)])

    ci = source_stage(
        df, ctx, "ci", "ci: the toolchain and modules, the requested tools, the tests."
    )
    if fe is not None and spec.frontend is not None:
        out = f"{spec.frontend.dir}/{spec.frontend.output}"
        ci.add("COPY", f"--from={fe} /src/{out} ./{out}")
    finish_ci(ci, spec, "go test ./...")

    local_stage(df, ctx, "local", "deploy", ctx.tools("local"))

    dev = source_stage(
        df,
        ctx,
        "dev",
        "dev: the full toolchain and a debugger; mount the source over /src (compose.yaml).",
    )
    if fe is not None and spec.frontend is not None:
        out = f"{spec.frontend.dir}/{spec.frontend.output}"
        dev.add("COPY", f"--from={fe} /src/{out} ./{out}")
    dev.add("EXPOSE", str(spec.app.port))
    dev.exec_form("CMD", ["go", "run", spec.app.main])
    finish(dev, spec, "dev")

    extended_purposes(df, ctx)
