<?php

declare(strict_types=1);

namespace Acme\Guestlist;

final class Guestlist
{
    /** @var list<string> */
    private array $names = [];

    public function add(string $name): void
    {
        $name = trim($name);
        if ($name === '') {
            throw new \InvalidArgumentException('name must not be empty');
        }
        $this->names[] = $name;
    }

    /** @return list<string> */
    public function all(): array
    {
        $sorted = $this->names;
        sort($sorted);
        return $sorted;
    }
}
