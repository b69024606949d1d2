"""The front-end stage: npm dependencies from the lock file first, then the build."""

from __future__ import annotations

from imagetailor.generate.dockerfile import Dockerfile
from imagetailor.generate.stages import NPM_CACHE, Context
from imagetailor.project.bases import node_upstream

FRONTEND_NODE_VERSION = "18"


def frontend_stage(df: Dockerfile, ctx: Context) -> str:
    """Add the `fe` stage; returns its name. Its output lands in /src/DIR/OUTPUT."""
    frontend = ctx.spec.frontend
    assert frontend is not None
    version = ctx.spec.app.runtime_version if ctx.language == "node" else FRONTEND_NODE_VERSION
    node = ctx.base_arg("NODE_IMAGE", node_upstream(version), "Node.js for the front end build.")
    stage = df.stage("fe", node, f"fe: the front end in {frontend.dir}/, built by npm.")
    stage.add("WORKDIR", f"/src/{frontend.dir}")
    manifests = f"{frontend.dir}/package.json"
    install = "npm install --no-audit --no-fund"
    if frontend.lockfile:
        manifests += f" {frontend.dir}/package-lock.json"
        install = "npm ci --no-audit --no-fund"
    stage.add("COPY", f"{manifests} ./", "Lock file first: a source change keeps the npm layer.")
    stage.run(install, mounts=(NPM_CACHE,))
    stage.add("COPY", f"{frontend.dir}/ ./")
    stage.add("RUN", f"npm run {frontend.build}")
    return stage.name
