<?php

declare(strict_types=1);

require __DIR__ . '/../vendor/autoload.php';

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
[$status, $type, $body] = App\App::handle($path, $_GET, ['GREETING' => getenv('GREETING') ?: '']);
http_response_code($status);
header("Content-Type: {$type}");
echo $body;
