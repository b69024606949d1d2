<?php

declare(strict_types=1);

use Acme\Guestlist\Guestlist;
use PHPUnit\Framework\TestCase;

final class GuestlistTest extends TestCase
{
    public function testNamesAreSorted(): void
    {
        $list = new Guestlist();
        $list->add('Zoe');
        $list->add('Amy');
        $this->assertSame(['Amy', 'Zoe'], $list->all());
    }

    public function testEmptyNameIsRejected(): void
    {
        $this->expectException(InvalidArgumentException::class);
        (new Guestlist())->add('  ');
    }
}
