'use strict';
const { createServer } = require('./lib/server');

const PORT = parseInt(process.env.PORT, 10) || 4000;
const server = createServer().listen(PORT, () => {
  console.log(`todo-koa listening on ${PORT}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
