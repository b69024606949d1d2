"""compose.yaml: a dev service (source bind-mounted, debugger port on loopback) and a local
service (configuration from an env file). YAML written as JSON-quoted scalars, valid YAML."""

from __future__ import annotations

import json

from imagetailor.project.model import Spec

DEBUG_PORTS = {"python": 5678, "node": 9229}
SOURCE_DIR = {"go": "/src", "python": "/app", "node": "/app"}


def render_compose(spec: Spec) -> list[str]:
    q = json.dumps
    port = spec.app.port
    config = ", ".join(spec.app.config) or "none"
    lines = [
        "services:",
        "  dev:",
        "    build:",
        '      context: "."',
        '      target: "dev"',
        f"    image: {q(spec.tag('dev'))}",
        "    volumes:",
        f"      - {q('.:' + SOURCE_DIR[spec.app.language])}",
    ]
    if spec.app.language == "node":
        # Keep the image's node_modules: the host's (if any) may be for another platform.
        lines.append('      - "/app/node_modules"')
    lines += ["    ports:", f"      - {q(f'127.0.0.1:{port}:{port}')}"]
    debug = DEBUG_PORTS.get(spec.app.language)
    if debug:
        lines.append(f"      - {q(f'127.0.0.1:{debug}:{debug}')}")
    lines += ["    environment:", f"      PORT: {q(str(port))}"]
    lines += [
        "  local:",
        "    build:",
        '      context: "."',
        '      target: "local"',
        f"    image: {q(spec.tag('local'))}",
        f"    # local.env holds the configuration ({config}); keep it out of version control.",
        "    env_file:",
        '      - "local.env"',
        "    ports:",
        f"      - {q(f'127.0.0.1:{port}:{port}')}",
    ]
    return lines
