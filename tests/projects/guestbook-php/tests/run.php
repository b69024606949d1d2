<?php
require __DIR__ . '/../vendor/autoload.php';
$html = (new Guestbook\Book(['<x>', 'Bo']))->render();
$ok = $html === '<ul><li>&lt;x&gt;</li><li>Bo</li></ul>';
echo ($ok ? 'ok' : 'not ok') . " - entries are escaped\n";
exit($ok ? 0 : 1);
