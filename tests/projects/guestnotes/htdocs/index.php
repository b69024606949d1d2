<?php
declare(strict_types=1);
require dirname(__DIR__) . '/vendor/autoload.php';

use Guestnotes\Config;
use Guestnotes\Notes;

$config = Config::fromEnvironment();
$notes = new Notes($config);
header('Content-Type: text/html; charset=utf-8');
echo '<link rel="stylesheet" href="/assets/site.css">';
echo '<h1>' . htmlspecialchars($config->appName) . '</h1>';
foreach ($notes->all() as $n) { echo '<p>' . htmlspecialchars($n) . '</p>'; }
