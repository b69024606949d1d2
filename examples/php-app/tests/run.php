<?php

declare(strict_types=1);

// A dependency-free test runner (phpunit lives on Packagist, which the examples do not need).
require __DIR__ . '/../vendor/autoload.php';

$failures = 0;
$check = function (string $name, bool $ok) use (&$failures): void {
    echo ($ok ? 'ok' : 'not ok') . " - {$name}\n";
    $failures += $ok ? 0 : 1;
};

[$status, , $body] = App\App::handle('/healthz', [], []);
$check('health answers ok', $status === 200 && json_decode($body, true) === ['status' => 'ok']);
[, , $body] = App\App::handle('/', ['name' => '<b>Ada</b>'], ['GREETING' => 'Hi']);
$check('greeting is escaped', str_contains($body, 'Hi, &lt;b&gt;Ada&lt;/b&gt;!'));
[$status] = App\App::handle('/nope', [], []);
$check('unknown path is 404', $status === 404);
$check('default greeting', Greeting\Greeter::greet('', '') === 'Hello, world!');

echo $failures === 0 ? "# all passed\n" : "# {$failures} failed\n";
exit($failures === 0 ? 0 : 1);
