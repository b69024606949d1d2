<?php
require __DIR__ . '/../lib/render.php';
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if ($path === '/health') { header('Content-Type: text/plain'); echo "ok\n"; exit; }
echo render_page('Webroot', 'Served from web/ for ' . htmlspecialchars($path));
