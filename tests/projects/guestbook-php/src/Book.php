<?php

namespace Guestbook;

final class Book
{
    /** @param list<string> $entries */
    public function __construct(private array $entries)
    {
    }

    public function render(): string
    {
        $items = array_map(fn ($e) => '<li>' . htmlspecialchars(trim($e), ENT_QUOTES) . '</li>', $this->entries);
        return '<ul>' . implode('', $items) . '</ul>';
    }
}
