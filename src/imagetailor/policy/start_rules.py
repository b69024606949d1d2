"""Rules on whether the image can start at all, beyond its entrypoint file existing (TP203):
what the interpreter is told to run, and the shared libraries the program needs
(analysis/start.py finds both)."""

from __future__ import annotations

from imagetailor.analysis.model import Analysis
from imagetailor.policy.rulebase import Evidence, PolicyRule, image_rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Severity

TP205 = image_rule(
    "TP205",
    Severity.ERROR,
    "What the entrypoint runs does not exist",
    "The entrypoint is an interpreter, and the script, module or application it is told to "
    "run is not in the image: python3 /app/main.py without /app/main.py, python -m pkg or "
    "gunicorn pkg.wsgi without pkg, node dist/index.js before the build wrote dist/. The "
    "container starts and exits at once.",
    "COPY the application (or its build output) to where the command names it, or fix the "
    "command: tailor.toml's app.start for generated images.",
)

TP206 = image_rule(
    "TP206",
    Severity.ERROR,
    "A shared library the program needs is missing",
    "The program, or an extension module or addon it loads, links a shared library (DT_NEEDED) "
    "or a program loader (PT_INTERP) that the dynamic loader cannot find in the image, "
    "searching its rpath, LD_LIBRARY_PATH, ld.so.conf and the default folders. It fails at "
    "start (or at import) with 'cannot open shared object file' or 'no such file or "
    "directory'.",
    "Use a base that carries the library (distroless/base or cc for glibc and libstdc++), "
    "copy the library from the build stage, or build the program statically.",
)


def _problems(analysis: Analysis, kinds: tuple[str, ...]) -> list[Evidence]:
    return [
        Evidence(problem.message, problem.path)
        for problem in analysis.config.start_problems
        if problem.kind in kinds
    ]


def _targets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return _problems(analysis, ("target",))


def _libraries(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return _problems(analysis, ("library", "interpreter"))


START_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP205, lambda s: s.require_entrypoint, _targets),
    PolicyRule(TP206, lambda s: s.require_entrypoint, _libraries),
)
