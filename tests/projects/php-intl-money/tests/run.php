<?php

declare(strict_types=1);

require __DIR__ . '/../vendor/autoload.php';

use Acme\Money\Money;

$failures = 0;
$check = function (string $name, bool $ok) use (&$failures): void {
    echo ($ok ? 'ok' : 'FAILED') . " - $name\n";
    $failures += $ok ? 0 : 1;
};
$check('bcmath adds exactly', Money::total('0.10', '0.20') === '0.30');
$check('intl formats euros', str_contains(Money::format('25.00', 'de_DE', 'EUR'), '25,00'));
echo $failures === 0 ? "# all passed\n" : "# $failures failed\n";
exit($failures === 0 ? 0 : 1);
