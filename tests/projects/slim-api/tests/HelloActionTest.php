<?php

declare(strict_types=1);

namespace Tests;

use PHPUnit\Framework\TestCase;

final class HelloActionTest extends TestCase
{
    public function testClassExists(): void
    {
        $this->assertTrue(class_exists(\App\HelloAction::class));
    }
}
