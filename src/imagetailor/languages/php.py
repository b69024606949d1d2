"""PHP hooks: read composer.json (name, the PHP constraint, test runners, path repositories),
find the document root; plan PHP-FPM's file closure on distroless/base, its configuration
written in the build, nginx's configuration and the compose services that put the two together.

PHP-FPM speaks FastCGI, not HTTP (kind ``fastcgi``): nginx (the stock image) serves the public
files and passes scripts to it. The public files reach nginx through a volume that the app image
fills (the compose ``static`` service; an init container in Kubernetes, docs/php.md).
"""

from __future__ import annotations

import re
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.generate.assembler import UID
from imagetailor.generate.plan import (
    Copy,
    Plan,
    PlanContext,
    PreStage,
    Run,
    manager_runs,
    test_argv,
)
from imagetailor.generate.quoting import compose_string, shell_word
from imagetailor.generate.tools import FIX_FOLDERS, collect_with_libraries
from imagetailor.languages.facts import Constraint, Facts
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.project.model import Spec

FPM = "/usr/local/sbin/php-fpm"
PHP = "/usr/local/bin/php"
ETC = "/usr/local/etc"
CONF = f"{ETC}/php-fpm.conf"
INI = f"{ETC}/php/php.ini"
SCAN = f"{ETC}/php/conf.d"
NGINX_CONF = "nginx.tailor.conf"
NGINX_ROOT = "/var/www/public"
_DOTENV = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
_TILDE = re.compile(r"~\s*(\d+)\.(\d+)(?:\.(\d+))?")


def _npm_range(constraint: str) -> str:
    """Composer's constraint as a semver range: `,` is AND; `~8.1` means >=8.1 <9 (npm's would
    stop at 8.2); stability flags go."""

    def tilde(match: re.Match[str]) -> str:
        major, minor, patch = match.group(1), match.group(2), match.group(3)
        if patch is None:
            return f">={major}.{minor}.0 <{int(major) + 1}.0.0"
        return f">={major}.{minor}.{patch} <{major}.{int(minor) + 1}.0"

    text = re.sub(r"@\w+", "", constraint).replace(",", " ")
    return _TILDE.sub(tilde, text).strip()


def _requires(manifest: dict[str, Any], key: str) -> dict[str, str]:
    value = manifest.get(key)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def path_repositories(files: ProjectFiles, manifest: dict[str, Any]) -> list[str]:
    """Folders of composer's path repositories ({"type": "path", "url": "packages/*"}): the
    install needs them, so they are copied with the manifests."""
    found: list[str] = []
    repos = manifest.get("repositories")
    for repo in repos if isinstance(repos, list) else []:
        if not isinstance(repo, dict) or repo.get("type") != "path":
            continue
        url = str(repo.get("url", "")).removeprefix("./").rstrip("/")
        if not url or url.startswith("/") or ".." in url.split("/"):
            continue
        for path in files.glob(f"{url}/composer.json"):
            found.append(path.removesuffix("/composer.json"))
    return sorted(set(found))


def _document_root(files: ProjectFiles, manifest: dict[str, Any], language: Language) -> str:
    """The folder nginx serves: Symfony's extra.public-dir, else the first conventional folder
    holding an index.php (public/, web/, htdocs/, ...), else the project root."""
    extra = manifest.get("extra") if isinstance(manifest.get("extra"), dict) else {}
    declared = str((extra or {}).get("public-dir") or "").strip("/")
    folders = [declared] if declared and ".." not in declared.split("/") else []
    folders += [str(f) for f in language.extra.get("document_roots", [])]
    return next((f for f in folders if files.exists(f"{f}/index.php")), ".")


def detect(files: ProjectFiles, language: Language) -> Facts:
    manifest = files.json("composer.json") or {}
    facts = Facts("php", "composer" if files.exists("composer.json") else "none")
    name = str(manifest.get("name") or "")
    if name not in language.extra.get("placeholder_names", []):
        facts.name = name.rsplit("/", 1)[-1]
    facts.version = str(manifest.get("version") or "")
    require, dev = _requires(manifest, "require"), _requires(manifest, "require-dev")
    platform = _requires(manifest.get("config") or {}, "platform").get("php")
    if platform and re.match(r"^\d+\.\d+", platform):
        major_minor = ".".join(platform.split(".")[:2])
        facts.runtime = Constraint(
            "pep440", f"=={major_minor}.*", "composer.json config.platform.php"
        )
    elif "php" in require:
        facts.runtime = Constraint("npm", _npm_range(require["php"]), "composer.json require.php")
    facts.native = extensions(require, language, facts)
    facts.manifests = [m for m in language.manager("composer").manifests if files.exists(m)]
    facts.manifests += path_repositories(files, manifest)
    if facts.manager == "none":
        facts.note("no composer.json: plain PHP files, nothing to install")
    elif not files.exists("composer.lock"):
        facts.note("no composer.lock: the build resolves the newest versions (commit the lock)")
    facts.main = _document_root(files, manifest, language)
    facts.note(f"document root: {facts.main} (nginx serves it, PHP-FPM runs its scripts)")
    if facts.main == "." and facts.manager == "composer":
        facts.note("document root is the project: vendor/, tests/ and composer.* are never served")
    if files.exists("artisan") and "laravel/framework" in require:
        facts.note("Laravel: `php artisan config:cache` runs at start (the environment is known")
        facts.note("then, never at build time); storage/ and bootstrap/cache/ are writable")
        facts.native = sorted({*facts.native, "pcntl"})  # the start hands over to FPM by exec
    for title, _, own in writable(files, language):
        if title != "Laravel":  # (said above, with its start)
            facts.note(f"{title}: {', '.join(f'{o}/' for o in own)} belongs to deploy's user")
    if symfony(files):
        # Symfony commits .env as the documented defaults (no secrets): its names are the
        # configuration; the file itself never reaches an image (the build leaves an empty one).
        names = [m.group(1) for m in map(_DOTENV.match, files.lines(".env")) if m]
        facts.config = list(dict.fromkeys([*facts.config, *names]))
        facts.note("Symfony: .env's names are the configuration; set APP_ENV=prod at run time")
    facts.kind = "fastcgi"
    facts.start = [FPM]
    facts.start_source = "PHP-FPM (FastCGI), behind nginx"
    runners = language.extra.get("runners", {})
    scripts = manifest.get("scripts") if isinstance(manifest.get("scripts"), dict) else {}
    runner = next((str(runners[p]) for p in runners if p in dev), "")
    if runner and (files.is_dir("tests") or files.any(["phpunit.xml", "phpunit.xml.dist"])):
        facts.test = runner
    elif isinstance(scripts, dict) and "test" in scripts:
        facts.test = language.manager("composer").test
    analysers = language.extra.get("analysers", {})
    checks = [str(analysers[p]) for p in analysers if p in dev]
    if facts.test and checks:
        facts.test = " && ".join([facts.test, *checks])
    return facts


def extensions(require: dict[str, str], language: Language, facts: Facts) -> list[str]:
    """The ``ext-NAME`` requirements the official image lacks and knows how to install."""
    builtin = {str(e) for e in language.extra.get("builtin_extensions", [])}
    known = {**language.extra.get("extensions", {}), **language.extra.get("pecl_extensions", {})}
    wanted: list[str] = []
    for key in require:
        name = key.lower().removeprefix("ext-")
        if not key.lower().startswith("ext-") or name in builtin:
            continue
        if name in known:
            wanted.append(name)
        else:
            facts.note(f"{key}: not an extension imagetailor installs (add it to php.toml)")
    if wanted:
        facts.note(f"PHP extensions installed in the images: {', '.join(sorted(wanted))}")
    return sorted(wanted)


def extension_runs(names: list[str], language: Language) -> list[Run]:
    """docker-php-ext-install (and pecl) for ``names``, with the Debian packages they compile
    against; the run-time libraries reach deploy with the extension (the runtime collector)."""
    core: dict[str, list[str]] = language.extra.get("extensions", {})
    pecl: dict[str, list[str]] = language.extra.get("pecl_extensions", {})
    unknown = [n for n in names if n not in core and n not in pecl]
    if unknown:
        raise UsageError(
            f"tailor.toml: app.native: {unknown[0]!r} is not a PHP extension imagetailor installs"
            f" (known: {', '.join(sorted({*core, *pecl}))})"
        )
    if not names:
        return []
    packages = sorted({p for n in names for p in [*core.get(n, []), *pecl.get(n, [])]})
    commands: list[str] = []
    if packages:
        commands += [
            "apt-get update",
            "apt-get install -y --no-install-recommends " + " ".join(packages),
        ]
    built = [n for n in names if n in core]
    if built:
        commands.append('docker-php-ext-install -j"$(nproc)" ' + " ".join(built))
    for name in (n for n in names if n in pecl):
        commands += [f"pecl install {name}", f"docker-php-ext-enable {name}"]
    if packages:
        commands.append("rm -rf /var/lib/apt/lists/*")
    return [Run(tuple(commands), (), ("The PHP extensions composer.json requires (ext-*).",))]


def _fpm_conf(port: int) -> list[str]:
    """php-fpm.conf: in the foreground, logs on stderr, one pool listening where FPM_LISTEN says
    (default: the app's port), the environment passed to PHP (configuration at run time)."""
    return [
        "[global]", "daemonize = no", "error_log = /proc/self/fd/2", "log_limit = 8192",
        "[app]", "listen = ${FPM_LISTEN}", "pm = dynamic", "pm.max_children = 8",
        "pm.start_servers = 2", "pm.min_spare_servers = 1", "pm.max_spare_servers = 4",
        "clear_env = no", "catch_workers_output = yes", "decorate_workers_output = no",
        "access.log = /proc/self/fd/2",
    ]  # fmt: skip


# The code in an image never changes: OPcache compiles each script once and never looks again.
OPCACHE = " ".join(
    shell_word(line)
    for line in ("opcache.enable = 1", "opcache.validate_timestamps = 0",
                 "opcache.memory_consumption = 128", "opcache.max_accelerated_files = 20000")
)  # fmt: skip
OUR_INI = f"/out{SCAN}/zz-imagetailor.ini"
_OPCACHE_LOADED = 'exit(extension_loaded("Zend OPcache") ? 0 : 1);'


def _runtime_runs(port: int) -> tuple[Run, ...]:
    ext = '"$(php -r \'echo ini_get("extension_dir");\')"'
    lines = " ".join(shell_word(line) for line in _fpm_conf(port))
    return (
        Run(
            (
                "mkdir -p /out",
                f"ext={ext}",
                collect_with_libraries(f'{FPM} {PHP} $(find "$ext" -name "*.so")'),
                'cp -a --parents "$ext" /out',
                f"mkdir -p /out{SCAN} && cp -a {SCAN}/. /out{SCAN}/",
                f"cp {ETC}/php/php.ini-production /out{INI}",
                # The production ini fills $_ENV from nothing ("GPCS"): configuration arrives
                # through the environment, so E comes first, as in the development ini's default.
                f"printf '%s\\n' 'variables_order = \"EGPCS\"' {OPCACHE} > {OUR_INI}",
                # OPcache is built in but not loaded by the official images' ini files.
                f"php -r {shell_word(_OPCACHE_LOADED)} || "
                f"printf '%s\\n' 'zend_extension=opcache' >> {OUR_INI}",
                f"printf '%s\\n' {lines} > /out{CONF}",
                *FIX_FOLDERS,
            ),
            (),
            (
                "php-fpm, the php CLI (the static service copies public files with it), their",
                "extensions and every library they link that the deploy base lacks; production",
                "php.ini; one pool on FPM_LISTEN.",
            ),
        ),
    )


# Laravel's start: the configuration cached from the run-time environment, then PHP-FPM in this
# process's place (pcntl_exec: FPM stays PID 1 and gets the container's signals).
LARAVEL_START = (
    'passthru(escapeshellarg(PHP_BINARY) . " artisan config:cache", $rc);'
    " if ($rc !== 0) { exit($rc); }"
    " pcntl_exec($argv[1], array_slice($argv, 2));"
    ' fwrite(STDERR, "tailor: cannot exec $argv[1]\\n"); exit(1);'
)


def writable(files: ProjectFiles, language: Language) -> list[tuple[str, list[str], list[str]]]:
    """(framework, folders it writes at run time, the trees to own) for each framework in
    php.toml's [extra.writable] the project is: its package required and its marker file there."""
    require = _requires(files.json("composer.json") or {}, "require")
    found: list[tuple[str, list[str], list[str]]] = []
    for entry in language.extra.get("writable", {}).values():
        if entry["package"] in require and files.exists(entry["marker"]):
            found.append((str(entry["title"]), list(entry["dirs"]), list(entry["own"])))
    return found


def laravel(files: ProjectFiles) -> bool:
    manifest = files.json("composer.json") or {}
    return files.exists("artisan") and "laravel/framework" in _requires(manifest, "require")


def symfony(files: ProjectFiles) -> bool:
    """A Symfony app loads .env through Dotenv (which fails without the file) at boot."""
    manifest = files.json("composer.json") or {}
    require = _requires(manifest, "require")
    return files.exists("bin/console") and (
        "symfony/dotenv" in require or "symfony/runtime" in require
    )


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    manager = language.manager(app.package_manager or language.default_manager)
    files = ProjectFiles(ctx.project)
    if app.kind != "fastcgi":
        raise UsageError("tailor.toml: app.kind: a PHP app runs as PHP-FPM: use kind = 'fastcgi'")
    install = manager_runs(manager, manager.install_all, {}, (
        "Dependencies first, without the project's classes: a source edit keeps this layer.",
    ))  # fmt: skip
    autoload = manager_runs(manager, ["composer dump-autoload --no-interaction"], {}, (
        "The autoloader, now that the project's classes are here.",
    ), cache=False)  # fmt: skip
    production = manager_runs(
        manager,
        ["composer install --no-interaction --no-dev --classmap-authoritative"],
        {},
        ("deploy: no dev packages, an authoritative class map (no file lookups at run time).",),
    )
    ext = extension_runs(list(app.native), language)
    pre = [
        PreStage("composer", "composer", "COMPOSER_IMAGE", "Composer, copied into the PHP image."),
        PreStage("php-runtime", "fpm", "PHP_FPM_IMAGE",
                 "PHP-FPM of the same PHP: deploy collects its files.",
                 (*ext, *_runtime_runs(app.port)), collects=True),
    ]  # fmt: skip
    manifests = [f"{m}/" if files.is_dir(m) else m for m in app.manifests]
    composer = bool(manager.install_all)
    if not composer:  # plain PHP files: no Composer, nothing installed, no autoloader
        pre = pre[1:]
    fpm = [FPM, "--nodaemonize", "--php-ini", INI, "--fpm-config", CONF]
    entrypoint = fpm
    note: tuple[str, ...] = ("FPM_LISTEN is where FastCGI is served (0.0.0.0:PORT in a pod).",)
    build = production if composer else []
    if composer and symfony(files):
        build = [*build, Run(("touch .env",), (), (
            "Symfony's Dotenv needs the file it loads; an empty one, so every value (APP_ENV",
            "too) comes from the environment at run time.",
        ))]  # fmt: skip
    if composer and laravel(files):
        entrypoint = [PHP, "-r", LARAVEL_START, "--", *fpm]
        note = (*note, "Laravel: config:cache from the run-time environment, then exec FPM.")
    for title, dirs, own in writable(files, language) if composer else []:
        owned = Run(
            (f"mkdir -p {' '.join(dirs)}", f"chown -R {UID} {' '.join(own)}"),
            (),
            (f"What {title} writes at run time belongs to deploy's user.",),
        )
        build = [*build, owned]
    return Plan(
        workdir="/app",
        toolchain_note="PHP's CLI with Composer (build, ci, dev).",
        deploy_note="deploy runtime: distroless/base (glibc, CA certificates, nonroot) + php-fpm.",
        pre_stages=pre,
        deps_copies=(
            [Copy("/usr/bin/composer", "/usr/local/bin/composer", "composer")] if composer else []
        ),
        manifests=manifests,
        deps_setup=ext,
        deps_all=install if composer else [],
        prepare=autoload if composer else [],
        build=build,
        deploy_kind="native",
        deploy_copies=[Copy("/out/", "/", "php-runtime"), Copy("/app", "/app", "build")],
        deploy_env={"PHP_INI_SCAN_DIR": SCAN, "FPM_LISTEN": str(app.port)},
        deploy_workdir="/app",
        entrypoint=entrypoint,
        entrypoint_note=note,
        ci_cmd=test_argv(app.test or language.no_tests),
        dev_cmd=["php", "-S", f"0.0.0.0:{app.port}", "-t", app.main or "."],
    )


def skip_top(spec: Spec) -> str:
    """What the static copy leaves out at the top of the document root when that is /app."""
    return SKIP_TOP if docroot(spec) == "/app" else ""


def docroot(spec: Spec) -> str:
    return "/app" if spec.app.main in ("", ".") else f"/app/{spec.app.main}"


def nginx_conf(spec: Spec, listen: str, fpm: str) -> list[str]:
    """nginx's server block: files from the shared volume, everything else to index.php (the
    front controller) through PHP-FPM at ``fpm``."""
    root = docroot(spec)
    # A Composer project has one front controller: only index.php runs (a test script or a
    # vendor file under the document root never does). Plain PHP sites run their pages.
    front = spec.app.package_manager != "none"
    scripts = "location = /index.php" if front else "location ~ \\.php$"
    return [
        "# nginx in front of PHP-FPM (compose.yaml mounts it as conf.d/default.conf).",
        "server {",
        f"    listen {listen};",
        f"    root {NGINX_ROOT};",
        "    location / {",
        "        try_files $uri /index.php$is_args$args;",
        "    }",
        *(["    location ~ \\.php$ {", "        return 404;", "    }"] if front else []),
        f"    {scripts} {{",
        "        include fastcgi_params;",
        f"        fastcgi_pass {fpm};",
        f"        fastcgi_param SCRIPT_FILENAME {root}$fastcgi_script_name;",
        f"        fastcgi_param DOCUMENT_ROOT {root};",
        "    }",
        "}",
    ]


def extra_files(spec: Spec) -> dict[str, list[str]]:
    return {NGINX_CONF: nginx_conf(spec, "80", f"local:{spec.app.port}")}


# Run by the static service with the deploy image's php: the public files (not the scripts)
# into the volume nginx serves.
# Never copied: scripts and includes (.php, .phtml, .inc), dotfiles (.htaccess, .env), and, where
# the document root is the project itself, what belongs to the build (SKIP_TOP).
COPY_PUBLIC = (
    "$s=getenv('PUBLIC_DIR');$d='/static';$k=array_filter(explode(',',getenv('SKIP_TOP')));"
    "$i=new RecursiveIteratorIterator(new RecursiveDirectoryIterator($s,"
    "FilesystemIterator::SKIP_DOTS),RecursiveIteratorIterator::SELF_FIRST);"
    "foreach($i as $f){$r=substr($f->getPathname(),strlen($s)+1);$p=explode('/',$r);"
    "if(in_array($p[0],$k,true)||preg_match('#(^|/)\\.#',$r)"
    "||preg_match('/\\.(php|phtml|inc)$/i',$r)){continue;}"
    "$t=$d.'/'.$r;if($f->isDir()){@mkdir($t,0755,true);}else{@mkdir(dirname($t),0755,true);"
    "copy($f,$t);}}"
)
SKIP_TOP = "vendor,tests,test,src,var,storage,node_modules,composer.json,composer.lock"


def compose_services(spec: Spec, upstream_nginx: str) -> tuple[list[str], list[str]]:
    """compose.yaml's extra services (static, web) and its top-level volumes."""
    q = compose_string
    services = [
        "  # Copies the public files into the volume nginx serves, then exits.",
        "  static:",
        f"    image: {q(spec.tag('local'))}",
        '    user: "0:0"',
        f'    entrypoint: [{q(PHP)}, "-r", {q(COPY_PUBLIC)}]',
        "    environment:",
        f"      PUBLIC_DIR: {q(docroot(spec))}",
        f"      SKIP_TOP: {q(skip_top(spec))}",
        "    volumes:",
        '      - "public:/static"',
        "  web:",
        f"    image: {q(upstream_nginx)}",
        "    depends_on:",
        "      static:",
        '        condition: "service_completed_successfully"',
        "      local:",
        '        condition: "service_started"',
        "    volumes:",
        f"      - {q('public:' + NGINX_ROOT + ':ro')}",
        f"      - {q('./' + NGINX_CONF + ':/etc/nginx/conf.d/default.conf:ro')}",
        "    ports:",
        '      - "127.0.0.1:8080:80"',
    ]
    return services, ["volumes:", "  public: {}"]


__all__ = ["compose_services", "detect", "extra_files", "path_repositories", "plan"]
