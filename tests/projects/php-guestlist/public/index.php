<?php

declare(strict_types=1);

require __DIR__ . '/../src/Guestlist.php';

use Acme\Guestlist\Guestlist;

$list = new Guestlist();
foreach (explode(',', getenv('GUESTS') ?: 'Ada,Grace,Linus') as $guest) {
    $list->add($guest);
}

header('Content-Type: text/html; charset=utf-8');
echo '<h1>Guests</h1><ul>';
foreach ($list->all() as $name) {
    echo '<li>' . htmlspecialchars($name, ENT_QUOTES) . '</li>';
}
echo '</ul>';
