<?php
declare(strict_types=1);
namespace Guestnotes;

final class Config
{
    public function __construct(
        public readonly string $appName,
        public readonly string $dbHost,
        public readonly string $dbUser,
        public readonly string $dbPassword,
    ) {}

    public static function fromEnvironment(): self
    {
        return new self(
            $_ENV['APP_NAME'] ?? getenv('APP_NAME') ?: 'Guest notes',
            getenv('DB_HOST') ?: 'localhost',
            getenv('DB_USER') ?: 'guest',
            getenv('DB_PASSWORD') ?: '',
        );
    }
}
