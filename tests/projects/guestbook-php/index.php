<?php

require __DIR__ . '/vendor/autoload.php';

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
if ($path === '/healthz') {
    header('Content-Type: application/json');
    echo json_encode(['status' => 'ok']);
    return;
}
$book = new Guestbook\Book(explode(',', getenv('GUESTBOOK_SEED') ?: 'Ada,Grace'));
echo $book->render();
