"""Next.js's standalone output (next.config's ``output: 'standalone'``): ``next build`` traces what
the server needs into .next/standalone (a server.js and a pruned node_modules). Deploy ships that
folder alone, with the two folders Next leaves out of it (public/ and .next/static) copied in, as
Next's documentation says: not `next start` on every production dependency (which Next itself
warns "does not work" with standalone, and which is several times the size)."""

from __future__ import annotations

import re
from typing import Any

from imagetailor.generate.plan import Copy, Plan, PlanContext, Run
from imagetailor.generate.quoting import shell_word
from imagetailor.languages.facts import Facts
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.nodestart import dependencies
from imagetailor.languages.plugin import Language

STANDALONE = ".next/standalone"
SERVER = f"{STANDALONE}/server.js"
_OUTPUT = re.compile(r"""\boutput\s*:\s*["']standalone["']""")


def detect(files: ProjectFiles, language: Language, manifest: dict[str, Any], facts: Facts) -> None:
    """The standalone server is the start, when next.config asks for it and a build makes it."""
    if "next" not in dependencies(manifest, "dependencies") or not facts.build:
        return
    if facts.workdir != "." or facts.start_source.startswith("Procfile"):
        return  # a workspace app's standalone tree nests its folder; a Procfile has the say
    configs = [str(c) for c in language.extra.get("next_configs", [])]
    config = next((c for c in configs if _OUTPUT.search(files.text(c) or "")), None)
    if config is None:
        return
    facts.start, facts.start_source = ["node", SERVER], f"{config} output: 'standalone'"
    facts.note(
        f"Next.js standalone output ({config}): deploy runs {SERVER} with public/ and "
        ".next/static copied beside it, and no other node_modules"
    )


def plan(p: Plan, ctx: PlanContext) -> None:
    """Deploy takes .next/standalone from the build (after the copies Next leaves to us); without
    standalone it takes the whole build, less Next's build cache."""
    if SERVER not in [w.removeprefix("./") for w in ctx.spec.app.start]:
        manifest = ProjectFiles(ctx.project).json("package.json") or {}
        app_dir = ctx.spec.app.workdir
        if app_dir != ".":
            manifest = ProjectFiles(ctx.project / app_dir).json("package.json") or {}
        if "next" in dependencies(manifest, "dependencies"):
            cache = ".next/cache" if app_dir == "." else f"{app_dir}/.next/cache"
            p.build_cleanup.append(
                Run((f"rm -rf {shell_word(cache)}",), (), ("Next's build cache: not run.",))
            )
        return
    p.build_cleanup = [
        Run(
            (
                f"cp -r .next/static {STANDALONE}/.next/",
                f"if [ -d public ]; then cp -r public {STANDALONE}/; fi",
            ),
            (),
            ("Next.js leaves public/ and .next/static out of standalone: copied in.",),
        )
    ]
    p.deploy_copies = [Copy(f"/app/{STANDALONE}", f"/app/{STANDALONE}", "build")]
    # server.js listens on $HOSTNAME, which the engine sets to the container's own name.
    p.deploy_env = {**p.deploy_env, "HOSTNAME": "0.0.0.0"}
    p.deploy_env_note = "NODE_ENV: a build mode; HOSTNAME: where server.js listens (not the name)."
