<?php

use CodeIgniter\Router\RouteCollection;

/**
 * @var RouteCollection $routes
 */
$routes->get('/', 'Home::index');
$routes->get('healthz', 'Home::healthz');
$routes->get('tickets', 'Tickets::index');
