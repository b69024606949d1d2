import { Hono } from 'hono';

export function createApp(env = process.env) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/', (c) => c.text(`${env.GREETING ?? 'Hello'}, ${c.req.query('name') ?? 'world'}!`));
  return app;
}
