<?php

declare(strict_types=1);

require __DIR__ . '/../vendor/autoload.php';

use Acme\Money\Money;

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
header('Content-Type: application/json');
if ($path === '/healthz') {
    echo json_encode(['status' => 'ok', 'opcache' => function_exists('opcache_get_status')]);
    return;
}
$locale = getenv('MONEY_LOCALE') ?: 'de_DE';
$total = Money::total('19.99', '0.01', '5.00');
echo json_encode(['total' => $total, 'formatted' => Money::format($total, $locale, 'EUR')]);
