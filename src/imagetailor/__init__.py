"""imagetailor: one application, differently tailored images, each proven fit for its purpose."""

import sys as _sys

__version__ = "0.1.0"

# httpx's package imports its own command-line client (rich.console, rich.progress, pygments:
# 70 ms, an eighth of a `tailor audit` start) unless that import fails, and falls back to a
# stub `httpx.main` when it does. imagetailor never runs httpx's CLI: the module is marked
# absent before httpx is first imported (a process that imported httpx already keeps it).
_sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
