<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Help desk</title></head>
<body><h1>Help desk</h1><p>Environment: <?= esc(ENVIRONMENT) ?></p></body>
</html>
