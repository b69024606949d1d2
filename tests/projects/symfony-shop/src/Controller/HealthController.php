<?php

namespace App\Controller;

use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\Routing\Attribute\Route;

final class HealthController
{
    #[Route('/healthz')]
    public function __invoke(): JsonResponse
    {
        return new JsonResponse(['status' => 'ok', 'shop' => $_ENV['SHOP_NAME'] ?? 'shop']);
    }
}
