<?php

declare(strict_types=1);

namespace App;

use Greeting\Greeter;

final class App
{
    /** @return array{int, string, string} status, content type, body */
    public static function handle(string $path, array $query, array $env): array
    {
        if ($path === '/healthz') {
            return [200, 'application/json', json_encode(['status' => 'ok'])];
        }
        if ($path === '/' || $path === '/index.php') {
            $text = Greeter::greet((string) ($env['GREETING'] ?? ''), (string) ($query['name'] ?? ''));
            return [200, 'text/html; charset=utf-8', "<!doctype html><link rel=stylesheet href=/css/site.css><h1>{$text}</h1>"];
        }
        return [404, 'text/plain', "not found\n"];
    }
}
