import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const port = Number(process.env.PORT) || 5000;
const server = serve({ fetch: createApp().fetch, port, hostname: '0.0.0.0' }, (info) => {
  console.log(`greeter-hono listening on http://0.0.0.0:${info.port}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
