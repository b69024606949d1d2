<?php

namespace App\Controllers;

use CodeIgniter\HTTP\ResponseInterface;

class Tickets extends BaseController
{
    public function index(): ResponseInterface
    {
        // Cached in writable/cache for a minute (the file cache handler).
        $tickets = cache()->remember('tickets', 60, static fn () => [
            ['id' => 1, 'subject' => 'Printer on fire'],
            ['id' => 2, 'subject' => 'VPN drops every hour'],
        ]);

        return $this->response->setJSON($tickets);
    }
}
