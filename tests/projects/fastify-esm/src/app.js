import Fastify from 'fastify';
import pastes from './routes/pastes.js';

export function buildApp(opts = {}) {
  const app = Fastify(opts);
  app.get('/health', async () => ({ status: 'ok' }));
  app.register(pastes, { prefix: '/pastes' });
  return app;
}
