<?php
declare(strict_types=1);
namespace Guestnotes;

final class Notes
{
    public function __construct(private Config $config) {}
    /** @return list<string> */
    public function all(): array { return ["Welcome to {$this->config->appName}", "db at {$this->config->dbHost}"]; }
}
