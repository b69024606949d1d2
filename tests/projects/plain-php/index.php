<?php
// A single-file PHP page, as the PHP manual's first tutorial writes one.
$visitor = htmlspecialchars($_GET['name'] ?? 'visitor', ENT_QUOTES);
$motd = getenv('MOTD') ?: 'Welcome';
if (($_SERVER['REQUEST_URI'] ?? '/') === '/healthz') {
    header('Content-Type: application/json');
    echo json_encode(['status' => 'ok']);
    return;
}
?>
<!doctype html>
<title>plain-php</title>
<link rel="stylesheet" href="/style.css">
<h1><?= $motd ?>, <?= $visitor ?>!</h1>
<p>PHP <?= PHP_VERSION ?></p>
