"""The PHP plug-in's extension handling on known inputs: which ext-* requirements need an
install, and the exact commands that install them."""

from __future__ import annotations

import pytest

from imagetailor.errors import UsageError
from imagetailor.languages import plugin
from imagetailor.languages.facts import Facts
from imagetailor.languages.php import extension_runs, extensions

PHP = plugin("php").data


def test_builtin_extensions_need_nothing_and_unknown_ones_are_noted() -> None:
    facts = Facts("php", "composer")
    require = {"php": "^8.2", "ext-json": "*", "ext-PDO": "*", "ext-intl": "*",
               "ext-redis": "*", "ext-frobnicate": "*", "monolog/monolog": "^3"}  # fmt: skip
    assert extensions(require, PHP, facts) == ["intl", "redis"]
    assert "ext-frobnicate: not an extension imagetailor installs (add it to php.toml)" in (
        facts.notes
    )


def test_extension_runs_install_build_packages_then_extensions() -> None:
    (run,) = extension_runs(["pdo_pgsql", "intl", "redis", "bcmath"], PHP)
    assert run.commands == (
        "apt-get update",
        "apt-get install -y --no-install-recommends libicu-dev libpq-dev",
        'docker-php-ext-install -j"$(nproc)" pdo_pgsql intl bcmath',
        "pecl install redis",
        "docker-php-ext-enable redis",
        "rm -rf /var/lib/apt/lists/*",
    )


def test_extensions_without_build_packages_skip_apt() -> None:
    (run,) = extension_runs(["bcmath", "pcntl"], PHP)
    assert run.commands == ('docker-php-ext-install -j"$(nproc)" bcmath pcntl',)
    assert extension_runs([], PHP) == []


def test_an_unknown_extension_in_tailor_toml_is_one_clear_error() -> None:
    with pytest.raises(UsageError, match=r"app\.native: 'x; rm -rf /' is not a PHP extension"):
        extension_runs(["x; rm -rf /"], PHP)
