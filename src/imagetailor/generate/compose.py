"""compose.yaml: a dev service (source bind-mounted, debugger port on loopback) and a local
service (configuration from an env file). Every scalar goes through compose_string (JSON-quoted,
valid YAML, with compose's $ interpolation escaped)."""

from __future__ import annotations

from imagetailor import languages
from imagetailor.generate.quoting import compose_string
from imagetailor.languages.upstream import upstream
from imagetailor.project.model import Spec


def render_compose(spec: Spec) -> list[str]:
    q = compose_string
    plugin = languages.plugin(spec.app.language)
    data = plugin.data
    port = spec.app.port
    config = ", ".join(spec.app.config) or "none"
    build = ["    build:", '      context: "."', f"      dockerfile: {q(spec.generate.dockerfile)}"]
    lines = [
        "services:",
        "  dev:",
        *build,
        '      target: "dev"',
        f"    image: {q(spec.tag('dev'))}",
    ]
    lines += ["    volumes:", f"      - {q('.:' + data.layout.workdir)}"]
    lines += [f"      - {q(volume)}" for volume in data.layout.dev_volumes]
    ports = [] if spec.app.kind in ("cli", "worker") else [port]
    if data.layout.debug_port:
        ports.append(data.layout.debug_port)
    if ports:
        lines += ["    ports:", *(f"      - {q(f'127.0.0.1:{p}:{p}')}" for p in ports)]
    lines += ["    environment:", f"      PORT: {q(str(port))}"]
    lines += [
        "  local:",
        *build,
        '      target: "local"',
        f"    image: {q(spec.tag('local'))}",
        f"    # local.env holds the configuration ({config}); keep it out of version control.",
        "    env_file:",
        '      - "local.env"',
    ]
    if spec.app.kind not in ("cli", "worker"):
        lines += ["    ports:", f"      - {q(f'127.0.0.1:{port}:{port}')}"]
    # A language may put more services beside these (PHP: nginx in front of PHP-FPM).
    extra = getattr(plugin.hooks, "compose_services", None)
    if extra is not None:
        services, top = extra(spec, upstream(data, spec.app.runtime_version, "nginx"))
        lines += [*services, *top]
    return lines
