<?php
function render_page(string $title, string $body): string {
    return "<!doctype html><html><head><title>$title</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><h1>$title</h1><p>$body</p></body></html>";
}
