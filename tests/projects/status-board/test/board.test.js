const test = require('node:test');
const assert = require('node:assert/strict');
const { app, render } = require('../app');

test('render lists services', () => {
  const html = render(['api', '<x>']);
  assert.match(html, /<li>api: up<\/li>/);
  assert.match(html, /<li>x: up<\/li>/);
});

test('healthz answers', async () => {
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/healthz`);
    assert.deepEqual(await res.json(), { ok: true });
  } finally {
    server.close();
  }
});
