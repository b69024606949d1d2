<?php

declare(strict_types=1);

namespace Greeting;

final class Greeter
{
    /** "GREETING, NAME!" with defaults for empty parts, HTML-escaped. */
    public static function greet(string $greeting, string $name): string
    {
        $greeting = trim($greeting) !== '' ? trim($greeting) : 'Hello';
        $name = trim($name) !== '' ? trim($name) : 'world';
        return htmlspecialchars("{$greeting}, {$name}!", ENT_QUOTES);
    }
}
