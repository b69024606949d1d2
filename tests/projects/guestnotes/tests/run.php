<?php
require dirname(__DIR__) . '/vendor/autoload.php';
$c = new Guestnotes\Config('T', 'h', 'u', 'p');
$n = new Guestnotes\Notes($c);
if (count($n->all()) !== 2) { fwrite(STDERR, "FAIL\n"); exit(1); }
echo "OK 1 test\n";
