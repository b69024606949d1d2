'use strict';
const { createApp } = require('./app');

const port = Number.parseInt(process.env.PORT || '8080', 10);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const greeting = process.env.GREETING || 'Hello from node-app';

const server = createApp(greeting);
server.listen(port, () => console.log(`node-app listening on :${port}`));
// Containers stop with SIGTERM; close cleanly instead of being killed after the grace period.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Node 18 would otherwise wait for idle keep-alive connections to time out.
    server.closeIdleConnections();
  });
}
