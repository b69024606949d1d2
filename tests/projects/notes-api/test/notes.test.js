const { test } = require('node:test');
const assert = require('node:assert/strict');
const { createApp } = require('../src/app');

async function start() {
  const server = createApp().listen(0);
  await new Promise((r) => server.once('listening', r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

test('creates and lists notes', async () => {
  const { server, base } = await start();
  try {
    const res = await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'buy milk' }),
    });
    assert.equal(res.status, 201);
    assert.deepEqual(await (await fetch(`${base}/notes`)).json(), [{ id: 1, text: 'buy milk' }]);
  } finally {
    server.close();
  }
});

test('rejects an empty note', async () => {
  const { server, base } = await start();
  try {
    const res = await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: ' ' }),
    });
    assert.equal(res.status, 400);
  } finally {
    server.close();
  }
});

test('escapes note text in the HTML page', async () => {
  const { server, base } = await start();
  try {
    await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '<script>' }),
    });
    assert.match(await (await fetch(base)).text(), /&lt;script&gt;/);
  } finally {
    server.close();
  }
});
