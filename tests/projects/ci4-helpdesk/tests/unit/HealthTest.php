<?php

use CodeIgniter\Test\CIUnitTestCase;
use CodeIgniter\Test\FeatureTestTrait;

/**
 * @internal
 */
final class HealthTest extends CIUnitTestCase
{
    use FeatureTestTrait;

    public function testHealthz(): void
    {
        $result = $this->get('healthz');

        $result->assertStatus(200);
        $result->assertSee('ok');
    }
}
