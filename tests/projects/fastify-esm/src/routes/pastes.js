import { randomUUID } from 'node:crypto';

export default async function pastes(app) {
  const store = new Map();

  app.post('/', {
    schema: {
      body: {
        type: 'object',
        required: ['text'],
        properties: { text: { type: 'string', maxLength: 10000 } },
      },
    },
  }, async (req, reply) => {
    const id = randomUUID();
    store.set(id, req.body.text);
    return reply.code(201).send({ id });
  });

  app.get('/:id', async (req, reply) => {
    if (!store.has(req.params.id)) return reply.code(404).send({ error: 'not found' });
    return { id: req.params.id, text: store.get(req.params.id) };
  });
}
