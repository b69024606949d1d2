<?php

declare(strict_types=1);

namespace App;

use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;

final class HelloAction
{
    public function __invoke(ServerRequestInterface $request, ResponseInterface $response, array $args): ResponseInterface
    {
        $greeting = getenv('GREETING') ?: 'Hello';
        $response->getBody()->write(sprintf('%s, %s', $greeting, htmlspecialchars($args['name'])));
        return $response;
    }
}
